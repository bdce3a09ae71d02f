using Weft.Policy.Conversion;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>--to antrea: admin and baseline band policies as ACNP (cluster-scoped sources) or ANNP (namespaced ones) in a tier.</summary>
public sealed class AntreaTargetTests
{
    private const ConversionTarget Target = ConversionTarget.Antrea;

    [Fact]
    public void ClusterNetworkPolicy_round_trips_to_itself()
    {
        var result = Conversions.AssertExact(Sources.Acnp, Target);
        Assert.Empty(result.Warnings);
        var yaml = Conversions.Yaml(result);
        Assert.Contains("tier: securityops", yaml);
        Assert.Contains("match: Self", yaml);
        Assert.Contains("sameLabels:", yaml);
        Assert.Contains("sourceEndPort: 2000", yaml);
        Assert.Contains("logLabel: blue", yaml);
    }

    [Fact]
    public void Antrea_NetworkPolicy_round_trips_to_itself() => Assert.Empty(Conversions.AssertExact(Sources.Annp, Target).Warnings);

    [Fact]
    public void Anp_pass_becomes_antrea_pass_in_the_application_tier()
    {
        var result = Conversions.AssertExact(Sources.AnpPass, Target);
        var yaml = Conversions.Yaml(result);
        Assert.Contains("kind: ClusterNetworkPolicy", yaml);
        Assert.Contains("tier: application", yaml);
        Assert.Contains("action: Pass", yaml);
        Assert.Contains("tier anp (admin band, rank 252.5) at order 20 → tier antrea:application (admin band, rank 250) at order 20", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Rules_with_different_subjects_get_their_own_appliedTo()
    {
        // Calico splits a subject across namespace tests into disjoint parts; Antrea takes them per rule.
        var yaml = Conversions.Yaml(Conversions.AssertExact(Policies.CalicoTier("security", 100, "Pass")
            + Gnp("tier: security\norder: 10\nnamespaceSelector: team == 'red'\ningress:\n- action: Deny\n  source: {selector: app == 'b'}\n  destination: {selector: app == 'a'}\n- {action: Allow}", "security.p"), Target));
        Assert.Equal(2, yaml.Split("appliedTo:").Length - 1);
    }

    [Fact]
    public void Baseline_singleton_goes_to_the_baseline_tier()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.Banp, Target));
        Assert.Contains("tier: baseline\n  priority: 1", yaml);
    }

    [Fact]
    public void Developer_band_is_refused() =>
        Conversions.AssertRefused(Sources.NetworkPolicy, Target, "NetworkPolicy x/web tier: Antrea tiers sit in the admin and baseline bands; the source sits in the developer band (tier default), whose allow-list isolates the pods it selects");

    [Fact]
    public void Pass_to_the_next_tier_is_refused() =>
        Conversions.AssertRefused(Sources.CalicoGnp, Target, "GlobalNetworkPolicy security.gnp ingress[2].action: Antrea Pass skips every remaining Antrea tier to the developer band; the source's Pass goes only to the next tier");

    [Fact]
    public void Pass_in_the_baseline_tier_is_refused() =>
        Conversions.AssertRefused(Cnp2("tier: Baseline\npriority: 3\nsubject: {namespaces: {}}\ningress: [{action: Pass, from: [{namespaces: {}}]}]"), Target,
            "ClusterNetworkPolicy.policy.networking.k8s.io p ingress[0].action: Antrea forbids Pass in the baseline tier");

    [Fact]
    public void Log_action_is_refused() =>
        Conversions.AssertRefused(Sources.CalicoGnp, Target, "GlobalNetworkPolicy security.gnp ingress[0].action: Antrea-native policy has no Log action (enableLogging logs the rule that decides)");

    [Fact]
    public void Priority_zero_is_refused() =>
        Conversions.AssertRefused(Anp("priority: 0\nsubject: {namespaces: {}}\ningress: [{action: Deny, from: [{namespaces: {}}]}]"), Target,
            "AdminNetworkPolicy p priority: Antrea priority is a number from 1 to 10000; the source's order is 0");

    [Fact]
    public void Tier_default_deny_is_refused() =>
        Conversions.AssertRefused(CalicoTier("security", 100, "Deny") + Gnp("tier: security\norder: 1\ningress: [{action: Allow, source: {selector: app == 'b'}}]", "security.p"), Target,
            "GlobalNetworkPolicy security.p isolation: Antrea tiers have no default action; the source's tier calico:security denies by default what no rule of it matches");

    [Fact]
    public void Icmpv6_is_refused() =>
        Conversions.AssertRefused(CalicoTier("security", 100, "Pass") + Gnp("tier: security\norder: 1\negress: [{action: Allow, protocol: ICMPv6}]", "security.p"), Target,
            "GlobalNetworkPolicy security.p egress[0].ports: Antrea-native policy matches TCP, UDP and SCTP ports and ICMPv4 only; the source matches ICMPv6");

    [Fact]
    public void Port_exclusions_are_refused() =>
        Conversions.AssertRefused(CalicoTier("security", 100, "Pass") + Gnp("tier: security\norder: 1\negress: [{action: Allow, protocol: TCP, destination: {notPorts: [22]}}]", "security.p"), Target,
            "GlobalNetworkPolicy security.p egress[0].ports: Antrea-native policy cannot exclude ports or protocols (TCP/22)");

    [Fact]
    public void Negated_peers_are_refused() =>
        Conversions.AssertRefused(Sources.CalicoGnp, Target, "GlobalNetworkPolicy security.gnp ingress[1].from: peer not (ipBlock 10.0.0.0/8): Antrea-native policy has no negated peers");

    [Fact]
    public void Selector_with_or_is_refused() =>
        Conversions.AssertRefused(Sources.CalicoGnp, Target, "GlobalNetworkPolicy security.gnp subject: selector (app in {a} || app in {c}) needs OR or NOT, which a Kubernetes label selector cannot say");
}
