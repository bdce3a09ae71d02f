using System.Net;
using Weft.Ipam.Pools;

namespace Weft.Ipam.Tests;

/// <summary>Each dialect's fixed-IP and pool annotations, as the seed article and policy-dialects.md §6/§8 write them.</summary>
public class IpAnnotationsTests
{
    private static PodIpIntent Parse(Dictionary<string, string> pod, Dictionary<string, string>? ns = null) => IpAnnotations.Parse(pod, ns);

    private static string[] Ips(IEnumerable<IPAddress> ips) => [.. ips.Select(i => i.ToString())];

    [Fact]
    public void The_seed_articles_annotations_give_their_addresses_and_pools()
    {
        Assert.Equal(["192.168.0.1"], Ips(Parse(new() { ["cni.projectcalico.org/ipAddrs"] = "[\"192.168.0.1\"]" }).Addresses));
        Assert.Equal(["192.168.100.100"], Ips(Parse(new() { ["ovn.kubernetes.io/ip_address"] = "192.168.100.100" }).Addresses));
        var replicas = Parse(new() { ["ovn.kubernetes.io/ip_pool"] = "192.168.100.201,192.168.100.202" });
        Assert.Equal([["192.168.100.201"], ["192.168.100.202"]], replicas.Candidates.Select(Ips));
        var antrea = Parse(new() { ["ipam.antrea.io/ippools"] = "pod-ip-pool1", ["ipam.antrea.io/pod-ips"] = "10.2.0.7" });
        Assert.Equal(["pod-ip-pool1"], antrea.Pools);
        Assert.Equal(["10.2.0.7"], Ips(antrea.Addresses));
        Assert.Equal("ipam.antrea.io/pod-ips", antrea.Source);
    }

    [Fact]
    public void No_annotation_is_no_intent()
    {
        Assert.Same(PodIpIntent.None, Parse(new() { ["app"] = "web" }));
        Assert.False(PodIpIntent.None.IsFixed);
    }

    [Theory]
    [InlineData("cni.projectcalico.org/ipAddrs", "[\"10.0.0.5\",\"10.0.0.6\"]", "more than one IPv4")]
    [InlineData("cni.projectcalico.org/ipAddrs", "[]", "empty list")]
    [InlineData("cni.projectcalico.org/ipAddrs", "10.0.0.5", "JSON list")]
    [InlineData("cni.projectcalico.org/ipAddrs", "[\"10.0.0.300\"]", "not an IP address")]
    [InlineData("ovn.kubernetes.io/ip_address", "10.0.0.5,10.0.0.6", "more than one IPv4")]
    [InlineData("ovn.kubernetes.io/mac_address", "zz:00:00:00:00:01", "MAC")]
    [InlineData("ovn.kubernetes.io/mac_address", "01:00:5e:00:00:01", "unicast")]
    [InlineData("ovn.kubernetes.io/ip_pool", "10.0.0.5,nonsense", "not an IP address")]
    [InlineData("cni.projectcalico.org/ipAddrsNoIpam", "[\"10.0.0.5\"]", "bypasses IPAM")]
    public void Malformed_annotations_name_the_annotation_and_the_value(string annotation, string value, string problem)
    {
        var pod = new Dictionary<string, string> { [annotation] = value };
        if (annotation == "ipam.antrea.io/pod-ips")
        {
            pod["ipam.antrea.io/ippools"] = "p";
        }
        var e = Assert.Throws<AnnotationException>(() => Parse(pod));
        Assert.Equal(annotation, e.Annotation);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calico_ipAddrs_with_ipAddrsNoIpam_is_an_error()
    {
        var e = Assert.Throws<AnnotationException>(() => Parse(new()
        {
            ["cni.projectcalico.org/ipAddrs"] = "[\"10.0.0.5\"]",
            ["cni.projectcalico.org/ipAddrsNoIpam"] = "[\"10.0.0.5\"]",
        }));
        Assert.Contains("cannot be combined", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Calico_dual_stack_and_pods_pools_replace_the_namespaces()
    {
        var intent = Parse(
            new() { ["cni.projectcalico.org/ipAddrs"] = "[\"10.0.0.5\",\"fd00::5\"]", ["cni.projectcalico.org/ipv4pools"] = "[\"pod-pool\"]" },
            new() { ["cni.projectcalico.org/ipv4pools"] = "[\"ns-pool\"]" });
        Assert.Equal(["10.0.0.5", "fd00::5"], Ips(intent.Addresses));
        Assert.Equal(["pod-pool"], intent.Pools);
        Assert.Equal(["ns-pool"], Parse([], new() { ["cni.projectcalico.org/ipv4pools"] = "[\"ns-pool\"]" }).Pools);
    }

    [Fact]
    public void Kube_ovn_ip_pool_has_three_forms()
    {
        Assert.Equal([["10.16.0.15", "fd00::f"]], Parse(new() { ["ovn.kubernetes.io/ip_pool"] = "10.16.0.15,fd00::f" }).Candidates.Select(Ips));
        Assert.Equal([["10.16.0.15"], ["10.16.0.16"]], Parse(new() { ["ovn.kubernetes.io/ip_pool"] = "10.16.0.15,10.16.0.16" }).Candidates.Select(Ips));
        Assert.Equal([["10.0.0.1", "fd00::1"], ["10.0.0.2", "fd00::2"]],
            Parse(new() { ["ovn.kubernetes.io/ip_pool"] = "10.0.0.1,fd00::1;10.0.0.2,fd00::2" }).Candidates.Select(Ips));
        var named = Parse(new() { ["ovn.kubernetes.io/ip_pool"] = "pool1" });
        Assert.Equal(["pool1"], named.Pools);
        Assert.Empty(named.Candidates);
    }

    [Fact]
    public void Kube_ovn_ip_address_wins_over_ip_pool_and_keeps_its_mac()
    {
        var intent = Parse(new()
        {
            ["ovn.kubernetes.io/ip_address"] = "10.16.0.9/16",
            ["ovn.kubernetes.io/ip_pool"] = "10.16.0.15,10.16.0.16",
            ["ovn.kubernetes.io/mac_address"] = "0A:58:0A:10:00:09",
        });
        Assert.Equal(["10.16.0.9"], Ips(intent.Addresses));
        Assert.Empty(intent.Candidates);
        Assert.Equal("0a:58:0a:10:00:09", intent.Mac);
    }

    [Fact]
    public void Antrea_pod_ips_count_only_where_ippools_apply_and_the_pod_wins_over_the_namespace()
    {
        Assert.Same(PodIpIntent.None, Parse(new() { ["ipam.antrea.io/pod-ips"] = "10.2.0.7" }));
        var fromNs = Parse(new() { ["ipam.antrea.io/pod-ips"] = "10.2.0.7" }, new() { ["ipam.antrea.io/ippools"] = "ns-pool" });
        Assert.Equal(["ns-pool"], fromNs.Pools);
        Assert.Equal(["10.2.0.7"], Ips(fromNs.Addresses));
        Assert.Equal(["pod-pool"], Parse(new() { ["ipam.antrea.io/ippools"] = "pod-pool" }, new() { ["ipam.antrea.io/ippools"] = "ns-pool" }).Pools);
        var twoV4 = Assert.Throws<AnnotationException>(() => Parse(new() { ["ipam.antrea.io/ippools"] = "p", ["ipam.antrea.io/pod-ips"] = "10.2.0.7, 10.2.0.8" }));
        Assert.Equal("ipam.antrea.io/pod-ips", twoV4.Annotation);
    }

    [Fact]
    public void Two_dialects_with_different_addresses_are_an_error_and_weft_wins_when_they_agree()
    {
        var e = Assert.Throws<AnnotationException>(() => Parse(new()
        {
            ["cni.projectcalico.org/ipAddrs"] = "[\"10.0.0.5\"]",
            ["ovn.kubernetes.io/ip_address"] = "10.0.0.6",
        }));
        Assert.Equal("ovn.kubernetes.io/ip_address", e.Annotation);
        Assert.Contains("cni.projectcalico.org/ipAddrs", e.Message, StringComparison.Ordinal);
        var agreed = Parse(new() { ["weft.dev/ip-addresses"] = "10.0.0.5", ["ovn.kubernetes.io/ip_address"] = "10.0.0.5" });
        Assert.Equal("weft.dev/ip-addresses", agreed.Source);
    }
}
