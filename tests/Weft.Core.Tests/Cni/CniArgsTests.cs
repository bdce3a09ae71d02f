using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

public class CniArgsTests
{
    [Fact]
    public void Containerd_cri_args_are_read()
    {
        var args = Parse("K8S_POD_INFRA_CONTAINER_ID=0f1e;K8S_POD_UID=uid-1234;IgnoreUnknown=1;K8S_POD_NAMESPACE=demo;K8S_POD_NAME=web");
        Assert.True(args.IgnoreUnknown);
        Assert.Equal(("demo", "web", "uid-1234", "0f1e"), (args.PodNamespace, args.PodName, args.PodUid, args.PodInfraContainerId));
        Assert.Null(args.Ip);
        Assert.Equal(5, args.Pairs.Count);
    }

    [Fact]
    public void Podman_static_ip_and_mac_are_read()
    {
        var args = Parse("IgnoreUnknown=1;K8S_POD_NAME=cnires-web;MAC=02:00:00:00:00:50;IP=10.223.0.50");
        Assert.Equal(("10.223.0.50", "02:00:00:00:00:50", "cnires-web"), (args.Ip, args.Mac, args.PodName));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Empty_args_have_no_pairs(string? raw)
    {
        var args = Parse(raw);
        Assert.Empty(args.Pairs);
        Assert.False(args.IgnoreUnknown);
    }

    [Fact]
    public void Unknown_keys_are_rejected_unless_ignore_unknown_is_set()
    {
        Assert.False(CniArgs.TryParse("K8S_POD_NAME=a;FOO=bar", out _, out var error));
        Assert.Equal((4, "CNI_ARGS key \"FOO\" is unknown"), (error!.Code, error.Msg));

        var args = Parse("IgnoreUnknown=true;FOO=bar");
        Assert.Equal(["FOO"], args.UnknownKeys);
        Assert.Equal("bar", args.Get("FOO"));
    }

    [Fact]
    public void Ignore_unknown_false_still_rejects()
    {
        Assert.False(CniArgs.TryParse("IgnoreUnknown=0;FOO=bar", out _, out var error));
        Assert.Equal(4, error!.Code);
    }

    [Theory]
    [InlineData("K8S_POD_NAME", "CNI_ARGS pair \"K8S_POD_NAME\" is not KEY=VALUE")]
    [InlineData("=x", "CNI_ARGS pair \"=x\" is not KEY=VALUE")]
    [InlineData("IgnoreUnknown=maybe", "CNI_ARGS IgnoreUnknown=\"maybe\" is not a boolean")]
    public void Malformed_args_are_code_4(string raw, string message)
    {
        Assert.False(CniArgs.TryParse(raw, out _, out var error));
        Assert.Equal((4, message), (error!.Code, error.Msg));
    }

    [Fact]
    public void Trailing_separator_empty_values_and_equals_in_values_are_tolerated()
    {
        var args = Parse("K8S_POD_NAME=;IP=10.0.0.1,fd00::1;K8S_POD_UID=a=b;");
        Assert.Equal("", args.PodName);
        Assert.Equal("10.0.0.1,fd00::1", args.Ip);
        Assert.Equal("a=b", args.PodUid);
    }

    [Fact]
    public void Parse_throws_a_cni_exception_carrying_the_error()
    {
        Assert.Equal("web", CniArgs.Parse("IgnoreUnknown=1;K8S_POD_NAME=web").PodName);
        var ex = Assert.Throws<CniException>(() => CniArgs.Parse("BAD"));
        Assert.Equal(new CniError(4, "CNI_ARGS pair \"BAD\" is not KEY=VALUE"), ex.Error);
    }

    [Fact]
    public void Later_duplicate_wins()
    {
        Assert.Equal("second", Parse("K8S_POD_NAME=first;K8S_POD_NAME=second").PodName);
    }

    private static CniArgs Parse(string? raw)
    {
        Assert.True(CniArgs.TryParse(raw, out var args, out var error), error?.Msg);
        return args;
    }
}
