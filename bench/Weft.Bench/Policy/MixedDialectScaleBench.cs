using System.Runtime.InteropServices;
using Weft.Dataplane.Policy;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Policy;
using static Weft.Bench.Policy.PolicyScaleBench;

namespace Weft.Bench.Policy;

/// <summary>
/// Issue 6: bench (a) of the policy issue again with the 1,000 policies spread over every dialect
/// (<see cref="MixedDialects"/>), next to the NetworkPolicy-only cluster in the same run. Both clusters have the
/// same 10,000 pods and are compiled for node-000's 100 pods, each into its own throwaway namespace's table, with
/// <see cref="PolicyScaleBench"/>'s steps. Full syncs and change rounds alternate between the two (ABAB). Each
/// figure is given for both, as the ratio all dialects / NetworkPolicy only, and against the absolute targets,
/// with where the time goes: compile, render (timed again after the sync), nft, and GC pauses inside the sync.
/// </summary>
internal static class MixedDialectScaleBench
{
    public static async Task RunAsync(int reps)
    {
        var baseline = new SyntheticCluster();
        var mixed = new SyntheticCluster();
        mixed.Policies.Clear();
        mixed.Policies.AddRange(MixedDialects.Policies());
        mixed.Context.AddRange(MixedDialects.Context());
        var counts = CheckValid(mixed);
        var edits = EditTargets(mixed);
        Console.WriteLine($"## Policy compile + apply: {mixed.Policies.Count} policies of all dialects ({counts}) against {baseline.Policies.Count} NetworkPolicies, " +
            $"{baseline.Pods.Count} pods, one node's {SyntheticCluster.Nodes} pods ({reps} full syncs, {Rounds(reps)} rounds of each change, ABAB)");
        var load = LoadAverage();
        string[] names = [NetnsName(), NetnsName()];
        void Cleanup()
        {
            foreach (var name in names.Where(NetNamespace.Exists))
            {
                NetNamespace.Delete(name);
            }
        }
        // Ctrl-C or a kill ends the process without running finally blocks; the namespaces must go then too.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => Cleanup());
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => Cleanup());
        try
        {
            using var nsA = NetNamespace.Create(names[0]);
            using var nsB = NetNamespace.Create(names[1]);
            using var a = new Pipeline(baseline, nsA, measureRender: true);
            using var b = new Pipeline(mixed, nsB, measureRender: true);
            Side[] sides = [new(baseline, nsA, a), new(mixed, nsB, b)];
            for (var r = 0; r < reps; r++)
            {
                foreach (var side in sides)
                {
                    side.Full.Add(await side.Pipeline.FullSyncAsync());
                }
            }
            CheckCompiled(b);
            Array.ForEach(sides, s => s.MeasureTable());
            for (var r = 0; r < reps; r++)
            {
                foreach (var side in sides)
                {
                    side.Floor.Add(await NftFloorAsync(side.Ns, side.Pipeline.LastFullScript));
                }
            }
            for (var r = -Warmup; r < Rounds(reps); r++)
            {
                if (r == 0)
                {
                    Array.ForEach(sides, s => s.Clear());
                }
                foreach (var side in sides)
                {
                    side.Remote.AddRange(await RemotePodAsync(side.Cluster, side.Pipeline));
                    side.Local.AddRange(await LocalPodAsync(side.Cluster, side.Pipeline));
                }
                // The baseline edits what policy-scale edits (ns-009's p1); the mix edits one policy of each dialect in turn.
                sides[0].Edit("k8s").AddRange(await EditNetworkPolicyAsync(baseline, a));
                foreach (var (dialect, index, make) in edits)
                {
                    sides[1].Edit(dialect).AddRange(await EditAsync(mixed, b, index, make));
                }
            }
            Print(sides[0], sides[1]);
            // Both clusters share the machine alike, but a busy machine inflates both: say how busy it was.
            Console.WriteLine($"(load average before {load}, after {LoadAverage()})");
            // A change that applied nothing (or fell back to a full apply) would time something other than a change.
            var odd = sides.Sum(s => s.Remote.Concat(s.Local).Concat(s.AllEdits).Count(t => t.Kind != ApplyKind.Incremental));
            if (odd > 0)
            {
                throw new InvalidOperationException($"{odd} changes were not applied as a difference; the figures above do not measure single changes");
            }
        }
        finally
        {
            Cleanup();
        }
    }

    private static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    /// <summary>Every generated policy must validate, before anything is timed; returns the count per dialect.</summary>
    private static string CheckValid(SyntheticCluster mixed)
    {
        var context = new PolicyContext(mixed.Context);
        var errors = mixed.Policies.SelectMany(p => PolicyDialects.Validate(p, context)).ToList();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"{errors.Count} errors in the generated policies:\n{string.Join("\n", errors.Take(20))}");
        }
        var byDialect = mixed.Policies.GroupBy(p => PolicyDialects.For(p)!.Dialect).ToDictionary(g => g.Key, g => g.Count());
        if (MixedDialects.Dialects.Any(d => byDialect.GetValueOrDefault(d) < 200))
        {
            throw new InvalidOperationException($"the mix lacks a dialect: {string.Join(", ", byDialect)}");
        }
        return string.Join(", ", MixedDialects.Dialects.Select(d => $"{byDialect[d]} {d}"));
    }

    /// <summary>The compiler took every policy, and nothing of them is left unenforced (which would make the mix cheaper).</summary>
    private static void CheckCompiled(Pipeline pipeline)
    {
        if (pipeline.LastRejected.Count > 0 || pipeline.Warnings.Count > 0)
        {
            throw new InvalidOperationException("the mix does not compile cleanly:\n" + string.Join("\n",
                pipeline.LastRejected.Select(r => $"{r.Policy}: {r.Error.Message}").Concat(pipeline.Warnings.Select(w => $"{w.Policy}: {w.Warning}")).Take(20)));
        }
    }

    /// <summary>For each dialect: the index of its edited policy in the mix, and how to build it for a port.</summary>
    private static List<(string Dialect, int Index, Func<int, Resource> Make)> EditTargets(SyntheticCluster mixed) =>
        [.. MixedDialects.Dialects.Select((dialect, d) =>
        {
            var ns = MixedDialects.EditedNamespace(d);
            var key = MixedDialects.Policy(d, ns, MixedDialects.EditedShape).Key;
            var index = mixed.Policies.FindIndex(p => p.Key == key);
            return index < 0
                ? throw new InvalidOperationException($"the edited policy {key} is not in the mix")
                : (dialect, index, (Func<int, Resource>)(port => MixedDialects.Policy(d, ns, MixedDialects.EditedShape, port)));
        })];

    private static void Print(Side np, Side mix)
    {
        Console.WriteLine("| node-000's table | NetworkPolicy only | all dialects | all / NP-only |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (what, count) in np.Table)
        {
            var other = mix.Table.Single(t => t.What == what).Count;
            Console.WriteLine($"| {what} | {count:#,0} | {other:#,0} | {(count == 0 ? "–" : $"{(double)other / count:0.00}")} |");
        }
        Console.WriteLine($"| rules by dialect | {Rules(np)} | {Rules(mix)} | |");
        Console.WriteLine();
        Console.WriteLine("| step | NetworkPolicy only | all dialects | all / NP-only: p50, p99 | all dialects / target: p50, p99 |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        Row("full sync (empty kernel → loaded)", np.Full, mix.Full, FullTargetMs);
        Console.WriteLine($"| – libnftables alone, same script | {Stats.Median(np.Floor):0.0} ms ({np.Floor.Min():0.0}–{np.Floor.Max():0.0}) | " +
            $"{Stats.Median(mix.Floor):0.0} ms ({mix.Floor.Min():0.0}–{mix.Floor.Max():0.0}) | {Stats.Median(mix.Floor) / Stats.Median(np.Floor):0.00} | |");
        Row("a pod on another node joins/leaves", np.Remote, mix.Remote, IncrementalTargetMs);
        Row("a pod starts/goes on this node", np.Local, mix.Local, IncrementalTargetMs);
        Row("one policy edited (port) and back", np.AllEdits, mix.AllEdits, IncrementalTargetMs);
        foreach (var (dialect, runs) in mix.Edits)
        {
            Row($"– {dialect}: one policy", dialect == "k8s" ? np.AllEdits : null, runs, IncrementalTargetMs);
        }
        Console.WriteLine();
        Console.WriteLine("| where the time goes (ms) | cluster | median: compile + apply [render] (GC pause) | runs ≥ p99, mean: compile + apply [render] (GC pause) | applied |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var (what, pick) in new (string, Func<Side, List<Timing>>)[]
            { ("full sync", s => s.Full), ("remote pod", s => s.Remote), ("local pod", s => s.Local), ("policy edit", s => s.AllEdits) })
        {
            Console.WriteLine($"| {what} | NetworkPolicy only | {Breakdown(pick(np))} |");
            Console.WriteLine($"| {what} | all dialects | {Breakdown(pick(mix))} |");
        }
    }

    private static string Rules(Side side) =>
        string.Join(", ", side.RulesByDialect.Where(r => r.Value > 0).Select(r => $"{r.Key} {r.Value:#,0}"));

    private static void Row(string what, List<Timing>? np, List<Timing> mix, double targetMs)
    {
        var (p50, p99) = (Stats.Median(Totals(mix)), Stats.Percentile(Totals(mix), 99));
        var ratio = np is null ? "" : $"{p50 / Stats.Median(Totals(np)):0.00}, {p99 / Stats.Percentile(Totals(np), 99):0.00}";
        var verdict = p99 <= targetMs ? "" : " **missed**";
        Console.WriteLine($"| {what} | {(np is null ? "" : Cell(np))} | {Cell(mix)} | {ratio} | {p50 / targetMs:0.00}, {p99 / targetMs:0.00} of {targetMs:0} ms{verdict} |");
    }

    private static List<double> Totals(List<Timing> runs) => [.. runs.Select(t => t.Total)];

    private static string Cell(List<Timing> runs)
    {
        var total = Totals(runs);
        return $"p50 {Stats.Median(total):0.0} ms, p99 {Stats.Percentile(total, 99):0.0} ms ({total.Min():0.0}–{total.Max():0.0}, n={total.Count})";
    }

    /// <summary>
    /// Apply is rendering plus the nft transaction (on a full sync also listing the kernel's table); the rendering
    /// timed again after the sync shows its share. GC pauses fall inside compile or apply.
    /// </summary>
    private static string Breakdown(List<Timing> runs)
    {
        var p99 = Stats.Percentile(Totals(runs), 99);
        var slow = runs.Where(t => t.Total >= p99).ToList();
        static string Parts(Func<Func<Timing, double>, double> at) =>
            $"{at(t => t.Compile):0.0} + {at(t => t.Apply):0.0} [{at(t => t.Render):0.0}] ({at(t => t.GcPause):0.0})";
        var kinds = string.Join(", ", runs.GroupBy(t => t.Kind).Select(g => $"{g.Key} ×{g.Count()}"));
        return $"{Parts(f => Stats.Median([.. runs.Select(f)]))} | {Parts(f => slow.Average(f))} (n={slow.Count}) | {kinds}";
    }

    /// <summary>One cluster's pipeline and what it measured.</summary>
    internal sealed class Side(SyntheticCluster cluster, NetNamespace ns, Pipeline pipeline)
    {
        public SyntheticCluster Cluster => cluster;

        public NetNamespace Ns => ns;

        public Pipeline Pipeline => pipeline;

        public List<Timing> Full { get; } = [];

        public List<double> Floor { get; } = [];

        public List<Timing> Remote { get; } = [];

        public List<Timing> Local { get; } = [];

        /// <summary>Edit timings per dialect, in the order the dialects were first edited.</summary>
        public List<(string Dialect, List<Timing> Runs)> Edits { get; } = [];

        public List<Timing> AllEdits => [.. Edits.SelectMany(e => e.Runs)];

        /// <summary>Chains, sets, elements and script KiB of the table the full syncs loaded.</summary>
        public List<(string What, long Count)> Table { get; } = [];

        /// <summary>Rules of the table per dialect of the policy rule they render (their comment is the rule key).</summary>
        public Dictionary<string, int> RulesByDialect { get; } = [];

        public void MeasureTable()
        {
            var table = pipeline.LastTable!;
            var rules = table.Chains.Values.SelectMany(c => c.Rules).ToList();
            Table.AddRange([("chains", table.Chains.Count), ("rules", rules.Count), ("sets", table.Sets.Count),
                ("set elements", table.Sets.Values.Sum(s => s.Elements.Count)), ("script KiB", pipeline.LastFullScript.Length / 1024)]);
            foreach (var dialect in MixedDialects.Dialects)
            {
                RulesByDialect[dialect] = rules.Count(r => r.Contains($"comment \"{dialect}:", StringComparison.Ordinal));
            }
        }

        public List<Timing> Edit(string dialect)
        {
            if (Edits.FirstOrDefault(e => e.Dialect == dialect).Runs is not { } runs)
            {
                Edits.Add((dialect, runs = []));
            }
            return runs;
        }

        public void Clear()
        {
            Remote.Clear();
            Local.Clear();
            Edits.ForEach(e => e.Runs.Clear());
        }
    }
}
