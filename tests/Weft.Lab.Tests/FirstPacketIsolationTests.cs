using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Linux.Netns;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// A pod made under a default-deny-ingress policy is isolated from its first packet: its sockets listen
/// before its interface exists, a flood to every address of the node's blocks runs across the CNI ADD, and
/// nothing may arrive. Deleting the policy must then let the same flood in, so the test can fail.
/// </summary>
[Collection("lab")]
public sealed class FirstPacketIsolationTests(ITestOutputHelper output)
{
    private const int Port = 80;

    [Fact]
    public async Task A_pod_added_under_default_deny_never_receives_a_denied_packet()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        var node = lab.Spec.NodeNames[0];
        await lab.EnsureNamespaceAsync("x");
        await lab.EnsureNamespaceAsync("y");
        var deny = await lab.Store.CreateAsync(ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = "deny-ingress", ["namespace"] = "x" },
            ["spec"] = new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
        }));
        await lab.ApplyPodAsync("y", "flooder", node);
        await lab.WaitRunningAsync(1);
        var flooder = LabController.Sandboxes(lab.Paths).Single(s => s.Namespace == "y");

        // The new pod: known to the store (so the agent finds its labels) but bound to a node the lab kubelet does not run.
        var name = "fresh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        await lab.Store.CreateAsync(TestPods.Pod("x", name, "not-a-lab-node", [Port], new() { ["app"] = "fresh" }));
        string netnsPath;
        using (var created = NetNamespace.Create(lab.Paths.NetnsPrefix + "pod-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5))))
        {
            // Only the bind mount may keep the netns alive, or DEL could not remove it with its veth.
            netnsPath = created.Path;
        }

        using var podNs = NetNamespace.Open(netnsPath);
        RunIp(podNs, "link set lo up");
        using var sink = new Sink(podNs);
        var targets = await BlockAddressesAsync(lab, node, exclude: flooder.Ips.Select(IPAddress.Parse));
        using var flood = new Flood(NetNamespace.Open(NetNamespace.PathOf(flooder.NetnsName)), targets);

        using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns(node)));
        var cni = new CniInvoker(nodeNs, lab.Paths.CniConfDir(node), Path.GetDirectoryName(LabBinaries.Cni)!);
        var attachment = new CniInvoker.Attachment(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), netnsPath, "eth0",
            $"IgnoreUnknown=1;K8S_POD_NAMESPACE=x;K8S_POD_NAME={name}");
        string? added = null;
        try
        {
            await Task.Delay(300);
            var sentBeforeAdd = flood.Sent;
            var adding = Stopwatch.StartNew();
            added = cni.Add(attachment);
            var addMs = adding.ElapsedMilliseconds;
            var sentDuringAdd = flood.Sent - sentBeforeAdd;
            await Task.Delay(1000);
            var podIp = IPAddress.Parse(JsonNode.Parse(added)!["ips"]![0]!["address"]!.GetValue<string>().Split('/')[0]);
            var (udpDenied, tcpDenied, sentDenied) = (sink.Datagrams, sink.Accepted, flood.Sent);
            output.WriteLine($"pod {podIp}; flood to {targets.Count} addresses: {sentBeforeAdd} packets before ADD, {sentDuringAdd} during ADD ({addMs} ms), " +
                $"{sentDenied} by 1 s after it ({flood.Datagrams} UDP, {flood.Syns} SYN so far); received under the policy: {udpDenied} datagrams, {tcpDenied} connections");
            Assert.Contains(podIp, targets);
            Assert.True(sentDenied - sentBeforeAdd > 1000, $"the flood sent only {sentDenied - sentBeforeAdd} packets across the ADD");
            Assert.True(udpDenied == 0 && tcpDenied == 0,
                $"{udpDenied} UDP datagrams and {tcpDenied} TCP connections reached {podIp} under default-deny\n{lab.LogTail()}");

            // Control: the same flood gets in once the policy is gone.
            var opened = Stopwatch.StartNew();
            await lab.Store.DeleteAsync(deny.Key);
            while ((sink.Datagrams == 0 || sink.Accepted == 0) && opened.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(20);
            }
            output.WriteLine($"after the policy was deleted ({opened.ElapsedMilliseconds} ms): {sink.Datagrams} datagrams, {sink.Accepted} connections; {flood.Sent} packets sent in all");
            Assert.True(sink.Datagrams > 0 && sink.Accepted > 0,
                $"without the policy the flood still did not reach {podIp}: {sink.Datagrams} datagrams, {sink.Accepted} connections\n{lab.LogTail()}");
        }
        finally
        {
            flood.Stop();
            if (added is not null)
            {
                cni.Del(attachment, added);
            }
            NetNamespace.Delete(Path.GetFileName(netnsPath));
        }
    }

    /// <summary>Every address of the IPv4 blocks the node owns, but the flooder's own.</summary>
    private static async Task<List<IPAddress>> BlockAddressesAsync(LabHandle lab, string node, IEnumerable<IPAddress> exclude)
    {
        var skip = exclude.ToHashSet();
        var addresses = new List<IPAddress>();
        foreach (var block in (await lab.Store.ListAsync(ResourceType.IPBlock)).Items)
        {
            var spec = block.Spec!;
            var net = IPNetwork.Parse((string)spec["cidr"]!);
            if ((string?)spec["nodeName"] != node || net.BaseAddress.AddressFamily != AddressFamily.InterNetwork)
            {
                continue;
            }
            var first = BitConverter.ToUInt32([.. net.BaseAddress.GetAddressBytes().Reverse()]);
            for (uint i = 0; i < 1u << (32 - net.PrefixLength); i++)
            {
                var ip = new IPAddress(BitConverter.GetBytes(first + i).Reverse().ToArray());
                if (!skip.Contains(ip))
                {
                    addresses.Add(ip);
                }
            }
        }
        Assert.True(addresses.Count > 0, $"no IPv4 IPBlock for {node} in the store");
        return addresses;
    }

    private static void RunIp(NetNamespace ns, string args)
    {
        using var p = ns.StartProcess(new ProcessStartInfo("ip", args) { UseShellExecute = false });
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
