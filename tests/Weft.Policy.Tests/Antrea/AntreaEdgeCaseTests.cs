using Weft.Policy.Antrea;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Antrea.AntreaCluster;

namespace Weft.Policy.Tests.Antrea;

/// <summary>policy-dialects.md §8, the Antrea items 23–31, with the verdict the reference expects.</summary>
public class AntreaEdgeCaseTests
{
    private const string ToServer = "appliedTo: [{podSelector: {matchLabels: {role: server}}}]";

    [Fact]
    public void Case_23_a_securityops_Allow_beats_an_application_Drop()
    {
        var drop = Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Drop}}]", "app-drop");
        var allow = Acnp($"priority: 9\ntier: securityops\n{ToServer}\ningress: [{{action: Allow}}]", "sec-allow");

        Assert.False(Evaluator(drop).Ask("prod/client", "prod/server").Allowed, "the Drop alone denies");
        var v = Evaluator(drop + allow).Ask("prod/client", "prod/server");
        Assert.True(v.Allowed);
        Assert.Equal("antrea:ClusterNetworkPolicy/sec-allow:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_24_inside_a_tier_priority_alone_orders_ACNP_and_ANNP()
    {
        var acnp = Acnp($"priority: 5\n{ToServer}\ningress: [{{action: Drop}}]", "drop5");
        var annp = Annp($"priority: 1.25\n{ToServer}\ningress: [{{action: Allow}}]", "allow125");

        var v = Evaluator(acnp + annp).Ask("dev/client", "prod/server");
        Assert.True(v.Allowed);
        Assert.Equal("antrea:NetworkPolicy/prod/allow125:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
        Assert.False(Evaluator(acnp + annp.Replace("1.25", "6", StringComparison.Ordinal)).Ask("dev/client", "prod/server").Allowed);
    }

    private static readonly string PassThenBaselineDrop =
        Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Pass}}]", "pass")
        + Acnp($"priority: 1\ntier: baseline\n{ToServer}\ningress: [{{action: Drop}}]", "baseline-drop");

    [Fact]
    public void Case_25_Pass_with_no_NetworkPolicy_lets_the_baseline_tier_decide()
    {
        var v = Evaluator(PassThenBaselineDrop).Ask("prod/client", "prod/server");
        Assert.False(v.Allowed);
        Assert.Equal("antrea:ClusterNetworkPolicy/baseline-drop:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_25_Pass_to_a_NetworkPolicy_that_selects_without_allowing_is_denied_by_isolation()
    {
        var np = K8sNetPol("podSelector: {matchLabels: {role: server}}\npolicyTypes: [Ingress]");
        var v = Evaluator(PassThenBaselineDrop + np).Ask("prod/client", "prod/server");
        Assert.False(v.Allowed);
        Assert.Equal(Reason.IsolatedNoRuleMatched, v.Ingress.Reason);
    }

    [Fact]
    public void Case_25_Pass_to_a_NetworkPolicy_that_allows_is_allowed()
    {
        var np = K8sNetPol("podSelector: {matchLabels: {role: server}}\ningress: [{}]");
        var v = Evaluator(PassThenBaselineDrop + np).Ask("prod/client", "prod/server");
        Assert.True(v.Allowed);
        Assert.True(Assert.Single(v.Ingress.DecidingRules).IsUnionAllow);
    }

    [Fact]
    public void Case_26_a_baseline_Allow_cannot_reopen_a_pod_a_NetworkPolicy_isolated()
    {
        var yaml = Acnp($"priority: 1\ntier: baseline\n{ToServer}\ningress: [{{action: Allow}}]")
            + K8sNetPol("podSelector: {matchLabels: {role: server}}\ningress: [{from: [{podSelector: {matchLabels: {app: nobody}}}]}]");
        var v = Evaluator(yaml).Ask("prod/client", "prod/server");
        Assert.False(v.Allowed);
        Assert.Equal(Reason.IsolatedNoRuleMatched, v.Ingress.Reason);
    }

    [Fact]
    public void Case_26_a_Pass_rule_in_the_baseline_tier_is_rejected()
    {
        var error = Assert.Single(Errors(Acnp($"priority: 1\ntier: baseline\n{ToServer}\ningress: [{{action: Pass}}]")));
        Assert.Equal("spec.ingress[0].action: Forbidden: `Pass` action should not be set for Baseline Tier policy rules", error);
    }

    [Theory]
    [InlineData("notfoo.com")]
    [InlineData("foo.com")]
    [InlineData("a.b.foo.com")]
    [InlineData("A.B.Foo.COM.")]
    public void Case_27_an_Antrea_fqdn_glob_matches_across_dots(string name)
    {
        Assert.True(AntreaFqdn.Matches("*foo.com", name));
    }

    [Theory]
    [InlineData("*foo.com", "foo.co")]
    [InlineData("*foo.com", "foo.com.evil")]
    [InlineData("foo.com", "www.foo.com")]
    [InlineData("api.*.io", "api.io")]
    public void Case_27_the_glob_is_anchored(string pattern, string name)
    {
        Assert.False(AntreaFqdn.Matches(pattern, name));
    }

    [Fact]
    public void Case_27_fqdn_compiles_to_an_AntreaGlob_peer_lower_cased()
    {
        var set = Compile(Acnp("priority: 1\nappliedTo: [{podSelector: {}}]\negress: [{action: Allow, to: [{fqdn: '*Foo.com'}]}]"));
        Assert.Equal(new FqdnPeer("*foo.com", FqdnFlavor.AntreaGlob), Assert.Single(Assert.Single(set.Rules).Peers));
    }

    [Fact]
    public void Case_28_addresses_in_except_fall_through_to_later_rules()
    {
        var e = Evaluator(Acnp($$$$"""
            priority: 1
            {{{{ToServer}}}}
            ingress:
            - action: Drop
              from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
            - action: Allow
            """));
        var fromExcept = e.Ask("10.1.0.5", "prod/server");
        Assert.True(fromExcept.Allowed);
        Assert.Equal(1, Assert.Single(fromExcept.Ingress.DecidingRules).Id.Index);
        Assert.False(e.Ask("10.2.0.5", "prod/server").Allowed, "the rest of 10/8 is dropped");
    }

    [Fact]
    public void Case_29_a_Reject_rule_rejects_rather_than_drops()
    {
        var v = Evaluator(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Reject}}]")).Ask("prod/client", "prod/server");
        Assert.Equal(Outcome.Reject, v.Outcome);
        Assert.Equal(RuleAction.Reject, Assert.Single(v.Ingress.DecidingRules).Action);
    }

    [Fact]
    public void Case_30_the_L7_rule_decides_at_L4_and_later_rules_are_never_consulted()
    {
        var yaml = Acnp($$$$"""
            priority: 1
            {{{{ToServer}}}}
            ingress:
            - action: Allow
              from: [{podSelector: {matchLabels: {app: client}}}]
              ports: [{port: 80}]
              l7Protocols: [{http: {method: GET, path: /api/*}}]
            - action: Allow
              from: [{podSelector: {matchLabels: {app: client}}}]
            """);
        var set = Compile(yaml);
        var v = new PolicyEvaluator(Snapshot(), set).Ask("prod/client", "prod/server");
        // The L3/L4 part matched, so the L7 rule owns the connection: a request its L7 part refuses (POST /x)
        // is dropped by the L7 engine, and rule 1 never sees it.
        var deciding = Assert.Single(v.Ingress.DecidingRules);
        Assert.Equal(0, deciding.Id.Index);
        var l7 = Assert.IsType<OpaqueL7>(Assert.Single(deciding.L7));
        Assert.Equal("http", l7.Kind);
        Assert.Contains("/api/*", l7.Spec, StringComparison.Ordinal);
        Assert.Contains(set.Warnings, w => w.Contains("spec.ingress[0].l7Protocols: L7 rules are not enforced yet", StringComparison.Ordinal));
    }

    [Fact]
    public void Case_31_appliedTo_at_both_levels_is_rejected()
    {
        var error = Assert.Single(Errors(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Drop, appliedTo: [{{podSelector: {{}}}}]}}]")));
        Assert.Equal("spec.ingress[0].appliedTo: Forbidden: appliedTo should not be set in both spec and rules", error);
    }

    [Fact]
    public void Case_31_an_IGMP_rule_with_a_to_peer_is_rejected()
    {
        var error = Assert.Single(Errors(Acnp(
            "priority: 1\nappliedTo: [{podSelector: {}}]\negress: [{action: Drop, to: [{podSelector: {}}], protocols: [{igmp: {igmpType: 0x16}}]}]")));
        Assert.Equal("spec.egress[0].protocols[0].igmp: Forbidden: protocol IGMP can not be used with other protocols or other properties like from, to", error);
    }
}
