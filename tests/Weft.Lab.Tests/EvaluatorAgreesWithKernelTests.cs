using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using Weft.TestKit;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// Property: for random NetworkPolicies over a random small cluster, the reference evaluator's TCP/80 matrix
/// equals what real packets show in the lab. The seed is printed; WEFT_PROPERTY_SEED replays one.
/// </summary>
[Collection("lab")]
public sealed class EvaluatorAgreesWithKernelTests(ITestOutputHelper output)
{
    private const int Rounds = 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Only probes started this long after a write count towards agreement: the kernel still shows the previous
    /// round's state before the agents sync, and it may equal the new expectation by chance. The lab promises
    /// enforcement (PolicyLabTests.Policy_flips_reach_the_kernel_both_ways; speed: bench c).
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);
    private static readonly Connection Tcp80 = new(L4Protocol.Tcp, 80);

    [Fact]
    public async Task Random_policies_give_the_evaluators_matrix_in_the_kernel()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("WEFT_PROPERTY_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with WEFT_PROPERTY_SEED={seed})");
        var gen = new RandomPolicies(new Random(seed));
        var rng = new Random(seed ^ 0x5eed);

        await using var lab = await LabHandle.UpAsync(nodes: 2);
        var namespaces = Enumerable.Range(0, rng.Next(2, 4)).Select(i => "n" + i).ToList();
        foreach (var ns in namespaces)
        {
            await lab.Store.CreateAsync(gen.Namespace(ns, gen.Labels()));
        }
        var podCount = rng.Next(4, 7);
        var podNamespaces = new List<string>();
        for (var i = 0; i < podCount; i++)
        {
            podNamespaces.Add(namespaces[rng.Next(namespaces.Count)]);
            await lab.ApplyPodAsync(podNamespaces[i], "p" + i, lab.Spec.NodeNames[i % 2], [80, 81], gen.Labels());
        }
        await lab.WaitRunningAsync(podCount);
        var targets = LabController.Sandboxes(lab.Paths)
            .Select(sb => new Prober.Target($"{sb.Namespace}/{sb.Name}", sb.NetnsName,
                sb.Ips.Select(IPAddress.Parse).First(ip => ip.AddressFamily == AddressFamily.InterNetwork)))
            .ToList();

        for (var round = 0; round < Rounds; round++)
        {
            // Policies go where pods are (a namespace weighted by its pods), so most of them select someone.
            var policies = Enumerable.Range(0, rng.Next(1, 4))
                .Select(i => gen.Policy(podNamespaces[rng.Next(podCount)], $"r{round}-{i}"))
                .ToList();
            var context = $"seed {seed} round {round}, policies:\n{string.Join("\n", policies.Select(p => ResourceJson.Serialize(p)))}";
            foreach (var p in policies)
            {
                Assert.True(NetworkPolicies.Validate(p).Count == 0, $"generated an invalid policy: {string.Join("; ", NetworkPolicies.Validate(p))}\n{context}");
                await lab.Store.CreateAsync(p);
            }
            var watch = Stopwatch.StartNew();
            var (expected, diff) = await UntilAgreeAsync(lab, targets);
            Assert.True(diff.Count == 0, $"{context}\n{diff.Count} cells differ (evaluator/kernel): {string.Join(", ", diff.Take(20))}\n{lab.LogTail()}");
            output.WriteLine($"round {round}: {policies.Count} policies, {expected.Total - expected.Reachable}/{expected.Total} cells denied, agreed after {watch.ElapsedMilliseconds} ms");

            foreach (var p in policies)
            {
                await lab.Store.DeleteAsync(p.Key);
            }
            var (_, open) = await UntilAgreeAsync(lab, targets);
            Assert.True(open.Count == 0, $"{context}\nafter deleting the policies {open.Count} cells differ: {string.Join(", ", open.Take(20))}");
        }
    }

    /// <summary>Probes until two probes in a row equal the evaluator's matrix or the deadline passes; returns the expectation and the last difference.</summary>
    private static async Task<(ReachabilityMatrix Expected, List<string> Diff)> UntilAgreeAsync(LabHandle lab, List<Prober.Target> targets)
    {
        var expected = await EvaluateAsync(lab);
        var settled = DateTime.UtcNow + Settle;
        var deadline = DateTime.UtcNow + Deadline;
        var agreed = 0;
        while (true)
        {
            var counts = DateTime.UtcNow >= settled;
            var probe = await Prober.ProbeAsync(targets, 80, "TCP", TimeSpan.FromMilliseconds(300));
            var diff = Differences(expected, probe);
            agreed = diff.Count == 0 ? agreed + (counts ? 1 : 0) : 0;
            if (agreed == 2 || DateTime.UtcNow > deadline)
            {
                return (expected, diff);
            }
            await Task.Delay(50);
        }
    }

    private static async Task<ReachabilityMatrix> EvaluateAsync(LabHandle lab)
    {
        var resources = (await lab.Store.ListAsync(ResourceType.Namespace)).Items
            .Concat((await lab.Store.ListAsync(ResourceType.Pod)).Items);
        var policies = (await lab.Store.ListAsync(new ResourceType("networking.k8s.io", "NetworkPolicy"))).Items;
        return new PolicyEvaluator(ClusterSnapshot.FromResources(resources), NetworkPolicies.CompileAll(policies)).Matrix(Tcp80);
    }

    private static List<string> Differences(ReachabilityMatrix expected, ProbeMatrix probe)
    {
        var diff = new List<string>();
        foreach (var (from, row) in expected.Matrix)
        {
            foreach (var (to, want) in row)
            {
                var got = probe.Matrix.TryGetValue(from, out var r) && r.TryGetValue(to, out var v) ? v : (bool?)null;
                if (got != want)
                {
                    diff.Add($"{from}→{to}: {want}/{(got is null ? "missing" : got)}");
                }
            }
        }
        return diff;
    }
}
