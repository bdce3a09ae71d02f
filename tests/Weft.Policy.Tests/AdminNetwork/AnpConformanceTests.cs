using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>
/// Every case of the upstream AdminNetworkPolicy / BaselineAdminNetworkPolicy conformance suite, every probe,
/// through the evaluator. A denied probe must be a drop (Deny), never a Reject: upstream wants a timeout.
/// </summary>
public class AnpConformanceTests
{
    public static TheoryData<string> CaseIds() => [.. AnpConformanceCases.Ids];

    [Fact]
    public void All_59_cases_are_found()
    {
        Assert.Equal(59, AnpConformanceCases.Ids.Count());
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Evaluator_gives_every_expected_verdict(string id)
    {
        var c = AnpConformanceCases.Case(id);
        var evaluator = new PolicyEvaluator(AnpConformanceCases.Snapshot(), Compile(AnpConformanceCases.Policies(c)));
        var probes = c["probes"]!.AsArray();
        Assert.NotEmpty(probes);
        var mismatches = new List<string>();
        foreach (var probe in probes.Cast<JsonObject>())
        {
            var connection = new Connection(Protocols.Parse((string)probe["protocol"]!)!.Value, AnpConformanceCases.Port(probe));
            var verdict = evaluator.Evaluate((string)probe["from"]!, (string)probe["to"]!, connection);
            var expected = (bool)probe["expected"]! ? Outcome.Allow : Outcome.Deny;
            if (verdict.Outcome != expected)
            {
                mismatches.Add($"{probe["from"]} -> {probe["to"]} {connection}: expected {expected}, got {verdict.Outcome}\n{Explanation.Format(verdict)}");
            }
        }
        Assert.True(mismatches.Count == 0, $"{id} ({c["name"]}):\n" + string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("AdminNetworkPolicyEgressInlineCIDRPeers/2")]
    [InlineData("BaselineAdminNetworkPolicyEgressInlineCIDRPeers/2")]
    public void Inline_cidr_cases_rebuild_their_networks_from_the_model_pod_ips(string id)
    {
        var c = (JsonObject)AnpConformanceCases.Case(id).DeepClone();
        var written = c["policies"]![0]!["spec"]!["egress"]![0]!["to"]![0]!["networks"]!.AsArray();
        written[0] = "192.0.2.1/32";
        written[1] = "192.0.2.2/32";
        var spec = Assert.Single(AnpConformanceCases.Policies(c)).Spec!;
        var networks = spec["egress"]![0]!["to"]![0]!["networks"]!.AsArray().Select(n => (string)n!);
        Assert.Equal(["10.244.4.10/32", "10.244.3.10/32"], networks);
    }

    private static PolicySet Compile(IReadOnlyList<Resource> policies) => PolicySet.Combine(policies.Select(p =>
        AdminNetworkPolicies.Is(p) ? AdminNetworkPolicies.Compile(p, PolicyContext.Empty)
        : NetworkPolicies.Is(p) ? NetworkPolicies.Compile(p)
        : throw new InvalidOperationException($"unexpected policy kind {p}")));
}
