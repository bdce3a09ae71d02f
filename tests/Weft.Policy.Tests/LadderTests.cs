using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>
/// The model beyond NetworkPolicy, built by hand as later dialects will: admin tiers before developer policies,
/// ordered first-match, Pass to the next band, Log that does not decide, Reject, baseline after NetworkPolicy.
/// </summary>
public class LadderTests
{
    private static readonly Tier Admin = new("admin", Band.Admin, 1000, TierDefault.None);
    private static readonly Tier Baseline = new("baseline", Band.Baseline, 0, TierDefault.None);
    private static readonly PolicyRef Anp = new("anp", "AdminNetworkPolicy", null, "ops");
    private static readonly Subject AllPods = new PodSubject(Selector.All, new NamespacesMatching(Selector.All));

    private static PolicyRule Rule(Tier tier, PolicyRef policy, int index, RuleAction action, double order = 10, Peer? peer = null) =>
        new(new RuleId(policy, Direction.Ingress, index, $"r{index}"), tier, order, action, AllPods, [peer ?? new AnyPeer()], []);

    private static PolicySet Set(params PolicyRule[] rules) => new(rules, []);

    private static PolicySet WithNetworkPolicy(PolicySet set, string spec) =>
        PolicySet.Combine([set, NetworkPolicies.CompileAll(Weft.Model.ManifestReader.ReadText(NetPol(spec)))]);

    private static Verdict Ask(PolicySet set, string from = "y/a", string to = "x/a") =>
        With(set).Evaluate(from, to, new Connection(L4Protocol.Tcp, 80));

    [Fact]
    public void Admin_deny_beats_a_NetworkPolicy_allow()
    {
        var set = WithNetworkPolicy(Set(Rule(Admin, Anp, 0, RuleAction.Deny)), "podSelector: {}\ningress: [{}]");
        var v = Ask(set);
        Assert.False(v.Allowed);
        Assert.Equal("anp:AdminNetworkPolicy/ops:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void First_match_wins_in_priority_order_not_list_order()
    {
        var v = Ask(Set(Rule(Admin, Anp, 1, RuleAction.Deny, order: 20), Rule(Admin, Anp, 0, RuleAction.Allow, order: 5)));
        Assert.True(v.Allowed);
        Assert.Equal(0, Assert.Single(v.Ingress.DecidingRules).Id.Index);
    }

    [Fact]
    public void Pass_skips_the_rest_of_the_admin_band_and_lets_NetworkPolicy_decide()
    {
        var admin = Set(Rule(Admin, Anp, 0, RuleAction.Pass) with { PassTarget = PassTarget.EndOfBand },
            Rule(Admin with { Name = "later", Rank = 2000 }, Anp, 1, RuleAction.Deny));
        var v = Ask(WithNetworkPolicy(admin, "podSelector: {}\ningress: [{}]"));
        Assert.True(v.Allowed);
        Assert.True(Assert.Single(v.Ingress.DecidingRules).IsUnionAllow);
    }

    [Fact]
    public void Log_records_and_evaluation_goes_on()
    {
        var v = Ask(Set(Rule(Admin, Anp, 0, RuleAction.Log), Rule(Admin, Anp, 1, RuleAction.Reject, order: 11)));
        Assert.Equal(Outcome.Reject, v.Outcome);
        Assert.Equal(0, Assert.Single(v.Ingress.LoggedBy).Id.Index);
    }

    [Fact]
    public void Baseline_only_decides_for_pods_no_NetworkPolicy_isolates()
    {
        var baseline = Set(Rule(Baseline, new PolicyRef("banp", "BaselineAdminNetworkPolicy", null, "default"), 0, RuleAction.Deny));
        var set = WithNetworkPolicy(baseline, "podSelector: {matchLabels: {app: a}}\ningress: [{}]");
        Assert.True(Ask(set, to: "x/a").Allowed, "NetworkPolicy allow comes first");
        Assert.False(Ask(set, to: "x/b").Allowed, "x/b is not selected by NP: baseline deny applies");
    }

    [Fact]
    public void Rules_whose_peer_does_not_match_are_skipped()
    {
        var ipOnly = new IpBlockPeer(Cidr.TryParse("192.0.2.0/24")!, []);
        var v = Ask(Set(Rule(Admin, Anp, 0, RuleAction.Deny, peer: ipOnly)));
        Assert.True(v.Allowed);
        Assert.Equal(Reason.EndOfLadder, v.Ingress.Reason);
    }

    [Fact]
    public void Rule_ids_are_stable_and_readable()
    {
        var id = new RuleId(new PolicyRef("k8s", "NetworkPolicy", "x", "web"), Direction.Egress, 2);
        Assert.Equal("k8s:NetworkPolicy/x/web:egress[2]", id.Key);
        Assert.Equal("NetworkPolicy x/web egress[2]", id.ToString());
        Assert.Equal(id, new RuleId(new PolicyRef("k8s", "NetworkPolicy", "x", "web"), Direction.Egress, 2));
    }

    [Fact]
    public void Cidr_parses_masks_and_compares()
    {
        var c = Cidr.TryParse("10.1.2.3/16")!;
        Assert.Equal("10.1.0.0/16", c.ToString());
        Assert.True(c.StrictlyContains(Cidr.TryParse("10.1.5.0/24")!));
        Assert.False(c.StrictlyContains(Cidr.TryParse("10.1.0.0/16")!));
        Assert.True(Cidr.TryParse("fd00::1/64")!.Contains(System.Net.IPAddress.Parse("fd00::ffff")));
        Assert.Null(Cidr.TryParse("10.0.0.0"));
        Assert.Null(Cidr.TryParse("10.0.0.0/-1"));
    }
}
