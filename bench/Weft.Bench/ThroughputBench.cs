using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Store.Etcd;

namespace Weft.Bench;

/// <summary>
/// iperf3 single-stream TCP, pod to pod through Weft against the bare kernel path between two namespaces:
/// on one node against a raw veth pair, across nodes against a raw VXLAN link between two node namespaces,
/// each baseline with the pods' MTU. Client and server pinned to different CPUs; the first second is omitted.
/// </summary>
internal static class ThroughputBench
{
    private const int Seconds = 5;

    public static async Task RunAsync(int reps)
    {
        Console.WriteLine($"## Pod-to-pod TCP throughput (iperf3, 1 stream, {Seconds} s, {reps} rounds ABAB)");
        await using var lab = await BenchLab.UpAsync(2, "vxlan");
        var pods = await StartPodsAsync(lab);
        var prefix = "weftbench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        try
        {
            var mtu = 1500 - 50;
            var (vethA, vethB) = RawVeth(prefix, mtu);
            var (vxA, vxB) = RawVxlan(lab, mtu);
            var (hpA, hpB) = HandBuiltPods(lab, prefix, mtu);
            var (hsA, hsB) = HandBuiltSameNode(lab, prefix, mtu);
            var same = new List<double>[2] { [], [] };
            var samePods = new List<double>[2] { [], [] };
            var cross = new List<double>[2] { [], [] };
            var crossPods = new List<double>[2] { [], [] };
            for (var r = 0; r < reps; r++)
            {
                same[0].Add(await IperfAsync(pods["a"].ns, pods["b"].ns, pods["b"].ip));
                same[1].Add(await IperfAsync(vethA, vethB, IPAddress.Parse("10.250.0.2")));
                samePods[0].Add(same[0][^1]);
                samePods[1].Add(await IperfAsync(hsA, hsB, IPAddress.Parse("10.253.2.2")));
                cross[0].Add(await IperfAsync(pods["a"].ns, pods["c"].ns, pods["c"].ip));
                cross[1].Add(await IperfAsync(vxA, vxB, IPAddress.Parse("10.251.0.2")));
                crossPods[0].Add(cross[0][^1]);
                crossPods[1].Add(await IperfAsync(hpA, hpB, IPAddress.Parse("10.252.2.2")));
            }
            Report("same node: Weft pods vs raw veth pair", same);
            Report("same node: Weft pods vs hand-built pods behind veths on one node (same hops)", samePods);
            Report("across nodes: Weft VXLAN vs raw VXLAN link between the node namespaces", cross);
            Report("across nodes: Weft VXLAN vs hand-built pod-to-pod VXLAN (same veths and hops)", crossPods);
        }
        finally
        {
            foreach (var ns in NetNamespace.List().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
            {
                NetNamespace.Delete(ns);
            }
        }
    }

    private static void Report(string what, List<double>[] gbps)
    {
        var ratios = gbps[0].Zip(gbps[1], (a, b) => a / b).ToList();
        Console.WriteLine($"| {what} | Weft {Stats.Median(gbps[0]):0.00} Gbit/s ({gbps[0].Min():0.00}–{gbps[0].Max():0.00}) | baseline {Stats.Median(gbps[1]):0.00} Gbit/s ({gbps[1].Min():0.00}–{gbps[1].Max():0.00}) | ratio {Stats.RatioRange(ratios)} |");
    }

    private static async Task<Dictionary<string, (NetNamespace ns, IPAddress ip)>> StartPodsAsync(BenchLab lab)
    {
        await using var store = EtcdStore.Connect(lab.Paths.StoreEndpoint);
        foreach (var (name, node) in new[] { ("a", "node1"), ("b", "node1"), ("c", "node2") })
        {
            await store.CreateAsync(new Resource
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta { Name = name, Namespace = "default" },
                Body = new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) } },
            });
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (LabController.Sandboxes(lab.Paths).Count < 3)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("bench pods did not start");
            }
            await Task.Delay(100);
        }
        return LabController.Sandboxes(lab.Paths).ToDictionary(s => s.Name,
            s => (NetNamespace.Open(NetNamespace.PathOf(s.NetnsName)), IPAddress.Parse(s.Ips[0])));
    }

    private static (NetNamespace, NetNamespace) RawVeth(string prefix, int mtu)
    {
        var a = NetNamespace.Create(prefix + "-va");
        var b = NetNamespace.Create(prefix + "-vb");
        using (var ra = a.Run(RtNetlink.Open))
        {
            ra.CreateVeth("eth0", "eth0", b.Handle, mtu);
            Up(ra, "eth0", IPAddress.Parse("10.250.0.1"), 24);
        }
        using (var rb = b.Run(RtNetlink.Open))
        {
            Up(rb, "eth0", IPAddress.Parse("10.250.0.2"), 24);
        }
        return (a, b);
    }

    /// <summary>
    /// A hand-built VXLAN link between the lab's two node namespaces, over the same underlay (and fabric
    /// bridge) Weft uses, so the only difference left is Weft's part: pod veths and forwarding.
    /// </summary>
    private static (NetNamespace, NetNamespace) RawVxlan(BenchLab lab, int mtu)
    {
        var nodes = new[] { "node1", "node2" }.Select(n => NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns(n)))).ToArray();
        for (var i = 1; i <= 2; i++)
        {
            using var rt = nodes[i - 1].Run(RtNetlink.Open);
            var under = LabSpec.NodeIPv4(i);
            var remote = LabSpec.NodeIPv4(3 - i);
            rt.CreateVxlan("wbvx0", 42, under, rt.GetLink("eth0")!.Index, 4790, mtu, [0x0e, 0, 0, 0, 0, (byte)i], learning: false);
            Up(rt, "wbvx0", IPAddress.Parse($"10.251.0.{i}"), 24);
            var vx = rt.GetLink("wbvx0")!.Index;
            rt.ReplaceNeighbor(vx, IPAddress.Parse($"10.251.0.{3 - i}"), [0x0e, 0, 0, 0, 0, (byte)(3 - i)], permanent: true);
            rt.ReplaceFdb(vx, [0x0e, 0, 0, 0, 0, (byte)(3 - i)], remote);
        }
        return (nodes[0], nodes[1]);
    }

    /// <summary>
    /// The same topology as Weft's, wired by hand: a namespace per "pod" behind a veth on each lab node,
    /// static routes over the raw VXLAN link. What the kernel itself costs for two pod hops and forwarding.
    /// </summary>
    private static (NetNamespace, NetNamespace) HandBuiltPods(BenchLab lab, string prefix, int mtu)
    {
        var pods = new NetNamespace[2];
        for (var i = 1; i <= 2; i++)
        {
            using var node = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns($"node{i}")));
            var pod = pods[i - 1] = NetNamespace.Create($"{prefix}-hp{i}");
            using var rn = node.Run(RtNetlink.Open);
            rn.CreateVeth($"wbp{i}", "eth0", pod.Handle, mtu);
            Up(rn, $"wbp{i}", IPAddress.Parse($"10.252.{i}.1"), 24);
            rn.ReplaceRoute(new RouteSpec(IPNetwork.Parse($"10.252.{3 - i}.0/24"), IPAddress.Parse($"10.251.0.{3 - i}"),
                rn.GetLink("wbvx0")!.Index, 4, RouteScope.Universe, OnLink: false));
            using var rp = pod.Run(RtNetlink.Open);
            Up(rp, "eth0", IPAddress.Parse($"10.252.{i}.2"), 24);
            rp.ReplaceRoute(new RouteSpec(IPNetwork.Parse("0.0.0.0/0"), IPAddress.Parse($"10.252.{i}.1"),
                rp.GetLink("eth0")!.Index, 4, RouteScope.Universe, OnLink: false));
        }
        return (pods[0], pods[1]);
    }

    /// <summary>Two namespaces behind veths on lab node1, routed by the node: the kernel's cost of Weft's same-node topology.</summary>
    private static (NetNamespace, NetNamespace) HandBuiltSameNode(BenchLab lab, string prefix, int mtu)
    {
        using var node = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
        using var rn = node.Run(RtNetlink.Open);
        var pods = new NetNamespace[2];
        for (var i = 1; i <= 2; i++)
        {
            var pod = pods[i - 1] = NetNamespace.Create($"{prefix}-hs{i}");
            rn.CreateVeth($"wbs{i}", "eth0", pod.Handle, mtu);
            Up(rn, $"wbs{i}", IPAddress.Parse($"10.253.{i}.1"), 24);
            using var rp = pod.Run(RtNetlink.Open);
            Up(rp, "eth0", IPAddress.Parse($"10.253.{i}.2"), 24);
            rp.ReplaceRoute(new RouteSpec(IPNetwork.Parse("0.0.0.0/0"), IPAddress.Parse($"10.253.{i}.1"),
                rp.GetLink("eth0")!.Index, 4, RouteScope.Universe, OnLink: false));
        }
        return (pods[0], pods[1]);
    }

    private static void Up(RtNetlink rt, string name, IPAddress ip, int prefix)
    {
        var link = rt.GetLink(name)!;
        rt.AddAddress(link.Index, ip, prefix);
        rt.SetUp(link.Index);
        rt.SetUp(rt.GetLink("lo")!.Index);
    }

    internal static async Task<double> IperfAsync(NetNamespace client, NetNamespace server, IPAddress ip)
    {
        using var srv = server.StartProcess(new ProcessStartInfo("iperf3", ["-s", "-1", "-A", "0", "-p", "5299"])
        { RedirectStandardOutput = true, UseShellExecute = false });
        await Task.Delay(300);
        using var cli = client.StartProcess(new ProcessStartInfo("iperf3",
            ["-c", ip.ToString(), "-p", "5299", "-t", Seconds.ToString(), "-O", "1", "-A", "1", "-J"])
        { RedirectStandardOutput = true, UseShellExecute = false });
        var json = await cli.StandardOutput.ReadToEndAsync();
        await cli.WaitForExitAsync();
        await srv.WaitForExitAsync();
        var bps = JsonNode.Parse(json)?["end"]?["sum_received"]?["bits_per_second"]?.GetValue<double>()
            ?? throw new InvalidOperationException("iperf3 gave no result: " + json[..Math.Min(400, json.Length)]);
        return bps / 1e9;
    }
}
