using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netns;

namespace Weft.Bench;

/// <summary>
/// CNI ADD and DEL wall-clock latency as a runtime sees it (exec of the plugin, stdin config, result),
/// Weft (weft-cni → agent) against the reference bridge + host-local plugins, both driven by the same
/// invoker from a node namespace, in alternating rounds.
/// </summary>
internal static class CniLatencyBench
{
    private const int PodsPerRound = 100;

    public static async Task RunAsync(int reps)
    {
        Console.WriteLine($"## CNI ADD/DEL latency ({reps} rounds × {PodsPerRound} pods each, ABAB)");
        await using var lab = await BenchLab.UpAsync(1, "routed");
        var peerHost = "weftbench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var peerDir = Directory.CreateTempSubdirectory("weftbench-");
        try
        {
            using var peerNs = NetNamespace.Create(peerHost);
            WritePeerConflist(peerDir.FullName);
            using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
            var weft = new CniInvoker(nodeNs, lab.Paths.CniConfDir("node1"), Path.GetDirectoryName(LabBinaries.Cni)!);
            var peer = new CniInvoker(peerNs, peerDir.FullName, "/usr/lib/cni");

            var rows = new List<(double addP50, double addP99, double delP50, double delP99)>[2] { [], [] };
            for (var r = 0; r < reps; r++)
            {
                rows[0].Add(Round(weft, lab.Paths.NetnsPrefix + "pod-b" + r));
                // Weft answers DEL before the kernel has finished removing the veth; let that work finish so it
                // is not charged to the peer's next round.
                await WaitNoPodVethsAsync(nodeNs);
                rows[1].Add(Round(peer, peerHost + "-p" + r));
            }
            Report("ADD p50", rows, x => x.addP50);
            Report("ADD p99", rows, x => x.addP99);
            Report("DEL p50", rows, x => x.delP50);
            Report("DEL p99", rows, x => x.delP99);
        }
        finally
        {
            foreach (var ns in NetNamespace.List().Where(n => n.StartsWith(peerHost, StringComparison.Ordinal)))
            {
                NetNamespace.Delete(ns);
            }
            peerDir.Delete(recursive: true);
        }
    }

    private static async Task WaitNoPodVethsAsync(NetNamespace nodeNs)
    {
        using var rt = nodeNs.Run(Weft.Linux.Netlink.RtNetlink.Open);
        while (rt.ListLinks().Any(l => l.Kind == "veth" && l.Name.StartsWith("weft", StringComparison.Ordinal)))
        {
            await Task.Delay(20);
        }
    }

    private static void Report(string what, List<(double, double, double, double)>[] rows, Func<(double addP50, double addP99, double delP50, double delP99), double> pick)
    {
        var w = rows[0].Select(pick).ToList();
        var p = rows[1].Select(pick).ToList();
        var ratios = w.Zip(p, (a, b) => a / b).ToList();
        Console.WriteLine($"| {what} | Weft {Stats.Median(w):0.00} ms ({w.Min():0.00}–{w.Max():0.00}) | bridge+host-local {Stats.Median(p):0.00} ms ({p.Min():0.00}–{p.Max():0.00}) | ratio {Stats.RatioRange(ratios)} |");
    }

    private static (double, double, double, double) Round(CniInvoker cni, string nsPrefix)
    {
        var adds = new List<double>();
        var dels = new List<double>();
        var pods = new List<(CniInvoker.Attachment a, string result, string ns)>();
        for (var i = 0; i < PodsPerRound; i++)
        {
            var name = $"{nsPrefix}-{i}";
            NetNamespace.Create(name).Dispose();
            var a = new CniInvoker.Attachment(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), NetNamespace.PathOf(name), "eth0",
                $"IgnoreUnknown=1;K8S_POD_NAMESPACE=bench;K8S_POD_NAME=p{i}");
            var sw = Stopwatch.StartNew();
            var result = cni.Add(a);
            adds.Add(sw.Elapsed.TotalMilliseconds);
            pods.Add((a, result, name));
        }
        foreach (var (a, result, ns) in pods)
        {
            var sw = Stopwatch.StartNew();
            cni.Del(a, result);
            dels.Add(sw.Elapsed.TotalMilliseconds);
            NetNamespace.Delete(ns);
        }
        return (Stats.Percentile(adds, 50), Stats.Percentile(adds, 99), Stats.Percentile(dels, 50), Stats.Percentile(dels, 99));
    }

    /// <summary>The peer's config as cni-real-clients.md ran it: a bridge with host-local IPAM.</summary>
    private static void WritePeerConflist(string dir)
    {
        var conf = new JsonObject
        {
            ["cniVersion"] = "1.0.0",
            ["name"] = "benchpeer",
            ["plugins"] = new JsonArray(new JsonObject
            {
                ["type"] = "bridge",
                ["bridge"] = "wbench0",
                ["isGateway"] = true,
                ["ipMasq"] = false,
                ["ipam"] = new JsonObject
                {
                    ["type"] = "host-local",
                    ["dataDir"] = Path.Combine(dir, "ipam"),
                    ["ranges"] = new JsonArray(new JsonArray(new JsonObject { ["subnet"] = "10.222.0.0/24" })),
                    ["routes"] = new JsonArray(new JsonObject { ["dst"] = "0.0.0.0/0" }),
                },
            }),
        };
        File.WriteAllText(Path.Combine(dir, "10-peer.conflist"), conf.ToJsonString());
    }
}
