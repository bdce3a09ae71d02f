using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>`weft policy explain` shows the walk down the ladder: each tier, what matched there, where a Pass went.</summary>
public class LadderWalkTests
{
    private static readonly PolicyRef Admin = new("test", "AdminPolicy", null, "admin");
    private static readonly Tier First = new("first", Band.Admin, 10, TierDefault.None), Second = new("second", Band.Admin, 20, TierDefault.None);

    private static PolicyRule Rule(Tier tier, int index, RuleAction action, int port, PassTarget pass = PassTarget.NextTier) =>
        new(new RuleId(Admin, Direction.Ingress, index), tier, 1, action,
            new PodSubject(new LabelExpression("app", SelectorOperator.Equals, ["a"]), new InNamespace("x")),
            [new PodPeer(Selector.All, new NamespacesMatching(Selector.All))],
            [new PortMatch(L4Protocol.Tcp, new PortRange(port, port))])
        { PassTarget = pass };

    private static PolicyEvaluator Cluster()
    {
        var developer = Weft.Policy.Kubernetes.NetworkPolicies.Compile(ManifestReader.ReadText(NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- ports: [{port: 80}]", "only-80")).Single());
        PolicyRule[] admin =
        [
            Rule(First, 0, RuleAction.Log, 80),
            Rule(First, 1, RuleAction.Pass, 80, PassTarget.EndOfBand),
            Rule(First, 2, RuleAction.Pass, 81),
            Rule(Second, 3, RuleAction.Deny, 80),
            Rule(Second, 4, RuleAction.Reject, 81),
        ];
        return With(PolicySet.Combine([developer, new PolicySet(admin, [])]));
    }

    [Fact]
    public void A_pass_to_the_next_band_skips_the_rest_of_the_admin_band_and_the_developer_tier_decides()
    {
        var verdict = Cluster().Evaluate("y/b", "x/a", new Connection(L4Protocol.Tcp, 80));
        Assert.True(verdict.Allowed);
        Assert.Equal([StepKind.Logged, StepKind.Passed, StepKind.Skipped, StepKind.Decided], verdict.Ingress.Steps.Select(s => s.Kind));
        var text = Explanation.Format(verdict);
        Assert.Contains("""
              ladder:
                admin tier "first": logged by test:AdminPolicy/admin:ingress[0], going on
                admin tier "first": pass by test:AdminPolicy/admin:ingress[1] to the next band
                admin tier "second": skipped (passed to the next band)
                developer tier "default": allow by k8s:NetworkPolicy/x/only-80:ingress[0]
            """.Replace("\r", "", StringComparison.Ordinal), text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pass_to_the_next_tier_lands_on_its_reject()
    {
        var verdict = Cluster().Evaluate("y/b", "x/a", new Connection(L4Protocol.Tcp, 81));
        Assert.Equal(Outcome.Reject, verdict.Outcome);
        var text = Explanation.Format(verdict);
        Assert.StartsWith("REJECTED: y/b -> x/a TCP/81\n", text, StringComparison.Ordinal);
        Assert.Contains("admin tier \"first\": pass by test:AdminPolicy/admin:ingress[2] to the next tier\n", text, StringComparison.Ordinal);
        Assert.Contains("admin tier \"second\": reject by test:AdminPolicy/admin:ingress[4]\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Isolation_shows_as_the_tiers_default_after_the_admin_tiers_found_nothing()
    {
        var verdict = Cluster().Evaluate("y/b", "x/a", new Connection(L4Protocol.Tcp, 82));
        Assert.Equal([StepKind.NoMatch, StepKind.NoMatch, StepKind.TierDefault], verdict.Ingress.Steps.Select(s => s.Kind));
        Assert.Contains("developer tier \"default\": no rule matched: the tier's default denies (isolation)", Explanation.Format(verdict), StringComparison.Ordinal);
    }
}
