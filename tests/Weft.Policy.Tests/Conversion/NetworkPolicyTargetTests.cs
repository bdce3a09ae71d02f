using Weft.Policy.Conversion;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>--to networkpolicy: exact for developer-band allow-lists in one namespace; every other feature refused by name.</summary>
public sealed class NetworkPolicyTargetTests
{
    private const ConversionTarget Target = ConversionTarget.NetworkPolicy;

    [Fact]
    public void NetworkPolicy_round_trips_to_itself()
    {
        var result = Conversions.AssertExact(Sources.NetworkPolicy, Target);
        Assert.Empty(result.Warnings);
        var yaml = Conversions.Yaml(result);
        Assert.Contains("kind: NetworkPolicy", yaml);
        Assert.Contains("endPort: 90", yaml);
    }

    [Fact]
    public void Isolation_alone_keeps_its_policy_types()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.DenyAll, Target));
        Assert.Contains("- Ingress\n  - Egress", yaml);
        Assert.DoesNotContain("ingress:", yaml);
    }

    [Fact]
    public void Cilium_allows_become_one_namespaced_allow_list()
    {
        var result = Conversions.AssertExact(Sources.CnpAllowOnly, Target);
        var yaml = Conversions.Yaml(result);
        // ANY is TCP, UDP and SCTP; port "0" of TCP is every TCP port.
        Assert.Contains("protocol: SCTP\n      port: 53", yaml);
        Assert.Contains("kubernetes.io/metadata.name: \"y\"", yaml);
    }

    [Fact]
    public void Calico_default_tier_allows_at_order_1000_convert()
    {
        var yaml = Conversions.Yaml(Conversions.AssertExact(Sources.CalicoAllowAt1000, Target));
        Assert.Contains("operator: Exists", yaml);
    }

    [Fact]
    public void Calico_order_elsewhere_in_the_default_tier_is_a_move()
    {
        var result = Conversions.AssertExact(CalicoNp("order: 50\nselector: app == 'a'\ningress:\n- {action: Allow, source: {selector: app == 'b'}}"), Target);
        Assert.Equal("NetworkPolicy.projectcalico.org x/p: its place on the ladder moves, which matters only against other policies of the same band: "
            + "tier default (developer band, rank 0) at order 50 → tier default (developer band, rank 0) at order 1000", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Deny_is_refused_per_rule() =>
        Conversions.AssertRefused(Sources.Anp, Target, "AdminNetworkPolicy deny-x egress[2].action: Kubernetes NetworkPolicy has no Deny action");

    [Fact]
    public void Admin_band_is_refused() =>
        Conversions.AssertRefused(Sources.Anp, Target, "AdminNetworkPolicy deny-x tier: Kubernetes NetworkPolicy lives in the developer band only (an allow-list under default deny); the source sits in the admin band (tier anp)");

    [Fact]
    public void Cilium_deny_is_refused_naming_its_field() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\ningressDeny:\n- fromEntities: [world]"), Target,
            "CiliumNetworkPolicy x/p spec.ingressDeny[0].action: Kubernetes NetworkPolicy has no Deny action");

    [Fact]
    public void Log_action_is_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\ningress:\n- {action: Log}\n- {action: Allow}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].action: Kubernetes NetworkPolicy has no Log action");

    [Fact]
    public void Rule_logging_is_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\ningress: [{fromEntities: [all]}]\nlog: {value: audit}"), Target,
            "CiliumNetworkPolicy x/p spec.ingress[0].log: Kubernetes NetworkPolicy has no rule logging");

    [Fact]
    public void Allowing_without_isolating_is_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\nenableDefaultDeny: {ingress: false}\ningress: [{fromEntities: [all]}]"), Target,
            "CiliumNetworkPolicy x/p isolation: Kubernetes NetworkPolicy isolates the pods it selects in every direction it has rules for; "
            + "the source's ingress rules leave other traffic to other policies (no default deny)");

    [Fact]
    public void Subject_across_namespaces_is_refused() =>
        Conversions.AssertRefused(Ccnp("endpointSelector: {matchLabels: {app: a}}\ningress: [{fromEntities: [all]}]"), Target,
            "CiliumClusterwideNetworkPolicy p subject: pods [app in {a}] in all namespaces spans namespaces; a Kubernetes NetworkPolicy selects pods of its own namespace only");

    [Fact]
    public void Several_subjects_are_refused()
    {
        const string twoSpecs = """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: p, namespace: x}
            specs:
            - endpointSelector: {matchLabels: {app: a}}
              ingress: [{fromEntities: [all]}]
            - endpointSelector: {matchLabels: {app: b}}
              ingress: [{fromEntities: [all]}]
            """;
        Conversions.AssertRefused(twoSpecs, Target,
            "CiliumNetworkPolicy x/p subject: the source's rules apply to different pods (pods [app in {a}] in namespaces kubernetes.io/metadata.name in {x}; "
            + "pods [app in {b}] in namespaces kubernetes.io/metadata.name in {x}); Kubernetes NetworkPolicy has one subject per policy");
    }

    [Fact]
    public void Entities_are_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\negress: [{toEntities: [world]}]"), Target,
            "CiliumNetworkPolicy x/p spec.egress[0].to: peer entity World: Kubernetes NetworkPolicy has no entity peers (World)");

    [Fact]
    public void Node_peers_are_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\negress: [{toNodes: [{matchLabels: {role: infra}}]}]"), Target,
            "CiliumNetworkPolicy x/p spec.egress[0].to: peer nodes [role=infra]: Kubernetes NetworkPolicy has no node peers");

    [Fact]
    public void Icmp_is_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\negress: [{toEntities: [all], icmps: [{fields: [{type: 8}]}]}]"), Target,
            "CiliumNetworkPolicy x/p spec.egress[0].ports: Kubernetes NetworkPolicy matches TCP, UDP and SCTP ports only; the source matches ICMP");

    [Fact]
    public void Negated_peers_are_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\ningress:\n- {action: Allow, source: {notNets: [10.0.0.0/8]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].from: peer not (ipBlock 10.0.0.0/8): Kubernetes NetworkPolicy has no negated peers");

    [Fact]
    public void Source_ports_are_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\ningress:\n- {action: Allow, protocol: TCP, source: {ports: [1000]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].ports: Kubernetes NetworkPolicy has no source ports; the source matches TCP");

    [Fact]
    public void Port_exclusions_are_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\ningress:\n- {action: Allow, protocol: TCP, destination: {notPorts: [22]}}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].ports: Kubernetes NetworkPolicy cannot exclude ports or protocols (TCP/22)");

    [Fact]
    public void Selectors_with_or_are_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\nselector: app == 'a' || app == 'b'\ningress: [{action: Allow}]"), Target,
            "NetworkPolicy.projectcalico.org x/p subject: selector (app in {a} || app in {b}) needs OR or NOT, which a Kubernetes label selector cannot say");

    [Fact]
    public void Calico_only_operators_are_refused() =>
        Conversions.AssertRefused(CalicoNp("order: 1000\ningress:\n- {action: Allow, source: {selector: app starts with 'b'}}"), Target,
            "NetworkPolicy.projectcalico.org x/p ingress[0].from: peer pods [app starts with 'b'] in namespace x: selector test app starts with 'b' has no Kubernetes label selector operator");

    [Fact]
    public void Every_part_an_antrea_policy_cannot_take_is_named() =>
        Assert.Equal(
        [
            "ClusterNetworkPolicy acnp tier: Kubernetes NetworkPolicy lives in the developer band only (an allow-list under default deny); the source sits in the admin band (tier antrea:securityops)",
            "ClusterNetworkPolicy acnp subject: pods [app in {a}] in namespaces team in {red} spans namespaces; a Kubernetes NetworkPolicy selects pods of its own namespace only",
            "ClusterNetworkPolicy acnp isolation: Kubernetes NetworkPolicy isolates the pods it selects in every direction it has rules for; the source's ingress rules leave other traffic to other policies (no default deny)",
            "ClusterNetworkPolicy acnp isolation: Kubernetes NetworkPolicy isolates the pods it selects in every direction it has rules for; the source's egress rules leave other traffic to other policies (no default deny)",
            "ClusterNetworkPolicy acnp ingress[0].from: peer pods [all] in the subject's namespace: Kubernetes NetworkPolicy has no \"same namespace as the subject\" peer for a subject spanning namespaces",
            "ClusterNetworkPolicy acnp ingress[0].ports: Kubernetes NetworkPolicy has no source ports; the source matches TCP/8000-9000",
            "ClusterNetworkPolicy acnp egress[0].to: peer nodes [role=infra]: Kubernetes NetworkPolicy has no node peers",
            "ClusterNetworkPolicy acnp egress[0].ports: Kubernetes NetworkPolicy matches TCP, UDP and SCTP ports only; the source matches ICMP",
            "ClusterNetworkPolicy acnp ingress[1].action: Kubernetes NetworkPolicy has no Deny action",
            "ClusterNetworkPolicy acnp ingress[1].log: Kubernetes NetworkPolicy has no rule logging",
            "ClusterNetworkPolicy acnp egress[1].action: Kubernetes NetworkPolicy has no Pass action",
            "ClusterNetworkPolicy acnp ingress[2].action: Kubernetes NetworkPolicy has no Reject action",
            "ClusterNetworkPolicy acnp ingress[2].from: peer pods [all] in namespaces with the same team as the subject's: Kubernetes NetworkPolicy has no peer for namespaces sharing label values with the subject's",
        ], Conversions.Run(Sources.Acnp, Target).Problems.Select(p => p.ToString()));
}
