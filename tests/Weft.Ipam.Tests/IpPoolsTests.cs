using System.Net;
using Weft.Ipam.Pools;
using Weft.Model;

namespace Weft.Ipam.Tests;

/// <summary>Pool objects of every dialect read into one pool model.</summary>
public class IpPoolsTests
{
    private static IpPool Read(string json) => IpPools.Read(ResourceJson.Parse(json));

    [Fact]
    public void Every_dialects_pool_reads_its_ranges()
    {
        var weft = Read("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"w"},"spec":{"cidrs":["10.1.0.0/24"],"ranges":["10.2.0.10-10.2.0.20"]}}""");
        Assert.True(weft.Contains(IPAddress.Parse("10.1.0.255")) && weft.Contains(IPAddress.Parse("10.2.0.20")));
        Assert.False(weft.Contains(IPAddress.Parse("10.2.0.21")));

        var calico = Read("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"c"},"spec":{"cidr":"192.168.0.0/24","blockSize":26}}""");
        Assert.Equal(IpPools.CalicoKind, calico.Kind);
        Assert.True(calico.Contains(IPAddress.Parse("192.168.0.1")));

        var antrea = Read("""{"apiVersion":"crd.antrea.io/v1beta1","kind":"IPPool","metadata":{"name":"pod-ip-pool1"},"spec":{"ipRanges":[{"start":"10.2.0.12","end":"10.2.0.20"},{"cidr":"fd00::/120"}],"subnetInfo":{"gateway":"10.2.0.1","prefixLength":24}}}""");
        Assert.True(antrea.Contains(IPAddress.Parse("10.2.0.12")) && antrea.Contains(IPAddress.Parse("fd00::ff")));
        Assert.True(antrea.Has(IpFamily.IPv6));

        var ovnPool = Read("""{"apiVersion":"kubeovn.io/v1","kind":"IPPool","metadata":{"name":"pool1"},"spec":{"subnet":"ovn-default","ips":["10.16.0.15","10.16.0.20..10.16.0.30","10.16.1.0/28"]}}""");
        Assert.True(ovnPool.Contains(IPAddress.Parse("10.16.0.25")) && ovnPool.Contains(IPAddress.Parse("10.16.1.15")));
        Assert.False(ovnPool.Contains(IPAddress.Parse("10.16.0.16")));

        var subnet = Read("""{"apiVersion":"kubeovn.io/v1","kind":"Subnet","metadata":{"name":"s1"},"spec":{"cidrBlock":"192.168.100.0/24,fd01::/120","excludeIps":["192.168.100.1"]}}""");
        Assert.True(subnet.Contains(IPAddress.Parse("192.168.100.100")));
        Assert.False(subnet.Contains(IPAddress.Parse("192.168.100.1")));
    }

    [Fact]
    public void A_weft_pool_with_selectors_picks_pods_and_one_without_picks_none()
    {
        var pool = Read("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"w"},"spec":{"cidrs":["10.5.0.0/28"],"namespaceSelector":{"matchLabels":{"team":"blue"}},"podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["db"]}]}}}""");
        Assert.True(pool.Selects(new Dictionary<string, string> { ["tier"] = "db" }, new Dictionary<string, string> { ["team"] = "blue" }));
        Assert.False(pool.Selects(new Dictionary<string, string> { ["tier"] = "web" }, new Dictionary<string, string> { ["team"] = "blue" }));
        Assert.False(pool.Selects(new Dictionary<string, string> { ["tier"] = "db" }, new Dictionary<string, string> { ["team"] = "red" }));
        var plain = Read("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"p"},"spec":{"cidrs":["10.6.0.0/28"]}}""");
        Assert.False(plain.Selects(new Dictionary<string, string>(), new Dictionary<string, string>()));
        var bad = Assert.Throws<IpamException>(() => Read("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"b"},"spec":{"cidrs":["10.6.0.0/28"],"podSelector":{"matchExpressions":[{"key":"k","operator":"Near"}]}}}"""));
        Assert.StartsWith("IPPool b: spec.podSelector", bad.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"c"},"spec":{"cidr":"192.168.0.0/33"}}""", "IPPool c: spec.cidr '192.168.0.0/33'")]
    [InlineData("""{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"c"},"spec":{}}""", "IPPool c: spec.cidr is missing")]
    [InlineData("""{"apiVersion":"crd.antrea.io/v1beta1","kind":"IPPool","metadata":{"name":"a"},"spec":{"ipRanges":[{"start":"10.0.0.9"}]}}""", "IPPool a: spec.ipRanges[0] needs cidr, or start and end")]
    [InlineData("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"w"},"spec":{}}""", "IPPool w: spec defines no address")]
    [InlineData("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"w"},"spec":{"cidrs":["10.0.0.0/24"],"blockSize":"big"}}""", "IPPool w: spec.blockSize '\"big\"' is not a prefix length")]
    [InlineData("""{"apiVersion":"kubeovn.io/v1","kind":"IPPool","metadata":{"name":"o"},"spec":{"ips":["10.0.0.9..10.0.0.1"]}}""", "IPPool o: spec.ips[0] '10.0.0.9..10.0.0.1'")]
    public void Bad_pools_name_the_object_and_the_field(string json, string message)
    {
        var e = Assert.Throws<IpamException>(() => Read(json));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
