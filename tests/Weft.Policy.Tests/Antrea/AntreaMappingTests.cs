using Weft.Model;
using Weft.Policy.Antrea;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Antrea.AntreaCluster;

namespace Weft.Policy.Tests.Antrea;

/// <summary>How each Antrea field lands in the model (policy-dialects.md §3 and §7.4), checked through the evaluator.</summary>
public class AntreaMappingTests
{
    private const string ToServer = "appliedTo: [{podSelector: {matchLabels: {role: server}}}]";

    private static PolicyRule OnlyRule(string yaml) => Assert.Single(Compile(yaml).Rules);

    [Theory]
    [InlineData("", "application", 250, Band.Admin)]
    [InlineData("tier: emergency\n", "emergency", 50, Band.Admin)]
    [InlineData("tier: SecurityOps\n", "securityops", 100, Band.Admin)]
    [InlineData("tier: networkops\n", "networkops", 150, Band.Admin)]
    [InlineData("tier: platform\n", "platform", 200, Band.Admin)]
    [InlineData("tier: baseline\n", "baseline", 253, Band.Baseline)]
    public void Tiers_land_on_the_ladder_by_priority(string tier, string name, int rank, Band band)
    {
        var rule = OnlyRule(Acnp($"priority: 3.5\n{tier}{ToServer}\ningress: [{{action: Drop}}]"));
        Assert.Equal(new Tier("antrea:" + name, band, rank, TierDefault.None), rule.Tier);
        Assert.Equal(3.5, rule.PolicyOrder);
        Assert.False(rule.IsUnionAllow);
    }

    [Fact]
    public void A_custom_tier_from_the_context_orders_before_securityops()
    {
        var yaml = "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: gold}\nspec: {priority: 20}\n---\n"
            + Acnp($"priority: 1\ntier: gold\n{ToServer}\ningress: [{{action: Allow}}]", "gold-allow")
            + Acnp($"priority: 1\ntier: securityops\n{ToServer}\ningress: [{{action: Drop}}]", "sec-drop");
        Assert.Equal(Ladder.AntreaTier("gold", 20), Compile(yaml).Rules.Single(r => r.Id.Policy.Name == "gold-allow").Tier);
        Assert.True(Evaluator(yaml).Ask("prod/client", "prod/server").Allowed);
    }

    [Fact]
    public void Actions_map_and_Pass_leaves_the_band_and_nothing_isolates()
    {
        var set = Compile(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Allow}}, {{action: Drop}}, {{action: Reject}}, {{action: Pass}}]"));
        Assert.Equal([RuleAction.Allow, RuleAction.Deny, RuleAction.Reject, RuleAction.Pass], set.Rules.Select(r => r.Action));
        Assert.Equal(PassTarget.EndOfBand, set.Rules[3].PassTarget);
        Assert.Empty(set.Isolations);
        Assert.Empty(set.Warnings);
    }

    [Fact]
    public void A_policy_whose_rules_match_nothing_changes_nothing()
    {
        var e = Evaluator(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Drop, from: [{{podSelector: {{matchLabels: {{app: nobody}}}}}}]}}]"));
        var v = e.Ask("prod/client", "prod/server");
        Assert.True(v.Allowed);
        Assert.Equal(Reason.EndOfLadder, v.Ingress.Reason);
    }

    [Fact]
    public void A_bare_podSelector_peer_is_every_namespace_in_an_ACNP_and_the_own_namespace_in_an_ANNP()
    {
        const string Rule = "ingress: [{action: Drop, from: [{podSelector: {matchLabels: {app: client}}}]}]";
        var acnp = Evaluator(Acnp($"priority: 1\n{ToServer}\n{Rule}"));
        Assert.False(acnp.Ask("dev/client", "prod/server").Allowed);
        var annp = Evaluator(Annp($"priority: 1\n{ToServer}\n{Rule}"));
        Assert.False(annp.Ask("prod/client", "prod/server").Allowed);
        Assert.True(annp.Ask("dev/client", "prod/server").Allowed);
        Assert.True(annp.Ask("prod/client", "dev/server").Allowed, "an ANNP's appliedTo stays in its namespace");
    }

    [Fact]
    public void A_namespaceSelector_peer_selects_every_pod_of_matching_namespaces()
    {
        var e = Evaluator(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Drop, from: [{{namespaceSelector: {{matchLabels: {{team: blue}}}}}}]}}]"));
        Assert.False(e.Ask("other/db", "prod/server").Allowed);
        Assert.True(e.Ask("dev/client", "prod/server").Allowed);
    }

    [Fact]
    public void Namespaces_match_Self_is_the_subjects_own_namespace()
    {
        var e = Evaluator(Acnp("priority: 1\nappliedTo: [{podSelector: {}}]\ningress: [{action: Drop, from: [{namespaces: {match: Self}}]}]"));
        Assert.False(e.Ask("prod/client", "prod/server").Allowed);
        Assert.False(e.Ask("dev/client", "dev/server").Allowed);
        Assert.True(e.Ask("dev/client", "prod/server").Allowed);
    }

    [Fact]
    public void SameLabels_selects_namespaces_agreeing_with_the_subjects_on_every_key()
    {
        var rule = OnlyRule(Acnp("priority: 1\nappliedTo: [{podSelector: {}}]\ningress: [{action: Drop, from: [{namespaces: {sameLabels: [team]}}]}]"));
        var peer = Assert.IsType<PodPeer>(Assert.Single(rule.Peers));
        Assert.Equal(["team"], Assert.IsType<NamespacesSharingLabels>(peer.Namespaces).Keys);
        var e = new PolicyEvaluator(Snapshot(), new PolicySet([rule], []));
        Assert.False(e.Ask("dev/client", "prod/server").Allowed, "prod and dev are both team=red");
        Assert.True(e.Ask("other/db", "prod/server").Allowed, "other is team=blue");
    }

    [Fact]
    public void A_nodeSelector_peer_matches_node_addresses()
    {
        var rule = OnlyRule(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Drop, from: [{{nodeSelector: {{matchLabels: {{role: worker}}}}}}]}}]"));
        Assert.IsType<NodePeer>(Assert.Single(rule.Peers));
        var e = new PolicyEvaluator(Snapshot(), new PolicySet([rule], []));
        Assert.False(e.Ask(NodeIp, "prod/server").Allowed);
        Assert.True(e.Ask("prod/client", "prod/server").Allowed);
    }

    [Fact]
    public void Rule_level_appliedTo_gives_each_rule_its_own_subjects()
    {
        var e = Evaluator(Acnp("""
            priority: 1
            egress:
            - action: Drop
              appliedTo: [{podSelector: {matchLabels: {app: client}}, namespaceSelector: {matchLabels: {env: prod}}}]
            - action: Reject
              appliedTo: [{namespaceSelector: {matchLabels: {team: blue}}}]
            """));
        Assert.Equal(Outcome.Deny, e.Ask("prod/client", "dev/server").Outcome);
        Assert.Equal(Outcome.Reject, e.Ask("other/db", "dev/server").Outcome);
        Assert.True(e.Ask("dev/client", "prod/server").Allowed);
    }

    [Fact]
    public void Several_appliedTo_entries_select_their_union()
    {
        var e = Evaluator(Acnp("""
            priority: 1
            appliedTo: [{podSelector: {matchLabels: {app: db}}}, {podSelector: {matchLabels: {app: client}}, namespaceSelector: {matchLabels: {env: prod}}}, {podSelector: {matchLabels: {role: server}}}]
            ingress: [{action: Drop}]
            """));
        Assert.False(e.Ask("dev/client", "other/db").Allowed);
        Assert.False(e.Ask("dev/client", "prod/client").Allowed);
        Assert.False(e.Ask("dev/client", "dev/server").Allowed);
        Assert.True(e.Ask("prod/client", "dev/client").Allowed);
    }

    [Fact]
    public void Ports_ranges_named_ports_source_ports_and_icmp_map_to_port_matches()
    {
        var rule = OnlyRule(Acnp($$$$"""
            priority: 1
            {{{{ToServer}}}}
            ingress:
            - action: Drop
              ports: [{port: 8000, endPort: 8100}, {port: http}, {protocol: UDP, sourcePort: 53}, {}]
              protocols: [{icmp: {}}]
            """));
        Assert.Equal(
        [
            new PortMatch(L4Protocol.Tcp, new PortRange(8000, 8100)),
            new PortMatch(L4Protocol.Tcp, NamedPort: "http"),
            new PortMatch(L4Protocol.Udp) { SourcePorts = new PortRange(53, 53) },
            new PortMatch(L4Protocol.Tcp),
            new PortMatch(L4Protocol.Icmp),
        ], rule.Ports);
        var e = new PolicyEvaluator(Snapshot(), new PolicySet([rule], []));
        Assert.False(e.Ask("prod/client", "prod/server", 8050).Allowed);
        Assert.False(e.Evaluate("prod/client", "prod/server", Ping(type: 13)).Allowed, "icmp with no type is every ICMP");
    }

    [Fact]
    public void EnableLogging_and_logLabel_are_kept_on_the_rule()
    {
        var rule = OnlyRule(Acnp($"priority: 1\n{ToServer}\ningress: [{{action: Allow, name: in, enableLogging: true, logLabel: audit-1}}]"));
        Assert.True(rule.Log);
        Assert.Equal("audit-1", rule.LogLabel);
        Assert.Equal("in", rule.Id.Name);
        Assert.Equal("ClusterNetworkPolicy p ingress[0] \"in\"", rule.Id.ToString());
    }

    [Fact]
    public void ClusterGroups_resolve_to_their_pods_addresses_and_child_groups()
    {
        const string Groups = """
            apiVersion: crd.antrea.io/v1beta1
            kind: ClusterGroup
            metadata: {name: blue}
            spec: {namespaceSelector: {matchLabels: {team: blue}}}
            ---
            apiVersion: crd.antrea.io/v1beta1
            kind: ClusterGroup
            metadata: {name: nets}
            spec: {ipBlocks: [{cidr: 198.51.100.0/24}]}
            ---
            apiVersion: crd.antrea.io/v1beta1
            kind: ClusterGroup
            metadata: {name: both}
            spec: {childGroups: [blue, nets]}
            ---
            apiVersion: crd.antrea.io/v1beta1
            kind: ClusterGroup
            metadata: {name: servers}
            spec: {podSelector: {matchLabels: {role: server}}}
            ---

            """;
        var e = Evaluator(Groups + Acnp("priority: 1\nappliedTo: [{group: servers}]\ningress: [{action: Drop, from: [{group: both}]}]"));
        Assert.False(e.Ask("other/db", "dev/server").Allowed);
        Assert.False(e.Ask("198.51.100.9", "prod/server").Allowed);
        Assert.True(e.Ask("prod/client", "prod/server").Allowed);
        Assert.True(e.Ask("other/db", "prod/client").Allowed, "the client is not in the appliedTo group");
    }

    [Fact]
    public void A_Group_resolves_in_the_NetworkPolicys_namespace()
    {
        const string Group = "apiVersion: crd.antrea.io/v1beta1\nkind: Group\nmetadata: {name: clients, namespace: prod}\nspec: {podSelector: {matchLabels: {app: client}}}\n---\n";
        var e = Evaluator(Group + Annp($"priority: 1\n{ToServer}\ningress: [{{action: Drop, from: [{{group: clients}}]}}]"));
        Assert.False(e.Ask("prod/client", "prod/server").Allowed);
        Assert.True(e.Ask("dev/client", "prod/server").Allowed);
    }

    [Fact]
    public void Unenforced_features_are_kept_or_match_nothing_and_are_warned_about_never_allow_all()
    {
        var set = Compile(Acnp("""
            priority: 1
            appliedTo: [{podSelector: {matchLabels: {app: client}}}]
            egress:
            - action: Drop
              toServices: [{name: web, namespace: prod}]
            - action: Drop
              protocols: [{igmp: {igmpType: 0x16}}]
            - action: Allow
              to: [{serviceAccount: {name: sa, namespace: prod}}, {externalEntitySelector: {}}]
            """));
        Assert.Equal(2, set.Rules.Count);
        Assert.Empty(set.Rules.Single(r => r.Id.Index == 0).Peers);
        Assert.DoesNotContain(set.Rules, r => r.Id.Index == 1);
        var peer = Assert.IsType<PodPeer>(Assert.Single(set.Rules.Single(r => r.Id.Index == 2).Peers));
        Assert.Equal(new InNamespace("prod"), peer.Namespaces);
        Assert.True(peer.Pods.Matches(new Dictionary<string, string> { [ReservedLabels.ServiceAccount] = "sa" }));
        Assert.Equal(3, set.Warnings.Count);
        Assert.DoesNotContain(set.Warnings, w => w.Contains("serviceAccount", StringComparison.Ordinal));
        Assert.Contains(set.Warnings, w => w.Contains("spec.egress[0].toServices", StringComparison.Ordinal));
        Assert.Contains(set.Warnings, w => w.Contains("spec.egress[1].protocols: IGMP", StringComparison.Ordinal));
        Assert.True(Evaluator(Acnp("priority: 1\nappliedTo: [{podSelector: {}}]\negress: [{action: Drop, toServices: [{name: web, namespace: prod}]}]"))
            .Ask("prod/client", "prod/server").Allowed, "a toServices rule matches no destination, not every destination");
    }

    [Fact]
    public void Is_accepts_both_Antrea_versions_and_not_the_Kubernetes_NetworkPolicy()
    {
        Assert.True(AntreaPolicies.Is(ManifestReader.ReadText(Acnp("priority: 1", version: "v1alpha1"))[0]));
        Assert.True(AntreaPolicies.Is(ManifestReader.ReadText(Annp("priority: 1"))[0]));
        Assert.False(AntreaPolicies.Is(ManifestReader.ReadText(K8sNetPol("podSelector: {}"))[0]));
    }
}
