using System.Text.Json.Nodes;
using Weft.Cli.Commands;

namespace Weft.Policy.Tests;

/// <summary>`weft policy explain|matrix` offline, through PolicyCommands.RunAsync with temporary manifest files.</summary>
public sealed class PolicyCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weft-policy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] argv)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await PolicyCommands.RunAsync(argv, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string ClusterWithDenyAndAllow()
    {
        Write("cluster.yaml", TestCluster.Manifests);
        Write("policies.yaml", TestCluster.NetPol("podSelector: {}\npolicyTypes: [Ingress]", "deny-all")
            + "---\n" + TestCluster.NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{podSelector: {matchLabels: {app: b}}}]", "b-to-a"));
        return _dir;
    }

    [Fact]
    public async Task Matrix_json_has_the_lab_probe_shape()
    {
        var dir = ClusterWithDenyAndAllow();
        var (exit, output, err) = await Run("matrix", "--port", "80", "--protocol", "TCP", "-o", "json", "-f", dir);
        Assert.True(exit == 0, err);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(80, (int)json["port"]!);
        Assert.Equal("TCP", (string)json["protocol"]!);
        var matrix = json["matrix"]!.AsObject();
        Assert.Equal(["x/a", "x/b", "y/a", "y/b"], matrix.Select(r => r.Key));
        Assert.True((bool)matrix["x/b"]!["x/a"]!);
        Assert.False((bool)matrix["y/b"]!["x/a"]!);
        Assert.False((bool)matrix["x/a"]!["x/b"]!);
        Assert.True((bool)matrix["x/a"]!["x/a"]!);
        Assert.True((bool)matrix["x/a"]!["y/b"]!);
    }

    [Fact]
    public async Task Matrix_table_is_the_default_output()
    {
        var (exit, output, _) = await Run("matrix", "-f", ClusterWithDenyAndAllow());
        Assert.Equal(0, exit);
        Assert.Contains("TCP/80", output);
        Assert.Contains("1 x/a", output);
        Assert.Contains("FROM\\TO", output);
    }

    [Fact]
    public async Task Explain_names_the_verdict_policies_and_rule_ids()
    {
        var dir = ClusterWithDenyAndAllow();
        var allowed = await Run("explain", "--from", "x/b", "--to", "x/a", "--port", "80", "--protocol", "TCP", "-f", Path.Combine(dir, "cluster.yaml"), "-f", Path.Combine(dir, "policies.yaml"));
        Assert.True(allowed.Exit == 0, allowed.Err);
        Assert.StartsWith("ALLOWED: x/b -> x/a TCP/80", allowed.Out);
        Assert.Contains("allowed by rule k8s:NetworkPolicy/x/b-to-a:ingress[0]", allowed.Out);

        var denied = await Run("explain", "--from", "y/a", "--to", "10.0.1.2", "-f", dir);
        Assert.Equal(0, denied.Exit);
        Assert.StartsWith("DENIED: y/a -> x/b TCP/80", denied.Out);
        Assert.Contains("selected by: NetworkPolicy x/deny-all", denied.Out);
        Assert.Contains("denied by isolation", denied.Out);
    }

    [Fact]
    public async Task A_bad_policy_exits_1_and_names_the_field()
    {
        Write("cluster.yaml", TestCluster.Manifests);
        Write("bad.yaml", TestCluster.NetPol("ingress:\n- ports: [{port: 80, endPort: 70}]", "bad"));
        var (exit, output, err) = await Run("matrix", "-f", _dir);
        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("NetworkPolicy x/bad: spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to port", err);
    }

    [Theory]
    [InlineData(2, "frobnicate")]
    [InlineData(1, "explain", "--to", "x/a", "-f", "/nonexistent")]
    [InlineData(1, "matrix", "--protocol", "ICMP", "-f", "/nonexistent")]
    [InlineData(1, "matrix", "--bogus", "1", "-f", "/nonexistent")]
    [InlineData(1, "matrix", "--source-port", "0", "-f", "/nonexistent")]
    [InlineData(1, "explain", "--from", "x/a", "--to", "x/b", "--source-port", "http", "-f", "/nonexistent")]
    [InlineData(1, "matrix", "--lab", "wt-no-such-lab")]
    public async Task Usage_errors_fail_with_a_message(int code, params string[] argv)
    {
        var (exit, _, err) = await Run(argv);
        Assert.Equal(code, exit);
        Assert.StartsWith("error: ", err);
    }

    [Fact]
    public async Task Unknown_pods_fail_with_their_name()
    {
        var (exit, _, err) = await Run("explain", "--from", "x/zz", "--to", "x/a", "-f", ClusterWithDenyAndAllow());
        Assert.Equal(1, exit);
        Assert.Contains("pod x/zz not found", err);
    }
}
