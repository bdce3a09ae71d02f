using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.AdminNetwork.AnpTestCluster;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>How the three kinds land on the model (tiers, order, actions, peers, ports) and what that means for verdicts.</summary>
public class AnpSemanticsTests
{
    [Fact]
    public void Anp_rules_sit_in_the_anp_tier_at_their_priority_with_pass_leaving_the_band_and_no_isolation()
    {
        var set = Compile(Anp("ops", 42, $"{SubjectX}\ningress:\n- {{name: first, action: Allow, from: [{{namespaces: {{}}}}]}}\n- {{action: Pass, from: [{{namespaces: {{}}}}]}}\negress:\n- {{name: out, action: Deny, to: [{{networks: [10.0.0.0/8, 'fd00::/8']}}]}}"));
        Assert.Empty(set.Isolations);
        Assert.Empty(set.Warnings);
        Assert.All(set.Rules, r => Assert.Equal(Ladder.AdminNetworkPolicy, r.Tier));
        Assert.All(set.Rules, r => Assert.Equal(42, r.PolicyOrder));
        Assert.Equal(["anp:AdminNetworkPolicy/ops:ingress[0]", "anp:AdminNetworkPolicy/ops:ingress[1]", "anp:AdminNetworkPolicy/ops:egress[0]"], set.Rules.Select(r => r.Id.Key));
        Assert.Equal("AdminNetworkPolicy ops ingress[0] \"first\"", set.Rules[0].Id.ToString());
        Assert.Equal([RuleAction.Allow, RuleAction.Pass, RuleAction.Deny], set.Rules.Select(r => r.Action));
        Assert.Equal(PassTarget.EndOfBand, set.Rules[1].PassTarget);
        Assert.Equal([new IpBlockPeer(Cidr.TryParse("10.0.0.0/8")!, [], true), new IpBlockPeer(Cidr.TryParse("fd00::/8")!, [], true)], set.Rules[2].Peers);
        Assert.Equal(new PolicyRef("anp", "AdminNetworkPolicy", null, "ops"), set.Rules[0].Id.Policy);
    }

    [Fact]
    public void Banp_and_cnp_land_on_their_tiers()
    {
        var banp = Assert.Single(Compile(Banp($"{SubjectAll}\negress:\n- {{action: Deny, to: [{{namespaces: {{}}}}]}}")).Rules);
        Assert.Equal(Ladder.BaselineAdminNetworkPolicy, banp.Tier);
        Assert.Equal("anp:BaselineAdminNetworkPolicy/default:egress[0]", banp.Id.Key);

        var admin = Assert.Single(Compile(Cnp("c", "Admin", 7, $"{SubjectAll}\ningress:\n- {{action: Accept, from: [{{namespaces: {{}}}}]}}")).Rules);
        Assert.Equal((Ladder.ClusterNetworkPolicyAdmin, 7d, RuleAction.Allow), (admin.Tier, admin.PolicyOrder, admin.Action));
        Assert.Equal("anp:ClusterNetworkPolicy/c:ingress[0]", admin.Id.Key);

        var baseline = Assert.Single(Compile(Cnp("b", "Baseline", 3, $"{SubjectAll}\ningress:\n- {{action: Pass, from: [{{namespaces: {{}}}}]}}")).Rules);
        Assert.Equal((Ladder.BaselineAdminNetworkPolicy, PassTarget.EndOfBand), (baseline.Tier, baseline.PassTarget));
    }

    [Fact]
    public void Is_knows_the_three_kinds_and_not_antreas_clusternetworkpolicy()
    {
        Resource Of(string apiVersion, string kind) => new() { ApiVersion = apiVersion, Kind = kind };
        Assert.True(AdminNetworkPolicies.Is(Of("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy")));
        Assert.True(AdminNetworkPolicies.Is(Of("policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy")));
        Assert.True(AdminNetworkPolicies.Is(Of("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy")));
        Assert.False(AdminNetworkPolicies.Is(Of("crd.antrea.io/v1beta1", "ClusterNetworkPolicy")));
        Assert.False(AdminNetworkPolicies.Is(Of("networking.k8s.io/v1", "NetworkPolicy")));
        Assert.Throws<ArgumentException>(() => AdminNetworkPolicies.Compile(Of("networking.k8s.io/v1", "NetworkPolicy"), PolicyContext.Empty));
    }

    [Fact]
    public void An_anp_never_isolates_traffic_its_rules_do_not_match_goes_on()
    {
        var e = With(Anp("allow-y", 5, $"{SubjectX}\ningress:\n- {{action: Allow, from: [{{namespaces: {{matchLabels: {{team: blue}}}}}}]}}"));
        var v = e.Ask("z/a", "x/a");
        Assert.True(v.Allowed);
        Assert.Equal(Reason.EndOfLadder, v.Ingress.Reason);
    }

    [Fact]
    public void Pods_subject_and_peer_and_both_selectors_and()
    {
        var e = With(Anp("pods", 5, "subject: {pods: {namespaceSelector: {matchLabels: {team: red}}, podSelector: {matchLabels: {app: a}}}}\ningress:\n- action: Deny\n  from:\n  - pods: {namespaceSelector: {matchLabels: {team: blue}}, podSelector: {matchLabels: {app: b}}}"));
        Assert.False(e.Ask("y/b", "x/a").Allowed);
        Assert.True(e.Ask("y/a", "x/a").Allowed, "peer pod selector does not match");
        Assert.True(e.Ask("y/b", "x/b").Allowed, "x/b is not a subject");
    }

    [Fact]
    public void Host_network_pods_are_never_subjects_or_pod_peers()
    {
        var e = With(Anp("deny", 5, $"{SubjectAll}\ningress:\n- {{action: Deny, from: [{{namespaces: {{matchLabels: {{team: red}}}}}}]}}\negress:\n- {{action: Deny, to: [{{namespaces: {{}}}}]}}"));
        Assert.Equal(Reason.NotAPod, e.Ask("x/h", "z/a").Egress.Reason);
        Assert.True(e.Ask("x/h", "z/a").Ingress.Allowed, "x/h is in namespace x but is not a pod peer");
        Assert.False(e.Ask("x/a", "z/a").Allowed);
    }

    [Fact]
    public void Node_peers_match_node_addresses_including_host_network_pods()
    {
        var e = With(Anp("no-nodes", 5, $"{SubjectX}\negress:\n- {{action: Deny, to: [{{nodes: {{matchLabels: {{role: worker}}}}}}]}}"));
        Assert.False(e.Evaluate("x/a", "192.168.0.1", new Connection(L4Protocol.Tcp, 10250)).Allowed);
        Assert.False(e.Ask("x/a", "x/h").Allowed);
        Assert.True(e.Ask("x/a", "y/a").Allowed);
        var other = With(Anp("no-nodes", 5, $"{SubjectX}\negress:\n- {{action: Deny, to: [{{nodes: {{matchLabels: {{role: control}}}}}}]}}"));
        Assert.True(other.Evaluate("x/a", "192.168.0.1", new Connection(L4Protocol.Tcp, 10250)).Allowed);
    }

    [Fact]
    public void Named_ports_resolve_per_destination_pod_and_ranges_are_inclusive()
    {
        var e = With(Anp("ports", 5, $"{SubjectX}\ningress:\n- action: Allow\n  from: [{{namespaces: {{}}}}]\n  ports: [{{namedPort: http}}, {{portRange: {{protocol: SCTP, start: 9000, end: 9003}}}}]\n- {{action: Deny, from: [{{namespaces: {{}}}}]}}"));
        Assert.True(e.Ask("y/a", "x/a", 8080).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 9090).Allowed);
        Assert.True(e.Ask("y/a", "x/b", 9090).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 53, L4Protocol.Udp).Allowed, "dns is UDP 53 but not named http");
        Assert.True(e.Ask("y/a", "x/a", 9003, L4Protocol.Sctp).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 9004, L4Protocol.Sctp).Allowed);
        Assert.False(e.Ask("y/a", "x/a", 9003).Allowed, "the range is SCTP only");
    }

    [Fact]
    public void Port_number_protocol_defaults_to_tcp()
    {
        var rule = Assert.Single(Compile(Anp("p", 5, $"{SubjectX}\ningress:\n- {{action: Deny, from: [{{namespaces: {{}}}}], ports: [{{portNumber: {{port: 53}}}}]}}")).Rules);
        Assert.Equal(new PortMatch(L4Protocol.Tcp, new PortRange(53, 53)), Assert.Single(rule.Ports));
    }

    [Fact]
    public void Legacy_not_same_labels_and_pods_with_namespaces_still_read()
    {
        var e = With(Anp("legacy", 5, $"{SubjectAll}\ningress:\n- action: Deny\n  from:\n  - namespaces: {{notSameLabels: [team]}}\n- action: Deny\n  from:\n  - pods: {{namespaces: {{namespaceSelector: {{matchLabels: {{team: red}}}}}}, podSelector: {{matchLabels: {{app: b}}}}}}"));
        Assert.False(e.Ask("y/a", "x/a").Allowed, "different team label: notSameLabels matches");
        Assert.False(e.Ask("x/b", "x/a").Allowed, "legacy pods peer: x/b");
        Assert.True(e.Ask("x/a", "x/b").Allowed, "same namespace, pod a: neither rule matches");
    }

    [Fact]
    public void Cnp_admin_comes_before_anp_and_cnp_baseline_pass_goes_to_the_default_allow()
    {
        var admin = With(
            Anp("allow", 0, $"{SubjectX}\ningress:\n- {{action: Allow, from: [{{namespaces: {{}}}}]}}"),
            Cnp("deny", "Admin", 1000, $"{SubjectX}\ningress:\n- {{action: Deny, from: [{{namespaces: {{matchLabels: {{team: blue}}}}}}]}}"));
        Assert.Equal("anp:ClusterNetworkPolicy/deny:ingress[0]", Assert.Single(admin.Ask("y/a", "x/a").Ingress.DecidingRules).Id.Key);
        Assert.False(admin.Ask("y/a", "x/a").Allowed);

        var baseline = With(
            Cnp("pass-y", "Baseline", 0, $"{SubjectX}\ningress:\n- {{action: Pass, from: [{{namespaces: {{matchLabels: {{team: blue}}}}}}]}}"),
            Cnp("deny-rest", "Baseline", 10, $"{SubjectX}\ningress:\n- {{action: Deny, from: [{{namespaces: {{}}}}]}}"));
        Assert.True(baseline.Ask("y/a", "x/a").Allowed);
        Assert.False(baseline.Ask("z/a", "x/a").Allowed);
    }

    [Fact]
    public void Cnp_protocols_read_numbers_ranges_and_named_ports()
    {
        var rule = Assert.Single(Compile(Cnp("c", "Admin", 1, $"{SubjectX}\ningress:\n- action: Deny\n  from: [{{namespaces: {{}}}}]\n  protocols:\n  - tcp: {{destinationPort: {{number: 80}}}}\n  - udp: {{destinationPort: {{range: {{start: 53, end: 54}}}}}}\n  - sctp: {{destinationPort: {{number: 9003}}}}\n  - destinationNamedPort: http")).Rules);
        Assert.Equal(
            [new PortMatch(L4Protocol.Tcp, new PortRange(80, 80)), new PortMatch(L4Protocol.Udp, new PortRange(53, 54)),
                new PortMatch(L4Protocol.Sctp, new PortRange(9003, 9003)), new PortMatch(L4Protocol.AnyPorted, NamedPort: "http")],
            rule.Ports);
    }

    [Fact]
    public void Cnp_pods_peer_without_namespace_selector_means_every_namespace()
    {
        var e = With(Cnp("c", "Admin", 1, $"{SubjectX}\ningress:\n- {{action: Deny, from: [{{pods: {{podSelector: {{matchLabels: {{app: b}}}}}}}}]}}"));
        Assert.False(e.Ask("y/b", "x/a").Allowed);
        Assert.True(e.Ask("z/a", "x/a").Allowed);
    }
}
