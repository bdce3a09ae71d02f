using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

// Golden JSON per spec version. Field order follows libcni's Go structs, so the text matches what
// the reference plugins print (see shared/reference/cni-real-clients.md).
public class CniResultGoldenTests
{
    private const string Canonical =
        """{"cniVersion":"1.1.0","interfaces":[{"name":"cnires0","mac":"06:6e:be:a5:e4:00"},{"name":"veth1963db2b","mac":"1e:9c:e7:58:0b:ae"},{"name":"eth0","mac":"ba:57:78:33:41:d5","mtu":1450,"sandbox":"/run/netns/cnires-a","socketPath":"/run/vhost.sock","pciID":"0000:00:1f.0"}],"ips":[{"interface":2,"address":"10.222.0.2/24","gateway":"10.222.0.1"},{"interface":2,"address":"10.222.1.2/24"},{"interface":2,"address":"fd00::2/64","gateway":"fd00::1"}],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0","gw":"fd00::1","mtu":1400,"advmss":1360,"priority":100,"table":254,"scope":0}],"dns":{"nameservers":["10.222.0.1"],"domain":"cluster.local","search":["svc.cluster.local"],"options":["ndots:5"]}}""";

    private const string V1_0_0 =
        """{"cniVersion":"1.0.0","interfaces":[{"name":"cnires0","mac":"06:6e:be:a5:e4:00"},{"name":"veth1963db2b","mac":"1e:9c:e7:58:0b:ae"},{"name":"eth0","mac":"ba:57:78:33:41:d5","mtu":1450,"sandbox":"/run/netns/cnires-a","socketPath":"/run/vhost.sock","pciID":"0000:00:1f.0"}],"ips":[{"interface":2,"address":"10.222.0.2/24","gateway":"10.222.0.1"},{"interface":2,"address":"10.222.1.2/24"},{"interface":2,"address":"fd00::2/64","gateway":"fd00::1"}],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0","gw":"fd00::1","mtu":1400,"advmss":1360,"priority":100,"table":254,"scope":0}],"dns":{"nameservers":["10.222.0.1"],"domain":"cluster.local","search":["svc.cluster.local"],"options":["ndots:5"]}}""";

    private const string V0_4_0Tail =
        """interfaces":[{"name":"cnires0","mac":"06:6e:be:a5:e4:00"},{"name":"veth1963db2b","mac":"1e:9c:e7:58:0b:ae"},{"name":"eth0","mac":"ba:57:78:33:41:d5","sandbox":"/run/netns/cnires-a"}],"ips":[{"version":"4","interface":2,"address":"10.222.0.2/24","gateway":"10.222.0.1"},{"version":"4","interface":2,"address":"10.222.1.2/24"},{"version":"6","interface":2,"address":"fd00::2/64","gateway":"fd00::1"}],"routes":[{"dst":"0.0.0.0/0"},{"dst":"::/0","gw":"fd00::1","mtu":1400,"advmss":1360,"priority":100,"table":254,"scope":0}],"dns":{"nameservers":["10.222.0.1"],"domain":"cluster.local","search":["svc.cluster.local"],"options":["ndots:5"]}}""";

    private const string V0_2_0Tail =
        """ip4":{"ip":"10.222.0.2/24","gateway":"10.222.0.1","routes":[{"dst":"0.0.0.0/0"}]},"ip6":{"ip":"fd00::2/64","gateway":"fd00::1","routes":[{"dst":"::/0","gw":"fd00::1","mtu":1400,"advmss":1360,"priority":100,"table":254,"scope":0}]},"dns":{"nameservers":["10.222.0.1"],"domain":"cluster.local","search":["svc.cluster.local"],"options":["ndots:5"]}}""";

    public static TheoryData<string, string> Goldens => new()
    {
        { "1.1.0", Canonical },
        { "1.0.0", V1_0_0 },
        { "0.4.0", Versioned("0.4.0", V0_4_0Tail) },
        { "0.3.1", Versioned("0.3.1", V0_4_0Tail) },
        { "0.3.0", Versioned("0.3.0", V0_4_0Tail) },
        { "0.2.0", Versioned("0.2.0", V0_2_0Tail) },
        { "0.1.0", Versioned("0.1.0", V0_2_0Tail) },
    };

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Canonical_result_renders_as_golden_in_every_version(string version, string golden)
    {
        Assert.Equal(golden, Parse(Canonical).ToJson(version));
    }

    [Theory]
    [MemberData(nameof(Goldens))]
    public void Each_version_parses_back_and_renders_identically(string version, string golden)
    {
        var parsed = Parse(golden);
        Assert.Equal(golden, parsed.ToJson(version));
    }

    [Fact]
    public void Reference_bridge_output_at_1_0_0_round_trips_byte_for_byte()
    {
        const string bridge =
            """{"cniVersion":"1.0.0","interfaces":[{"name":"cnires0","mac":"06:6e:be:a5:e4:00"},{"name":"veth1963db2b","mac":"1e:9c:e7:58:0b:ae"},{"name":"eth0","mac":"ba:57:78:33:41:d5","sandbox":"/run/netns/cnires-a"}],"ips":[{"interface":2,"address":"10.222.0.2/24","gateway":"10.222.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.222.0.1"]}}""";
        Assert.Equal(bridge, Parse(bridge).ToJson("1.0.0"));
    }

    [Fact]
    public void Reference_bridge_output_at_0_2_0_matches_the_observed_shape()
    {
        const string v1 =
            """{"cniVersion":"1.0.0","interfaces":[{"name":"cnires0"},{"name":"eth0","sandbox":"/run/netns/x"}],"ips":[{"interface":1,"address":"10.222.0.4/24","gateway":"10.222.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{"nameservers":["10.222.0.1"]}}""";
        Assert.Equal(
            """{"cniVersion":"0.2.0","ip4":{"ip":"10.222.0.4/24","gateway":"10.222.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{"nameservers":["10.222.0.1"]}}""",
            Parse(v1).ToJson("0.2.0"));
    }

    [Fact]
    public void Empty_dns_and_empty_lists_are_left_out()
    {
        const string loopback =
            """{"cniVersion":"1.0.0","interfaces":[{"name":"lo","mac":"00:00:00:00:00:00","sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"127.0.0.1/8"},{"interface":0,"address":"::1/128"}],"dns":{}}""";
        var result = Parse(loopback);
        Assert.Equal(
            """{"cniVersion":"1.0.0","interfaces":[{"name":"lo","mac":"00:00:00:00:00:00","sandbox":"/run/netns/x"}],"ips":[{"interface":0,"address":"127.0.0.1/8"},{"interface":0,"address":"::1/128"}]}""",
            result.ToJson("1.0.0"));
        Assert.Equal("""{"cniVersion":"1.1.0"}""", new CniResult().ToJson("1.1.0"));
        Assert.Equal("""{"cniVersion":"0.2.0"}""", new CniResult().ToJson("0.2.0"));
    }

    [Fact]
    public void Routes_of_a_family_without_address_are_dropped_in_0_2_0()
    {
        var result = new CniResult
        {
            Ips = [new CniIpConfig { Address = "10.0.0.2/24" }],
            Routes = [new CniRoute { Dst = "0.0.0.0/0" }, new CniRoute { Dst = "::/0" }],
        };
        Assert.Equal("""{"cniVersion":"0.2.0","ip4":{"ip":"10.0.0.2/24","routes":[{"dst":"0.0.0.0/0"}]}}""", result.ToJson("0.2.0"));
    }

    [Theory]
    [InlineData("1.2.0")]
    [InlineData("0.5.0")]
    [InlineData("")]
    public void Rendering_in_an_unsupported_version_throws(string version)
    {
        var ex = Assert.Throws<ArgumentException>(() => new CniResult().ToJson(version));
        Assert.Contains($"\"{version}\"", ex.Message, StringComparison.Ordinal);
    }

    private static string Versioned(string version, string tail) => $"{{\"cniVersion\":\"{version}\",\"" + tail;

    internal static CniResult Parse(string json)
    {
        Assert.True(CniResult.TryParse(json, out var result, out var error), error?.Msg);
        return result;
    }
}
