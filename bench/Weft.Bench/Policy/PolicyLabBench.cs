using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Weft.Lab;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Store.Etcd;

namespace Weft.Bench.Policy;

/// <summary>
/// Benches (b) and (c) of the policy issue, in one two-node lab whose store holds the synthetic cluster's
/// 100 namespaces and 10,000 pods (bound to nodes the lab does not run, so only the agents' informers and
/// compilers see them). (b) iperf3 between lab pods with the 1,000 synthetic policies plus the bench
/// namespace's own loaded, against no policy at all, alternating. (c) with them loaded, a policy edit that
/// stops (or restarts) a stream of UDP datagrams, timed from the store write to the first datagram dropped
/// (or let through) at the receiving pod.
/// </summary>
internal static class PolicyLabBench
{
    private const string Ns = "bench";
    private const int ProbePort = 7777;

    /// <param name="reps">iperf3 rounds; 0 runs only the flips.</param>
    public static async Task RunAsync(int reps, int flips)
    {
        Console.WriteLine($"## Policy in the lab: throughput with 1,000 policies ({reps} rounds ABAB), change → enforcement ({flips} flips)");
        await using var lab = await BenchLab.UpAsync(2, "vxlan");
        await using var store = EtcdStore.Connect(lab.Paths.StoreEndpoint);
        var synthetic = new SyntheticCluster(nodePrefix: "synthetic-");
        var watch = Stopwatch.StartNew();
        await CreateAllAsync(store, [.. synthetic.NamespaceObjects, .. synthetic.Pods]);
        await store.CreateAsync(NamespaceView.Build(Ns));
        var pods = await StartPodsAsync(lab, store);
        Console.WriteLine($"(store loaded with {synthetic.NamespaceObjects.Count} namespaces and {synthetic.Pods.Count} pods in {watch.Elapsed.TotalSeconds:0.0} s)");

        var same = new List<double>[2] { [], [] };
        var cross = new List<double>[2] { [], [] };
        for (var r = 0; r < reps; r++)
        {
            same[0].Add(await ThroughputBench.IperfAsync(pods["cli"].Ns, pods["near"].Ns, pods["near"].Ip));
            cross[0].Add(await ThroughputBench.IperfAsync(pods["cli"].Ns, pods["srv"].Ns, pods["srv"].Ip));
            await LoadPoliciesAsync(store, synthetic, pods);
            same[1].Add(await ThroughputBench.IperfAsync(pods["cli"].Ns, pods["near"].Ns, pods["near"].Ip));
            cross[1].Add(await ThroughputBench.IperfAsync(pods["cli"].Ns, pods["srv"].Ns, pods["srv"].Ip));
            if (r < reps - 1)
            {
                await UnloadPoliciesAsync(store, synthetic);
            }
        }
        if (reps > 0)
        {
            Report("same node", same);
            Report("across nodes", cross);
        }
        else
        {
            await LoadPoliciesAsync(store, synthetic, pods);
        }

        await FlipAsync(store, pods, flips);
    }

    private static void Report(string what, List<double>[] gbps)
    {
        var ratios = gbps[1].Zip(gbps[0], (loaded, none) => loaded / none).ToList();
        Console.WriteLine($"| iperf3 {what} | no policy {Stats.Median(gbps[0]):0.00} Gbit/s ({gbps[0].Min():0.00}–{gbps[0].Max():0.00}) | 1,000 policies {Stats.Median(gbps[1]):0.00} Gbit/s ({gbps[1].Min():0.00}–{gbps[1].Max():0.00}) | ratio {Stats.RatioRange(ratios)} |");
    }

    /// <summary>The synthetic policies, and the bench namespace's: default deny, iperf and the probe allowed.</summary>
    private static async Task LoadPoliciesAsync(EtcdStore store, SyntheticCluster synthetic, Dictionary<string, (NetNamespace Ns, IPAddress Ip)> pods)
    {
        await CreateAllAsync(store, [.. synthetic.Policies, DenyAll(), Allow(ProbePort)]);
        // Loaded means enforced: the probe gets through again only once the agents applied the new table.
        await WaitAsync(pods, delivered: true, TimeSpan.FromSeconds(60));
    }

    private static async Task UnloadPoliciesAsync(EtcdStore store, SyntheticCluster synthetic)
    {
        var keys = synthetic.Policies.Concat([DenyAll(), Allow(ProbePort)]).Select(p => p.Key).ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, ct) => await store.DeleteAsync(k, ct: ct));
        await Task.Delay(2000);
    }

    /// <summary>Alternately moves the probe's allowed port away and back; each edit is timed to its first effect.</summary>
    private static async Task FlipAsync(EtcdStore store, Dictionary<string, (NetNamespace Ns, IPAddress Ip)> pods, int flips)
    {
        using var probe = new UdpProbe(pods["cli"].Ns, pods["srv"].Ns, pods["srv"].Ip, ProbePort);
        if (!await probe.WaitAsync(delivered: true, TimeSpan.FromSeconds(30)))
        {
            throw new InvalidOperationException("the probe stream does not get through with its allow policy loaded");
        }
        var deny = new List<double>();
        var allow = new List<double>();
        var timeouts = 0;
        for (var i = 0; i < flips; i++)
        {
            var denying = i % 2 == 0;
            var edit = Allow(denying ? ProbePort + 1 : ProbePort);
            var current = await store.GetAsync(edit.Key);
            edit.Metadata.ResourceVersion = current!.Metadata.ResourceVersion;
            var sent = probe.Mark();
            await store.UpdateAsync(edit);
            var ms = await probe.TimeToEffectAsync(sent, delivered: !denying, TimeSpan.FromSeconds(5));
            if (ms is null)
            {
                timeouts++;
                await probe.WaitAsync(delivered: !denying, TimeSpan.FromSeconds(30));
                continue;
            }
            (denying ? deny : allow).Add(ms.Value);
            await Task.Delay(100);
        }
        Console.WriteLine($"| change → first denied datagram | p50 {Stats.Median(deny):0.0} ms, p99 {Stats.Percentile(deny, 99):0.0} ms ({deny.Min():0.0}–{deny.Max():0.0}), n={deny.Count} | targets p50 ≤ 50 ms, p99 ≤ 200 ms: ratio p50 {Stats.Median(deny) / 50:0.00}, p99 {Stats.Percentile(deny, 99) / 200:0.00} | timeouts {timeouts} |");
        Console.WriteLine($"| change → first allowed datagram | p50 {Stats.Median(allow):0.0} ms, p99 {Stats.Percentile(allow, 99):0.0} ms ({allow.Min():0.0}–{allow.Max():0.0}), n={allow.Count} | | |");
    }

    private static async Task WaitAsync(Dictionary<string, (NetNamespace Ns, IPAddress Ip)> pods, bool delivered, TimeSpan timeout)
    {
        using var probe = new UdpProbe(pods["cli"].Ns, pods["srv"].Ns, pods["srv"].Ip, ProbePort);
        if (!await probe.WaitAsync(delivered, timeout))
        {
            throw new TimeoutException($"the probe was not {(delivered ? "delivered" : "dropped")} within {timeout.TotalSeconds} s");
        }
    }

    private static Resource DenyAll() => Policy("deny-all", """{"podSelector":{},"policyTypes":["Ingress"]}""");

    private static Resource Allow(int probePort) => Policy("allow-bench", $$$$"""
        {"podSelector":{"matchLabels":{"role":"server"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"role":"client"}}}],
         "ports":[{"port":5299,"protocol":"TCP"},{"port":{{{{probePort}}}},"protocol":"UDP"}]}]}
        """);

    private static Resource Policy(string name, string spec) => ResourceJson.Parse($$"""
        {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"namespace":"{{Ns}}","name":"{{name}}"},"spec":{{spec}}}
        """);

    private static async Task CreateAllAsync(EtcdStore store, IReadOnlyList<Resource> objects) =>
        await Parallel.ForEachAsync(objects, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (o, ct) => await store.CreateAsync(o, ct));

    private static async Task<Dictionary<string, (NetNamespace Ns, IPAddress Ip)>> StartPodsAsync(BenchLab lab, EtcdStore store)
    {
        foreach (var (name, node, role) in new[] { ("cli", "node1", "client"), ("near", "node1", "server"), ("srv", "node2", "server") })
        {
            await store.CreateAsync(new Resource
            {
                ApiVersion = "v1",
                Kind = "Pod",
                Metadata = new ObjectMeta { Name = name, Namespace = Ns, Labels = new() { ["role"] = role } },
                Body = new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) } },
            });
        }
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (LabController.Sandboxes(lab.Paths).Count(s => s.Namespace == Ns) < 3)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("bench pods did not start");
            }
            await Task.Delay(100);
        }
        return LabController.Sandboxes(lab.Paths).Where(s => s.Namespace == Ns).ToDictionary(s => s.Name,
            s => (NetNamespace.Open(NetNamespace.PathOf(s.NetnsName)), IPAddress.Parse(s.Ips[0])));
    }

    /// <summary>
    /// A datagram a millisecond from one pod to another. The receiver never answers, so conntrack keeps the
    /// flow unreplied ("new") and every datagram passes the policy chains: the stream shows when a change
    /// takes effect, to the millisecond.
    /// </summary>
    private sealed class UdpProbe : IDisposable
    {
        private readonly Socket _sender;
        private readonly Socket _receiver;
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _send;
        private readonly Thread _receive;
        private long _lastReceivedAt;
        private long _seq;
        private long _lastReceivedSeq = -1;
        private readonly long[] _sentAt = new long[1 << 16];
        private long _watchSeq = long.MaxValue;
        private long _firstAfterWatchAt;

        public UdpProbe(NetNamespace client, NetNamespace server, IPAddress serverIp, int port)
        {
            _receiver = server.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _receiver.Bind(new IPEndPoint(IPAddress.Any, port));
            _receiver.ReceiveTimeout = 200;
            _sender = client.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            _sender.Connect(new IPEndPoint(serverIp, port));
            _send = new Thread(SendLoop) { IsBackground = true };
            _receive = new Thread(ReceiveLoop) { IsBackground = true };
            _receive.Start();
            _send.Start();
        }

        /// <summary>The sequence number the next datagram will carry.</summary>
        public (long Seq, long At) Mark()
        {
            Interlocked.Exchange(ref _firstAfterWatchAt, 0);
            var seq = Interlocked.Read(ref _seq);
            Interlocked.Exchange(ref _watchSeq, seq);
            return (seq, Stopwatch.GetTimestamp());
        }

        /// <summary>Milliseconds from <paramref name="mark"/> to the first datagram sent after it that shows the new state; null on timeout.</summary>
        public async Task<double?> TimeToEffectAsync((long Seq, long At) mark, bool delivered, TimeSpan timeout)
        {
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            if (delivered)
            {
                // The first datagram of the new state is the first one received after the change.
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    if (Interlocked.Read(ref _firstAfterWatchAt) is var first and not 0)
                    {
                        return Stopwatch.GetElapsedTime(mark.At, first).TotalMilliseconds;
                    }
                    await Task.Delay(1);
                }
                return null;
            }
            // Dropping shows as silence: once 150 ms pass without a datagram, the first dropped one is the
            // one sent right after the last that arrived; its send time is when the change took effect.
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var last = Interlocked.Read(ref _lastReceivedAt);
                if (Stopwatch.GetElapsedTime(last).TotalMilliseconds > 150)
                {
                    var firstDropped = Math.Max(Interlocked.Read(ref _lastReceivedSeq) + 1, mark.Seq);
                    var sentAt = Interlocked.Read(ref _sentAt[firstDropped % _sentAt.Length]);
                    return Stopwatch.GetElapsedTime(mark.At, sentAt).TotalMilliseconds;
                }
                await Task.Delay(5);
            }
            return null;
        }

        public async Task<bool> WaitAsync(bool delivered, TimeSpan timeout) =>
            await TimeToEffectAsync(Mark(), delivered, timeout) is not null;

        private void SendLoop()
        {
            var buffer = new byte[8];
            while (!_stop.IsCancellationRequested)
            {
                var seq = Interlocked.Increment(ref _seq) - 1;
                Interlocked.Exchange(ref _sentAt[seq % _sentAt.Length], Stopwatch.GetTimestamp());
                BitConverter.TryWriteBytes(buffer, seq);
                try
                {
                    _sender.Send(buffer);
                }
                catch (SocketException)
                {
                    // An ICMP error from an earlier datagram; keep sending.
                }
                Thread.Sleep(1);
            }
        }

        private void ReceiveLoop()
        {
            var buffer = new byte[64];
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    if (_receiver.Receive(buffer) >= 8)
                    {
                        var at = Stopwatch.GetTimestamp();
                        Interlocked.Exchange(ref _lastReceivedAt, at);
                        Interlocked.Exchange(ref _lastReceivedSeq, BitConverter.ToInt64(buffer));
                        if (BitConverter.ToInt64(buffer) >= Interlocked.Read(ref _watchSeq))
                        {
                            Interlocked.CompareExchange(ref _firstAfterWatchAt, at, 0);
                        }
                    }
                }
                catch (SocketException)
                {
                    // Receive timeout: lets the loop see the stop request.
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _send.Join();
            _receive.Join();
            _sender.Dispose();
            _receiver.Dispose();
        }
    }
}
