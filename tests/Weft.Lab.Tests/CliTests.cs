using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Weft.Lab.Tests;

/// <summary>The `weft` commands a user types, run as a process against a real lab.</summary>
[Collection("lab")]
public sealed class CliTests : IAsyncLifetime
{
    private LabHandle _lab = null!;

    public async Task InitializeAsync() => _lab = await LabHandle.UpAsync(nodes: 3);

    public Task DisposeAsync() => _lab.DisposeAsync().AsTask();

    private (int Exit, string Out, string Err) Weft(params string[] args)
    {
        // --lab goes before a `--`, after which everything belongs to the command being run.
        var dash = Array.IndexOf(args, "--");
        string[] full = dash < 0 ? [.. args, "--lab", _lab.Spec.Name] : [.. args[..dash], "--lab", _lab.Spec.Name, .. args[dash..]];
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "weft.dll"), .. full])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    private static string Demo => Path.Combine(LabBinaries.RepoRoot()!, "deploy", "lab", "demo.yaml");

    [Fact]
    public async Task Apply_get_probe_exec_delete_work_as_a_user_types_them()
    {
        var apply = Weft("apply", "-f", Demo);
        Assert.True(apply.Exit == 0, apply.Err);
        Assert.Contains("namespace/x created", apply.Out);
        Assert.Contains("pod/a created", apply.Out);
        Assert.Contains("pod/c unchanged", Weft("apply", "-f", Demo).Out);
        await _lab.WaitRunningAsync(9);

        var wide = Weft("get", "pods", "-A", "-o", "wide");
        Assert.Equal(0, wide.Exit);
        var header = wide.Out.Split('\n')[0];
        Assert.StartsWith("NAMESPACE", header);
        Assert.Contains("IP", header);
        Assert.Contains("NODE", header);
        Assert.Equal(9, wide.Out.Split('\n').Count(l => l.Contains("Running", StringComparison.Ordinal)));

        var json = JsonNode.Parse(Weft("get", "pods", "-n", "y", "-o", "json").Out)!;
        Assert.Equal("List", json["kind"]!.GetValue<string>());
        Assert.Equal(3, json["items"]!.AsArray().Count);
        Assert.Contains("kind: Node", Weft("get", "nodes", "-o", "yaml").Out);

        var probe = JsonNode.Parse(Weft("lab", "probe", "--port", "81", "--protocol", "TCP", "-o", "json").Out)!;
        Assert.Equal(81, probe["port"]!.GetValue<int>());
        Assert.Equal("TCP", probe["protocol"]!.GetValue<string>());
        var matrix = probe["matrix"]!.AsObject();
        Assert.Equal(9, matrix.Count);
        Assert.All(matrix, row => Assert.All(row.Value!.AsObject(), cell => Assert.True(cell.Value!.GetValue<bool>(), $"{row.Key}→{cell.Key}")));

        var target = JsonNode.Parse(Weft("get", "pods", "-n", "z", "-o", "json").Out)!["items"]![2]!["status"]!["podIP"]!.GetValue<string>();
        var exec = Weft("lab", "exec", "x/a", "--", "ping", "-c", "1", "-W", "2", target);
        Assert.True(exec.Exit == 0, $"ping {target} from x/a failed: {exec.Out} {exec.Err}");

        var delete = Weft("delete", "pod", "a", "-n", "x");
        Assert.Equal(0, delete.Exit);
        Assert.Contains("pod \"a\" deleted", delete.Out);
        Assert.DoesNotContain(LabController.Sandboxes(_lab.Paths), s => s.Namespace == "x" && s.Name == "a");
        Assert.Contains("not found", Weft("delete", "pod", "a", "-n", "x").Out);
    }

    [Fact]
    public void Bad_input_is_rejected_naming_the_object_and_field_and_nothing_is_stored()
    {
        var file = Path.Combine(Path.GetTempPath(), $"wtbad-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(file, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                spec:
                  containers:
                  - name: c
                    ports:
                    - containerPort: 70000
                """);
            var bad = Weft("apply", "-f", file);
            Assert.Equal(1, bad.Exit);
            Assert.Contains("Pod default/web: spec.containers[0].ports[0].containerPort", bad.Err);

            File.WriteAllText(file, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: lost\n  namespace: nowhere\nspec:\n  containers: [{name: c}]\n");
            var missing = Weft("apply", "-f", file);
            Assert.Equal(1, missing.Exit);
            Assert.Contains("namespaces \"nowhere\" not found", missing.Err);

            // Each dialect's admission: an Antrea Pass in the baseline tier is refused with the field named, and
            // nothing of the file is written; the seed's Cilium L7 policies are admitted with warnings.
            File.WriteAllText(file, """
                apiVersion: v1
                kind: Namespace
                metadata: {name: admitted-first}
                ---
                apiVersion: crd.antrea.io/v1beta1
                kind: ClusterNetworkPolicy
                metadata: {name: pass-in-baseline}
                spec:
                  priority: 1
                  tier: baseline
                  appliedTo: [{podSelector: {}}]
                  ingress: [{action: Pass, from: [{podSelector: {}}]}]
                """);
            var pass = Weft("apply", "-f", file);
            Assert.Equal(1, pass.Exit);
            Assert.Contains("pass-in-baseline", pass.Err);
            Assert.Contains("spec.ingress[0].action", pass.Err);
            Assert.DoesNotContain("admitted-first", Weft("get", "namespaces").Out);
            var cilium = Weft("apply", "-f", Path.Combine(AppContext.BaseDirectory, "seed", "cilium-policies.yaml"));
            Assert.True(cilium.Exit == 0, cilium.Err);
            Assert.Contains("Warning: ", cilium.Err);
            Assert.Contains("not enforced", cilium.Err);

            Assert.Contains("unknown flag", Weft("get", "pods", "--colour", "red").Err);
            Assert.Contains("No resources found", Weft("get", "pods").Err);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
