using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>policyTypes defaulting, ports (absent, protocol default, named, endPort) and ipBlock with except.</summary>
public class PortAndTypeSemanticsTests
{
    [Fact]
    public void PolicyTypes_default_to_Ingress_only_when_there_are_no_egress_rules()
    {
        var e = With(NetPol("podSelector: {matchLabels: {app: a}}\ningress: []"));
        Assert.False(e.Allowed("y/a", "x/a"));
        Assert.True(e.Allowed("x/a", "y/a"), "egress not isolated");

        var emptyEgress = With(NetPol("podSelector: {matchLabels: {app: a}}\negress: []"));
        Assert.True(emptyEgress.Allowed("x/a", "y/a"), "an empty egress list does not add Egress");
        Assert.False(emptyEgress.Allowed("y/a", "x/a"), "Ingress is always there");
    }

    [Fact]
    public void PolicyTypes_default_adds_Egress_when_egress_rules_are_present()
    {
        var e = With(NetPol("podSelector: {matchLabels: {app: a}}\negress:\n- to: [{namespaceSelector: {matchLabels: {team: blue}}}]"));
        Assert.True(e.Allowed("x/a", "y/b"));
        Assert.False(e.Allowed("x/a", "x/b"), "egress isolated");
        Assert.False(e.Allowed("y/b", "x/a"), "ingress isolated too, with no rules");
    }

    [Fact]
    public void Rules_of_a_direction_missing_from_explicit_policyTypes_have_no_effect()
    {
        var e = With(NetPol("podSelector: {matchLabels: {app: a}}\npolicyTypes: [Egress]\ningress: []\negress: [{}]"));
        Assert.True(e.Allowed("y/b", "x/a"), "ingress not isolated although an ingress list is given");
        Assert.DoesNotContain(e.Policies.Rules, r => r.Direction == Direction.Ingress);
    }

    [Fact]
    public void Absent_ports_mean_every_port_and_protocol()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- from: [{podSelector: {}}]"));
        Assert.True(e.Allowed("x/b", "x/a", 1, L4Protocol.Sctp));
        Assert.True(e.Allowed("x/b", "x/a", 65535, L4Protocol.Udp));
    }

    [Fact]
    public void A_port_without_protocol_means_TCP_only()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- ports: [{port: 80}]"));
        Assert.True(e.Allowed("y/a", "x/a", 80));
        Assert.False(e.Allowed("y/a", "x/a", 80, L4Protocol.Udp));
        Assert.False(e.Allowed("y/a", "x/a", 80, L4Protocol.Sctp));
        Assert.False(e.Allowed("y/a", "x/a", 81));
    }

    [Fact]
    public void A_protocol_without_port_means_every_port_of_it()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- ports: [{protocol: SCTP}]"));
        Assert.True(e.Allowed("y/a", "x/a", 5000, L4Protocol.Sctp));
        Assert.False(e.Allowed("y/a", "x/a", 5000));
    }

    [Fact]
    public void EndPort_makes_an_inclusive_range()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- ports: [{port: 8000, endPort: 8010, protocol: UDP}]"));
        Assert.True(e.Allowed("y/a", "x/a", 8000, L4Protocol.Udp));
        Assert.True(e.Allowed("y/a", "x/a", 8010, L4Protocol.Udp));
        Assert.False(e.Allowed("y/a", "x/a", 8011, L4Protocol.Udp));
        Assert.False(e.Allowed("y/a", "x/a", 7999, L4Protocol.Udp));
    }

    [Fact]
    public void Named_ports_resolve_per_destination_pod_by_name_and_protocol()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- ports: [{port: http}]"));
        Assert.True(e.Allowed("y/a", "x/a", 8080), "x/a names 8080 http");
        Assert.True(e.Allowed("y/a", "x/b", 9090), "x/b names 9090 http");
        Assert.False(e.Allowed("y/a", "x/a", 9090));
        var udp = With(NetPol("podSelector: {}\ningress:\n- ports: [{port: dns}]"));
        Assert.False(udp.Allowed("y/a", "x/a", 53, L4Protocol.Udp), "dns is a UDP port, the rule says TCP");
        Assert.False(udp.Allowed("y/a", "x/a", 53));
        var udpRule = With(NetPol("podSelector: {}\ningress:\n- ports: [{port: dns, protocol: UDP}]"));
        Assert.True(udpRule.Allowed("y/a", "x/a", 53, L4Protocol.Udp));
    }

    [Fact]
    public void Named_ports_in_egress_resolve_against_the_destination_and_never_match_external_addresses()
    {
        var e = With(NetPol("podSelector: {matchLabels: {app: b}}\npolicyTypes: [Egress]\negress:\n- ports: [{port: http}]"));
        Assert.True(e.Allowed("x/b", "x/a", 8080));
        Assert.False(e.Allowed("x/b", "x/a", 9090));
        Assert.False(e.Allowed("x/b", "y/a", 8080), "y/a has no port named http");
        Assert.False(e.Allowed("x/b", "192.0.2.1", 8080));
    }

    [Fact]
    public void IpBlock_matches_inside_the_cidr_except_the_excepted_ranges()
    {
        var e = With(NetPol("""
            podSelector: {matchLabels: {app: a}}
            policyTypes: [Egress]
            egress:
            - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.2.0/24]}}]
            """));
        Assert.True(e.Allowed("x/a", "x/b"), "10.0.1.2 is inside");
        Assert.False(e.Allowed("x/a", "y/b"), "10.0.2.2 is excepted");
        Assert.True(e.Allowed("x/a", "10.0.200.1"), "external address inside the block");
        Assert.False(e.Allowed("x/a", "192.0.2.1"));
    }

    [Fact]
    public void IpBlock_with_host_bits_set_is_read_as_its_network()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- from: [{ipBlock: {cidr: 10.0.2.7/24}}]"));
        Assert.True(e.Allowed("y/a", "x/a"));
        Assert.False(e.Allowed("x/b", "x/a"));
    }
}
