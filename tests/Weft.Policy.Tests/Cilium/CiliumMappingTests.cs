using Weft.Model;
using Weft.Policy.Cilium;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Tests.Cilium.CiliumCluster;

namespace Weft.Policy.Tests.Cilium;

/// <summary>How Cilium rules land in the model: tiers, actions, identities, peers, ports and isolation.</summary>
public class CiliumMappingTests
{
    [Fact]
    public void Allows_join_the_union_block_and_denies_sit_in_the_deny_tier_before_it()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: [{matchLabels: {app: b}}]\ningressDeny:\n- fromEntities: [world]"));
        var allow = set.Rules.Single(r => r.Action == RuleAction.Allow);
        var deny = set.Rules.Single(r => r.Action == RuleAction.Deny);
        Assert.Equal((Tier.Developer, NetworkPolicies.PolicyOrder, true), (allow.Tier, allow.PolicyOrder, allow.IsUnionAllow));
        Assert.Equal((Ladder.CiliumDeny, false), (deny.Tier, deny.IsUnionAllow));
        Assert.Equal("cilium:CiliumNetworkPolicy/x/p:ingress[0]", allow.Id.Key);
        Assert.Equal("cilium:CiliumNetworkPolicy/x/p:ingress[1]", deny.Id.Key);
        Assert.Equal("CiliumNetworkPolicy x/p ingress[1] \"spec.ingressDeny[0]\"", deny.Id.ToString());
        var subject = Assert.IsType<PodSubject>(allow.Subject);
        Assert.Equal(("app=a", new InNamespace("x")), (subject.Pods.ToString(), subject.Namespaces));
    }

    [Fact]
    public void Every_rule_of_spec_and_specs_gets_its_own_id_and_subject()
    {
        var yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {app: a}}\n  egress: [{toEntities: [world]}]\n"
            + "specs:\n- endpointSelector: {matchLabels: {app: b}}\n  egress: [{toEntities: [cluster]}]\n- endpointSelector: {}\n  egressDeny: [{toEntities: [host]}]\n  enableDefaultDeny: {egress: false}";
        var set = CiliumPolicies.Compile(ManifestReader.ReadText(yaml)[0], PolicyContext.Empty);
        Assert.Equal(["spec.egress[0]", "specs[0].egress[0]", "specs[1].egressDeny[0]"], set.Rules.Select(r => r.Id.Name));
        Assert.Equal([0, 1, 2], set.Rules.Select(r => r.Id.Index));
        Assert.Equal(2, set.Isolations.Count);
        var e = With(set);
        Assert.True(e.Allowed("x/a", External));
        Assert.False(e.Allowed("x/a", "y/a"));
        Assert.True(e.Allowed("x/b", "y/a"));
        Assert.False(e.Allowed("x/b", External));
    }

    [Fact]
    public void A_clusterwide_policy_has_no_namespace_and_selects_in_every_namespace()
    {
        var set = Compile(Ccnp("endpointSelector: {matchLabels: {app: a}}\ningress: [{}]"));
        var isolation = Assert.Single(set.Isolations);
        Assert.Null(isolation.Policy.Namespace);
        var e = With(set);
        Assert.False(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("x/b", "y/a"));
        Assert.True(e.Allowed("x/a", "x/b"));
    }

    [Fact]
    public void A_CNP_endpointSelector_naming_another_namespace_still_applies_in_its_own()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {\"k8s:io.kubernetes.pod.namespace\": y}}\ningress: [{}]"));
        Assert.Contains("CiliumNetworkPolicy x/p: spec.endpointSelector: namespace \"y\" is ignored", Assert.Single(set.Warnings), StringComparison.Ordinal);
        var e = With(set);
        Assert.False(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("x/b", "y/a"));
    }

    [Theory]
    [InlineData("\"k8s:io.kubernetes.pod.namespace\": y", "y/b", true)]
    [InlineData("\"io.kubernetes.pod.namespace\": y", "y/b", true)]
    [InlineData("\"any:io.kubernetes.pod.namespace\": y", "x/b", false)]
    [InlineData("\"io.cilium.k8s.namespace.labels.team\": blue", "y/b", true)]
    [InlineData("\"k8s:io.cilium.k8s.namespace.labels.team\": blue", "x/b", false)]
    [InlineData("\"k8s:app\": b", "x/b", true)]
    [InlineData("\"any:app\": b", "y/b", false)]
    [InlineData("\"K8s:app\": b", "x/b", false)]
    public void Namespace_keys_turn_off_namespace_injection_and_sources_are_read_exactly(string labels, string client, bool allowed)
    {
        var e = With(Cnp($"endpointSelector: {{matchLabels: {{app: a}}}}\ningress:\n- fromEndpoints: [{{matchLabels: {{{labels}}}}}]"));
        Assert.Equal(allowed, e.Allowed(client, "x/a"));
    }

    [Theory]
    [InlineData("world", External, true)]
    [InlineData("world", "y/b", false)]
    [InlineData("world", NodeAddress, false)]
    [InlineData("cluster", "y/b", true)]
    [InlineData("cluster", NodeAddress, true)]
    [InlineData("cluster", External, false)]
    [InlineData("cluster-mesh", "y/b", true)]
    [InlineData("host", NodeAddress, true)]
    [InlineData("host", "y/b", false)]
    [InlineData("remote-node", NodeAddress, true)]
    [InlineData("all", External, true)]
    [InlineData("none", "y/b", false)]
    public void Entities(string entity, string client, bool allowed) =>
        Assert.Equal(allowed, With(Cnp($"endpointSelector: {{matchLabels: {{app: a}}}}\ningress:\n- fromEntities: [{entity}]")).Allowed(client, "x/a"));

    [Fact]
    public void A_reserved_label_selector_is_its_entity()
    {
        var set = Compile(Cnp("endpointSelector: {}\ningress:\n- fromEndpoints: [{matchLabels: {\"reserved:host\": \"\"}}]"));
        Assert.Equal(new EntityPeer(Entity.Host), Assert.Single(Assert.Single(set.Rules).Peers));
    }

    [Fact]
    public void CIDR_sets_keep_their_exceptions()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\negress:\n- toCIDRSet: [{cidr: 203.0.113.0/24, except: [203.0.113.0/30]}]"));
        Assert.True(e.Allowed("x/a", External));
        Assert.False(e.Allowed("x/a", "203.0.113.2"));
    }

    [Fact]
    public void A_CIDR_group_reference_resolves_from_the_context()
    {
        var group = ManifestReader.ReadText("apiVersion: cilium.io/v2\nkind: CiliumCIDRGroup\nmetadata: {name: office}\nspec: {externalCIDRs: [203.0.113.0/24]}");
        var policy = ManifestReader.ReadText(Cnp("endpointSelector: {matchLabels: {app: a}}\negress:\n- toCIDRSet: [{cidrGroupRef: office}]"))[0];
        var set = CiliumPolicies.Compile(policy, new PolicyContext(group));
        Assert.Equal(new IpBlockPeer(Cidr.TryParse("203.0.113.0/24")!, [], false) { OutsideClusterOnly = true }, Assert.Single(Assert.Single(set.Rules).Peers));
        Assert.Empty(set.Warnings);
        var unknown = CiliumPolicies.Compile(policy, PolicyContext.Empty);
        Assert.Empty(unknown.Rules);
        Assert.Contains("no CiliumCIDRGroup known to Weft matches", Assert.Single(unknown.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Icmps_match_their_types_only()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- icmps: [{fields: [{type: EchoRequest}]}]"));
        Assert.True(e.Ping("y/b", "x/a"));
        Assert.False(e.Evaluate("y/b", "x/a", new Connection(L4Protocol.Icmp, 0) { IcmpType = 13 }).Allowed);
        Assert.False(e.Allowed("y/b", "x/a"));
    }

    [Fact]
    public void Named_ports_resolve_per_pod_and_ranges_include_their_end()
    {
        var e = With(Cnp("endpointSelector: {}\ningress:\n- toPorts: [{ports: [{port: HTTP, protocol: TCP}, {port: \"7000\", endPort: 7010}]}]"));
        Assert.True(e.Allowed("y/a", "x/a", 8080));
        Assert.False(e.Allowed("y/a", "x/a", 9090));
        Assert.True(e.Allowed("y/a", "x/b", 9090));
        Assert.True(e.Allowed("y/a", "x/b", 7010, L4Protocol.Udp));
        Assert.False(e.Allowed("y/a", "x/b", 7011));
    }

    [Fact]
    public void A_port_written_as_a_number_reads_like_the_string()
    {
        var e = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- toPorts: [{ports: [{port: 8443, protocol: TCP}]}]"));
        Assert.True(e.Allowed("y/b", "x/a", 8443));
        Assert.False(e.Allowed("y/b", "x/a", 8444));
    }

    [Fact]
    public void Extended_IP_protocols_become_protocol_numbers()
    {
        var rule = Assert.Single(Compile(Cnp("endpointSelector: {}\ningress:\n- toPorts: [{ports: [{port: \"0\", protocol: VRRP}]}]")).Rules);
        var port = Assert.Single(rule.Ports);
        Assert.Equal((L4Protocol.Number, 112), (port.Protocol, port.ProtocolNumber));
    }

    [Fact]
    public void A_present_but_empty_peer_list_selects_nothing_while_an_absent_one_selects_everything()
    {
        var empty = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: []\n  toPorts: [{ports: [{port: \"80\"}]}]"));
        Assert.False(empty.Allowed("x/b", "x/a"));
        var absent = With(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- toPorts: [{ports: [{port: \"80\"}]}]"));
        Assert.True(absent.Allowed("y/b", "x/a"));
        Assert.True(absent.Allowed(External, "x/a"));
        Assert.True(absent.Allowed(NodeAddress, "x/a"));
    }

    [Fact]
    public void A_toPorts_entry_without_ports_matches_nothing()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: [{}]\n  toPorts: [{}]"));
        Assert.Empty(set.Rules);
        Assert.False(With(set).Allowed("x/b", "x/a"));
    }

    [Fact]
    public void EnableDefaultDeny_only_isolates_directions_that_have_rules()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress: [{fromEntities: [all]}]\nenableDefaultDeny: {egress: true}"));
        Assert.Equal(Direction.Ingress, Assert.Single(set.Isolations).Direction);
    }

    [Fact]
    public void Allows_union_with_NetworkPolicy_and_Cilium_denies_override_them()
    {
        var np = NetworkPolicies.Compile(ManifestReader.ReadText(TestCluster.NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{podSelector: {matchLabels: {app: b}}}]"))[0]);
        var cnp = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress:\n- fromEndpoints: [{matchLabels: {\"k8s:io.kubernetes.pod.namespace\": y}}]\ningressDeny:\n- fromEndpoints: [{matchLabels: {app: b}}]\n  toPorts: [{ports: [{port: \"22\", protocol: TCP}]}]"));
        var e = With(PolicySet.Combine([np, cnp]));
        Assert.True(e.Allowed("x/b", "x/a"), "NetworkPolicy allow");
        Assert.True(e.Allowed("y/a", "x/a"), "Cilium allow, same union block");
        Assert.False(e.Allowed("x/b", "x/a", 22), "Cilium deny beats the NetworkPolicy allow");
        Assert.False(e.Allowed(External, "x/a"));
    }

    [Fact]
    public void Log_value_tags_every_rule_of_its_spec()
    {
        var rule = Assert.Single(Compile(Cnp("endpointSelector: {}\nlog: {value: audit}\ningress: [{fromEntities: [world]}]")).Rules);
        Assert.True(rule.Log);
        Assert.Equal("audit", rule.LogLabel);
    }

    [Fact]
    public void Unsupported_peers_are_warned_about_and_match_nothing()
    {
        var set = Compile(Cnp("endpointSelector: {matchLabels: {app: a}}\negress:\n- toServices: [{k8sService: {serviceName: db, namespace: x}}]\n- toGroups: [{aws: {securityGroupsIds: [sg-1]}}]"));
        Assert.Empty(set.Rules);
        Assert.Equal(2, set.Warnings.Count);
        Assert.Single(set.Isolations);
        Assert.False(With(set).Allowed("x/a", "x/b"));
    }

    [Fact]
    public void A_host_policy_is_validated_warned_about_and_compiles_to_nothing()
    {
        var set = Compile(Ccnp("nodeSelector: {matchLabels: {\"node-role.kubernetes.io/control-plane\": \"\"}}\ningress: [{fromEntities: [cluster]}]"));
        Assert.Empty(set.Rules);
        Assert.Empty(set.Isolations);
        Assert.Equal("CiliumClusterwideNetworkPolicy c: spec.nodeSelector: host policies are not supported yet: this rule has no effect in Weft", Assert.Single(set.Warnings));
    }

    [Fact]
    public void Service_account_selectors_match_the_pods_service_account()
    {
        var set = Compile(Cnp("endpointSelector: {}\ningress:\n- fromEndpoints: [{matchLabels: {\"k8s:io.cilium.k8s.policy.serviceaccount\": sa}}]"));
        Assert.Empty(set.Warnings);
        var peer = Assert.IsType<PodPeer>(Assert.Single(set.Rules[0].Peers));
        Assert.True(peer.Pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccount] = "sa" }));
        Assert.False(peer.Pods.Matches(new Dictionary<string, string> { ["io.cilium.k8s.policy.serviceaccount"] = "sa" }));
        // The test cluster's pods run as "default".
        Assert.False(With(set).Allowed("x/b", "x/a"));
        Assert.True(With(Compile(Cnp("endpointSelector: {}\ningress:\n- fromEndpoints: [{matchLabels: {\"io.cilium.k8s.policy.serviceaccount\": default}}]"))).Allowed("x/b", "x/a"));
    }
}
