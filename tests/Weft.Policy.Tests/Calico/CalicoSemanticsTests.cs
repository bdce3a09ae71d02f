using Weft.Policy.Calico;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Calico.CalicoTestCluster;

namespace Weft.Policy.Tests.Calico;

/// <summary>How Calico policies land in the model and what they decide: tiers, order, selection, peers, ports.</summary>
public class CalicoSemanticsTests
{
    [Fact]
    public void Tiers_sit_on_the_ladder_by_their_order_and_default_action()
    {
        Assert.Equal(Ir.Tier.Developer, Assert.Single(Compile(Np("types: [Ingress]")).Isolations).Tier);
        var early = Assert.Single(Compile(Tier("sec", 100, "Pass"), Np("tier: sec\ntypes: [Ingress]", "sec.p")).Isolations).Tier;
        Assert.Equal(Ladder.CalicoTier("sec", 100, TierDefault.Pass), early);
        Assert.Equal(Band.Admin, early.Band);
        var late = Assert.Single(Compile(Tier("late", 2_000_000), Gnp("tier: late\ntypes: [Ingress]", "late.p")).Isolations).Tier;
        Assert.Equal(Band.Baseline, late.Band);
        Assert.Equal(TierDefault.Deny, late.Default);
        Assert.Equal(Ladder.ClusterNetworkPolicyAdmin, Assert.Single(Compile(Np("tier: kube-admin\ntypes: [Ingress]", "kube-admin.p")).Isolations).Tier);
        Assert.Equal(Ladder.BaselineAdminNetworkPolicy, Assert.Single(Compile(Np("tier: kube-baseline\ntypes: [Ingress]", "kube-baseline.p")).Isolations).Tier);
    }

    [Fact]
    public void An_earlier_tier_decides_before_a_later_one()
    {
        var allow = Np("tier: first\nselector: all()\ningress: [{action: Allow}]", "first.p");
        var deny = Np("tier: second\nselector: all()\ningress: [{action: Deny}]", "second.p");
        Assert.True(With(Tier("first", 10), Tier("second", 20), allow, deny).Allowed("y/a", "x/a"));
        Assert.False(With(Tier("first", 30), Tier("second", 20), allow, deny).Allowed("y/a", "x/a"));
    }

    [Fact]
    public void Order_then_name_decides_between_policies_and_absent_order_is_last()
    {
        var deny = "order: {0}\nselector: all()\ningress: [{{action: Deny}}]";
        var allow = "order: {0}\nselector: all()\ningress: [{{action: Allow}}]";
        Assert.False(With(Np(string.Format(null, deny, 10), "a"), Np(string.Format(null, allow, 10), "b")).Allowed("y/a", "x/a"));
        Assert.True(With(Np(string.Format(null, deny, 10), "b"), Np(string.Format(null, allow, 10), "a")).Allowed("y/a", "x/a"));
        Assert.True(With(Np(string.Format(null, deny, 10), "b"), Np(string.Format(null, allow, 9.5), "c")).Allowed("y/a", "x/a"));
        var rule = Compile(Np("selector: all()\ningress: [{action: Deny}]")).Rules[0];
        Assert.Equal(double.PositiveInfinity, rule.PolicyOrder);
        Assert.Equal("calico:NetworkPolicy/x/p:ingress[0]", rule.Id.Key);
        Assert.Equal("calico:GlobalNetworkPolicy/g:egress[1]", Compile(Gnp("egress: [{action: Log}, {action: Deny}]", "g")).Rules[1].Id.Key);
    }

    [Fact]
    public void A_GlobalNetworkPolicy_selects_in_every_namespace_or_those_its_namespaceSelector_picks()
    {
        var everywhere = With(Gnp("selector: app == 'a'\ntypes: [Ingress]"));
        Assert.False(everywhere.Allowed("x/b", "x/a"));
        Assert.False(everywhere.Allowed("x/b", "y/a"));
        Assert.True(everywhere.Allowed("x/a", "y/b"));
        var red = With(Gnp("selector: app == 'a'\nnamespaceSelector: team == 'red'\ntypes: [Ingress]"));
        Assert.False(red.Allowed("x/b", "x/a"));
        Assert.True(red.Allowed("x/b", "y/a"));
    }

    [Fact]
    public void Synthetic_namespace_keys_select_by_namespace_name()
    {
        var set = Compile(Gnp("selector: projectcalico.org/namespace == 'y'\ntypes: [Ingress]"));
        var subject = Assert.IsType<PodSubject>(Assert.Single(set.Isolations).Subject);
        Assert.Equal(new InNamespace("y"), subject.Namespaces);
        var e = With(Gnp("selector: all()\ningress:\n- action: Allow\n  source: {namespaceSelector: projectcalico.org/name == 'y'}"));
        Assert.True(e.Allowed("y/b", "x/a"));
        Assert.False(e.Allowed("x/b", "x/a"));
        Assert.True(With(Gnp("selector: pcns.team == 'blue'\ntypes: [Ingress]")).Allowed("y/a", "x/a"));
        Assert.False(With(Gnp("selector: projectcalico.org/orchestrator == 'k8s'\ntypes: [Ingress]")).Allowed("y/a", "x/a"));
    }

    [Fact]
    public void A_selector_mixing_namespace_and_pod_tests_selects_each_pod_once()
    {
        var set = Compile(Gnp("selector: projectcalico.org/namespace == 'x' || app == 'b'\ningress: [{action: Log}]"));
        Assert.Equal(2, set.Rules.Count);
        var e = new PolicyEvaluator(TestCluster.Snapshot(), set);
        Assert.Single(e.Ask("y/a", "x/b").Ingress.LoggedBy);
        Assert.Single(e.Ask("y/a", "y/b").Ingress.LoggedBy);
        Assert.Single(e.Ask("y/b", "x/a").Ingress.LoggedBy);
        Assert.Empty(e.Ask("x/a", "y/a").Ingress.LoggedBy);
    }

    [Fact]
    public void A_negated_mixed_notSelector_keeps_external_sources_and_the_other_pods()
    {
        var e = With(Gnp("selector: app == 'a'\ningress:\n- action: Allow\n  source: {notSelector: projectcalico.org/namespace == 'y' && app == 'b'}"));
        Assert.True(e.Allowed(External, "x/a"));
        Assert.True(e.Allowed("x/b", "x/a"));
        Assert.True(e.Allowed("y/a", "x/a"));
        Assert.False(e.Allowed("y/b", "x/a"));
    }

    [Fact]
    public void NetworkPolicy_rule_selectors_stay_in_its_namespace_unless_a_namespaceSelector_is_given()
    {
        var own = With(Np("selector: app == 'a'\ningress:\n- action: Allow\n  source: {selector: app == 'b'}"));
        Assert.True(own.Allowed("x/b", "x/a"));
        Assert.False(own.Allowed("y/b", "x/a"));
        var all = With(Np("selector: app == 'a'\ningress:\n- action: Allow\n  source: {selector: app == 'b', namespaceSelector: all()}"));
        Assert.True(all.Allowed("y/b", "x/a"));
        var global = With(Np("selector: app == 'a'\ningress:\n- action: Allow\n  source: {namespaceSelector: global()}"));
        Assert.False(global.Allowed("y/b", "x/a"), "global() selects no pod");
    }

    [Fact]
    public void Egress_rules_match_the_destination_and_its_ports()
    {
        var e = With(Np("selector: app == 'a'\negress:\n- action: Allow\n  protocol: TCP\n  destination: {nets: [192.0.2.0/24], ports: [443]}"));
        Assert.True(e.Allowed("x/a", External, 443));
        Assert.False(e.Allowed("x/a", External, 80));
        Assert.False(e.Allowed("x/a", "x/b", 443));
    }

    [Fact]
    public void The_destination_selector_of_an_ingress_rule_narrows_which_selected_pods_it_applies_to()
    {
        var e = With(Tier("t", 100, "Pass"), Gnp("tier: t\nselector: all()\ningress:\n- action: Deny\n  destination: {selector: app == 'a'}", "t.p"));
        Assert.False(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("y/b", "x/b"));
    }

    [Fact]
    public void Named_ports_without_protocol_resolve_on_each_destination_pod()
    {
        var e = With(Gnp("selector: all()\ningress:\n- action: Allow\n  destination: {ports: [http]}"));
        Assert.True(e.Allowed("y/a", "x/a", 8080));
        Assert.False(e.Allowed("y/a", "x/a", 9090));
        Assert.True(e.Allowed("y/a", "x/b", 9090));
        Assert.False(e.Allowed("y/a", "x/a", 8080, L4Protocol.Udp));
    }

    [Fact]
    public void Negated_ports_and_protocols_carve_out_of_a_rule()
    {
        var notPorts = With(Np("ingress:\n- action: Allow\n  protocol: TCP\n  destination: {notPorts: [81, '90:99']}"));
        Assert.True(notPorts.Allowed("y/a", "x/a", 80));
        Assert.False(notPorts.Allowed("y/a", "x/a", 81));
        Assert.False(notPorts.Allowed("y/a", "x/a", 95));
        var notUdp = With(Np("ingress:\n- action: Allow\n  notProtocol: UDP"));
        Assert.True(notUdp.Allowed("y/a", "x/a", 53));
        Assert.False(notUdp.Allowed("y/a", "x/a", 53, L4Protocol.Udp));
    }

    [Fact]
    public void Icmp_type_and_code_match_and_notICMP_excludes()
    {
        var e = With(Np("ingress:\n- action: Allow\n  protocol: ICMP\n  icmp: {type: 8}\n  notICMP: {type: 8, code: 1}"));
        Assert.True(e.Evaluate("y/a", "x/a", new Connection(L4Protocol.Icmp, 0) { IcmpType = 8, IcmpCode = 0 }).Allowed);
        Assert.False(e.Evaluate("y/a", "x/a", new Connection(L4Protocol.Icmp, 0) { IcmpType = 8, IcmpCode = 1 }).Allowed);
        Assert.False(e.Evaluate("y/a", "x/a", new Connection(L4Protocol.Icmp, 0) { IcmpType = 0, IcmpCode = 0 }).Allowed);
    }

    [Fact]
    public void Nets_and_notNets_become_ipBlocks_and_a_negated_peer()
    {
        var rule = Compile(Np("egress:\n- action: Allow\n  destination: {nets: [10.0.0.0/8], notNets: [10.1.0.0/16]}")).Rules[0];
        var block = Assert.IsType<IpBlockPeer>(Assert.Single(rule.Peers));
        Assert.Equal("ipBlock 10.0.0.0/8 except 10.1.0.0/16", block.ToString());
        var not = Compile(Np("egress:\n- action: Allow\n  destination: {notNets: [10.0.0.0/8]}")).Rules[0];
        Assert.IsType<NotPeer>(Assert.Single(not.Peers));
        var e = With(Np("selector: app == 'a'\negress:\n- action: Allow\n  destination: {notNets: [10.0.2.0/24]}"));
        Assert.True(e.Allowed("x/a", External));
        Assert.True(e.Allowed("x/a", "x/b"));
        Assert.False(e.Allowed("x/a", "y/b"));
    }

    [Fact]
    public void Source_ports_are_kept_on_the_port_match()
    {
        var rule = Compile(Np("ingress:\n- action: Allow\n  protocol: UDP\n  source: {ports: ['1000:2000']}\n  destination: {ports: [53]}")).Rules[0];
        var port = Assert.Single(rule.Ports);
        Assert.Equal(new PortRange(53, 53), port.Ports);
        Assert.Equal(new PortRange(1000, 2000), port.SourcePorts);
        Assert.Equal(L4Protocol.Udp, port.Protocol);
    }

    [Fact]
    public void A_source_port_condition_matches_only_a_named_source_port_in_its_range()
    {
        var e = With(Np("selector: app == 'a'\ningress:\n- action: Allow\n  protocol: TCP\n  source: {ports: ['1000:2000']}\n  destination: {ports: [80]}"));
        var at = (int? source) => e.Evaluate("y/b", "x/a", new Connection(L4Protocol.Tcp, 80) { SourcePort = source }).Allowed;
        Assert.True(at(1500));
        Assert.True(at(2000));
        Assert.False(at(2001));
        // An ephemeral port the question does not name is not taken to be in the range: the kernel checks the real one.
        Assert.False(at(null));
        Assert.Equal("TCP/80 from port 1500", new Connection(L4Protocol.Tcp, 80) { SourcePort = 1500 }.ToString());

        // A named destination port does not skip the source-port condition.
        var named = new PolicyEvaluator(
            new ClusterSnapshot(
                [new NamespaceInfo("x", new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = "x" })],
                [
                    new PodInfo("x", "a", new Dictionary<string, string> { ["app"] = "a" }, [System.Net.IPAddress.Parse("10.0.0.1")], [new PodPort("http", 80, L4Protocol.Tcp)]),
                    new PodInfo("x", "b", new Dictionary<string, string> { ["app"] = "b" }, [System.Net.IPAddress.Parse("10.0.0.2")], []),
                ]),
            Compile(Np("selector: app == 'a'\ningress:\n- action: Allow\n  protocol: TCP\n  source: {ports: ['1000:2000']}\n  destination: {ports: [http]}")));
        Assert.True(named.Evaluate("x/b", "x/a", new Connection(L4Protocol.Tcp, 80) { SourcePort = 1000 }).Allowed);
        Assert.False(named.Evaluate("x/b", "x/a", new Connection(L4Protocol.Tcp, 80) { SourcePort = 5555 }).Allowed);
        Assert.False(named.Evaluate("x/b", "x/a", new Connection(L4Protocol.Tcp, 80)).Allowed);
    }

    [Fact]
    public void Types_restrict_which_rules_apply()
    {
        var set = Compile(Np("types: [Ingress]\ningress: [{action: Allow}]\negress: [{action: Deny}]"));
        Assert.All(set.Rules, r => Assert.Equal(Direction.Ingress, r.Direction));
        Assert.Equal(2, Compile(Np("ingress: [{action: Allow}]\negress: [{action: Deny}]")).Isolations.Count);
    }

    [Fact]
    public void Pass_rules_go_to_the_next_tier()
    {
        var rule = Compile(Np("ingress: [{action: Pass}]")).Rules[0];
        Assert.Equal(RuleAction.Pass, rule.Action);
        Assert.Equal(PassTarget.NextTier, rule.PassTarget);
    }

    [Fact]
    public void Host_endpoint_only_policies_have_no_effect_on_pods_and_say_so()
    {
        var set = Compile(Gnp("preDNAT: true\napplyOnForward: true\ningress: [{action: Deny}]"));
        Assert.Empty(set.Rules);
        Assert.Empty(set.Isolations);
        Assert.Contains(set.Warnings, w => w.Contains("spec.preDNAT: this policy applies to host endpoints only", StringComparison.Ordinal));
    }

    [Fact]
    public void Http_matches_are_kept_as_opaque_L7_and_reported()
    {
        var set = Compile(Np("ingress:\n- action: Allow\n  http: {methods: [GET], paths: [{prefix: /api}]}"));
        var l7 = Assert.IsType<OpaqueL7>(Assert.Single(set.Rules[0].L7));
        Assert.Equal("http", l7.Kind);
        Assert.Contains("/api", l7.Spec, StringComparison.Ordinal);
        Assert.Contains("NetworkPolicy.projectcalico.org x/p: spec.ingress[0].http: L7 rules are not enforced yet", Assert.Single(set.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_model_cannot_express_fails_closed_with_a_warning()
    {
        var allow = Compile(Np("ingress:\n- action: Allow\n  source: {services: {name: web, namespace: x}}"));
        Assert.Empty(allow.Rules[0].Peers);
        Assert.Contains("spec.ingress[0].source.services: Kubernetes Service matching is not in the policy model; spec.ingress[0] (Allow) matches nothing", Assert.Single(allow.Warnings), StringComparison.Ordinal);
        var deny = Compile(Np("ingress:\n- action: Deny\n  source: {selector: app == 'b', nets: [10.0.0.0/8]}"));
        Assert.Equal(2, deny.Rules[0].Peers.Count);
        Assert.Contains("(Deny) is enforced without that condition", Assert.Single(deny.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Service_account_selectors_test_the_accounts_labels_and_names()
    {
        var subject = Compile(Np("serviceAccountSelector: role == 'x'\ningress: [{action: Allow, source: {serviceAccounts: {names: [api], selector: tier == 'y'}}}]"));
        Assert.Empty(subject.Warnings);
        var rule = Assert.Single(subject.Rules);
        var pods = Assert.IsType<PodSubject>(rule.Subject).Pods;
        Assert.True(pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccountLabelPrefix + "role"] = "x" }));
        Assert.False(pods.Matches(new Dictionary<string, string> { ["role"] = "x" }));
        var peer = Assert.IsType<PodPeer>(Assert.Single(rule.Peers));
        Assert.True(peer.Pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccount] = "api", [ReservedLabels.ServiceAccountLabelPrefix + "tier"] = "y" }));
        Assert.False(peer.Pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccount] = "api" }));
        // pcsa.* in a plain selector is the same test.
        var pcsa = Assert.IsType<PodPeer>(Assert.Single(Compile(Np("ingress: [{action: Allow, source: {selector: pcsa.tier == 'y'}}]")).Rules[0].Peers));
        Assert.True(pcsa.Pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccountLabelPrefix + "tier"] = "y" }));
    }

    [Fact]
    public void CompileAll_is_all_or_nothing_and_Is_recognises_only_Calico_kinds()
    {
        var resources = Read(Np("types: [Ingress]", "good"), Np("ingress: [{action: Jump}]", "bad"));
        Assert.All(resources, r => Assert.True(CalicoPolicies.Is(r)));
        Assert.False(CalicoPolicies.Is(Read(NetPol("podSelector: {}"))[0]));
        var e = Assert.Throws<Weft.Model.ValidationException>(() => CalicoPolicies.CompileAll(resources, PolicyContext.Empty));
        Assert.Contains("x/bad: spec.ingress[0].action", Assert.Single(e.Errors).ToString(), StringComparison.Ordinal);
    }
}
