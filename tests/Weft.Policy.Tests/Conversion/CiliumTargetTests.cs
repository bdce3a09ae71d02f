using Weft.Policy.Conversion;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>--to cilium: developer-band allow-lists and denies; one spec per subject; enableDefaultDeny set to the source's isolation.</summary>
public sealed class CiliumTargetTests
{
    private const ConversionTarget Target = ConversionTarget.Cilium;

    [Fact]
    public void Cilium_round_trips_to_itself()
    {
        Assert.Empty(Conversions.AssertExact(Sources.Cnp, Target).Warnings);
        Assert.Empty(Conversions.AssertExact(Sources.CnpAllowOnly, Target).Warnings);
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.Ccnp, Target));
        Assert.Contains("specs:", yaml);
        Assert.Contains("enableDefaultDeny:\n    egress: false", yaml);
        Assert.Contains("value: audit", yaml);
    }

    [Fact]
    public void NetworkPolicy_converts_with_the_cidr_caveat()
    {
        var result = Conversions.AssertExact(Sources.NetworkPolicy, Target);
        Assert.Equal("NetworkPolicy x/web: ipBlock 172.16.0.0/12 except 172.16.1.0/24: the converted Cilium CIDR rule never matches pod or node addresses, "
            + "the source's ipBlock does; the same only if no pod or node address lies in the range", Assert.Single(result.Warnings));
        var yaml = Conversions.Yaml(result);
        Assert.Contains("io.cilium.k8s.namespace.labels.team: blue", yaml);
        Assert.Contains("port: http", yaml);
    }

    [Fact]
    public void Isolation_alone_is_an_empty_rule()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.DenyAll, Target));
        Assert.Contains("ingress:\n  - {}\n  egress:\n  - {}", yaml);
    }

    [Fact]
    public void Every_namespace_names_the_namespace_key()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Np("podSelector: {}\ningress: [{from: [{namespaceSelector: {}}]}]"), Target));
        Assert.Contains("key: io.kubernetes.pod.namespace\n        operator: Exists", yaml);
    }

    [Fact]
    public void Calico_denies_before_allows_become_ingressDeny()
    {
        var result = Conversions.AssertExact(Sources.CalicoDefaultTier, Target);
        Assert.Contains("ingressDeny:", Conversions.Yaml(result));
        Assert.Equal(2, result.Warnings.Count);
    }

    [Fact]
    public void Admin_band_is_refused() =>
        Conversions.AssertRefused(Sources.Anp, Target, "AdminNetworkPolicy deny-x tier: Cilium policy has no tiers: its allows form the developer band's allow-list and its denies override them; the source sits in the admin band (tier anp)");

    [Fact]
    public void Deny_after_allow_is_refused() =>
        Conversions.AssertRefused(CalicoNp("ingress:\n- {action: Allow, source: {selector: app == 'b'}}\n- {action: Deny}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[1].action: Cilium deny rules override every allow; in the source, ingress[0] allows before this rule denies");

    [Fact]
    public void Log_action_is_refused() =>
        Conversions.AssertRefused(CalicoNp("ingress:\n- {action: Log}\n- {action: Allow}"), Target, "NetworkPolicy.projectcalico.org x/p ingress[0].action: Cilium policy has no Log action");

    [Fact]
    public void Pass_is_refused() =>
        Conversions.AssertRefused(CalicoNp("ingress:\n- {action: Pass}"), Target, "NetworkPolicy.projectcalico.org x/p ingress[0].action: Cilium policy has no Pass action");

    [Fact]
    public void Icmp_code_is_refused() =>
        Conversions.AssertRefused(CalicoNp("egress:\n- {action: Allow, protocol: ICMP, icmp: {type: 3, code: 4}}"), Target,
            "NetworkPolicy.projectcalico.org x/p egress[0].ports: Cilium icmps match one ICMP type without a code; the source matches ICMP");

    [Fact]
    public void Source_ports_are_refused() =>
        Conversions.AssertRefused(CalicoNp("egress:\n- {action: Allow, protocol: TCP, source: {ports: [1000]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p egress[0].ports: Cilium policy has no source ports; the source matches TCP");

    [Fact]
    public void Port_exclusions_are_refused() =>
        Conversions.AssertRefused(CalicoNp("egress:\n- {action: Allow, protocol: TCP, destination: {notPorts: [22]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p egress[0].ports: Cilium policy cannot exclude ports or protocols (TCP/22)");

    [Fact]
    public void Unknown_ip_protocols_are_refused() =>
        Conversions.AssertRefused(CalicoNp("egress:\n- {action: Allow, protocol: 99}"), Target, "NetworkPolicy.projectcalico.org x/p egress[0].ports: Cilium has no protocol 99");

    [Fact]
    public void Negated_peers_are_refused() =>
        Conversions.AssertRefused(CalicoNp("ingress:\n- {action: Allow, source: {notNets: [10.0.0.0/8]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].from: peer not (ipBlock 10.0.0.0/8): Cilium policy has no negated peers");

    [Fact]
    public void Selector_with_or_is_refused() =>
        Conversions.AssertRefused(CalicoNp("selector: app == 'a' || app == 'b'\ningress: [{action: Allow}]"), Target,
            "NetworkPolicy.projectcalico.org x/p subject: selector (app in {a} || app in {b}) is no Cilium endpoint selector (it needs OR, NOT or a key Cilium reserves)");

    [Fact]
    public void Same_labels_peer_is_refused() =>
        Conversions.AssertRefused(Sources.Acnp, Target, "ClusterNetworkPolicy acnp ingress[2].from: peer pods [all] in namespaces with the same team as the subject's: Cilium has no peer for namespaces sharing label values with the subject's");
}
