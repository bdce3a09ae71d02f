using System.Text.Json.Nodes;
using Weft.Agent.Contract;
using Weft.Cni.Tests.Support;
using Weft.Core.Cni;
using static Weft.Cni.Tests.Support.CniRunner;

namespace Weft.Cni.Tests;

// ADD → CHECK → DEL through the published binary for every spec version (plugins' bridge_test.go style).
[Collection(PublishedCniCollection.Name)]
public sealed class CniLifecycleTests(PublishedCni cni) : IDisposable
{
    private readonly FakeAgent _agent = new();

    public static TheoryData<string> Versions => [.. CniVersions.Supported];

    [Theory]
    [MemberData(nameof(Versions))]
    public void Add_check_del_round_trip_answers_in_the_requested_version(string version)
    {
        var containerId = "ctr-" + version.Replace('.', '-');
        var config = Config(version, _agent.SocketPath, _agent.QueueDir);

        var add = Run(cni.BinaryPath, ContainerEnv("ADD", containerId), config);
        Assert.True(add.ExitCode == 0, add.Stdout + add.Stderr);
        Assert.Equal(FakeAgent.SampleResult("/var/run/netns/cni-0b1c").ToJson(version) + "\n", add.Stdout);
        Assert.Equal(version, add.Json["cniVersion"]!.GetValue<string>());
        AssertShapeOfVersion(version, add.Json);

        // The runtime feeds the ADD output back as prevResult, in the same version.
        var withPrev = config[..^1] + ",\"prevResult\":" + add.Stdout.Trim() + "}";
        var check = Run(cni.BinaryPath, ContainerEnv("CHECK", containerId), withPrev);
        if (CniVersions.Compare(version, "0.4.0") >= 0)
        {
            Assert.Equal((0, ""), (check.ExitCode, check.Stdout));
        }
        else
        {
            Assert.Equal((1, CniErrorCodes.IncompatibleCniVersion), (check.ExitCode, check.ErrorCode));
        }

        var del = Run(cni.BinaryPath, ContainerEnv("DEL", containerId), withPrev);
        Assert.Equal((0, ""), (del.ExitCode, del.Stdout));

        var expected = CniVersions.Compare(version, "0.4.0") >= 0 ? new[] { "ADD", "CHECK", "DEL" } : ["ADD", "DEL"];
        Assert.Equal(expected, _agent.Requests.Select(r => r.Command));
        var first = _agent.Requests.First();
        Assert.Equal((containerId, "/var/run/netns/cni-0b1c", "eth0", "/opt/cni/bin"), (first.ContainerId, first.Netns, first.IfName, first.Path));
        Assert.Equal(ContainerEnv("ADD", containerId)["CNI_ARGS"], first.Args);
        Assert.Equal(config, first.ConfigJson);
        Assert.Equal(withPrev, _agent.Requests.Last().ConfigJson);
    }

    [Fact]
    public void Version_is_answered_locally()
    {
        var run = Run(cni.BinaryPath, new() { ["CNI_COMMAND"] = "VERSION", ["CNI_NETNS"] = "dummy", ["CNI_IFNAME"] = "dummy", ["CNI_PATH"] = "dummy" },
            """{"cniVersion":"0.4.0"}""");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("0.4.0", run.Json["cniVersion"]!.GetValue<string>());
        Assert.Equal(CniVersions.Supported, run.Json["supportedVersions"]!.AsArray().Select(v => v!.GetValue<string>()));

        var empty = Run(cni.BinaryPath, new() { ["CNI_COMMAND"] = "VERSION" }, "");
        Assert.Equal("1.1.0", empty.Json["cniVersion"]!.GetValue<string>());
        Assert.Empty(_agent.Requests);
    }

    [Fact]
    public void Status_and_gc_are_forwarded_at_1_1_0()
    {
        var gcConfig = Config("1.1.0", _agent.SocketPath, _agent.QueueDir,
            ""","cni.dev/valid-attachments":[{"containerID":"keep","ifname":"eth0"}],"cni.dev/attachments":[{"containerID":"keep","ifname":"eth0"}]""");
        var status = Run(cni.BinaryPath, NodeEnv("STATUS"), Config("1.1.0", _agent.SocketPath, _agent.QueueDir));
        var gc = Run(cni.BinaryPath, NodeEnv("GC"), gcConfig);

        Assert.Equal((0, ""), (status.ExitCode, status.Stdout));
        Assert.Equal((0, ""), (gc.ExitCode, gc.Stdout));
        Assert.Equal(["STATUS", "GC"], _agent.Requests.Select(r => r.Command));
        var gcRequest = _agent.Requests.Last();
        Assert.Null(gcRequest.ContainerId);
        Assert.Equal(gcConfig, gcRequest.ConfigJson);
    }

    [Theory]
    [InlineData("STATUS", "1.0.0")]
    [InlineData("GC", "1.0.0")]
    [InlineData("STATUS", "0.4.0")]
    [InlineData("GC", "0.3.1")]
    public void Status_and_gc_before_1_1_0_are_code_1(string command, string version)
    {
        var run = Run(cni.BinaryPath, NodeEnv(command), Config(version, _agent.SocketPath, _agent.QueueDir));
        Assert.Equal((1, CniErrorCodes.IncompatibleCniVersion, "incompatible CNI versions"), (run.ExitCode, run.ErrorCode, run.ErrorMsg));
        Assert.Contains($"config is \\\"{version}\\\"", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(_agent.Requests);
    }

    [Fact]
    public void Del_twice_and_del_without_netns_or_prev_result_succeed()
    {
        var config = Config("1.0.0", _agent.SocketPath, _agent.QueueDir);
        var first = Run(cni.BinaryPath, ContainerEnv("DEL", "gone"), config);
        var second = Run(cni.BinaryPath, ContainerEnv("DEL", "gone", netns: null), config);

        Assert.Equal((0, ""), (first.ExitCode, first.Stdout));
        Assert.Equal((0, ""), (second.ExitCode, second.Stdout));
        Assert.Equal(["DEL", "DEL"], _agent.Requests.Select(r => r.Command));
        Assert.Null(_agent.Requests.Last().Netns);
    }

    [Fact]
    public void Agent_errors_are_passed_through_in_the_config_version()
    {
        _agent.Handler = _ => CniResponse.Failure(new CniError(CniErrorCodes.UnknownContainer, "container ctr-x is gone", "netns missing"));
        var run = Run(cni.BinaryPath, ContainerEnv("CHECK", "ctr-x"), Config("0.4.0", _agent.SocketPath, _agent.QueueDir));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(JsonNode.Parse("""{"cniVersion":"0.4.0","code":3,"msg":"container ctr-x is gone","details":"netns missing"}"""),
            run.Json, JsonNode.DeepEquals);
        Assert.Contains("container ctr-x is gone", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Add_with_an_invalid_or_missing_agent_result_is_an_internal_error()
    {
        _agent.Handler = _ => CniResponse.Success();
        var missing = Run(cni.BinaryPath, ContainerEnv("ADD", "ctr-none"), Config("1.0.0", _agent.SocketPath, _agent.QueueDir));
        Assert.Equal((1, CniErrorCodes.Internal, "weft-agent answered ADD without a result"), (missing.ExitCode, missing.ErrorCode, missing.ErrorMsg));

        _agent.Handler = _ => CniResponse.Success("""{"ips":[{"address":"not-an-ip"}]}""");
        var run = Run(cni.BinaryPath, ContainerEnv("ADD", "ctr-bad"), Config("1.0.0", _agent.SocketPath, _agent.QueueDir));
        Assert.Equal((1, CniErrorCodes.Internal, "weft-agent returned an invalid ADD result"), (run.ExitCode, run.ErrorCode, run.ErrorMsg));
        Assert.Equal("invalid agent result: ips[0].address \"not-an-ip\" is not ADDRESS/PREFIX", run.Json["details"]!.GetValue<string>());
    }

    private static void AssertShapeOfVersion(string version, JsonObject json)
    {
        switch (version)
        {
            case "0.1.0" or "0.2.0":
                Assert.Equal("10.244.1.7/24", json["ip4"]!["ip"]!.GetValue<string>());
                Assert.Equal("fd00:10:244:1::7/64", json["ip6"]!["ip"]!.GetValue<string>());
                Assert.Null(json["interfaces"]);
                break;
            case "0.3.0" or "0.3.1" or "0.4.0":
                Assert.Equal(["4", "6"], json["ips"]!.AsArray().Select(ip => ip!["version"]!.GetValue<string>()));
                Assert.Null(json["interfaces"]![1]!["mtu"]);
                break;
            default:
                Assert.Null(json["ips"]![0]!["version"]);
                Assert.Equal(1450, json["interfaces"]![1]!["mtu"]!.GetValue<int>());
                break;
        }
    }

    public void Dispose() => _agent.Dispose();
}
