using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// Verdict provenance end to end: a deny policy in a 2-node lab, a denied connection, and then what a user sees
/// through `weft policy drops|stats|matrix|explain` without -f (lab-backed), run as the real CLI.
/// </summary>
[Collection("lab")]
public sealed class PolicyProvenanceTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string PolicyName = "only-b-to-a";
    private LabHandle _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = await LabHandle.UpAsync(nodes: 2);
        await _lab.EnsureNamespaceAsync("x");
        await _lab.EnsureNamespaceAsync("y");
        await _lab.ApplyPodAsync("x", "a", "node1");
        await _lab.ApplyPodAsync("x", "b", "node2");
        await _lab.ApplyPodAsync("y", "a", "node2");
        await _lab.WaitRunningAsync(3);
    }

    public Task DisposeAsync() => _lab.DisposeAsync().AsTask();

    [Fact]
    public async Task A_denied_connection_is_reported_with_its_policy_pods_port_and_counter()
    {
        // x/a accepts ingress only from pods app=b in its own namespace: y/a → x/a is denied by this policy.
        await _lab.Store.CreateAsync(ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = PolicyName, ["namespace"] = "x" },
            ["spec"] = new JsonObject
            {
                ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "a" } },
                ["policyTypes"] = new JsonArray("Ingress"),
                ["ingress"] = new JsonArray(new JsonObject
                {
                    ["from"] = new JsonArray(new JsonObject { ["podSelector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = "b" } } }),
                }),
            },
        }));
        var sandboxes = LabController.Sandboxes(_lab.Paths);
        var pair = sandboxes.Where(s => s.Name == "a")
            .Select(s => new Prober.Target($"{s.Namespace}/{s.Name}", s.NetnsName,
                s.Ips.Select(IPAddress.Parse).First(ip => ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)))
            .ToList();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        // Each denied probe is itself a denied connection attempt: its SYN is dropped and logged.
        while ((await Prober.ProbeAsync(pair, 80, "TCP", TimeSpan.FromMilliseconds(200))).Matrix["y/a"]["x/a"])
        {
            Assert.True(DateTime.UtcNow < deadline, $"y/a → x/a still reachable 10 s after the policy was written\n{_lab.LogTail()}");
            await Task.Delay(50);
        }

        var record = await UntilAsync(() =>
        {
            var drops = Json(Weft("policy", "drops", "-o", "json")).AsArray();
            return drops.OfType<JsonObject>().FirstOrDefault(r => (string?)r["srcPod"] == "y/a" && (string?)r["dstPod"] == "x/a");
        }, "a drop record y/a → x/a");
        output.WriteLine(record.ToJsonString());
        Assert.Equal(80, (int)record["dstPort"]!);
        Assert.Equal("TCP", (string?)record["protocol"]);
        Assert.Equal("Drop", (string?)record["verdict"]);
        Assert.Contains($"x/{PolicyName}", (string?)record["rule"], StringComparison.Ordinal);
        Assert.Contains("y/a", Weft("policy", "drops"), StringComparison.Ordinal);

        await FollowShowsANewDropAsync(pair);

        var stats = Json(Weft("policy", "stats", "-o", "json"))["rules"]!.AsArray().OfType<JsonObject>().ToList();
        var denyCounter = stats.Where(r => ((string?)r["rule"])!.Contains(PolicyName, StringComparison.Ordinal)
            && ((string?)r["rule"])!.StartsWith("isolated ingress", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(denyCounter);
        Assert.True(denyCounter.Sum(r => (long)r["packets"]!) > 0, string.Join("\n", stats.Select(s => s.ToJsonString())));

        var predicted = Json(Weft("policy", "matrix", "--port", "80", "--protocol", "TCP", "-o", "json"))["matrix"]!;
        var probed = Json(Weft("lab", "probe", "--port", "80", "--protocol", "TCP", "-o", "json"))["matrix"]!;
        Assert.True(JsonNode.DeepEquals(predicted, probed), $"policy matrix {predicted.ToJsonString()}\nlab probe {probed.ToJsonString()}");
        Assert.False((bool)predicted["y/a"]!["x/a"]!);
        Assert.True((bool)predicted["x/b"]!["x/a"]!);

        var explain = Weft("policy", "explain", "--from", "y/a", "--to", "x/a", "--port", "80", "--protocol", "TCP");
        output.WriteLine(explain);
        Assert.Contains($"x/{PolicyName}", explain, StringComparison.Ordinal);
    }

    /// <summary>`drops --follow -o json` prints history, then keeps printing: a drop made after it started must appear.</summary>
    private async Task FollowShowsANewDropAsync(List<Prober.Target> pair)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "weft.dll"), "policy", "drops", "--follow", "-o", "json", "--lab", _lab.Spec.Name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var follow = new Process { StartInfo = psi };
        follow.OutputDataReceived += (_, e) => { if (e.Data is { } l) { lines.Enqueue(l); } };
        follow.ErrorDataReceived += (_, e) => { if (e.Data is { } l) { errors.Enqueue(l); } };
        follow.Start();
        follow.BeginOutputReadLine();
        follow.BeginErrorReadLine();
        try
        {
            // The history comes first; once it is there, a new drop must follow it.
            await UntilAsync(() => lines.IsEmpty ? null : "", "history from drops --follow: " + string.Join('\n', errors));
            var before = lines.Count;
            var started = DateTimeOffset.UtcNow;
            await Prober.ProbeAsync(pair, 80, "TCP", TimeSpan.FromMilliseconds(200));
            await UntilAsync(() => lines.Skip(before).Select(l => Json(l)).FirstOrDefault(r => (string?)r["srcPod"] == "y/a"
                    && DateTimeOffset.Parse((string)r["time"]!, System.Globalization.CultureInfo.InvariantCulture) >= started),
                "new drop printed by drops --follow: " + string.Join('\n', errors));
            Assert.False(follow.HasExited, "--follow exited by itself");
        }
        finally
        {
            follow.Kill();
            await follow.WaitForExitAsync();
        }
    }

    private static JsonNode Json(string text) => JsonNode.Parse(text) ?? throw new InvalidOperationException("empty JSON output");

    private static async Task<T> UntilAsync<T>(Func<T?> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (probe() is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 10 s");
            await Task.Delay(200);
        }
    }

    private string Weft(params string[] args) => _lab.Cli(args);
}
