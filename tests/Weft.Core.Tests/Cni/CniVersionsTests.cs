using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

public class CniVersionsTests
{
    [Fact]
    public void Supported_list_is_exactly_the_spec_versions()
    {
        Assert.Equal(["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"], CniVersions.Supported);
        Assert.False(CniVersions.IsSupported("1.0"));
        Assert.False(CniVersions.IsSupported(null));
    }

    [Theory]
    [InlineData("0.3.1", "0.4.0", -1)]
    [InlineData("1.0.0", "0.10.0", 1)]
    [InlineData("1.1.0", "1.1.0", 0)]
    public void Compare_is_numeric(string a, string b, int sign) => Assert.Equal(sign, Math.Sign(CniVersions.Compare(a, b)));

    [Theory]
    [InlineData("1.0")]
    [InlineData("1.0.0-rc1")]
    [InlineData("v1.0.0")]
    [InlineData("1..0")]
    public void Malformed_versions_are_detected(string version)
    {
        Assert.False(CniVersions.IsWellFormed(version));
        Assert.Throws<ArgumentException>(() => CniVersions.Compare(version, "1.0.0"));
    }

    [Theory]
    [InlineData("0.4.0", "0.4.0")]
    [InlineData(null, "1.1.0")]
    [InlineData("9.9.9", "1.1.0")]
    public void Version_info_echoes_a_supported_version_else_latest(string? asked, string answered)
    {
        Assert.Equal(
            $$"""{"cniVersion":"{{answered}}","supportedVersions":["0.1.0","0.2.0","0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}""",
            CniVersions.VersionInfoJson(asked));
    }

    [Fact]
    public void Error_json_has_the_spec_shape()
    {
        Assert.Equal("""{"cniVersion":"1.0.0","code":7,"msg":"network name \"a b\" is bad","details":"x < y"}""",
            new CniError(CniErrorCodes.InvalidNetworkConfig, "network name \"a b\" is bad", "x < y").ToJson("1.0.0"));
        Assert.Equal("""{"code":11,"msg":"later"}""", new CniError(CniErrorCodes.TryAgainLater, "later").ToJson(null));
        Assert.Equal("""{"code":11,"msg":"later"}""", new CniError(CniErrorCodes.TryAgainLater, "later", "").ToJson(null));
    }

    [Fact]
    public void Error_codes_match_the_spec()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 11, 50, 51, 999],
            [CniErrorCodes.IncompatibleCniVersion, CniErrorCodes.UnsupportedField, CniErrorCodes.UnknownContainer, CniErrorCodes.InvalidEnvironmentVariables,
             CniErrorCodes.IoFailure, CniErrorCodes.DecodingFailure, CniErrorCodes.InvalidNetworkConfig, CniErrorCodes.TryAgainLater,
             CniErrorCodes.NotAvailable, CniErrorCodes.NotAvailableLimitedConnectivity, CniErrorCodes.Internal]);
    }

    [Fact]
    public void Commands_round_trip_through_their_wire_names()
    {
        foreach (var command in Enum.GetValues<CniCommand>())
        {
            Assert.True(CniCommands.TryParse(command.ToWire(), out var parsed));
            Assert.Equal(command, parsed);
        }
    }
}
