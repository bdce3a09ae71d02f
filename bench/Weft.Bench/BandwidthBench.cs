using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Dataplane;
using Weft.Lab;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Store.Etcd;

namespace Weft.Bench;

/// <summary>
/// Per-pod bandwidth limits: Weft's annotations against the reference CNI `bandwidth` plugin as containerd
/// drives it (see <see cref="BandwidthPeer"/>), on the same machine in alternating rounds. Measures the
/// goodput against the limit in steady state and in the first second, that an unlimited pair of pods on the
/// node keeps its throughput while a limited neighbour is saturated, and how fast a live limit change lands.
/// </summary>
internal static partial class BandwidthBench
{
    private const string IngressKey = "kubernetes.io/ingress-bandwidth";
    private const string EgressKey = "kubernetes.io/egress-bandwidth";
    private const long Live10 = 10_000_000;
    private const long Live50 = 50_000_000;
    private static readonly (string Quantity, long Bps)[] Rates = [("10M", 10_000_000), ("50M", 50_000_000), ("200M", 200_000_000)];

    private sealed record Endpoint(NetNamespace Ns, string Ip);

    /// <param name="liveOnly">Only the live-change part (`bandwidth-live`), which needs no peer.</param>
    public static async Task RunAsync(int reps, bool liveOnly = false)
    {
        Console.WriteLine($"## Bandwidth limits (iperf3 TCP, 1 stream, {reps} rounds ABAB)");
        await using var lab = await BenchLab.UpAsync(1, "routed");
        await using var store = EtcdStore.Connect(lab.Paths.StoreEndpoint);
        var prefix = "wbbw" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var weft = await StartWeftPodsAsync(lab, store);
        using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
        using var nodeRt = nodeNs.Run(RtNetlink.Open);
        try
        {
            int mtu;
            using (var podRt = weft["par"].Ns.Run(RtNetlink.Open))
            {
                mtu = podRt.GetLink("eth0")!.Mtu;
            }
            using var peer = new BandwidthPeer(prefix, mtu);
            var peerPods = Rates.ToDictionary(r => r.Quantity, r => peer.AddPod(Tag(r.Quantity), r.Bps));
            var peerPar = peer.AddPod("par", null);
            Console.WriteLine($"pod MTU {mtu} on both sides. Weft node qdiscs:\n{Tc(lab.Paths.NodeNetns("node1"))}peer node qdiscs:\n{peer.DescribeQdiscs()}");

            if (!liveOnly)
            {
                await AccuracyAsync(reps, weft, r => new Endpoint(peerPods[r].Ns, peerPods[r].Ip), new Endpoint(peerPar.Ns, peerPar.Ip));
                await NeighbourAsync(reps, weft);
            }
            await LiveChangeAsync(store, nodeRt, lab.Paths.NodeNetns("node1"), weft["live"], weft["par"], HostVeth(lab, "live"));
            Console.WriteLine("The peer cannot change a running pod's limit: CNI ADD is not re-run, an annotation change needs a new pod.");
        }
        finally
        {
            foreach (var pod in weft.Values)
            {
                pod.Ns.Dispose();
            }
        }
    }

    /// <summary>One rate and direction: [0] Weft, [1] peer, one entry per round.</summary>
    private sealed class Row
    {
        public List<double>[] Steady { get; } = [[], []];
        public List<double>[] FirstSecond { get; } = [[], []];
        public List<double>[] RttMs { get; } = [[], []];
    }

    /// <summary>Steady state (-t 10 -O 3) and first second (-i 1 -t 5), per rate and direction, Weft and peer alternating.</summary>
    private static async Task AccuracyAsync(int reps, Dictionary<string, Endpoint> weft, Func<string, Endpoint> peerLimited, Endpoint peerPar)
    {
        var rows = Rates.SelectMany(r => new[] { true, false }.Select(into => (r.Quantity, into))).ToDictionary(k => k, _ => new Row());
        for (var r = 0; r < reps; r++)
        {
            foreach (var (q, bps) in Rates)
            {
                foreach (var into in new[] { true, false })
                {
                    var row = rows[(q, into)];
                    var sides = new[] { (weft[Tag(q)], weft["par"]), (peerLimited(q), peerPar) };
                    for (var side = 0; side < 2; side++)
                    {
                        var (goodput, rtt) = await SteadyAsync(sides[side].Item1, sides[side].Item2, into);
                        row.Steady[side].Add(goodput / bps);
                        row.RttMs[side].Add(rtt);
                    }
                    for (var side = 0; side < 2; side++)
                    {
                        row.FirstSecond[side].Add(await FirstSecondAsync(sides[side].Item1, sides[side].Item2, into) / bps);
                    }
                }
            }
        }
        Console.WriteLine("\n### Goodput / limit, steady state (-t 10 -O 3) and first 1 s interval (-i 1 -t 5, receiver side); sender's mean RTT in steady state");
        Console.WriteLine("| limit | direction | Weft steady | peer steady | Weft first second | peer first second | Weft RTT ms | peer RTT ms |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var ((q, into), row) in rows)
        {
            Console.WriteLine($"| {q} | {(into ? "into the pod" : "out of the pod")} | {Stats.RatioRange(row.Steady[0])} | {Stats.RatioRange(row.Steady[1])} | " +
                $"{Stats.RatioRange(row.FirstSecond[0])} | {Stats.RatioRange(row.FirstSecond[1])} | {Stats.Median(row.RttMs[0]):0.0} | {Stats.Median(row.RttMs[1]):0.0} |");
        }
    }

    /// <summary>Received bit/s and the sender's mean RTT in ms (the client always sends).</summary>
    private static async Task<(double Bps, double RttMs)> SteadyAsync(Endpoint limited, Endpoint partner, bool into)
    {
        var (client, server) = into ? (partner, limited) : (limited, partner);
        var (cli, _) = await IperfJsonAsync(client.Ns, server.Ns, server.Ip, 5311, "-t", "10", "-O", "3");
        var end = cli["end"];
        return (end?["sum_received"]?["bits_per_second"]?.GetValue<double>() ?? throw NoResult(cli),
            (end?["streams"]?[0]?["sender"]?["mean_rtt"]?.GetValue<double>() ?? double.NaN) / 1000);
    }

    private static async Task<double> FirstSecondAsync(Endpoint limited, Endpoint partner, bool into)
    {
        var (client, server) = into ? (partner, limited) : (limited, partner);
        var (_, srv) = await IperfJsonAsync(client.Ns, server.Ns, server.Ip, 5312, "-i", "1", "-t", "5");
        return srv["intervals"]?[0]?["sum"]?["bits_per_second"]?.GetValue<double>() ?? throw NoResult(srv);
    }

    /// <summary>Two unlimited pods' throughput with the 10M pod saturated both ways by its own iperf3, against no such load.</summary>
    private static async Task NeighbourAsync(int reps, Dictionary<string, Endpoint> weft)
    {
        var gbps = new List<double>[2] { [], [] };
        var saturation = new List<double>();
        for (var r = 0; r < reps; r++)
        {
            var load = IperfJsonAsync(weft["par"].Ns, weft[Tag("10M")].Ns, weft[Tag("10M")].Ip, 5321, "-t", "9", "--bidir");
            await Task.Delay(1500);
            gbps[0].Add(await ThroughputBench.IperfAsync(weft["u1"].Ns, weft["u2"].Ns, System.Net.IPAddress.Parse(weft["u2"].Ip)));
            var (cli, _) = await load;
            saturation.Add(Math.Min(cli["end"]?["sum_received"]?["bits_per_second"]?.GetValue<double>() ?? 0,
                cli["end"]?["sum_received_bidir_reverse"]?["bits_per_second"]?.GetValue<double>() ?? 0) / Live10);
            gbps[1].Add(await ThroughputBench.IperfAsync(weft["u1"].Ns, weft["u2"].Ns, System.Net.IPAddress.Parse(weft["u2"].Ip)));
        }
        var ratios = gbps[0].Zip(gbps[1], (a, b) => a / b).ToList();
        Console.WriteLine("\n### Unlimited neighbours while a 10M pod on the node is saturated (both directions)");
        Console.WriteLine($"| loaded {Stats.Median(gbps[0]):0.00} Gbit/s ({gbps[0].Min():0.00}–{gbps[0].Max():0.00}) | idle {Stats.Median(gbps[1]):0.00} Gbit/s ({gbps[1].Min():0.00}–{gbps[1].Max():0.00}) | ratio {Stats.RatioRange(ratios)} | limited pod at {Stats.RatioRange(saturation)} of its limit (worse direction) |");
    }

    /// <summary>
    /// 10 edits of a running pod's ingress limit (50M → 10M → 50M ...) under an iperf3 stream into it, each timed from the
    /// store update's return to (a) the host veth's root tbf at the new rate and (b) the first 0.2 s interval within ±10%.
    /// An edit whose traffic does not reach the new rate within <see cref="SettleMs"/> is reported as stalled.
    /// </summary>
    private static async Task LiveChangeAsync(EtcdStore store, RtNetlink nodeRt, string nodeNetns, Endpoint live, Endpoint par, string hostVeth)
    {
        var ifIndex = nodeRt.GetLink(hostVeth)!.Index;
        var clock = Stopwatch.StartNew();
        var intervals = new List<(double At, double Bps)>();
        using var srv = live.Ns.StartProcess(Psi("-s", "-1", "-p", "5331", "-i", "0.2", "--forceflush"));
        Process? cli = null;
        var (toTbf, toTraffic, writes, log) = (new List<double>(), new List<double>(), new List<double>(), new List<string>());
        try
        {
            _ = Task.Run(async () =>
            {
                while (await srv.StandardOutput.ReadLineAsync() is { } line)
                {
                    if (ParseInterval(line) is { } bps)
                    {
                        lock (intervals)
                        {
                            intervals.Add((clock.Elapsed.TotalMilliseconds, bps));
                        }
                    }
                }
            });
            await Task.Delay(300);
            cli = par.Ns.StartProcess(Psi("-c", live.Ip, "-p", "5331", "-t", "300"));
            await Task.Delay(3000);
            for (var i = 0; i < 10; i++)
            {
                var rate = i % 2 == 0 ? Live10 : Live50;
                var pod = (await store.GetAsync(new ResourceKey("", "Pod", "default", "live")))!;
                pod.Metadata.Annotations[IngressKey] = rate == Live10 ? "10M" : "50M";
                var before = clock.Elapsed.TotalMilliseconds;
                await store.UpdateAsync(pod);
                var t0 = clock.Elapsed.TotalMilliseconds;
                writes.Add(t0 - before);
                while (TbfRate(nodeRt, ifIndex) != (ulong)rate && clock.Elapsed.TotalMilliseconds - t0 < SettleMs)
                {
                    Thread.Sleep(5);
                }
                toTbf.Add(clock.Elapsed.TotalMilliseconds - t0);
                var hit = await FirstIntervalNearAsync(intervals, clock, t0, rate);
                var step = rate == Live10 ? "50M → 10M" : "10M → 50M";
                if (hit is { } ms)
                {
                    toTraffic.Add(ms);
                    log.Add($"{step}: tbf {toTbf[^1]:0.0} ms, traffic {ms:0} ms");
                }
                else
                {
                    var backlog = Tc(nodeNetns, "-s", "qdisc", "show", "dev", hostVeth).Split('\n').FirstOrDefault(l => l.Contains("backlog", StringComparison.Ordinal))?.Trim();
                    lock (intervals)
                    {
                        log.Add($"{step}: tbf {toTbf[^1]:0.0} ms, traffic STALLED: last intervals {string.Join(" ", intervals.TakeLast(5).Select(x => $"{x.Bps / 1e6:0.0}"))} Mbit/s; tbf {backlog}");
                    }
                }
                await Task.Delay(1500);
            }
        }
        finally
        {
            // Both processes are ours; the server exits by itself once its one client is gone.
            cli?.Kill();
            cli?.Dispose();
            if (!srv.WaitForExit(3000))
            {
                srv.Kill();
            }
        }
        Console.WriteLine("\n### Live change of a running pod's ingress limit, 10 edits 50M ↔ 10M under iperf3 -i 0.2");
        Console.WriteLine(string.Join("\n", log));
        Console.WriteLine($"| store update → host tbf at the new rate | p50 {Stats.Median(toTbf):0.0} ms | max {toTbf.Max():0.0} ms |");
        Console.WriteLine($"| store update → first 0.2 s interval within ±10% | p50 {Stats.Median(toTraffic):0} ms | max {(toTraffic.Count > 0 ? toTraffic.Max() : double.NaN):0} ms | {10 - toTraffic.Count} of 10 stalled ({SettleMs / 1000} s) |");
        Console.WriteLine($"| (the store update itself) | p50 {Stats.Median(writes):0.0} ms | max {writes.Max():0.0} ms |");
    }

    private const int SettleMs = 6000;

    /// <summary>Milliseconds from <paramref name="t0"/> to the first interval ending after it within ±10% of the rate; null if none within <see cref="SettleMs"/>.</summary>
    private static async Task<double?> FirstIntervalNearAsync(List<(double At, double Bps)> intervals, Stopwatch clock, double t0, long rate)
    {
        while (clock.Elapsed.TotalMilliseconds - t0 < SettleMs)
        {
            lock (intervals)
            {
                var hit = intervals.FirstOrDefault(x => x.At > t0 && Math.Abs(x.Bps - rate) <= 0.1 * rate);
                if (hit.At > 0)
                {
                    return hit.At - t0;
                }
            }
            await Task.Delay(20);
        }
        return null;
    }

    /// <summary>Pod names and peer tags are lowercase (DNS-1123): "l10m".</summary>
    private static string Tag(string quantity) => "l" + quantity.ToLowerInvariant();

    private static ulong? TbfRate(RtNetlink rt, int ifIndex) =>
        rt.ListQdiscs(ifIndex).FirstOrDefault(q => q.IsRoot && q.Kind == "tbf")?.RateBitsPerSecond;

    /// <summary>The rate of one 0.2 s interval line of iperf3's text report, in bit/s; null for any other line.</summary>
    private static double? ParseInterval(string line)
    {
        var m = IntervalLine().Match(line);
        if (!m.Success)
        {
            return null;
        }
        var length = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) - double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var scale = m.Groups[4].Value switch { "K" => 1e3, "M" => 1e6, "G" => 1e9, _ => 1.0 };
        return length is > 0.1 and < 0.3 ? double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) * scale : null;
    }

    [GeneratedRegex(@"\]\s+([\d.]+)-([\d.]+)\s+sec\s+[\d.]+\s+\w*Bytes\s+([\d.]+)\s+([KMG]?)bits/sec")]
    private static partial Regex IntervalLine();

    private static async Task<Dictionary<string, Endpoint>> StartWeftPodsAsync(BenchLab lab, EtcdStore store)
    {
        var annotations = new Dictionary<string, Dictionary<string, string>>
        {
            ["par"] = [],
            ["u1"] = [],
            ["u2"] = [],
            ["live"] = new() { [IngressKey] = "50M" },
        };
        foreach (var (q, _) in Rates)
        {
            annotations[Tag(q)] = new() { [IngressKey] = q, [EgressKey] = q };
        }
        foreach (var (name, a) in annotations)
        {
            await store.CreateAsync(new Resource
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta { Name = name, Namespace = "default", Annotations = a },
                Body = new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = "node1", ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) } },
            });
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (LabController.Sandboxes(lab.Paths).Count < annotations.Count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("bandwidth bench pods did not start");
            }
            await Task.Delay(100);
        }
        return LabController.Sandboxes(lab.Paths).ToDictionary(s => s.Name,
            s => new Endpoint(NetNamespace.Open(NetNamespace.PathOf(s.NetnsName)), s.Ips[0]));
    }

    private static string HostVeth(BenchLab lab, string pod)
    {
        var s = LabController.Sandboxes(lab.Paths).Single(x => x.Name == pod);
        return KernelOwnership.HostVethName(s.ContainerId, s.IfName);
    }

    private static async Task<(JsonNode Client, JsonNode Server)> IperfJsonAsync(NetNamespace client, NetNamespace server, string ip, int port, params string[] args)
    {
        var p = port.ToString(CultureInfo.InvariantCulture);
        using var srv = server.StartProcess(Psi("-s", "-1", "-p", p, "-J"));
        try
        {
            await Task.Delay(300);
            using var cli = client.StartProcess(Psi(["-c", ip, "-p", p, "-J", .. args]));
            var cliJson = await cli.StandardOutput.ReadToEndAsync();
            await cli.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var srvJson = await srv.StandardOutput.ReadToEndAsync(timeout.Token);
            await srv.WaitForExitAsync(timeout.Token);
            return (JsonNode.Parse(cliJson) ?? throw NoResult(null), JsonNode.Parse(srvJson) ?? throw NoResult(null));
        }
        finally
        {
            if (!srv.HasExited)
            {
                srv.Kill();
            }
        }
    }

    private static ProcessStartInfo Psi(params string[] args) => new("iperf3", args) { RedirectStandardOutput = true, UseShellExecute = false };

    private static InvalidOperationException NoResult(JsonNode? json) =>
        new("iperf3 gave no result: " + (json?["error"]?.ToString() ?? (json?.ToJsonString() is { } text ? text[..Math.Min(300, text.Length)] : "empty output")));

    /// <summary>tc's view of a named namespace (default: its qdiscs), to show what each side configured.</summary>
    internal static string Tc(string netns, params string[] args)
    {
        using var tc = Process.Start(new ProcessStartInfo("tc", ["-n", netns, .. args.Length > 0 ? args : ["qdisc", "show"]]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = tc.StandardOutput.ReadToEnd();
        tc.WaitForExit();
        return text;
    }
}
