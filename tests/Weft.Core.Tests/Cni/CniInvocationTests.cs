using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

public class CniInvocationTests
{
    private static readonly Dictionary<string, string> AddEnv = new()
    {
        ["CNI_COMMAND"] = "ADD",
        ["CNI_CONTAINERID"] = "abc123",
        ["CNI_NETNS"] = "/var/run/netns/cni-1",
        ["CNI_IFNAME"] = "eth0",
        ["CNI_ARGS"] = "IgnoreUnknown=1;K8S_POD_NAME=web",
        ["CNI_PATH"] = "/opt/cni/bin",
    };

    [Fact]
    public void Reads_every_variable()
    {
        var inv = Read(AddEnv);
        Assert.Equal(new CniInvocation(CniCommand.Add, "abc123", "/var/run/netns/cni-1", "eth0", "IgnoreUnknown=1;K8S_POD_NAME=web", "/opt/cni/bin"), inv);
        Assert.True(inv.HasContainer);
    }

    [Fact]
    public void Missing_command_is_code_4()
    {
        var error = ReadError(new Dictionary<string, string>());
        Assert.Equal((4, "required env variables [CNI_COMMAND] missing"), (error.Code, error.Msg));
    }

    [Theory]
    [InlineData("FROB")]
    [InlineData("add")]
    public void Unknown_command_is_code_4(string command)
    {
        var error = ReadError(With(AddEnv, "CNI_COMMAND", command));
        Assert.Equal((4, $"unknown CNI_COMMAND: {command}"), (error.Code, error.Msg));
    }

    [Theory]
    [InlineData("ADD", "CNI_IFNAME", "[CNI_IFNAME]")]
    [InlineData("ADD", "CNI_NETNS", "[CNI_NETNS]")]
    [InlineData("CHECK", "CNI_CONTAINERID", "[CNI_CONTAINERID]")]
    [InlineData("DEL", "CNI_IFNAME", "[CNI_IFNAME]")]
    [InlineData("GC", "CNI_PATH", "[CNI_PATH]")]
    public void Missing_required_variable_is_code_4_naming_it(string command, string variable, string listed)
    {
        var env = With(With(AddEnv, "CNI_COMMAND", command), variable, "");
        var error = ReadError(env);
        Assert.Equal(CniErrorCodes.InvalidEnvironmentVariables, error.Code);
        Assert.Equal($"required env variables {listed} missing", error.Msg);
    }

    [Fact]
    public void All_missing_variables_are_listed_together()
    {
        var error = ReadError(new Dictionary<string, string> { ["CNI_COMMAND"] = "ADD" });
        Assert.Equal("required env variables [CNI_CONTAINERID CNI_NETNS CNI_IFNAME] missing", error.Msg);
    }

    [Fact]
    public void Del_allows_an_empty_netns()
    {
        var inv = Read(With(With(AddEnv, "CNI_COMMAND", "DEL"), "CNI_NETNS", ""));
        Assert.Null(inv.Netns);
    }

    [Theory]
    [InlineData("STATUS")]
    [InlineData("VERSION")]
    public void Status_and_version_need_no_container_variables(string command)
    {
        var inv = Read(new Dictionary<string, string> { ["CNI_COMMAND"] = command });
        Assert.False(inv.HasContainer);
    }

    [Theory]
    [InlineData("ADD", "1.1.0")]
    [InlineData("ADD", "0.1.0")]
    [InlineData("DEL", "0.2.0")]
    [InlineData("CHECK", "0.4.0")]
    [InlineData("CHECK", "1.0.0")]
    [InlineData("STATUS", "1.1.0")]
    [InlineData("GC", "1.1.0")]
    public void Validate_accepts_a_compatible_request(string command, string version)
    {
        Assert.Null(Read(With(AddEnv, "CNI_COMMAND", command)).Validate(Conf(version)));
    }

    [Theory]
    [InlineData("CHECK", "0.3.1", "config is \"0.3.1\", CHECK needs one of [\"0.4.0\" \"1.0.0\" \"1.1.0\"]")]
    [InlineData("STATUS", "1.0.0", "config is \"1.0.0\", STATUS needs one of [\"1.1.0\"]")]
    [InlineData("GC", "0.4.0", "config is \"0.4.0\", GC needs one of [\"1.1.0\"]")]
    [InlineData("ADD", "1.2.0", "config is \"1.2.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]")]
    public void Validate_rejects_incompatible_versions_with_code_1(string command, string version, string details)
    {
        var error = Read(With(AddEnv, "CNI_COMMAND", command)).Validate(Conf(version));
        Assert.Equal(new CniError(1, "incompatible CNI versions", details), error);
    }

    [Fact]
    public void Validate_rejects_a_malformed_version_with_code_6()
    {
        var error = Read(AddEnv).Validate(Conf("one"));
        Assert.Equal((6, "invalid cniVersion \"one\""), (error!.Code, error.Msg));
    }

    [Fact]
    public void Validate_checks_in_libcni_order()
    {
        // Bad version, bad name and bad container ID together: the version wins.
        var inv = Read(With(AddEnv, "CNI_CONTAINERID", "/bad"));
        Assert.Equal(1, inv.Validate(Conf("9.9.9", name: null))!.Code);
        Assert.Equal(7, inv.Validate(Conf("1.0.0", name: null))!.Code);
        Assert.Equal(4, inv.Validate(Conf("1.0.0"))!.Code);
    }

    [Fact]
    public void Validate_rejects_bad_container_id_ifname_and_args_with_code_4()
    {
        Assert.Equal("CNI_CONTAINERID \"a/b\" contains invalid characters",
            Read(With(AddEnv, "CNI_CONTAINERID", "a/b")).Validate(Conf("1.0.0"))!.Msg);
        Assert.Equal("CNI_IFNAME \"averyveryverylongname\" is longer than 15 bytes",
            Read(With(AddEnv, "CNI_IFNAME", "averyveryverylongname")).Validate(Conf("1.0.0"))!.Msg);
        Assert.Equal("CNI_ARGS key \"FOO\" is unknown",
            Read(With(AddEnv, "CNI_ARGS", "FOO=1")).Validate(Conf("1.0.0"))!.Msg);
    }

    [Fact]
    public void Validate_skips_container_checks_for_gc()
    {
        var gc = Read(new Dictionary<string, string> { ["CNI_COMMAND"] = "GC", ["CNI_PATH"] = "/opt/cni/bin", ["CNI_ARGS"] = "junk" });
        Assert.Null(gc.Validate(Conf("1.1.0")));
    }

    private static NetConf Conf(string version, string? name = "weft")
    {
        var nameJson = name is null ? "" : $",\"name\":\"{name}\"";
        Assert.True(NetConf.TryParse($"{{\"cniVersion\":\"{version}\"{nameJson}}}", out var conf, out _));
        return conf;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> env, string key, string value) => new(env) { [key] = value };

    private static CniInvocation Read(Dictionary<string, string> env)
    {
        Assert.True(CniInvocation.TryRead(k => env.GetValueOrDefault(k), out var inv, out var error), error?.Msg);
        return inv;
    }

    private static CniError ReadError(Dictionary<string, string> env)
    {
        Assert.False(CniInvocation.TryRead(k => env.GetValueOrDefault(k), out _, out var error));
        return error;
    }
}
