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
/// The steps are shared with <see cref="MixedDialectScaleBench"/>, which runs them on both clusters.
/// </summary>
internal static class PolicyScaleBench
{
    public const double FullTargetMs = 1000;
    public const double IncrementalTargetMs = 20;

    /// <summary>The first change rounds run while the JIT is still optimizing the hot paths; they are not reported.</summary>
    public const int Warmup = 5;

    /// <summary>The index in <see cref="SyntheticCluster.Policies"/> of ns-009's p1, the policy the edit case changes.</summary>
    private const int EditedPolicy = (9 * 10) + 1;

    /// <summary>How many rounds of each single change follow <paramref name="reps"/> full syncs.</summary>
    public static int Rounds(int reps) => Math.Max(20, reps * 10);

    public static string NetnsName() => "weftbench-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));

    public static async Task RunAsync(int reps)
    {
        Console.WriteLine($"## Policy compile + apply: {SyntheticCluster.Namespaces * 10} policies × {SyntheticCluster.Namespaces * SyntheticCluster.PodsPerNamespace} pods, one node's {SyntheticCluster.Nodes} pods ({reps} rounds)");
        var cluster = new SyntheticCluster();
        var name = NetnsName();
        using var ns = NetNamespace.Create(name);
        try
        {
            using var pipeline = new Pipeline(cluster, ns);
            var full = new List<Timing>();
            for (var r = 0; r < reps; r++)
            {
                full.Add(await pipeline.FullSyncAsync());
            }
            var floor = new List<double>();
            for (var r = 0; r < reps; r++)
            {
                floor.Add(await NftFloorAsync(ns, pipeline.LastFullScript));
            }
            Report("full sync (empty kernel → loaded)", full, FullTargetMs);
            Console.WriteLine($"|   nft (libnftables) alone for the same script | {Stats.Median(floor):0.0} ms ({floor.Min():0.0}–{floor.Max():0.0}) | | {pipeline.TableSize()} |");

            var remote = new List<Timing>();
            var local = new List<Timing>();
            var edit = new List<Timing>();
            for (var r = -Warmup; r < Rounds(reps); r++)
            {
                if (r == 0)
                {
                    remote.Clear();
                    local.Clear();
                    edit.Clear();
                }
                remote.AddRange(await RemotePodAsync(cluster, pipeline));
                local.AddRange(await LocalPodAsync(cluster, pipeline));
                edit.AddRange(await EditNetworkPolicyAsync(cluster, pipeline));
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

    /// <summary>A pod on another node joins ns-005 as app0 (set elements only), then leaves.</summary>
    public static async Task<Timing[]> RemotePodAsync(SyntheticCluster cluster, Pipeline pipeline)
    {
        var joined = SyntheticCluster.Pod("ns-005", "joiner", "node-050", "10.129.0.1", SyntheticCluster.PodLabels(0));
        cluster.Pods.Add(joined);
        var add = await pipeline.SyncAsync();
        cluster.Pods.Remove(joined);
        return [add, await pipeline.SyncAsync()];
    }

    /// <summary>A pod starts on this node (its chains and dispatch entries, its address in peer sets), then goes.</summary>
    public static async Task<Timing[]> LocalPodAsync(SyntheticCluster cluster, Pipeline pipeline)
    {
        var mine = SyntheticCluster.Pod("ns-007", "newcomer", "node-000", "10.129.0.2", SyntheticCluster.PodLabels(1));
        cluster.Pods.Add(mine);
        var add = await pipeline.SyncAsync();
        cluster.Pods.Remove(mine);
        return [add, await pipeline.SyncAsync()];
    }

    /// <summary>ns-009's p1, which selects this node's pod of ns-009, moves its port to 8081 and back.</summary>
    public static Task<Timing[]> EditNetworkPolicyAsync(SyntheticCluster cluster, Pipeline pipeline) =>
        EditAsync(cluster, pipeline, EditedPolicy, port => SyntheticCluster.Policy(9, 1, port));

    /// <summary>Policy <paramref name="index"/> moves its port to 8081 and back; <paramref name="make"/> builds it for a port.</summary>
    public static async Task<Timing[]> EditAsync(SyntheticCluster cluster, Pipeline pipeline, int index, Func<int, Resource> make)
    {
        cluster.Policies[index] = make(8081);
        var edit = await pipeline.SyncAsync();
        cluster.Policies[index] = make(8080);
        return [edit, await pipeline.SyncAsync()];
    }

    public static async Task<double> NftFloorAsync(NetNamespace ns, string script)
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

    /// <summary>
    /// One sync, timed: <see cref="Compile"/> and <see cref="Apply"/> (rendering the difference plus the nft
    /// transaction). <see cref="Render"/> is that rendering timed again after the sync when the pipeline measures
    /// it (else 0), and <see cref="GcPause"/> the garbage collectors' pauses inside the timed sync.
    /// </summary>
    public sealed record Timing(double Compile, double Apply, ApplyKind Kind)
    {
        public double Total => Compile + Apply;

        public double Render { get; init; }

        public double GcPause { get; init; }
    }

    /// <summary>What the agent runs per change, timed step by step, on the cluster's current objects.</summary>
    /// <param name="measureRender">Also time the rendering of each applied difference, outside the timed sync.</param>
    public sealed class Pipeline(SyntheticCluster cluster, NetNamespace ns, bool measureRender = false) : IDisposable
    {
        private PolicyDataplane _dataplane = ns.Run(() => new PolicyDataplane("weft"));
        private NodePolicyCompiler _compiler = new();

        public NftTable? LastTable { get; private set; }

        public string LastFullScript { get; private set; } = "";

        /// <summary>Policies the last compile left out as invalid.</summary>
        public IReadOnlyList<RejectedPolicy> LastRejected { get; private set; } = [];

        /// <summary>What the last compile's policies ask that is not enforced yet.</summary>
        public IReadOnlyList<(Resource Policy, string Warning)> Warnings => _compiler.Warnings;

        /// <summary>Removes the kernel's table, then syncs from scratch with a new compiler and dataplane.</summary>
        public async Task<Timing> FullSyncAsync()
        {
            using (var nft = ns.Run(() => new NftRunner("weft")))
            {
                await nft.DeleteTableAsync();
            }
            return await SyncAsync(fresh: true);
        }

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
            var previous = LastTable;
            var paused = GC.GetTotalPauseDuration();
            var watch = Stopwatch.StartNew();
            var (compiled, rejected) = _compiler.Compile(cluster.Policies, cluster.NamespaceObjects, cluster.Pods, locals, context: cluster.Context);
            var t3 = watch.Elapsed.TotalMilliseconds;
            var kind = await _dataplane.ApplyAsync(compiled);
            var t4 = watch.Elapsed.TotalMilliseconds;
            var gc = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;
            LastTable = compiled.Table;
            LastRejected = rejected;
            var render = 0.0;
            if (fresh || measureRender)
            {
                var rendering = Stopwatch.StartNew();
                var script = fresh || previous is null ? NftRenderer.Full(compiled.Table) : NftRenderer.Incremental(previous, compiled.Table);
                render = measureRender ? rendering.Elapsed.TotalMilliseconds : 0;
                LastFullScript = fresh ? script : LastFullScript;
            }
            return new Timing(t3, t4 - t3, kind) { Render = render, GcPause = gc };
        }

        /// <summary>"script 615 KiB, 201 chains, 803 sets, 25300 elements" for the last full sync's table.</summary>
        public string TableSize() =>
            $"script {LastFullScript.Length / 1024} KiB, {LastTable!.Chains.Count} chains, {LastTable.Sets.Count} sets, {LastTable.Sets.Values.Sum(s => s.Elements.Count)} elements";

        public void Dispose() => _dataplane.Dispose();
    }
}
