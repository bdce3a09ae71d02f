using System.Text.Json.Nodes;
using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

// prevResult may arrive in any supported version; all map onto the canonical model.
public class CniResultParseTests
{
    [Theory]
    [InlineData("1.1.0")]
    [InlineData("1.0.0")]
    public void V1_prev_result_keeps_interface_extras(string version)
    {
        var result = CniResultGoldenTests.Parse(
            """{"cniVersion":"VER","interfaces":[{"name":"eth0","mtu":9000,"sandbox":"/proc/42/ns/net","pciID":"0000:01:00.0"}],"ips":[{"interface":0,"address":"10.0.0.5/16","gateway":"10.0.0.1"}],"routes":[{"dst":"10.96.0.0/12","gw":"10.0.0.1","table":100}]}""".Replace("VER", version, StringComparison.Ordinal));
        Assert.Equal(9000, Assert.Single(result.Interfaces).Mtu);
        Assert.Equal("0000:01:00.0", result.Interfaces[0].PciId);
        Assert.Equal("/proc/42/ns/net", result.Interfaces[0].Sandbox);
        var ip = Assert.Single(result.Ips);
        Assert.Equal((0, "10.0.0.5/16", "10.0.0.1"), (ip.Interface!.Value, ip.Address, ip.Gateway));
        Assert.Equal(100, Assert.Single(result.Routes).Table);
    }

    [Theory]
    [InlineData("0.4.0")]
    [InlineData("0.3.1")]
    [InlineData("0.3.0")]
    public void V03_prev_result_drops_ip_version(string version)
    {
        var result = CniResultGoldenTests.Parse(
            """{"cniVersion":"VER","interfaces":[{"name":"eth0","mac":"aa:bb:cc:dd:ee:ff","sandbox":"/run/netns/p"}],"ips":[{"version":"6","interface":0,"address":"fd00::5/64"}],"routes":[{"dst":"::/0","gw":"fd00::1"}]}""".Replace("VER", version, StringComparison.Ordinal));
        Assert.Equal("aa:bb:cc:dd:ee:ff", Assert.Single(result.Interfaces).Mac);
        Assert.Equal("fd00::5/64", Assert.Single(result.Ips).Address);
        Assert.DoesNotContain("\"version\"", result.ToJson("1.1.0"), StringComparison.Ordinal);
        Assert.Equal("fd00::1", Assert.Single(result.Routes).Gw);
    }

    [Theory]
    [InlineData("0.2.0")]
    [InlineData("0.1.0")]
    public void V02_prev_result_becomes_ips_and_routes(string version)
    {
        var result = CniResultGoldenTests.Parse(
            """{"cniVersion":"VER","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0"}]},"ip6":{"ip":"fd00::5/64","routes":[{"dst":"::/0","gw":"fd00::1"}]},"dns":{"nameservers":["10.96.0.10"]}}""".Replace("VER", version, StringComparison.Ordinal));
        Assert.Empty(result.Interfaces);
        Assert.Equal(["10.1.0.5/16", "fd00::5/64"], result.Ips.Select(i => i.Address));
        Assert.All(result.Ips, ip => Assert.Null(ip.Interface));
        Assert.Equal("10.1.0.1", result.Ips[0].Gateway);
        Assert.Equal(["0.0.0.0/0", "::/0"], result.Routes.Select(r => r.Dst));
        Assert.Equal(["10.96.0.10"], result.Dns!.Nameservers!);
    }

    [Fact]
    public void Go_style_capitalised_result_keys_are_accepted()
    {
        var result = CniResultGoldenTests.Parse("""{"CNIVersion":"1.0.0","IPs":[{"Address":"10.0.0.2/24","Gateway":"10.0.0.1"}],"Routes":[{"Dst":"0.0.0.0/0","GW":"10.0.0.1"}]}""");
        Assert.Equal("10.0.0.2/24", Assert.Single(result.Ips).Address);
        Assert.Equal("10.0.0.1", Assert.Single(result.Routes).Gw);
    }

    [Fact]
    public void Parses_from_a_json_tree_with_a_subject_in_errors()
    {
        var node = JsonNode.Parse("""{"cniVersion":"1.0.0","ips":[{"address":"10.0.0.300/24"}]}""");
        Assert.False(CniResult.TryParse(node, out _, out var error, "prevResult"));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.Equal("invalid prevResult: ips[0].address \"10.0.0.300/24\" is not ADDRESS/PREFIX", error.Msg);
    }

    [Theory]
    [InlineData("""{"ips":[{"address":"10.0.0.2"}]}""", "ips[0].address \"10.0.0.2\" is not ADDRESS/PREFIX")]
    [InlineData("""{"ips":[{"address":"10.0.0.2/33"}]}""", "ips[0].address \"10.0.0.2/33\" is not ADDRESS/PREFIX")]
    [InlineData("""{"ips":[{"gateway":"10.0.0.1"}]}""", "ips[0].address \"\" is not ADDRESS/PREFIX")]
    [InlineData("""{"ips":[{"address":"10.0.0.2/24","gateway":"ten"}]}""", "ips[0].gateway \"ten\" is not an IP address")]
    [InlineData("""{"interfaces":[{"name":"eth0"}],"ips":[{"interface":1,"address":"10.0.0.2/24"}]}""", "ips[0].interface 1 is not an index into interfaces (count 1)")]
    [InlineData("""{"routes":[{"gw":"10.0.0.1"}]}""", "routes[0].dst \"\" is not ADDRESS/PREFIX")]
    [InlineData("""{"routes":[{"dst":"0.0.0.0/0","gw":"x"}]}""", "routes[0].gw \"x\" is not an IP address")]
    [InlineData("""{"ip4":{"ip":"bad"}}""", "ip4.ip \"bad\" is not ADDRESS/PREFIX")]
    [InlineData("""{"ip6":{"ip":"fd00::1/64","routes":[{"dst":"nope"}]}}""", "ip6.routes[0].dst \"nope\" is not ADDRESS/PREFIX")]
    public void Malformed_results_name_the_bad_field(string json, string problem)
    {
        Assert.False(CniResult.TryParse(json, out _, out var error));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.Equal("invalid result: " + problem, error.Msg);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("""{"ips":{"address":"x"}}""")]
    public void Undecodable_results_are_code_6(string json)
    {
        Assert.False(CniResult.TryParse(json, out _, out var error));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.StartsWith("error decoding result: ", error.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_result_is_rejected()
    {
        Assert.False(CniResult.TryParse("null", out _, out var error));
        Assert.Equal("invalid result: is null, not an object", error.Msg);
    }
}
