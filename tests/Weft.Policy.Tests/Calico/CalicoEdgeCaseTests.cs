using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Calico.CalicoTestCluster;

namespace Weft.Policy.Tests.Calico;

/// <summary>policy-dialects.md §8 items 2 and 44–51, as evaluator verdicts or admission rejections.</summary>
public class CalicoEdgeCaseTests
{
    private const string IngressOnlyFromB = "selector: app == 'a'\ntypes: [Ingress]\ningress:\n- action: Allow\n  source: {selector: app == 'b'}";

    [Fact]
    public void Case_02_egress_rules_only_and_no_types_leave_ingress_alone()
    {
        var set = Compile(Np("selector: app == 'a'\negress:\n- action: Allow\n  destination: {selector: app == 'b'}"));
        Assert.Equal(Direction.Egress, Assert.Single(set.Isolations).Direction);
        var e = new PolicyEvaluator(TestCluster.Snapshot(), set);
        Assert.True(e.Allowed("y/a", "x/a"), "ingress to x/a is not isolated");
        Assert.True(e.Allowed("x/a", "x/b"), "egress to app=b in the policy's namespace is allowed");
        Assert.False(e.Allowed("x/a", "y/b"), "a NetworkPolicy rule selector stays in the policy's namespace");
    }

    [Theory]
    [InlineData("env != \"prod\"")]
    [InlineData("env not in {\"prod\"}")]
    [InlineData("!has(env)")]
    [InlineData("")]
    [InlineData("all()")]
    public void Case_44_absent_keys_match_not_equal_not_in_and_not_has(string selector)
    {
        var e = With(Np($"selector: '{selector}'\ntypes: [Ingress]"));
        Assert.False(e.Allowed("y/a", "x/a"));
        Assert.False(e.Allowed("y/a", "x/b"));
        Assert.True(e.Allowed("x/a", "y/b"), "pods of another namespace are not selected");
    }

    [Fact]
    public void Case_44_positive_tests_do_not_match_an_absent_key()
    {
        var e = With(Np("selector: env == 'prod' || env in {'prod'}\ntypes: [Ingress]"));
        Assert.True(e.Allowed("y/a", "x/a"));
    }

    [Fact]
    public void Case_45_notSelector_matches_external_sources_but_a_negative_selector_does_not()
    {
        var notSelector = With(Gnp(IngressOnlyFromB.Replace("{selector: app == 'b'}", "{notSelector: has(app)}", StringComparison.Ordinal)));
        Assert.True(notSelector.Allowed(External, "x/a"));
        Assert.False(notSelector.Allowed("y/b", "x/a"), "a labelled pod is excluded");

        var negativeSelector = With(Gnp(IngressOnlyFromB.Replace("{selector: app == 'b'}", "{selector: '!has(app)'}", StringComparison.Ordinal)));
        Assert.False(negativeSelector.Allowed(External, "x/a"));
        Assert.Equal(Reason.IsolatedNoRuleMatched, negativeSelector.Ask(External, "x/a").Ingress.Reason);
    }

    [Fact]
    public void Case_45_in_a_NetworkPolicy_a_notSelector_alone_is_scoped_to_the_namespace_as_libcalico_go_does()
    {
        var e = With(Np(IngressOnlyFromB.Replace("{selector: app == 'b'}", "{notSelector: app == 'zzz'}", StringComparison.Ordinal)));
        Assert.False(e.Allowed(External, "x/a"));
        Assert.False(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("x/b", "x/a"));
    }

    [Fact]
    public void Case_46_a_tier_that_selects_the_endpoint_denies_by_default()
    {
        var e = With(Tier("t", 100), Np("tier: t\n" + IngressOnlyFromB, "t.p"));
        var v = e.Ask("y/a", "x/a");
        Assert.False(v.Allowed);
        Assert.Equal(Reason.IsolatedNoRuleMatched, v.Ingress.Reason);
        Assert.Equal("calico:t", v.Ingress.DefaultOf!.Name);
        Assert.True(e.Allowed("x/b", "x/a"));
    }

    [Fact]
    public void Case_46_defaultAction_Pass_lets_the_next_tier_decide()
    {
        var t = Np("tier: t\n" + IngressOnlyFromB, "t.p");
        Assert.True(With(Tier("t", 100, "Pass"), t).Allowed("y/a", "x/a"), "nothing after the tier: allowed");
        var denyInDefault = Np("selector: app == 'a'\ningress:\n- action: Deny\n  source: {namespaceSelector: team == 'blue'}", "later");
        var v = With(Tier("t", 100, "Pass"), t, denyInDefault).Ask("y/a", "x/a");
        Assert.False(v.Allowed);
        Assert.Equal("calico:NetworkPolicy/x/later:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_46_a_tier_that_selects_nothing_for_the_endpoint_is_skipped()
    {
        var e = With(Tier("t", 100), Np("tier: t\n" + IngressOnlyFromB.Replace("app == 'a'\n", "app == 'b'\n", StringComparison.Ordinal), "t.p"));
        var v = e.Ask("y/a", "x/a");
        Assert.True(v.Allowed);
        Assert.Equal(Reason.NotIsolated, v.Ingress.Reason);
    }

    [Fact]
    public void Case_47_Log_records_and_the_next_rule_decides()
    {
        var e = With(Np("selector: app == 'a'\ningress:\n- action: Log\n- action: Allow\n  source: {selector: app == 'b'}"));
        var allowed = e.Ask("x/b", "x/a");
        Assert.True(allowed.Allowed);
        Assert.Equal(0, Assert.Single(allowed.Ingress.LoggedBy).Id.Index);
        Assert.Equal(1, Assert.Single(allowed.Ingress.DecidingRules).Id.Index);

        var alone = e.Ask("y/a", "x/a");
        Assert.False(alone.Allowed, "Log alone never decides; the default tier's isolation does");
        Assert.Equal(Reason.IsolatedNoRuleMatched, alone.Ingress.Reason);
        Assert.Single(alone.Ingress.LoggedBy);
    }

    [Fact]
    public void Case_48_default_tier_order_against_the_Kubernetes_block_at_1000()
    {
        const string Deny = "order: {0}\nselector: app == 'a'\ningress:\n- action: Deny\n  source: {{selector: app == 'b'}}";
        var allowB = NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{podSelector: {matchLabels: {app: b}}}]");
        var before = With(Np(string.Format(null, Deny, 100)), allowB).Ask("x/b", "x/a");
        Assert.False(before.Allowed);
        Assert.Equal(RuleAction.Deny, Assert.Single(before.Ingress.DecidingRules).Action);
        var after = With(Np(string.Format(null, Deny, 2000)), allowB).Ask("x/b", "x/a");
        Assert.True(after.Allowed);
        Assert.True(Assert.Single(after.Ingress.DecidingRules).IsUnionAllow);
    }

    [Fact]
    public void Case_49_port_rules()
    {
        Assert.Contains(Errors(Np("ingress:\n- action: Allow\n  destination: {ports: [80]}")),
            e => e.Contains("spec.ingress[0].destination.ports: Invalid value: rules with numeric port or port range must set protocol to TCP or UDP or SCTP", StringComparison.Ordinal));
        Assert.Empty(Errors(Np("ingress:\n- action: Allow\n  destination: {ports: [http]}")));
        var range = With(Np("ingress:\n- action: Allow\n  protocol: TCP\n  destination: {ports: ['8000:8080']}"));
        Assert.True(range.Allowed("y/a", "x/a", 8080));
        Assert.True(range.Allowed("y/a", "x/a", 8000));
        Assert.False(range.Allowed("y/a", "x/a", 8081));
    }

    [Fact]
    public void Case_49_icmp_code_without_type_and_catch_all_notNets_are_rejected()
    {
        Assert.Contains(Errors(Np("ingress:\n- action: Allow\n  protocol: ICMP\n  icmp: {code: 0}")),
            e => e.EndsWith("spec.ingress[0].icmp: Invalid value: {…}: ICMP code specified without an ICMP type", StringComparison.Ordinal));
        Assert.Contains(Errors(Np("egress:\n- action: Deny\n  destination: {notNets: [0.0.0.0/0]}")),
            e => e.EndsWith("spec.egress[0].destination.notNets[0]: Invalid value: \"0.0.0.0/0\": catch-all CIDR in negation creates logical contradiction (matches no traffic)", StringComparison.Ordinal));
        Assert.Contains(Errors(Np("egress:\n- action: Deny\n  destination: {notNets: ['::/0']}")),
            e => e.Contains("destination.notNets[0]", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("preDNAT: true\napplyOnForward: true\negress: [{action: Allow}]", "spec.egress: Forbidden: preDNAT policy cannot have any egress rules")]
    [InlineData("preDNAT: true\napplyOnForward: true\ntypes: [Ingress, Egress]", "spec.types: Forbidden: preDNAT policy cannot have 'Egress' type")]
    [InlineData("preDNAT: true\ndoNotTrack: true\napplyOnForward: true", "spec.preDNAT: Forbidden: preDNAT and doNotTrack cannot both be true")]
    [InlineData("preDNAT: true", "spec.applyOnForward: Invalid value: false: applyOnForward must be true if either preDNAT or doNotTrack is true")]
    [InlineData("doNotTrack: true\napplyOnForward: false", "spec.applyOnForward: Invalid value: false: applyOnForward must be true")]
    public void Case_50_host_endpoint_flag_combinations_are_rejected(string spec, string expected)
    {
        var errors = Errors(Gnp(spec));
        Assert.Contains(errors, e => e.StartsWith("GlobalNetworkPolicy.projectcalico.org p: " + expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Case_51_when_every_applying_tier_passes_the_profile_allows()
    {
        var e = With(Tier("t", 100, "Pass"), Np("tier: t\nselector: all()\ningress: [{action: Pass}]", "t.p"));
        var v = e.Ask("y/a", "x/a");
        Assert.True(v.Allowed);
        Assert.Equal(Reason.EndOfLadder, v.Ingress.Reason);
        var none = With(Np("selector: app == 'nothing'\ntypes: [Ingress]")).Ask("y/a", "x/a");
        Assert.True(none.Allowed);
        Assert.Equal(Reason.NotIsolated, none.Ingress.Reason);
    }

    [Fact]
    public void Case_51_a_Pass_rule_skips_the_rest_of_its_tier_even_with_defaultAction_Deny()
    {
        var pass = Np("tier: t\nselector: all()\ningress:\n- action: Pass\n  source: {selector: app == 'b'}\n- action: Deny", "t.p");
        var e = With(Tier("t", 100), pass);
        Assert.True(e.Allowed("x/b", "x/a"), "passed out of t, and nothing later applies");
        Assert.False(e.Allowed("x/a", "x/b"), "no Pass for app=a: the Deny rule decides");
    }
}
