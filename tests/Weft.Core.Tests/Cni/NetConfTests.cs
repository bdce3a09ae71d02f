using Weft.Core.Cni;

namespace Weft.Core.Tests.Cni;

public class NetConfTests
{
    // What containerd 1.6 CRI sends to a plugin with portMappings and bandwidth capabilities (observed):
    // Go field names, unspecified bursts as 2^32-1, capabilities left in.
    private const string ContainerdStyle = """
        {"cniVersion":"1.0.0","name":"weft","type":"weft-cni","capabilities":{"portMappings":true,"bandwidth":true},
         "mtu":1450,"ipam":{"type":"weft","pool":"default"},
         "runtimeConfig":{
           "portMappings":[{"HostPort":18083,"ContainerPort":80,"Protocol":"tcp","HostIP":""}],
           "bandwidth":{"IngressRate":10000000,"IngressBurst":4294967295,"EgressRate":20000000,"EgressBurst":4294967295}}}
        """;

    [Fact]
    public void Go_style_capitalised_runtime_config_is_read()
    {
        var conf = Parse(ContainerdStyle);
        var port = Assert.Single(conf.RuntimeConfig!.PortMappings!);
        Assert.Equal((18083, 80, "tcp", ""), (port.HostPort, port.ContainerPort, port.Protocol, port.HostIp));
        var bw = conf.RuntimeConfig.Bandwidth!;
        Assert.Equal(10_000_000UL, bw.IngressRate);
        Assert.Equal(20_000_000UL, bw.EgressRate);
        Assert.Equal(BandwidthLimits.UnspecifiedBurst, bw.IngressBurst);
        Assert.Equal(BandwidthLimits.UnspecifiedBurst, bw.EgressBurst);
        Assert.True(conf.Capabilities["portMappings"]);
        Assert.True(conf.Capabilities["bandwidth"]);
    }

    [Fact]
    public void Camel_case_runtime_config_from_podman_and_libcni_is_read()
    {
        var conf = Parse("""
            {"cniVersion":"0.4.0","name":"podman","type":"weft-cni",
             "runtimeConfig":{"portMappings":[{"hostPort":18081,"containerPort":80,"protocol":"tcp","hostIP":"127.0.0.1"}],
               "ips":["10.1.2.3/24"],"mac":"c2:11:22:33:44:55","dns":{"servers":["10.96.0.10"],"searches":["svc"],"options":["ndots:5"]},
               "ipRanges":[[{"subnet":"10.9.0.0/24","rangeStart":"10.9.0.10","gateway":"10.9.0.1"}]],
               "infinibandGUID":"g","deviceID":"0000:01:00.1","aliases":["a"],"cgroupPath":"/kubepods","somethingNew":{"x":1}}}
            """);
        var rc = conf.RuntimeConfig!;
        Assert.Equal("127.0.0.1", Assert.Single(rc.PortMappings!).HostIp);
        Assert.Equal(["10.1.2.3/24"], rc.Ips!);
        Assert.Equal("c2:11:22:33:44:55", rc.Mac);
        Assert.Equal(["10.96.0.10"], rc.Dns!.Servers!);
        Assert.Equal(["svc"], rc.Dns.Searches!);
        Assert.Equal("10.9.0.10", Assert.Single(Assert.Single(rc.IpRanges!)).RangeStart);
        Assert.Equal(("g", "0000:01:00.1", "/kubepods"), (rc.InfinibandGuid, rc.DeviceId, rc.CgroupPath));
        Assert.Equal(1, rc.Other!["somethingNew"].GetProperty("x").GetInt32());
    }

    [Fact]
    public void Weft_keys_default_and_can_be_overridden()
    {
        var plain = Parse("""{"cniVersion":"1.0.0","name":"n","type":"weft-cni"}""");
        Assert.Equal("/run/weft/cni.sock", plain.AgentSocket);
        Assert.Equal("/var/run/weft/cni-del-queue", plain.DelQueueDir);

        var custom = Parse("""{"cniVersion":"1.0.0","name":"n","agentSocket":"/tmp/a.sock","delQueueDir":"/tmp/q"}""");
        Assert.Equal("/tmp/a.sock", custom.AgentSocket);
        Assert.Equal("/tmp/q", custom.DelQueueDir);
    }

    [Fact]
    public void Missing_cni_version_means_0_1_0()
    {
        Assert.Equal("0.1.0", Parse("""{"name":"n","type":"weft-cni"}""").CniVersion);
    }

    [Fact]
    public void Raw_json_keeps_plugin_keys_weft_does_not_model()
    {
        var conf = Parse(ContainerdStyle);
        Assert.Equal(1450, conf.Raw["mtu"]!.GetValue<int>());
        Assert.Equal("default", conf.Ipam!["pool"]!.GetValue<string>());
        Assert.Equal("weft", conf.IpamType);
        Assert.Equal(ContainerdStyle, conf.RawJson);
    }

    [Fact]
    public void Gc_reads_valid_attachments_and_falls_back_to_the_old_key()
    {
        var both = Parse("""
            {"cniVersion":"1.1.0","name":"n","cni.dev/valid-attachments":[{"containerID":"a","ifname":"eth0"}],
             "cni.dev/attachments":[{"containerID":"old","ifname":"eth0"}]}
            """);
        Assert.Equal("a", Assert.Single(both.ValidAttachments!).ContainerId);

        var old = Parse("""{"cniVersion":"1.1.0","name":"n","cni.dev/attachments":[{"containerID":"b","ifname":"net1"}]}""");
        var attachment = Assert.Single(old.ValidAttachments!);
        Assert.Equal(("b", "net1"), (attachment.ContainerId, attachment.IfName));

        Assert.Empty(Parse("""{"cniVersion":"1.1.0","name":"n","cni.dev/valid-attachments":[]}""").ValidAttachments!);
        Assert.Null(Parse("""{"cniVersion":"1.1.0","name":"n"}""").ValidAttachments);
    }

    [Fact]
    public void Args_dns_and_prev_result_are_read()
    {
        var conf = Parse("""
            {"cniVersion":"0.4.0","name":"n","args":{"cni":{"ips":["10.0.0.9"],"labels":[{"key":"app","value":"web"}]},"other":true},
             "dns":{"nameservers":["10.96.0.10"],"search":["default.svc"]},
             "prevResult":{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.0.0.9/24"}]}}
            """);
        Assert.Equal(["10.0.0.9"], conf.Args!.Cni!.Ips!);
        Assert.Equal(("app", "web"), (conf.Args.Cni.Labels![0].Key, conf.Args.Cni.Labels[0].Value));
        Assert.True(conf.Args.Other!["other"].GetBoolean());
        Assert.Equal(["default.svc"], conf.Dns!.Search!);
        Assert.True(conf.TryGetPrevResult(out var prev, out _));
        Assert.Equal("10.0.0.9/24", Assert.Single(prev!.Ips).Address);
    }

    [Fact]
    public void Absent_prev_result_is_not_an_error_and_a_bad_one_is_code_6()
    {
        Assert.True(Parse("""{"name":"n"}""").TryGetPrevResult(out var none, out _));
        Assert.Null(none);

        var bad = Parse("""{"name":"n","prevResult":{"ips":[{"address":"nope"}]}}""");
        Assert.False(bad.TryGetPrevResult(out _, out var error));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.StartsWith("invalid prevResult: ips[0].address", error.Msg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "error decoding network config: the config is empty")]
    [InlineData("  \n", "error decoding network config: the config is empty")]
    [InlineData("null", "error decoding network config: the config is null, not an object")]
    public void Empty_or_null_config_is_code_6(string json, string message)
    {
        Assert.False(NetConf.TryParse(json, out _, out var error));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.Equal(message, error.Msg);
    }

    [Theory]
    [InlineData("""{"cniVersion":"1.0.0",""", "$")]
    [InlineData("[1,2]", "$")]
    [InlineData("""{"name":5}""", "$.name")]
    [InlineData("""{"name":"n","runtimeConfig":{"portMappings":[{"hostPort":"x"}]}}""", "$.runtimeConfig.portMappings[0].hostPort")]
    public void Malformed_config_is_code_6_naming_the_place(string json, string path)
    {
        Assert.False(NetConf.TryParse(json, out _, out var error));
        Assert.Equal(CniErrorCodes.DecodingFailure, error.Code);
        Assert.StartsWith("error decoding network config: ", error.Msg, StringComparison.Ordinal);
        Assert.Contains($"Path: {path} ", error.Msg, StringComparison.Ordinal);
    }

    [Fact]
    public void Utf8_bytes_parse_like_text()
    {
        Assert.True(NetConf.TryParse("""{"name":"ünï"}"""u8, out var conf, out _));
        Assert.Equal("ünï", conf.Name);
    }

    private static NetConf Parse(string json)
    {
        Assert.True(NetConf.TryParse(json, out var conf, out var error), error?.Msg);
        return conf;
    }
}
