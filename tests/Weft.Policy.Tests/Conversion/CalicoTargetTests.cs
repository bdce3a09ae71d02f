using Weft.Policy.Conversion;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>--to calico: tiers by ladder place (new tiers written as Tier objects that pass by default), Calico selector syntax.</summary>
public sealed class CalicoTargetTests
{
    private const ConversionTarget Target = ConversionTarget.Calico;

    [Fact]
    public void NetworkPolicy_goes_to_the_default_tier_at_order_1000()
    {
        var result = Conversions.AssertExact(Sources.NetworkPolicy, Target);
        Assert.Empty(result.Warnings);
        var yaml = Conversions.Yaml(result);
        Assert.Contains("kind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: x\nspec:\n  order: 1000\n  selector: \"app == 'a'\"", yaml);
        Assert.Contains("namespaceSelector: \"team == 'red'\"", yaml);
        Assert.Contains("selector: \"app in {'b', 'c'}\"", yaml);
        Assert.Contains("namespaceSelector: \"env != 'prod'\"", yaml);
        Assert.Contains("- \"70:90\"", yaml);
    }

    [Fact]
    public void Calico_round_trips_to_itself()
    {
        Assert.Empty(Conversions.AssertExact(Sources.CalicoGnp, Target).Warnings);
        Assert.Empty(Conversions.AssertExact(Sources.CalicoDefaultTier, Target).Warnings);
    }

    [Fact]
    public void Anp_goes_to_the_adminnetworkpolicy_tier_with_no_move()
    {
        var source = Anp("priority: 7\nsubject: {namespaces: {matchLabels: {team: red}}}\ningress: [{action: Deny, from: [{namespaces: {matchLabels: {team: blue}}}]}]\negress: [{action: Allow, to: [{networks: [8.8.8.0/24]}]}]");
        var result = Conversions.AssertExact(source, Target);
        var yaml = Conversions.Yaml(result);
        Assert.StartsWith("apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata:\n  name: adminnetworkpolicy\nspec:\n  order: 1000\n  defaultAction: Pass", yaml);
        Assert.Contains("kind: GlobalNetworkPolicy\nmetadata:\n  name: adminnetworkpolicy.p\nspec:\n  tier: adminnetworkpolicy\n  order: 7\n  namespaceSelector: \"team == 'red'\"", yaml);
        Assert.DoesNotContain(result.Warnings, w => w.Contains("moves", StringComparison.Ordinal));
    }

    [Fact]
    public void Antrea_tier_keeps_its_rank_through_the_tier_order()
    {
        var result = Conversions.AssertExact(Acnp("tier: securityops\npriority: 2\nappliedTo: [{podSelector: {matchLabels: {app: a}}}]\ningress: [{action: Drop, from: [{podSelector: {matchLabels: {app: b}}}]}]"), Target);
        Assert.Empty(result.Warnings);
        Assert.Contains("name: securityops\nspec:\n  order: 456.62100456621005\n  defaultAction: Pass", Conversions.Yaml(result));
    }

    [Fact]
    public void Antrea_application_tier_moves_below_kube_admin() =>
        Assert.Contains("tier antrea:application (admin band, rank 250) at order 3 → tier calico:application (admin band, rank 218.98",
            Assert.Single(Conversions.AssertExact(Sources.Annp, Target).Warnings));

    [Fact]
    public void Baseline_singleton_goes_to_kube_baseline() =>
        Assert.Contains("tier: kube-baseline", Conversions.Yaml(Conversions.AssertExact(Sources.Banp, Target)));

    [Fact]
    public void Cilium_denies_come_first_in_the_default_tier()
    {
        var result = Conversions.AssertExact(Cnp("endpointSelector: {matchLabels: {app: a}}\ningress: [{fromEntities: [all]}]\ningressDeny: [{fromEndpoints: [{matchLabels: {app: b}}]}]"), Target);
        var yaml = Conversions.Yaml(result);
        Assert.True(yaml.IndexOf("action: Deny", StringComparison.Ordinal) < yaml.IndexOf("action: Allow", StringComparison.Ordinal), yaml);
        Assert.Contains("tier cilium-deny (developer band, rank -1) at order 1000 → tier default (developer band, rank 0) at order 1000", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Dots_in_names_become_dashes()
    {
        var result = Conversions.AssertExact(Np("podSelector: {}\npolicyTypes: [Ingress]", "a.b"), Target);
        Assert.Contains("name: a-b", Conversions.Yaml(result));
        Assert.Contains("NetworkPolicy x/a.b: named a-b in Calico: a Calico policy name has no dot besides the tier prefix", result.Warnings);
    }

    [Fact]
    public void Anp_pass_is_refused() =>
        Conversions.AssertRefused(Sources.AnpPass, Target, "AdminNetworkPolicy pass-team ingress[0].action: Calico Pass goes to the next tier; the source's Pass skips the rest of the admin band");

    [Fact]
    public void Reject_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[2].action: Calico policy has no Reject action");

    [Fact]
    public void Rule_logging_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[1].log: Calico policy logs with separate Log rules; a rule that logs what it decides has no one-rule form");

    [Fact]
    public void Node_peers_are_refused() =>
        Conversions.AssertRefused(Sources.Anp, Target, "AdminNetworkPolicy deny-x egress[0].to: peer nodes [role=infra]: Calico policy reaches nodes only through host endpoints, which the policy model does not have");

    [Fact]
    public void Entities_are_refused() =>
        Conversions.AssertRefused(Sources.Cnp, Target, "CiliumNetworkPolicy x/cnp spec.egress[0].to: peer entity World: Calico policy has no entity peers (World)");

    [Fact]
    public void Same_namespace_peer_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[0].from: peer pods [all] in the subject's namespace: Calico policy has no \"same namespace as the subject\" peer for a subject spanning namespaces");

    [Fact]
    public void Same_labels_peer_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[2].from: peer pods [all] in namespaces with the same team as the subject's: Calico policy has no peer for namespaces sharing label values with the subject's");

    [Fact]
    public void Allowing_without_isolating_is_refused() =>
        Conversions.AssertRefused(Sources.Ccnp, Target, "CiliumClusterwideNetworkPolicy ccnp isolation: a Calico policy in tier default isolates the pods it selects in every direction it has rules for; "
            + "the source's egress rules leave other traffic to other policies (no default deny)");

    [Fact]
    public void Several_subjects_are_refused() =>
        Conversions.AssertRefused(Sources.Ccnp, Target, "CiliumClusterwideNetworkPolicy ccnp subject: the source's rules apply to different pods (pods [app in {a}] in all namespaces; pods [app in {c}] in all namespaces); Calico policy has one subject per policy");

    [Fact]
    public void Rule_level_selectors_on_the_policy_side_round_trip()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(CalicoNp("order: 5\nselector: app == 'a'\ningress:\n- {action: Deny, source: {selector: app == 'b'}, destination: {selector: tier == 'db'}}\n- {action: Allow}"), Target));
        Assert.Contains("destination:\n      selector: \"tier == 'db'\"", yaml);
    }

    [Fact]
    public void Antrea_per_rule_appliedTo_narrows_the_policy_selector()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Acnp("tier: securityops\npriority: 1\ningress:\n"
            + "- {action: Drop, appliedTo: [{podSelector: {matchLabels: {app: a, tier: db}}}], from: [{podSelector: {matchLabels: {app: b}}}]}\n"
            + "- {action: Allow, appliedTo: [{podSelector: {matchLabels: {app: a}}}]}"), Target));
        Assert.Contains("selector: \"app == 'a'\"", yaml);
        Assert.Contains("destination:\n      selector: \"tier == 'db'\"", yaml);
    }

    [Fact]
    public void Unrelated_rule_subjects_are_refused() =>
        Conversions.AssertRefused(Acnp("priority: 1\ningress:\n- {action: Drop, appliedTo: [{podSelector: {matchLabels: {app: a}}}]}\n- {action: Allow, appliedTo: [{podSelector: {matchLabels: {app: b}}}]}"), Target,
            "ClusterNetworkPolicy p subject: the source's rules apply to different pods (pods [app in {a}] in all namespaces; pods [app in {b}] in all namespaces); Calico policy has one subject per policy");
}
