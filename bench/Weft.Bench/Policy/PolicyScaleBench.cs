using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Weft.Dataplane;
using Weft.Dataplane.Policy;
using Weft.Linux.Netns;
using Weft.Linux.Nftables;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Kubernetes;

namespace Weft.Bench.Policy;

/// <summary>
/// Bench (a) of the policy issue: 1,000 NetworkPolicies over 10,000 pods, compiled for one node's 100 pods
/// and applied to a throwaway namespace's nft table, the way the agent's policy controller does it on every
/// change (snapshot of the informers' objects → policy model → nft table → one transaction). Then single
/// changes against that loaded table: a remote pod joining selectors, a local pod, one policy edit.
/// </summary>
internal static class PolicyScaleBench
{
    private const double FullTargetMs = 1000;
    private const double IncrementalTargetMs = 20;

    public static async Task RunAsync(int reps)
    {
        Console.WriteLine($"## Policy compile + apply: {SyntheticCluster.Namespaces * 10} policies × {SyntheticCluster.Namespaces * SyntheticCluster.PodsPerNamespace} pods, one node's {SyntheticCluster.Nodes} pods ({reps} rounds)");
        var cluster = new SyntheticCluster();
        var name = "weftbench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        using var ns = NetNamespace.Create(name);
        try
        {
            var pipeline = new Pipeline(cluster, ns);
            var full = new List<Timing>();
            for (var r = 0; r < reps; r++)
            {
                using (var nft = ns.Run(() => new NftRunner("weft")))
                {
                    await nft.DeleteTableAsync();
                }
                full.Add(await pipeline.SyncAsync(fresh: true));
            }
            var floor = new List<double>();
            for (var r = 0; r < reps; r++)
            {
                floor.Add(await NftFloorAsync(ns, pipeline.LastFullScript));
            }
            Report("full sync (empty kernel → loaded)", full, FullTargetMs);
            Console.WriteLine($"|   nft (libnftables) alone for the same script | {Stats.Median(floor):0.0} ms ({floor.Min():0.0}–{floor.Max():0.0}) | | script {pipeline.LastFullScript.Length / 1024} KiB, {pipeline.LastTable!.Chains.Count} chains, {pipeline.LastTable.Sets.Count} sets, {pipeline.LastTable.Sets.Values.Sum(s => s.Elements.Count)} elements |");

            var remote = new List<Timing>();
            var local = new List<Timing>();
            var edit = new List<Timing>();
            var flips = Math.Max(20, reps * 10);
            // The first rounds run while the JIT is still optimizing the hot paths; they are not reported.
            const int warmup = 5;
            for (var r = -warmup; r < flips; r++)
            {
                if (r == 0)
                {
                    remote.Clear();
                    local.Clear();
                    edit.Clear();
                }
                // A pod on another node joins ns-005 as app0: set elements only.
                var joined = SyntheticCluster.Pod("ns-005", "joiner", "node-050", "10.129.0.1", SyntheticCluster.PodLabels(0));
                cluster.Pods.Add(joined);
                remote.Add(await pipeline.SyncAsync());
                cluster.Pods.Remove(joined);
                remote.Add(await pipeline.SyncAsync());

                // A pod starts on this node: its chains and dispatch entries, and its address in peer sets.
                var mine = SyntheticCluster.Pod("ns-007", "newcomer", "node-000", "10.129.0.2", SyntheticCluster.PodLabels(1));
                cluster.Pods.Add(mine);
                local.Add(await pipeline.SyncAsync());
                cluster.Pods.Remove(mine);
                local.Add(await pipeline.SyncAsync());

                // One policy changes its port; it selects this node's pod of ns-009.
                cluster.Policies[9 * 10 + 1] = SyntheticCluster.Policy(9, 1, port: 8081);
                edit.Add(await pipeline.SyncAsync());
                cluster.Policies[9 * 10 + 1] = SyntheticCluster.Policy(9, 1);
                edit.Add(await pipeline.SyncAsync());
            }
            Report("remote pod add/remove", remote, IncrementalTargetMs);
            Report("local pod add/remove", local, IncrementalTargetMs);
            Report("one policy edit", edit, IncrementalTargetMs);
        }
        finally
        {
            NetNamespace.Delete(name);
        }
    }

    private static async Task<double> NftFloorAsync(NetNamespace ns, string script)
    {
        using var nft = ns.Run(() => new NftRunner("weft"));
        await nft.DeleteTableAsync();
        var watch = Stopwatch.StartNew();
        await nft.ApplyAsync(script);
        return watch.Elapsed.TotalMilliseconds;
    }

    private static void Report(string what, List<Timing> runs, double targetMs)
    {
        var total = runs.Select(t => t.Total).ToList();
        var p50 = Stats.Median(total);
        var p99 = Stats.Percentile(total, 99);
        Console.WriteLine($"| {what} | p50 {p50:0.0} ms, p99 {p99:0.0} ms ({total.Min():0.0}–{total.Max():0.0}) | target {targetMs:0} ms: ratio p50 {p50 / targetMs:0.00}, p99 {p99 / targetMs:0.00} | " +
            $"compile {Stats.Median(runs.Select(t => t.Compile).ToList()):0.0} + nft {Stats.Median(runs.Select(t => t.Apply).ToList()):0.0} ms; {runs.Select(t => t.Kind).Distinct().Single()} |");
    }

    private sealed record Timing(double Compile, double Apply, ApplyKind Kind)
    {
        public double Total => Compile + Apply;
    }

    /// <summary>What the agent runs per change, timed step by step.</summary>
    private sealed class Pipeline(SyntheticCluster cluster, NetNamespace ns)
    {
        private PolicyDataplane _dataplane = ns.Run(() => new PolicyDataplane("weft"));
        private NodePolicyCompiler _compiler = new();

        public NftTable? LastTable { get; private set; }

        public string LastFullScript { get; private set; } = "";

        public async Task<Timing> SyncAsync(bool fresh = false)
        {
            if (fresh)
            {
                _compiler = new NodePolicyCompiler();
                _dataplane.Dispose();
                _dataplane = ns.Run(() => new PolicyDataplane("weft"));
            }
            // The agent knows its local pods from its IPAM allocations; deriving them is not part of the timed sync.
            var locals = cluster.Pods.Select(p => new PodView(p)).Where(p => p.NodeName == "node-000")
                .Select(p => new LocalPod(p.Namespace, p.Name, KernelOwnership.HostVethName(p.Namespace + "/" + p.Name, "eth0"), [.. p.PodIPs.Select(IPAddress.Parse)]))
                .ToList();
            var watch = Stopwatch.StartNew();
            var (compiled, _) = _compiler.Compile(cluster.Policies, cluster.NamespaceObjects, cluster.Pods, locals);
            var t3 = watch.Elapsed.TotalMilliseconds;
            var kind = await _dataplane.ApplyAsync(compiled);
            var t4 = watch.Elapsed.TotalMilliseconds;
            LastTable = compiled.Table;
            if (fresh)
            {
                LastFullScript = NftRenderer.Full(compiled.Table);
            }
            return new Timing(t3, t4 - t3, kind);
        }
    }
}
