using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.AdminNetwork.AnpTestCluster;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>policy-dialects.md §8, items 14–22 (ANP, BANP and v1alpha2 CNP), each with its expected verdict or rejection.</summary>
public class AnpEdgeCaseTests
{
    private const string FromY = "from:\n  - namespaces: {matchLabels: {team: blue}}";
    private const string FromAll = "from:\n  - namespaces: {}";

    private static string Rule(string action, string peers, string extra = "") =>
        $"- name: {action.ToLowerInvariant()}\n  action: {action}\n  {peers}" + (extra.Length == 0 ? "" : "\n  " + extra);

    [Fact]
    public void Case_14_priority_10_deny_beats_priority_20_allow()
    {
        // Names chosen so that name order alone would put the Allow first.
        var e = With(
            Anp("b-deny", 10, $"{SubjectX}\ningress:\n{Rule("Deny", FromY)}"),
            Anp("a-allow", 20, $"{SubjectX}\ningress:\n{Rule("Allow", FromY)}"));
        var v = e.Ask("y/a", "x/a");
        Assert.Equal(Outcome.Deny, v.Outcome);
        Assert.Equal("anp:AdminNetworkPolicy/b-deny:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_15_anp_allow_is_final_over_a_networkpolicy_that_allows_only_others()
    {
        var e = With(
            Anp("allow-y", 5, $"{SubjectX}\ningress:\n{Rule("Allow", FromY)}"),
            NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: red}}}]"));
        var v = e.Ask("y/a", "x/a");
        Assert.True(v.Allowed);
        Assert.Equal("anp:AdminNetworkPolicy/allow-y:ingress[0]", Assert.Single(v.Ingress.DecidingRules).Id.Key);
        Assert.False(e.Ask("z/a", "x/a").Allowed, "the NetworkPolicy still isolates x/a for everyone else");
    }

    [Fact]
    public void Case_16_pass_hands_same_namespace_traffic_to_networkpolicy_then_banp_then_the_default()
    {
        // The pre-2024 sameLabels shape: "the subject's own namespace".
        var pass = Anp("pass-same-ns", 1, $"{SubjectAll}\ningress:\n{Rule("Pass", "from:\n  - namespaces: {sameLabels: [kubernetes.io/metadata.name]}")}");
        var laterAllow = Anp("allow-all", 50, $"{SubjectAll}\ningress:\n{Rule("Allow", FromAll)}");
        var npOnlyFromY = NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]");

        var withNp = With(pass, laterAllow, npOnlyFromY).Ask("x/b", "x/a");
        Assert.False(withNp.Allowed);
        Assert.Equal(Reason.IsolatedNoRuleMatched, withNp.Ingress.Reason);
        Assert.True(With(pass, laterAllow, npOnlyFromY).Ask("z/a", "x/a").Allowed, "other namespaces are not passed: the later ANP Allow decides");

        var banpDeny = Banp($"{SubjectAll}\ningress:\n{Rule("Deny", "from:\n  - namespaces: {matchLabels: {team: red}}")}");
        var withBanp = With(pass, banpDeny).Ask("x/b", "x/a");
        Assert.False(withBanp.Allowed);
        Assert.Equal("anp:BaselineAdminNetworkPolicy/default:ingress[0]", Assert.Single(withBanp.Ingress.DecidingRules).Id.Key);

        var alone = With(pass).Ask("x/b", "x/a");
        Assert.True(alone.Allowed);
        Assert.Equal(Reason.EndOfLadder, alone.Ingress.Reason);
    }

    [Fact]
    public void Case_17_networkpolicy_allow_beats_banp_deny_and_its_isolation_denies_the_rest()
    {
        var e = With(
            Banp($"{SubjectAll}\ningress:\n{Rule("Deny", FromAll)}"),
            NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]"));
        Assert.True(e.Ask("y/a", "x/a").Allowed);
        var other = e.Ask("z/a", "x/a");
        Assert.False(other.Allowed);
        Assert.Equal(Reason.IsolatedNoRuleMatched, other.Ingress.Reason);
        Assert.Empty(other.Ingress.DecidingRules);
        var notSelectedByNp = e.Ask("z/a", "x/b");
        Assert.False(notSelectedByNp.Allowed);
        Assert.Equal("anp:BaselineAdminNetworkPolicy/default:ingress[0]", Assert.Single(notSelectedByNp.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_18_egress_deny_to_0_0_0_0_slash_0_blocks_pod_to_pod_ipv4()
    {
        var e = With(Anp("no-v4", 10, $"{SubjectX}\negress:\n{Rule("Deny", "to:\n  - networks: [0.0.0.0/0]")}"));
        var v = e.Ask("x/a", "y/a");
        Assert.False(v.Allowed);
        Assert.Equal("anp:AdminNetworkPolicy/no-v4:egress[0]", Assert.Single(v.Egress.DecidingRules).Id.Key);
        Assert.False(e.Evaluate("x/a", "203.0.113.5", new Connection(L4Protocol.Tcp, 443)).Allowed);
        Assert.True(e.Ask("y/a", "x/a").Allowed, "y is not a subject and x's ingress is untouched");
    }

    [Fact]
    public void Case_19_rules_apply_in_order_allow_80_then_deny_all()
    {
        var e = With(Anp("ordered", 10, $"{SubjectX}\ningress:\n{Rule("Allow", FromY, "ports: [{portNumber: {protocol: TCP, port: 80}}]")}\n{Rule("Deny", FromY)}"));
        Assert.True(e.Ask("y/a", "x/a", 80).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 81).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 80, L4Protocol.Udp).Allowed);
    }

    [Theory]
    [InlineData("*.kubernetes.io", "www.kubernetes.io", true)]
    [InlineData("*.kubernetes.io", "a.b.kubernetes.io", true)]
    [InlineData("*.kubernetes.io", "kubernetes.io", false)]
    [InlineData("*.kubernetes.io", "my-kubernetes.io", false)]
    [InlineData("*.kubernetes.io", "WWW.Kubernetes.IO.", true)]
    [InlineData("kubernetes.io", "kubernetes.io.", true)]
    [InlineData("kubernetes.io", "www.kubernetes.io", false)]
    public void Case_20_domain_name_wildcards_match_one_or_more_whole_labels(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, AnpDomainNames.Matches(pattern, name));
    }

    [Fact]
    public void Case_20_domain_names_compile_to_fqdn_peers_with_a_warning_and_never_allow_everything()
    {
        var set = Compile(Anp("fqdn", 10, $"{SubjectX}\negress:\n{Rule("Allow", "to:\n  - domainNames: ['*.kubernetes.io']")}\n{Rule("Deny", "to:\n  - networks: [0.0.0.0/0]")}"));
        Assert.Equal(new FqdnPeer("*.kubernetes.io.", FqdnFlavor.AnpDomain), Assert.Single(set.Rules[0].Peers));
        Assert.Contains(set.Warnings, w => w.StartsWith("AdminNetworkPolicy fqdn: spec.egress[0].to[0].domainNames:", StringComparison.Ordinal) && w.Contains("not enforced", StringComparison.Ordinal));
        Assert.False(new PolicyEvaluator(Snapshot(), set).Evaluate("x/a", "203.0.113.5", new Connection(L4Protocol.Tcp, 443)).Allowed);
    }

    [Fact]
    public void Case_21_a_peer_with_only_an_unknown_field_fails_closed()
    {
        const string Unknown = "from:\n  - futurePeer: {matchLabels: {team: blue}}";
        var allow = Compile(Anp("allow-unknown", 10, $"{SubjectX}\ningress:\n{Rule("Allow", Unknown)}\n{Rule("Deny", FromAll)}"));
        var v = new PolicyEvaluator(Snapshot(), allow).Ask("y/a", "x/a");
        Assert.False(v.Allowed);
        Assert.Equal(1, Assert.Single(v.Ingress.DecidingRules).Id.Index);
        Assert.Contains(allow.Warnings, w => w.Contains("spec.ingress[0].from[0] (futurePeer)", StringComparison.Ordinal) && w.Contains("matches no traffic", StringComparison.Ordinal));

        var deny = With(Anp("deny-unknown", 10, $"{SubjectX}\ningress:\n{Rule("Deny", Unknown, "ports: [{portNumber: {port: 9999}}]")}"));
        Assert.False(deny.Ask("z/a", "x/a", 80).Allowed, "a Deny rule that fails closed denies every peer and port");

        var pass = With(
            Anp("pass-unknown", 10, $"{SubjectX}\ningress:\n{Rule("Pass", Unknown)}"),
            NetPol("podSelector: {}\ningress: [{}]"));
        var passed = pass.Ask("y/a", "x/a");
        Assert.False(passed.Allowed, "a Pass rule that fails closed denies instead of passing");
        Assert.Equal("anp:AdminNetworkPolicy/pass-unknown:ingress[0]", Assert.Single(passed.Ingress.DecidingRules).Id.Key);
    }

    [Fact]
    public void Case_22_a_banp_not_named_default_is_rejected()
    {
        var error = Assert.Single(Errors(Banp($"{SubjectAll}\ningress:\n{Rule("Deny", FromAll)}", name: "foo")));
        Assert.Equal("BaselineAdminNetworkPolicy foo: metadata.name: Invalid value: \"foo\": Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster", error);
        Assert.Throws<ValidationException>(() => Compile(Banp(SubjectAll, name: "foo")));
    }

    [Fact]
    public void Case_22_a_pod_reaching_its_own_ip_is_allowed_under_an_anp_deny_all()
    {
        var e = With(Anp("deny-all", 0, $"{SubjectAll}\ningress:\n{Rule("Deny", FromAll)}\negress:\n{Rule("Deny", "to:\n  - networks: [0.0.0.0/0]")}"));
        var self = e.Ask("x/a", "x/a");
        Assert.True(self.Allowed);
        Assert.Equal(Reason.SelfTraffic, self.Ingress.Reason);
        Assert.False(e.Ask("x/b", "x/a").Allowed);
        // The Service-IP hairpin half of item 22 needs Services in the snapshot, which the model does not have yet.
    }
}
