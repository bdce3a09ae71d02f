using Weft.Cli.Commands;

namespace Weft.Policy.Tests.Conversion;

/// <summary>`weft policy convert` through PolicyCommands.RunAsync with temporary manifest files.</summary>
public sealed class PolicyConvertCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("weft-convert-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> Run(params string[] argv)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await PolicyCommands.RunAsync(argv, stdout, stderr, CancellationToken.None);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Convert_prints_what_converted_and_names_what_could_not()
    {
        File.WriteAllText(Path.Combine(_dir, "policies.yaml"), Sources.NetworkPolicy + "\n---\n" + Sources.Anp + "\n---\n" + Sources.DenyAll);
        var (exit, output, err) = await Run("convert", "--to", "networkpolicy", "-f", _dir);
        Assert.Equal(1, exit);
        Assert.Contains("name: web", output);
        Assert.Contains("---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny-all", output);
        Assert.DoesNotContain("deny-x", output);
        Assert.Contains("cannot convert: AdminNetworkPolicy deny-x egress[2].action: Kubernetes NetworkPolicy has no Deny action", err);
        Assert.Contains("1 of 3 policies not converted to Kubernetes NetworkPolicy", err);

        var all = await Run("convert", "--to", "cilium", "-f", Path.Combine(_dir, "policies.yaml"));
        Assert.Equal(1, all.Exit);
        Assert.Contains("kind: CiliumNetworkPolicy", all.Out);
        Assert.Contains("warning: NetworkPolicy x/web: ipBlock 172.16.0.0/12", all.Err);
    }

    [Fact]
    public async Task Two_sources_written_under_one_name_are_not_both_written()
    {
        var file = Path.Combine(_dir, "baselines.yaml");
        File.WriteAllText(file, Sources.AntreaBaseline + "\n---\n" + Sources.Banp);
        var (exit, output, err) = await Run("convert", "--to", "anp", "-f", file);
        Assert.Equal(1, exit);
        Assert.Single(output.Split("kind: BaselineAdminNetworkPolicy")[1..]);
        Assert.Contains("cannot convert: BaselineAdminNetworkPolicy default: it would be written as BaselineAdminNetworkPolicy default, which ClusterNetworkPolicy baseline-policy already is", err);
    }

    [Fact]
    public async Task Convert_exits_0_when_everything_converts_and_2_on_usage_errors()
    {
        var file = Path.Combine(_dir, "np.yaml");
        File.WriteAllText(file, Sources.NetworkPolicy);
        var ok = await Run("convert", "--to", "calico", "-f", file);
        Assert.True(ok.Exit == 0, ok.Err);
        Assert.StartsWith("apiVersion: projectcalico.org/v3\nkind: NetworkPolicy", ok.Out);

        var unknown = await Run("convert", "--to", "nftables", "-f", file);
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("error: --to: 'nftables' is not one of networkpolicy, anp, antrea, calico, cilium", unknown.Err);
        Assert.Equal(2, (await Run("convert", "-f", file)).Exit);
        Assert.Equal(2, (await Run("convert", "--to", "anp")).Exit);
    }
}
