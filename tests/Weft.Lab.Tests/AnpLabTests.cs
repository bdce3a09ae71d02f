using System.Diagnostics;
using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// The AdminNetworkPolicy / BaselineAdminNetworkPolicy conformance cases with real packets: one lab shaped like the
/// upstream model (<see cref="AnpLabFixture"/>), each case's policies written into the store as a delta from the
/// previous case's, then every TCP and UDP probe sent for real. A denied probe must time out (dropped), never be
/// rejected. SCTP probes are skipped, and said so: this kernel has no SCTP sockets (the evaluator checks them).
/// </summary>
[Collection("lab")]
[TestCaseOrderer("Weft.Lab.Tests.AnpCaseOrderer", "Weft.Lab.Tests")]
public class AnpLabTests(AnpLabFixture fixture, ITestOutputHelper output) : IClassFixture<AnpLabFixture>
{
    private static readonly TimeSpan Enforcement = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    private sealed record Probe(string From, string To, string Protocol, int Port, bool Expected)
    {
        public bool Holds(ProbeResult r) => r.Outcome == (Expected ? ProbeOutcome.Connected : ProbeOutcome.TimedOut);

        public override string ToString() => $"{From} → {To} {Protocol}/{Port} (expected {(Expected ? "to connect" : "to time out")})";
    }

    public static TheoryData<string> CaseIds() => [.. AnpLabCases.Ids];

    [Fact]
    public async Task Without_policies_every_probe_of_the_suite_connects()
    {
        await fixture.ApplyAsync([]);
        var probes = AnpLabCases.All.SelectMany(c => c["probes"]!.AsArray())
            .Select(p => new Probe((string)p!["from"]!, (string)p["to"]!, (string)p["protocol"]!, AnpLabCases.Port(p), Expected: true))
            .Where(p => p.Protocol != "SCTP")
            .Distinct()
            .ToList();
        var results = await UntilHeldAsync(probes);
        var failed = results.Where(r => !r.Probe.Holds(r.Result)).Select(r => $"{r.Probe}: {r.Result}").ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} of {probes.Count} probes failed with no policy:\n{string.Join("\n", failed)}\n{fixture.Lab.LogTail()}");
        output.WriteLine($"{probes.Count} distinct TCP/UDP probes of the suite connect with no policy (host-network targets included)");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public async Task Case_holds_with_real_packets(string id)
    {
        var c = AnpLabCases.Case(id);
        var marks = AnpLabKernel.LogMarks(fixture.AgentLogs);
        var watch = Stopwatch.StartNew();
        var wrote = await fixture.ApplyAsync(AnpLabCases.Policies(c, fixture.Ips));
        var settled = watch.ElapsedMilliseconds;
        var probes = c["probes"]!.AsArray()
            .Select(p => new Probe((string)p!["from"]!, (string)p["to"]!, (string)p["protocol"]!, AnpLabCases.Port(p), (bool)p["expected"]!))
            .ToList();
        foreach (var skipped in probes.Where(p => p.Protocol == "SCTP"))
        {
            output.WriteLine($"SKIPPED {skipped}: SCTP, and this kernel has no SCTP sockets (the evaluator checks it in AnpConformanceTests)");
        }
        var real = probes.Where(p => p.Protocol != "SCTP").ToList();
        var results = await UntilHeldAsync(real);

        var rejected = AnpLabKernel.LinesSince(marks).Where(l => l.Contains("policy: skipping", StringComparison.Ordinal)).ToList();
        Assert.True(rejected.Count == 0, $"{id}: an agent rejected a policy:\n{string.Join("\n", rejected)}");
        var failed = results.Where(r => !r.Probe.Holds(r.Result)).ToList();
        if (failed.Count > 0)
        {
            await ReportTablesAsync(failed.Select(f => f.Probe));
        }
        Assert.True(failed.Count == 0,
            $"{id} ({c["name"]}): {failed.Count} of {real.Count} probes disagree with the case after {Enforcement.TotalSeconds} s:\n"
            + string.Join("\n", failed.Select(f => $"{f.Probe}: got {f.Result}")) + $"\n{fixture.Lab.LogTail()}");
        output.WriteLine($"{id}: {real.Count} probe(s) held with real packets ({real.Count(p => p.Protocol == "TCP")} TCP, "
            + $"{real.Count(p => p.Protocol == "UDP")} UDP); {(wrote ? $"policies settled in {settled} ms" : "policies unchanged")}, case took {watch.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// The node-peer cases from both gryffindor pods to both nodes' host-network pods, each probe's expectation the
    /// evaluator's verdict on the lab's own objects. Upstream probes one pair on one node (harry-potter-1 → centaur-1,
    /// its own node), which a dataplane can pass without ever resolving a node selector.
    /// </summary>
    [Theory]
    [InlineData("AdminNetworkPolicyEgressNodePeers/1")]
    [InlineData("AdminNetworkPolicyEgressNodePeers/2")]
    [InlineData("AdminNetworkPolicyEgressNodePeers/3")]
    public async Task Node_peer_case_holds_from_every_subject_pod_to_every_node(string id)
    {
        var c = AnpLabCases.Case(id);
        var policies = AnpLabCases.Policies(c, fixture.Ips);
        await fixture.ApplyAsync(policies);
        var objects = new List<Resource>();
        foreach (var type in new[] { ResourceType.Namespace, ResourceType.Pod, ResourceType.Node })
        {
            objects.AddRange((await fixture.Lab.Store.ListAsync(type)).Items);
        }
        var evaluator = new PolicyEvaluator(ClusterSnapshot.FromResources(objects), PolicyDialects.CompileAll(policies.Select(ResourceJson.FromNode)));
        var ports = c["probes"]!.AsArray().Select(p => (Protocol: (string)p!["protocol"]!, Port: AnpLabCases.Port(p))).Where(p => p.Protocol != "SCTP").Distinct();
        var probes = (
            from client in fixture.Ips.Keys.Where(k => k.StartsWith("network-policy-conformance-gryffindor/", StringComparison.Ordinal))
            from server in fixture.Ips.Keys.Where(k => k.StartsWith("network-policy-conformance-forbidden-forrest/", StringComparison.Ordinal))
            from port in ports
            let verdict = evaluator.Evaluate(client, server, new Connection(Protocols.Parse(port.Protocol)!.Value, port.Port))
            select new Probe(client, server, port.Protocol, port.Port, verdict.Outcome == Outcome.Allow)).ToList();
        Assert.Equal(4 * ports.Count(), probes.Count);
        var results = await UntilHeldAsync(probes);
        var failed = results.Where(r => !r.Probe.Holds(r.Result)).ToList();
        if (failed.Count > 0)
        {
            await ReportTablesAsync(failed.Select(f => f.Probe));
        }
        Assert.True(failed.Count == 0, $"{id} across nodes: {failed.Count} of {probes.Count} probes disagree with the evaluator:\n"
            + string.Join("\n", failed.Select(f => $"{f.Probe}: got {f.Result}")));
        output.WriteLine($"{id}: {probes.Count} probe(s) from both gryffindor pods to both nodes held with real packets");
    }

    /// <summary>Sends every probe at once, again and again until each holds or the enforcement window has passed; returns the last round.</summary>
    private async Task<List<(Probe Probe, ProbeResult Result)>> UntilHeldAsync(IReadOnlyList<Probe> probes)
    {
        var deadline = DateTime.UtcNow + Enforcement;
        while (true)
        {
            var round = await Task.WhenAll(probes.Select(async p =>
                (p, await AnpLabProbes.ProbeAsync(fixture.Netns[p.From], fixture.Ips[p.To], p.Port, p.Protocol, ProbeTimeout))));
            if (round.All(r => r.p.Holds(r.Item2)) || DateTime.UtcNow > deadline)
            {
                return [.. round];
            }
            await Task.Delay(100);
        }
    }

    /// <summary>The rules the packets met: the table of each node a failed probe left from or arrived at.</summary>
    private async Task ReportTablesAsync(IEnumerable<Probe> failed)
    {
        foreach (var node in failed.SelectMany(p => new[] { fixture.NodeOf[p.From], fixture.NodeOf[p.To] }).Distinct().Order(StringComparer.Ordinal))
        {
            output.WriteLine($"--- nft list table inet weft on {node} ({fixture.Lab.Paths.NodeNetns(node)}); pods: "
                + string.Join(", ", fixture.NodeOf.Where(kv => kv.Value == node).Select(kv => $"{kv.Key}={fixture.Ips[kv.Key]}")));
            output.WriteLine(await AnpLabKernel.TableAsync(fixture.Lab.Paths.NodeNetns(node)));
        }
    }
}
