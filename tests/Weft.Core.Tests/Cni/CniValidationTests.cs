using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

public class CniValidationTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("cnires-t2")]
    [InlineData("A_b.c-d")]
    public void Good_container_ids_pass(string id) => Assert.Null(CniValidation.ValidateContainerId(id));

    [Theory]
    [InlineData("-lead")]
    [InlineData("_lead")]
    [InlineData(".lead")]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("ü")]
    public void Bad_container_ids_are_code_4(string id)
    {
        var error = CniValidation.ValidateContainerId(id);
        Assert.Equal(CniErrorCodes.InvalidEnvironmentVariables, error!.Code);
        Assert.Contains($"\"{id}\"", error.Msg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("eth0")]
    [InlineData("net1")]
    [InlineData("a")]
    [InlineData("fifteen-chars-x")]
    [InlineData("lo")]
    public void Good_ifnames_pass(string name) => Assert.Null(CniValidation.ValidateIfName(name));

    [Theory]
    [InlineData("sixteen-chars-xx", "is longer than 15 bytes")]
    [InlineData("ééééééééé", "is longer than 15 bytes")]
    [InlineData(".", "is \".\" or \"..\"")]
    [InlineData("..", "is \".\" or \"..\"")]
    [InlineData("eth/0", "contains '/', ':' or whitespace")]
    [InlineData("eth:0", "contains '/', ':' or whitespace")]
    [InlineData("eth 0", "contains '/', ':' or whitespace")]
    [InlineData("eth\t0", "contains '/', ':' or whitespace")]
    public void Bad_ifnames_are_code_4_with_reason(string name, string reason)
    {
        Assert.Equal(new CniError(4, $"CNI_IFNAME \"{name}\" {reason}"), CniValidation.ValidateIfName(name));
    }

    [Fact]
    public void Empty_ifname_is_missing()
    {
        Assert.Equal("required env variables [CNI_IFNAME] missing", CniValidation.ValidateIfName("")!.Msg);
    }

    [Fact]
    public void Network_name_missing_or_bad_is_code_7()
    {
        Assert.Equal((7, "missing network name"), (CniValidation.ValidateNetworkName(null)!.Code, CniValidation.ValidateNetworkName(null)!.Msg));
        var bad = CniValidation.ValidateNetworkName("../etc");
        Assert.Equal((7, "network name \"../etc\" contains invalid characters"), (bad!.Code, bad.Msg));
        Assert.Null(CniValidation.ValidateNetworkName("k8s-pod-network"));
    }
}
