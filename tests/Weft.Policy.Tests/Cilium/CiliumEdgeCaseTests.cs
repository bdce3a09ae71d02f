using Weft.Policy.Cilium;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Cilium.CiliumCluster;

namespace Weft.Policy.Tests.Cilium;

/// <summary>policy-dialects.md §8, the Cilium items (32–43, and the Cilium half of 27), with the expected verdicts.</summary>
public class CiliumEdgeCaseTests
{
    [Fact]
    public void Case_27_matchPattern_star_foo_com_stays_within_one_label()
    {
        Assert.True(CiliumFqdnPatterns.Matches("*foo.com", "notfoo.com"));
        Assert.True(CiliumFqdnPatterns.Matches("*foo.com", "foo.com"));
        Assert.False(CiliumFqdnPatterns.Matches("*foo.com", "a.b.foo.com"));
    }

    [Fact]
    public void Case_32_empty_endpointSelector_with_an_empty_ingress_rule_denies_all_ingress_in_the_namespace()
    {
        var e = With(Cnp("endpointSelector: {}\ningress: [{}]"));
        Assert.False(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("y/a", "x/b", 443, L4Protocol.Udp));
        Assert.False(e.Ping("y/a", "x/a"));
        Assert.False(e.Allowed(External, "x/a"));
        Assert.True(e.Allowed("x/a", "y/a"), "other namespaces and egress are untouched");
        Assert.Empty(e.Policies.Rules);
    }

    [Fact]
    public void Case_33_fromEndpoints_empty_selector_means_the_policy_namespace_in_a_CNP()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: [{}]"));
        Assert.True(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("y/b", "x/a"));
    }

    [Fact]
    public void Case_33_fromEndpoints_empty_selector_means_every_pod_but_not_the_host_in_a_CCNP()
    {
        var e = With(Ccnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: [{}]"));
        Assert.True(e.Allowed("x/b", "x/a"));
        Assert.True(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("default/xwing", "y/a"));
        Assert.False(e.Allowed(NodeAddress, "x/a"), "reserved:host is not a pod");
        Assert.False(e.Allowed(External, "x/a"));
    }

    [Fact]
    public void Case_34_a_port_without_protocol_means_TCP_UDP_and_SCTP()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- toPorts: [{ports: [{port: \"53\"}]}]"));
        Assert.True(e.Allowed("y/b", "x/a", 53, L4Protocol.Udp));
        Assert.True(e.Allowed("y/b", "x/a", 53, L4Protocol.Tcp));
        Assert.True(e.Allowed("y/b", "x/a", 53, L4Protocol.Sctp));
        Assert.False(e.Allowed("y/b", "x/a", 54, L4Protocol.Udp));
        Assert.False(e.Ping("y/b", "x/a"));
    }

    [Fact]
    public void Case_34_port_zero_allows_every_port()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- toPorts: [{ports: [{port: \"0\", protocol: TCP}]}]"));
        Assert.True(e.Allowed("y/b", "x/a", 1));
        Assert.True(e.Allowed("y/b", "x/a", 65535));
        Assert.False(e.Allowed("y/b", "x/a", 53, L4Protocol.Udp));
    }

    private const string L7FromB = """
        endpointSelector: {matchLabels: {app: a}}
        ingress:
        - fromEndpoints: [{matchLabels: {app: b}}]
          toPorts:
          - ports: [{port: "80", protocol: TCP}]
            rules: {http: [{method: GET, path: /public}]}
        """;

    [Fact]
    public void Case_35_an_ingressDeny_beats_an_L7_allow_on_the_same_port()
    {
        var e = With(Cnp(L7FromB + "\ningressDeny:\n- fromEndpoints: [{matchLabels: {app: b}}]\n  toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]"));
        var verdict = e.Evaluate("x/b", "x/a", new Connection(L4Protocol.Tcp, 80));
        Assert.False(verdict.Allowed);
        Assert.Equal(Ladder.CiliumDeny, Assert.Single(verdict.Ingress.DecidingRules).Tier);
    }

    [Fact]
    public void Case_35_the_deny_covers_its_port_only_so_ping_from_an_L3_allowed_peer_passes()
    {
        var e = With(Cnp(L7FromB + "\n- fromEndpoints: [{matchLabels: {app: b}}]\ningressDeny:\n- fromEndpoints: [{matchLabels: {app: b}}]\n  toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]"));
        Assert.True(e.Ping("x/b", "x/a"));
        Assert.True(e.Allowed("x/b", "x/a", 8080));
        Assert.False(e.Allowed("x/b", "x/a", 80));
    }

    [Fact]
    public void Case_36_an_L4_only_allow_on_the_same_port_and_peer_is_reported_with_the_L7_one()
    {
        var e = With(Cnp(L7FromB + "\n- fromEndpoints: [{matchLabels: {app: b}}]\n  toPorts: [{ports: [{port: \"80\", protocol: TCP}]}]"));
        var verdict = e.Evaluate("x/b", "x/a", new Connection(L4Protocol.Tcp, 80));
        Assert.True(verdict.Allowed);
        // Both union members decide; the one without L7 is why a dataplane must not send this to a proxy.
        Assert.Contains(verdict.Ingress.DecidingRules, r => r.L7.Count == 0);
        Assert.Contains(verdict.Ingress.DecidingRules, r => r.L7.Count == 1);
    }

    [Theory]
    [InlineData("*.cilium.io", "www.cilium.io", true)]
    [InlineData("*.cilium.io", "cilium.io", false)]
    [InlineData("*.cilium.io", "a.b.cilium.io", false)]
    [InlineData("**.cilium.io", "a.b.cilium.io", true)]
    [InlineData("**.cilium.io", "app.cilium.io", true)]
    [InlineData("**.cilium.io", "cilium.io", false)]
    [InlineData("*cilium.io", "subcilium.io", true)]
    [InlineData("*cilium.io", "cilium.io", true)]
    [InlineData("*cilium.io", "www.cilium.io", false)]
    [InlineData("sub*.cilium.io", "subdomain.cilium.io", true)]
    [InlineData("sub*.cilium.io", "www.cilium.io", false)]
    [InlineData("*", "anything.example.com", true)]
    [InlineData("*", "COM.", true)]
    [InlineData("WWW.Cilium.IO", "www.cilium.io.", true)]
    public void Case_37_matchPattern_wildcards(string pattern, string name, bool matches) =>
        Assert.Equal(matches, CiliumFqdnPatterns.Matches(pattern, name));

    [Fact]
    public void Case_38_toFQDNs_without_a_dns_rule_denies_the_lookup_and_the_connection()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\negress:\n- toFQDNs: [{matchName: api.example.com}]"));
        var e = With(set);
        Assert.False(e.Allowed("x/a", "kube-system/coredns", 53, L4Protocol.Udp), "egress is isolated and nothing allows DNS");
        Assert.False(e.Allowed("x/a", External, 443), "no DNS answer was learned for the name");
        var peer = Assert.IsType<FqdnPeer>(Assert.Single(Assert.Single(set.Rules).Peers));
        Assert.Equal(new FqdnPeer("api.example.com.", FqdnFlavor.Exact), peer);
        Assert.Contains(set.Warnings, w => w.Contains("CiliumNetworkPolicy x/p: spec.egress[0].toFQDNs: toFQDNs is not enforced yet", StringComparison.Ordinal));
    }

    private const string ToCidr = "endpointSelector: {matchLabels: {app: a}}\negress:\n- toCIDR: [10.0.0.0/8, 203.0.113.0/24]";

    [Fact]
    public void Case_39_toCIDR_matches_addresses_outside_the_cluster()
    {
        var set = Compile(Cnp(ToCidr));
        Assert.True(With(set).Allowed("x/a", External));
        Assert.False(With(set).Allowed("x/a", "198.51.100.1"));
        Assert.All(Assert.Single(set.Rules).Peers, p => Assert.False(Assert.IsType<IpBlockPeer>(p).MatchesClusterIPs));
    }

    [Fact]
    public void Case_39_toCIDR_never_matches_a_pod_inside_the_range() =>
        Assert.False(With(Cnp(ToCidr)).Allowed("x/a", "y/b"));

    private const string DenyFromB = "endpointSelector: {matchLabels: {app: a}}\ningressDeny:\n- fromEndpoints: [{matchLabels: {app: b}}]";

    [Fact]
    public void Case_40_a_deny_only_policy_switches_on_default_deny_for_its_direction()
    {
        var e = With(Cnp(DenyFromB));
        Assert.False(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("y/a", "x/a"), "default deny: nothing allows y/a");
        Assert.True(e.Allowed("x/a", "y/a"), "egress has no rules, so it is not isolated");
    }

    [Fact]
    public void Case_40_enableDefaultDeny_false_leaves_only_the_deny()
    {
        var e = With(Cnp(DenyFromB + "\nenableDefaultDeny: {ingress: false}"));
        Assert.False(e.Allowed("x/b", "x/a"));
        Assert.True(e.Allowed("y/a", "x/a"));
        Assert.Empty(e.Policies.Isolations);
    }

    [Fact]
    public void Case_41_an_L7_rule_is_kept_and_its_L3_L4_part_enforced_while_the_403_is_not()
    {
        var set = Compile(Cnp(L7FromB));
        var rule = Assert.Single(set.Rules);
        var l7 = Assert.IsType<OpaqueL7>(Assert.Single(rule.L7));
        Assert.Equal("http", l7.Kind);
        Assert.Contains("/public", l7.Spec, StringComparison.Ordinal);
        Assert.Equal("CiliumNetworkPolicy x/p: spec.ingress[0].toPorts[0].rules.http: L7 rules are not enforced yet; the rule's L3/L4 part (its peers and ports) is enforced", Assert.Single(set.Warnings));
        var e = With(set);
        Assert.True(e.Allowed("x/b", "x/a", 80));
        Assert.False(e.Allowed("x/b", "x/a", 81));
        Assert.False(e.Allowed("y/b", "x/a", 80));
    }

    [Theory]
    [InlineData("ingress:\n- fromEndpoints: [{}]\n  fromCIDR: [10.0.0.0/8]", "spec.ingress[0]: Forbidden: combining fromEndpoints and fromCIDR is not supported yet")]
    [InlineData("ingress:\n- icmps: [{fields: [{type: 8}]}]\n  toPorts: [{ports: [{port: \"80\"}]}]", "spec.ingress[0].icmps: Forbidden: the ICMPs block may only be present without toPorts")]
    [InlineData("ingress:\n- toPorts: [{ports: [{port: \"80\", protocol: UDP}], rules: {http: [{method: GET}]}}]", "spec.ingress[0].toPorts[0].ports[0].protocol: Invalid value: \"UDP\": L7 rules can only apply to TCP (not UDP) except for DNS rules")]
    [InlineData("ingress:\n- toPorts: [{ports: [{port: \"53\", protocol: UDP}], rules: {dns: [{matchPattern: \"*\"}]}}]", "spec.ingress[0].toPorts[0].rules.dns: Forbidden: DNS rules are not allowed on ingress")]
    [InlineData("egress:\n- toPorts: [{ports: [{port: \"5353\", protocol: UDP}], rules: {dns: [{matchPattern: \"*\"}]}}]", "spec.egress[0].toPorts[0].rules.dns: Forbidden: port 53 must be specified for DNS rules")]
    [InlineData("ingress:\n- toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka: [{role: produce, apiKey: produce}]}}]", "spec.ingress[0].toPorts[0].rules.kafka[0]: Forbidden: cannot set both role \"produce\" and apiKey \"produce\" together")]
    public void Case_42_rejected(string rules, string expected)
    {
        var error = Assert.Single(Errors("endpointSelector: {}\n" + rules));
        Assert.StartsWith("CiliumNetworkPolicy x/p: " + expected, error);
    }

    [Fact]
    public void Case_43_kafka_rules_are_kept_whole_for_an_L7_engine_and_their_port_enforced()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- toPorts:\n  - ports: [{port: \"9092\", protocol: TCP}]\n    rules: {kafka: [{role: produce, topic: t1}]}"));
        var l7 = Assert.IsType<OpaqueL7>(Assert.Single(Assert.Single(set.Rules).L7));
        Assert.Equal("kafka", l7.Kind);
        Assert.Equal("""[{"role":"produce","topic":"t1"}]""", l7.Spec);
        Assert.Single(set.Warnings);
        // The topic check (a Produce naming t1 and t2 is denied) is the L7 engine's; at L4 the port is open.
        Assert.True(With(set).Allowed("y/b", "x/a", 9092));
        Assert.False(With(set).Allowed("y/b", "x/a", 9093));
    }
}
