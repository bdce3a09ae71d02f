using System.Text.Json.Nodes;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests;

/// <summary>Every upstream e2e case, every step and probe, through the evaluator: each 9×9 matrix must match exactly.</summary>
public class ConformanceTests
{
    public static TheoryData<string> CaseIds() => [.. ConformanceCases.Ids];

    [Fact]
    public void All_cases_are_found()
    {
        Assert.True(ConformanceCases.Ids.Count() >= 32, $"only {ConformanceCases.Ids.Count()} cases found");
    }

    [Theory]
    [MemberData(nameof(CaseIds))]
    public void Evaluator_matches_the_expected_matrix(string id)
    {
        var c = ConformanceCases.Case(id);
        var mismatches = new List<string>();
        var states = ConformanceCases.States(c);
        for (var s = 0; s < states.Count; s++)
        {
            var state = states[s];
            var evaluator = new PolicyEvaluator(ConformanceCases.Snapshot(state), NetworkPolicies.CompileAll(ConformanceCases.Policies(state)));
            var probes = state["probes"]!.AsArray();
            Assert.NotEmpty(probes);
            foreach (var probe in probes)
            {
                var protocol = Protocols.Parse((string)probe!["protocol"]!)!.Value;
                var port = (int)probe["port"]!;
                var actual = evaluator.Matrix(new Connection(protocol, port));
                var expected = probe["expected"]!.AsObject();
                Assert.Equal(81, actual.Total);
                foreach (var (from, row) in expected)
                {
                    foreach (var (to, cell) in row!.AsObject())
                    {
                        if (actual.Matrix[from][to] != (bool)cell!)
                        {
                            mismatches.Add($"step {s} {probe["protocol"]}/{port} {from} -> {to}: expected {cell}, got {actual.Matrix[from][to]}");
                        }
                    }
                }
            }
        }
        Assert.True(mismatches.Count == 0, $"{id}:\n" + string.Join("\n", mismatches));
    }
}
