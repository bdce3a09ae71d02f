using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netns;

namespace Weft.Bench;

/// <summary>
/// The peer of the bandwidth bench: the reference `bridge` + `host-local` plugins chained with the reference
/// `bandwidth` plugin, run by the lab's invoker from a throwaway "node" namespace, each pod in its own
/// namespace on one bridge. Limits reach the plugin as containerd sends them (runtimeConfig, rates in bit/s,
/// bursts of MaxUint32 bits when the pod sets none). Everything it made is removed on dispose.
/// </summary>
internal sealed class BandwidthPeer : IDisposable
{
    /// <summary>containerd's burst when the pod has no burst annotation: MaxUint32 bits (multicluster-egress-qos.md §4.1).</summary>
    public const long ContainerdDefaultBurstBits = uint.MaxValue;

    public sealed record Pod(string Tag, NetNamespace Ns, string Ip);

    private readonly string _prefix;
    private readonly DirectoryInfo _dir;
    private readonly NetNamespace _nodeNs;
    private readonly CniInvoker _cni;
    private readonly List<(Pod Pod, CniInvoker.Attachment A, string Result)> _pods = [];

    public BandwidthPeer(string prefix, int mtu)
    {
        _prefix = prefix;
        _dir = Directory.CreateTempSubdirectory(prefix + "-");
        File.WriteAllText(Path.Combine(_dir.FullName, "10-peer.conflist"), Conflist(mtu, Path.Combine(_dir.FullName, "ipam")).ToJsonString());
        _nodeNs = NetNamespace.Create(prefix);
        _cni = new CniInvoker(_nodeNs, _dir.FullName, "/usr/lib/cni");
    }

    /// <summary>Starts a pod; <paramref name="bitsPerSecond"/> limits both directions, null leaves it unlimited.</summary>
    public Pod AddPod(string tag, long? bitsPerSecond)
    {
        var nsName = $"{_prefix}-{tag}";
        var ns = NetNamespace.Create(nsName);
        // What containerd's CRI offers the bandwidth capability for a pod with both annotations and no burst.
        var runtimeConfig = bitsPerSecond is not { } rate ? null : new JsonObject
        {
            ["bandwidth"] = new JsonObject
            {
                ["IngressRate"] = rate,
                ["IngressBurst"] = ContainerdDefaultBurstBits,
                ["EgressRate"] = rate,
                ["EgressBurst"] = ContainerdDefaultBurstBits,
            },
        };
        var a = new CniInvoker.Attachment(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), NetNamespace.PathOf(nsName), "eth0",
            $"IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME={tag}", runtimeConfig);
        var result = _cni.Add(a);
        var address = JsonNode.Parse(result)?["ips"]?[0]?["address"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"peer pod {tag}: CNI result has no ips[0].address: {result}");
        var pod = new Pod(tag, ns, address.Split('/')[0]);
        _pods.Add((pod, a, result));
        return pod;
    }

    /// <summary>The node's qdiscs as tc prints them, to show the burst the reference plugin configured.</summary>
    public string DescribeQdiscs() => BandwidthBench.Tc(_prefix);

    public void Dispose()
    {
        foreach (var (pod, a, result) in _pods)
        {
            Try(() => _cni.Del(a, result));
            pod.Ns.Dispose();
            Try(() => NetNamespace.Delete($"{_prefix}-{pod.Tag}"));
        }
        _nodeNs.Dispose();
        foreach (var ns in NetNamespace.List().Where(n => n.StartsWith(_prefix, StringComparison.Ordinal)))
        {
            Try(() => NetNamespace.Delete(ns));
        }
        Try(() => _dir.Delete(recursive: true));
    }

    private static void Try(Action cleanup)
    {
        try
        {
            cleanup();
        }
        catch (Exception e) when (e is IOException or CniInvocationException or SystemException)
        {
            // Keep removing the rest; the node namespace's deletion takes its bridge and IFBs along.
            Console.Error.WriteLine($"bandwidth peer cleanup: {e.Message}");
        }
    }

    /// <summary>bridge + host-local, then bandwidth declaring its capability, as a Kubernetes node's conflist chains them.</summary>
    private static JsonObject Conflist(int mtu, string ipamDir) => new()
    {
        ["cniVersion"] = "1.0.0",
        ["name"] = "wbbwpeer",
        ["plugins"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = "wbbw0",
                ["isGateway"] = true,
                ["ipMasq"] = false,
                ["mtu"] = mtu,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "host-local",
                    ["dataDir"] = ipamDir,
                    ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = "10.224.0.0/24" })),
                    ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                },
            },
            new JsonObject { ["type"] = "bandwidth", ["capabilities"] = new JsonObject { ["bandwidth"] = true } }),
    };
}
