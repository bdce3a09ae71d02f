using Weft.Policy.Conversion;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>--to anp: admin-band policies become AdminNetworkPolicies, baseline-band ones the BaselineAdminNetworkPolicy.</summary>
public sealed class AnpTargetTests
{
    private const ConversionTarget Target = ConversionTarget.Anp;

    [Fact]
    public void AdminNetworkPolicy_round_trips_to_itself()
    {
        var result = Conversions.AssertExact(Sources.Anp, Target);
        Assert.Empty(result.Warnings);
        Assert.Contains("namedPort: http", Conversions.Yaml(result));
    }

    [Fact]
    public void Baseline_round_trips_to_itself() => Assert.Empty(Conversions.AssertExact(Sources.Banp, Target).Warnings);

    [Fact]
    public void Any_egress_peer_is_every_network()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.AnpPass, Target));
        Assert.Contains("networks:\n      - 0.0.0.0/0\n      - \"::/0\"", yaml);
    }

    [Fact]
    public void Antrea_pass_becomes_anp_pass_and_the_tier_move_is_reported()
    {
        var result = Conversions.AssertExact(Sources.AcnpApplication, Target);
        var yaml = Conversions.Yaml(result);
        Assert.Contains("kind: AdminNetworkPolicy", yaml);
        Assert.Contains("priority: 5", yaml);
        Assert.Contains("action: Pass", yaml);
        Assert.Equal(
        [
            "ClusterNetworkPolicy app-policy: its place on the ladder moves, which matters only against other policies of the same band: tier antrea:application (admin band, rank 250) at order 5 → tier anp (admin band, rank 252.5) at order 5",
            "ClusterNetworkPolicy app-policy: ipBlock 8.8.8.0/24: the converted AdminNetworkPolicy networks also match Service ClusterIPs (before Service translation), the source's ipBlock only the addresses after it",
        ], result.Warnings);
    }

    [Fact]
    public void Antrea_baseline_tier_becomes_the_baseline_singleton()
    {
        var result = Conversions.AssertExact(Sources.AntreaBaseline, Target);
        Assert.Contains("kind: BaselineAdminNetworkPolicy\nmetadata:\n  name: default", Conversions.Yaml(result));
        Assert.Contains("ClusterNetworkPolicy baseline-policy: written as BaselineAdminNetworkPolicy default: the baseline policy is a singleton, so it replaces any other", result.Warnings);
    }

    [Fact]
    public void Developer_band_is_refused() =>
        Conversions.AssertRefused(Sources.NetworkPolicy, Target, "NetworkPolicy x/web tier: AdminNetworkPolicy and BaselineAdminNetworkPolicy sit in the admin and baseline bands; "
            + "the source sits in the developer band (tier default), whose allow-list isolates the pods it selects");

    [Fact]
    public void Reject_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[2].action: AdminNetworkPolicy has no Reject action");

    [Fact]
    public void Rule_logging_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[1].log: AdminNetworkPolicy has no rule logging");

    [Fact]
    public void Fractional_priority_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp priority: AdminNetworkPolicy priority is a whole number from 0 to 1000; the source's order is 5.5");

    [Fact]
    public void Same_namespace_peer_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[0].from: peer pods [all] in the subject's namespace: AdminNetworkPolicy has no \"same namespace as the subject\" peer for a subject spanning namespaces");

    [Fact]
    public void Same_labels_peer_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[2].from: peer pods [all] in namespaces with the same team as the subject's: AdminNetworkPolicy has no peer for namespaces sharing label values with the subject's");

    [Fact]
    public void Source_ports_and_icmp_are_refused()
    {
        var result = Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp egress[0].ports: AdminNetworkPolicy matches TCP, UDP and SCTP destination ports only; the source matches ICMP");
        Assert.Contains("ClusterNetworkPolicy acnp ingress[0].ports: AdminNetworkPolicy matches TCP, UDP and SCTP destination ports only; the source matches TCP/8000-9000", result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Network_except_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp egress[1].to: peer ipBlock 10.0.0.0/8 except 10.0.2.0/24: AdminNetworkPolicy networks have no except");

    [Fact]
    public void Ingress_from_anything_is_refused() =>
        Conversions.AssertRefused(Sources.Annp, Target, "NetworkPolicy.crd.antrea.io x/annp ingress[1].from: AdminNetworkPolicy ingress peers are pods and namespaces only; the source's rule matches every source, addresses outside the cluster included");

    [Fact]
    public void Ingress_address_peer_is_refused() =>
        Conversions.AssertRefused(Acnp("priority: 5\nappliedTo: [{podSelector: {}}]\ningress: [{action: Allow, from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]"), Target,
            "ClusterNetworkPolicy p ingress[0].from: peer ipBlock 10.0.0.0/8: AdminNetworkPolicy ingress peers are pods and namespaces only");

    [Fact]
    public void Named_port_of_one_protocol_is_refused() =>
        Conversions.AssertRefused(Sources.Annp, Target, "NetworkPolicy.crd.antrea.io x/annp ingress[0].ports: AdminNetworkPolicy namedPort has no protocol; the source's named port http is TCP only");

    [Fact]
    public void Calico_pass_to_the_next_tier_is_refused() =>
        Conversions.AssertRefused(Gnp("tier: kube-admin\norder: 10\ningress: [{action: Pass, source: {selector: app == 'b'}}]", "kube-admin.p"), Target,
            "GlobalNetworkPolicy kube-admin.p ingress[0].action: AdminNetworkPolicy Pass skips the rest of the admin band; the source's Pass goes only to the next tier");

    [Fact]
    public void Log_action_is_refused() =>
        Conversions.AssertRefused(Gnp("tier: kube-admin\norder: 10\ningress: [{action: Log}]", "kube-admin.p"), Target,
            "GlobalNetworkPolicy kube-admin.p ingress[0].action: AdminNetworkPolicy has no Log action");

    [Fact]
    public void Baseline_pass_is_refused() =>
        Conversions.AssertRefused(Cnp2("tier: Baseline\npriority: 3\nsubject: {namespaces: {}}\ningress: [{action: Pass, from: [{namespaces: {}}]}]"), Target,
            "ClusterNetworkPolicy.policy.networking.k8s.io p ingress[0].action: BaselineAdminNetworkPolicy has no Pass action");

    [Fact]
    public void Tier_default_deny_is_refused() =>
        Conversions.AssertRefused(CalicoTier("security", 100, "Deny") + Gnp("tier: security\norder: 1\ningress: [{action: Allow, source: {selector: app == 'b'}}]", "security.p"), Target,
            "GlobalNetworkPolicy security.p isolation: AdminNetworkPolicy never isolates; the source's tier calico:security denies by default what no rule of it matches");

    [Fact]
    public void Calico_kube_admin_tier_moves_to_the_anp_tier()
    {
        var result = Conversions.AssertExact(Gnp("tier: kube-admin\norder: 10\nselector: app == 'a'\ningress: [{action: Deny, source: {selector: app == 'b'}}]", "kube-admin.p"), Target);
        Assert.Contains("tier cnp-admin (admin band, rank 220) at order 10 → tier anp (admin band, rank 252.5) at order 10", Assert.Single(result.Warnings));
    }
}
