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
            var (vxA, vxB) = RawVxlan(prefix, mtu);
            var same = new List<double>[2] { [], [] };
            var cross = new List<double>[2] { [], [] };
            for (var r = 0; r < reps; r++)
            {
                same[0].Add(await IperfAsync(pods["a"].ns, pods["b"].ns, pods["b"].ip));
                same[1].Add(await IperfAsync(vethA, vethB, IPAddress.Parse("10.250.0.2")));
                cross[0].Add(await IperfAsync(pods["a"].ns, pods["c"].ns, pods["c"].ip));
                cross[1].Add(await IperfAsync(vxA, vxB, IPAddress.Parse("10.251.0.2")));
            }
            Report("same node: Weft pods vs raw veth pair", same);
            Report("across nodes: Weft VXLAN vs raw VXLAN link", cross);
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

    private static (NetNamespace, NetNamespace) RawVxlan(string prefix, int mtu)
    {
        var a = NetNamespace.Create(prefix + "-xa");
        var b = NetNamespace.Create(prefix + "-xb");
        using (var ra = a.Run(RtNetlink.Open))
        {
            ra.CreateVeth("eth0", "eth0", b.Handle, 1500);
        }
        var i = 0;
        foreach (var ns in new[] { a, b })
        {
            i++;
            using var rt = ns.Run(RtNetlink.Open);
            var under = IPAddress.Parse($"172.30.0.{i}");
            var remote = IPAddress.Parse($"172.30.0.{3 - i}");
            Up(rt, "eth0", under, 24);
            rt.CreateVxlan("vx0", 42, under, rt.GetLink("eth0")!.Index, 4789, mtu, [0x0e, 0, 0, 0, 0, (byte)i], learning: false);
            Up(rt, "vx0", IPAddress.Parse($"10.251.0.{i}"), 24);
            var vx = rt.GetLink("vx0")!.Index;
            rt.ReplaceNeighbor(vx, IPAddress.Parse($"10.251.0.{3 - i}"), [0x0e, 0, 0, 0, 0, (byte)(3 - i)], permanent: true);
            rt.ReplaceFdb(vx, [0x0e, 0, 0, 0, 0, (byte)(3 - i)], remote);
        }
        return (a, b);
    }

    private static void Up(RtNetlink rt, string name, IPAddress ip, int prefix)
    {
        var link = rt.GetLink(name)!;
        rt.AddAddress(link.Index, ip, prefix);
        rt.SetUp(link.Index);
        rt.SetUp(rt.GetLink("lo")!.Index);
    }

    private static async Task<double> IperfAsync(NetNamespace client, NetNamespace server, IPAddress ip)
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
