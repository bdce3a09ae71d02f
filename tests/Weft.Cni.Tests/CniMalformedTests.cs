using Weft.Cni.Tests.Support;
using Weft.Core.Cni;
using static Weft.Cni.Tests.Support.CniRunner;

namespace Weft.Cni.Tests;

// Each malformed invocation gets the spec code on stdout, exit 1, a log line on stderr, and never reaches the agent.
[Collection(PublishedCniCollection.Name)]
public sealed class CniMalformedTests(PublishedCni cni) : IDisposable
{
    private readonly FakeAgent _agent = new();

    [Fact]
    public void Bad_json_is_code_6()
    {
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "c1"), """{"cniVersion":"1.0.0","name":""");
        AssertError(run, CniErrorCodes.DecodingFailure, "error decoding network config: ");
        Assert.Contains("LineNumber: 0 | BytePositionInLine: 29", run.ErrorMsg, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_name_is_code_7()
    {
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "c1"), $$"""{"cniVersion":"1.0.0","type":"weft-cni","agentSocket":"{{_agent.SocketPath}}"}""");
        AssertError(run, CniErrorCodes.InvalidNetworkConfig, "missing network name");
    }

    [Fact]
    public void Bad_container_id_is_code_4()
    {
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "../etc"), Conf("1.0.0"));
        AssertError(run, CniErrorCodes.InvalidEnvironmentVariables, "CNI_CONTAINERID \"../etc\" contains invalid characters");
    }

    [Fact]
    public void Missing_ifname_is_code_4()
    {
        var env = ContainerEnv("ADD", "c1");
        env.Remove("CNI_IFNAME");
        AssertError(Run(cni.BinaryPath, env, Conf("1.0.0")), CniErrorCodes.InvalidEnvironmentVariables, "required env variables [CNI_IFNAME] missing");
    }

    [Fact]
    public void Unknown_command_is_code_4()
    {
        AssertError(Run(cni.BinaryPath, ContainerEnv("FROB", "c1"), Conf("1.0.0")), CniErrorCodes.InvalidEnvironmentVariables, "unknown CNI_COMMAND: FROB");
    }

    [Fact]
    public void Unsupported_version_is_code_1()
    {
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "c1"), Conf("1.2.0"));
        AssertError(run, CniErrorCodes.IncompatibleCniVersion, "incompatible CNI versions");
        Assert.Equal("config is \"1.2.0\", plugin supports [\"0.1.0\" \"0.2.0\" \"0.3.0\" \"0.3.1\" \"0.4.0\" \"1.0.0\" \"1.1.0\"]",
            run.Json["details"]!.GetValue<string>());
    }

    [Fact]
    public void Unknown_cni_args_key_is_code_4()
    {
        var env = ContainerEnv("ADD", "c1");
        env["CNI_ARGS"] = "K8S_POD_NAME=web;SURPRISE=1";
        AssertError(Run(cni.BinaryPath, env, Conf("1.0.0")), CniErrorCodes.InvalidEnvironmentVariables, "CNI_ARGS key \"SURPRISE\" is unknown");
    }

    private string Conf(string version) => Config(version, _agent.SocketPath, _agent.QueueDir);

    private void AssertError(CniRun run, int code, string msgPrefix)
    {
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(code, run.ErrorCode);
        Assert.StartsWith(msgPrefix, run.ErrorMsg, StringComparison.Ordinal);
        Assert.Contains($"error {code}:", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(_agent.Requests);
    }

    public void Dispose() => _agent.Dispose();
}
