using System.Diagnostics;
using System.Text.Json.Nodes;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// One lab holding policies of all five dialects at once: the seed article's two Antrea policies as written, an
/// AdminNetworkPolicy with Deny and Pass, the BaselineAdminNetworkPolicy, a Kubernetes NetworkPolicy, a Calico
/// GlobalNetworkPolicy and a Cilium deny. What `weft policy matrix` predicts is what real packets show, for TCP and
/// UDP, and `weft policy explain` names what decided every denied cell. The seed's Reject answers a ping with ICMP
/// "administratively prohibited" and the agent records it as a Reject of that policy.
/// </summary>
[Collection("lab")]
public sealed class DialectLabTests(ITestOutputHelper output) : IAsyncLifetime
{
    private LabHandle _lab = null!;

    private static readonly string[] Policies =
    [
        """
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"AdminNetworkPolicy","metadata":{"name":"ops-limits"},
         "spec":{"priority":10,"subject":{"namespaces":{"matchLabels":{"env":"dev"}}},"ingress":[
           {"name":"no-81-from-ops","action":"Deny","from":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"ops"}}}],"ports":[{"portNumber":{"protocol":"TCP","port":81}}]},
           {"name":"ops-to-developers","action":"Pass","from":[{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"ops"}}}]}]}}
        """,
        """
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"BaselineAdminNetworkPolicy","metadata":{"name":"default"},
         "spec":{"subject":{"namespaces":{"matchLabels":{"env":"dev"}}},"ingress":[
           {"name":"deny-rest","action":"Deny","from":[{"namespaces":{}}]}]}}
        """,
        """
        {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"web-from-prod","namespace":"dev"},
         "spec":{"podSelector":{"matchLabels":{"app":"web"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"env":"prod"}}}],"ports":[{"port":80}]}]}}
        """,
        """
        {"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"db-no-servers"},
         "spec":{"selector":"app == 'db'","types":["Ingress"],"ingress":[
           {"action":"Deny","protocol":"TCP","source":{"selector":"role == 'server'"}},
           {"action":"Allow","source":{"namespaceSelector":"env == 'prod'"}}]}}
        """,
        """
        {"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"web-not-from-tool","namespace":"dev"},
         "spec":{"endpointSelector":{"matchLabels":{"app":"web"}},"ingressDeny":[
           {"fromEndpoints":[{"matchLabels":{"app":"tool","k8s:io.kubernetes.pod.namespace":"ops"}}],"toPorts":[{"ports":[{"port":"80","protocol":"TCP"}]}]}]}}
        """,
    ];

    public async Task InitializeAsync()
    {
        _lab = await LabHandle.UpAsync(nodes: 2);
        foreach (var (ns, env) in new[] { ("prod", "prod"), ("dev", "dev"), ("ops", "ops") })
        {
            await _lab.Store.CreateAsync(NamespaceView.Build(ns, new Dictionary<string, string> { ["env"] = env }));
        }
        await _lab.ApplyPodAsync("prod", "server", "node1", [80, 81], new() { ["role"] = "server" });
        await _lab.ApplyPodAsync("prod", "client", "node2", [80, 81], new() { ["app"] = "client" });
        await _lab.ApplyPodAsync("dev", "web", "node2", [80, 81], new() { ["app"] = "web" });
        await _lab.ApplyPodAsync("dev", "db", "node1", [80, 81], new() { ["app"] = "db" });
        await _lab.ApplyPodAsync("ops", "tool", "node1", [80, 81], new() { ["app"] = "tool" });
        await _lab.WaitRunningAsync(5);
    }

    public Task DisposeAsync() => _lab.DisposeAsync().AsTask();

    [Fact]
    public async Task Five_dialects_at_once_give_the_evaluators_matrix_in_the_kernel_and_every_denial_is_explained()
    {
        foreach (var seed in ManifestReader.Read(Path.Combine(AppContext.BaseDirectory, "seed", "antrea-policies.yaml")))
        {
            await _lab.Store.CreateAsync(seed);
        }
        foreach (var policy in Policies)
        {
            await _lab.Store.CreateAsync(ResourceJson.Parse(policy));
        }

        var denied = 0;
        foreach (var (port, protocol) in new[] { (80, "TCP"), (81, "TCP"), (80, "UDP") })
        {
            var predicted = Matrix(Weft("policy", "matrix", "--port", $"{port}", "--protocol", protocol, "-o", "json"));
            var probed = await UntilEqualAsync(predicted, port, protocol);
            foreach (var (from, to) in predicted.Where(c => !c.Value).Select(c => c.Key))
            {
                var explain = Weft("policy", "explain", "--from", from, "--to", to, "--port", $"{port}", "--protocol", protocol);
                Assert.True(explain.Contains(" by rule ", StringComparison.Ordinal) || explain.Contains("denied by isolation", StringComparison.Ordinal),
                    $"{from} -> {to} {protocol}/{port} is denied but explain names no rule:\n{explain}");
                denied++;
            }
            output.WriteLine($"{protocol}/{port}: {probed.Count(c => !c.Value)} of {probed.Count} cells denied, kernel = evaluator");
        }
        Assert.True(denied > 10, $"only {denied} denied cells: the policies hardly did anything");

        // Cells each dialect decides, checked by name so a silent no-op of one front end cannot hide.
        var tcp80 = Matrix(Weft("policy", "matrix", "--port", "80", "--protocol", "TCP", "-o", "json"));
        Assert.True(tcp80[("prod/server", "dev/web")], "the NetworkPolicy lets prod reach web on 80");
        Assert.False(tcp80[("prod/client", "dev/web")], "the seed's Drop stops every egress of app=client");
        Assert.False(tcp80[("ops/tool", "dev/web")], "the Cilium deny, after the ANP passed ops on");
        Assert.False(tcp80[("prod/server", "dev/db")], "the Calico deny of role=server");
        Assert.Contains("cilium:CiliumNetworkPolicy/dev/web-not-from-tool", Weft("policy", "explain", "--from", "ops/tool", "--to", "dev/web", "--port", "80", "--protocol", "TCP"), StringComparison.Ordinal);
        Assert.Contains("anp:AdminNetworkPolicy/ops-limits:ingress[0]", Weft("policy", "explain", "--from", "ops/tool", "--to", "dev/db", "--port", "81", "--protocol", "TCP"), StringComparison.Ordinal);

        await PingIsRejectedAndRecordedAsync();
    }

    /// <summary>
    /// The actions the first batch does not use: a custom Calico tier (order 100, default Deny) with Log, Pass and
    /// Deny; Antrea Pass and Allow in securityops and Drop in its baseline tier; an ANP Allow; a BANP Allow; a Cilium
    /// allow. The kernel still shows the evaluator's matrix, and every (dialect, action) pair decided, passed or
    /// logged at least one connection (the seed's Reject is checked with a real ping in the first test).
    /// </summary>
    private static readonly string[] SecondBatch =
    [
        """{"apiVersion":"projectcalico.org/v3","kind":"Tier","metadata":{"name":"platform"},"spec":{"order":100,"defaultAction":"Deny"}}""",
        """
        {"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"platform.web-guard"},
         "spec":{"tier":"platform","order":10,"selector":"app == 'web'","types":["Ingress"],"ingress":[
           {"action":"Log"},
           {"action":"Deny","protocol":"TCP","source":{"selector":"role == 'server'"},"destination":{"ports":[81]}},
           {"action":"Pass","source":{"namespaceSelector":"has(env)"}}]}}
        """,
        """
        {"apiVersion":"crd.antrea.io/v1beta1","kind":"ClusterNetworkPolicy","metadata":{"name":"web-ops"},
         "spec":{"priority":3,"tier":"securityops","appliedTo":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ingress":[
           {"action":"Allow","from":[{"namespaceSelector":{"matchLabels":{"env":"ops"}}}],"ports":[{"protocol":"TCP","port":81}]},
           {"action":"Pass","from":[{"namespaceSelector":{"matchLabels":{"env":"ops"}}}]}]}}
        """,
        """
        {"apiVersion":"crd.antrea.io/v1beta1","kind":"ClusterNetworkPolicy","metadata":{"name":"dev-floor"},
         "spec":{"priority":5,"tier":"baseline","appliedTo":[{"namespaceSelector":{"matchLabels":{"env":"dev"}}}],"ingress":[
           {"action":"Drop","from":[{"namespaceSelector":{"matchLabels":{"env":"ops"}}}]}]}}
        """,
        """
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"AdminNetworkPolicy","metadata":{"name":"ops-tool-open"},
         "spec":{"priority":5,"subject":{"namespaces":{"matchLabels":{"env":"ops"}}},"ingress":[
           {"name":"from-dev","action":"Allow","from":[{"namespaces":{"matchLabels":{"env":"dev"}}}],"ports":[{"portNumber":{"protocol":"TCP","port":80}}]}]}}
        """,
        """
        {"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"BaselineAdminNetworkPolicy","metadata":{"name":"default"},
         "spec":{"subject":{"namespaces":{"matchLabels":{"env":"ops"}}},"ingress":[
           {"name":"prod-in","action":"Allow","from":[{"namespaces":{"matchLabels":{"env":"prod"}}}]},
           {"name":"rest-out","action":"Deny","from":[{"namespaces":{}}]}]}}
        """,
        """
        {"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"db-from-client","namespace":"dev"},
         "spec":{"endpointSelector":{"matchLabels":{"app":"db"}},"ingress":[
           {"fromEndpoints":[{"matchLabels":{"app":"client","k8s:io.kubernetes.pod.namespace":"prod"}}]}]}}
        """,
    ];

    [Fact]
    public async Task The_other_actions_of_each_dialect_also_hold_in_the_kernel()
    {
        foreach (var obj in Policies.Select(ResourceJson.Parse).Where(p => p.Kind != "BaselineAdminNetworkPolicy")
            .Concat(ManifestReader.Read(Path.Combine(AppContext.BaseDirectory, "seed", "antrea-policies.yaml"))))
        {
            await _lab.Store.CreateAsync(obj);
        }
        foreach (var obj in SecondBatch)
        {
            await _lab.Store.CreateAsync(ResourceJson.Parse(obj));
        }
        foreach (var (port, protocol) in new[] { (80, "TCP"), (81, "TCP"), (80, "UDP") })
        {
            var predicted = Matrix(Weft("policy", "matrix", "--port", $"{port}", "--protocol", protocol, "-o", "json"));
            var probed = await UntilEqualAsync(predicted, port, protocol);
            output.WriteLine($"{protocol}/{port}: {probed.Count(c => !c.Value)} of {probed.Count} cells denied, kernel = evaluator");
        }

        // Which (dialect, action) pairs took part, from the evaluator's walk over every cell.
        var objects = new List<Resource>();
        foreach (var type in new[] { ResourceType.Namespace, ResourceType.Node, ResourceType.Pod }.Concat(PolicyDialects.PolicyTypes).Concat(PolicyDialects.ContextTypes))
        {
            objects.AddRange((await _lab.Store.ListAsync(type)).Items);
        }
        var evaluator = new PolicyEvaluator(ClusterSnapshot.FromResources(objects), PolicyDialects.CompileAll(objects));
        var seen = new HashSet<string>();
        foreach (var (port, protocol) in new[] { (80, L4Protocol.Tcp), (81, L4Protocol.Tcp), (80, L4Protocol.Udp) })
        {
            foreach (var from in evaluator.Cluster.Pods)
            {
                foreach (var to in evaluator.Cluster.Pods)
                {
                    var v = evaluator.Evaluate($"{from.Namespace}/{from.Name}", $"{to.Namespace}/{to.Name}", new Connection(protocol, port));
                    foreach (var step in v.Egress.Steps.Concat(v.Ingress.Steps).Where(s => s.Rule is not null))
                    {
                        seen.Add($"{step.Rule!.Id.Policy.Dialect}:{step.Rule.Action}");
                    }
                }
            }
        }
        output.WriteLine("took part: " + string.Join(", ", seen.Order(StringComparer.Ordinal)));
        string[] expected = ["calico:Log", "calico:Deny", "calico:Pass", "antrea:Allow", "antrea:Pass", "antrea:Deny", "anp:Allow", "anp:Deny", "anp:Pass", "cilium:Allow", "cilium:Deny", "k8s:Allow"];
        Assert.All(expected, pair => Assert.Contains(pair, seen));
    }

    /// <summary>acnp-reject-ping-request: an echo request from a prod server gets ICMP admin-prohibited back, and a Reject record.</summary>
    private async Task PingIsRejectedAndRecordedAsync()
    {
        var sandboxes = LabController.Sandboxes(_lab.Paths);
        var web = sandboxes.Single(s => s.Name == "web").Ips[0];
        using var server = NetNamespace.Open(NetNamespace.PathOf(sandboxes.Single(s => s.Name == "server").NetnsName));
        using var ping = server.StartProcess(new ProcessStartInfo("ping", ["-c", "1", "-W", "2", web]) { RedirectStandardOutput = true, UseShellExecute = false });
        var text = await ping.StandardOutput.ReadToEndAsync();
        await ping.WaitForExitAsync();
        output.WriteLine(text);
        Assert.Contains("Packet filtered", text, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        JsonObject? record;
        while ((record = JsonNode.Parse(Weft("policy", "drops", "-o", "json"))!.AsArray().OfType<JsonObject>()
            .FirstOrDefault(r => (string?)r["verdict"] == "Reject" && ((string?)r["rule"] ?? "").Contains("acnp-reject-ping-request", StringComparison.Ordinal))) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no Reject record for the ping");
            await Task.Delay(200);
        }
        output.WriteLine(record.ToJsonString());
        Assert.Equal("prod/server", (string?)record["srcPod"]);
    }

    /// <summary>
    /// Antrea, Cilium and Calico policies that select by service account, on pods whose accounts differ: prod/api runs
    /// as "api", every other pod as "default" (no serviceAccountName). The kernel shows the evaluator's matrix.
    /// </summary>
    [Fact]
    public async Task Service_account_selections_of_three_dialects_hold_in_the_kernel()
    {
        await _lab.ApplyPodAsync("prod", "api", "node2", [80, 81], new() { ["app"] = "client" }, serviceAccount: "api");
        await _lab.WaitRunningAsync(6);
        string[] policies =
        [
            """
            {"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"db-from-api","namespace":"dev"},
             "spec":{"selector":"app == 'db'","ingress":[{"action":"Allow","source":{"namespaceSelector":"all()","serviceAccounts":{"names":["api"]}}}]}}
            """,
            """
            {"apiVersion":"cilium.io/v2","kind":"CiliumNetworkPolicy","metadata":{"name":"web-from-api","namespace":"dev"},
             "spec":{"endpointSelector":{"matchLabels":{"app":"web"}},"ingress":[
               {"fromEndpoints":[{"matchLabels":{"io.cilium.k8s.policy.serviceaccount":"api","k8s:io.kubernetes.pod.namespace":"prod"}}]}]}}
            """,
            """
            {"apiVersion":"crd.antrea.io/v1beta1","kind":"ClusterNetworkPolicy","metadata":{"name":"tool-not-from-api"},
             "spec":{"priority":1,"tier":"application","appliedTo":[{"serviceAccount":{"name":"default","namespace":"ops"}}],"ingress":[
               {"action":"Drop","from":[{"serviceAccount":{"name":"api","namespace":"prod"}}]}]}}
            """,
        ];
        foreach (var policy in policies)
        {
            await _lab.Store.CreateAsync(ResourceJson.Parse(policy));
        }

        var predicted = Matrix(Weft("policy", "matrix", "--port", "80", "--protocol", "TCP", "-o", "json"));
        await UntilEqualAsync(predicted, 80, "TCP");
        Assert.True(predicted[("prod/api", "dev/db")], "Calico serviceAccounts.names admits api");
        Assert.False(predicted[("prod/client", "dev/db")], "and nobody else");
        Assert.True(predicted[("prod/api", "dev/web")], "Cilium's service-account label admits api");
        Assert.False(predicted[("prod/client", "dev/web")], "and nobody else");
        Assert.False(predicted[("prod/api", "ops/tool")], "Antrea drops api at the pods running as ops/default");
        Assert.True(predicted[("prod/client", "ops/tool")], "and only api");
        Assert.Contains("antrea:ClusterNetworkPolicy/tool-not-from-api", Weft("policy", "explain", "--from", "prod/api", "--to", "ops/tool", "--port", "80", "--protocol", "TCP"), StringComparison.Ordinal);

        // Calico selects by the labels of ServiceAccount objects: until prod/api's account exists with tier=backend,
        // nobody reaches prod/server; once it is created, the agents see it and api gets in.
        await _lab.Store.CreateAsync(ResourceJson.Parse("""
            {"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"server-from-backend","namespace":"prod"},
             "spec":{"selector":"role == 'server'","ingress":[{"action":"Allow","source":{"namespaceSelector":"all()","serviceAccounts":{"selector":"tier == 'backend'"}}}]}}
            """));
        var before = Matrix(Weft("policy", "matrix", "--port", "80", "--protocol", "TCP", "-o", "json"));
        await UntilEqualAsync(before, 80, "TCP");
        Assert.False(before[("prod/api", "prod/server")], "no ServiceAccount object has tier=backend yet");
        await _lab.Store.CreateAsync(ResourceJson.Parse("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"api","namespace":"prod","labels":{"tier":"backend"}}}"""));
        var after = Matrix(Weft("policy", "matrix", "--port", "80", "--protocol", "TCP", "-o", "json"));
        await UntilEqualAsync(after, 80, "TCP");
        Assert.True(after[("prod/api", "prod/server")], "api's account now has tier=backend");
        Assert.False(after[("prod/client", "prod/server")], "client runs as default, which has no such label");
    }

    private async Task<Dictionary<(string, string), bool>> UntilEqualAsync(Dictionary<(string, string), bool> predicted, int port, string protocol)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var probed = Matrix(Weft("lab", "probe", "--port", $"{port}", "--protocol", protocol, "-o", "json"));
            var diff = predicted.Where(c => probed.GetValueOrDefault(c.Key) != c.Value).Select(c => $"{c.Key.Item1}->{c.Key.Item2} predicted {c.Value}").ToList();
            if (diff.Count == 0)
            {
                return probed;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{protocol}/{port}: kernel and evaluator differ: {string.Join(", ", diff)}\n{_lab.LogTail()}");
            await Task.Delay(500);
        }
    }

    private static Dictionary<(string, string), bool> Matrix(string json) =>
        JsonNode.Parse(json)!["matrix"]!.AsObject()
            .SelectMany(row => row.Value!.AsObject().Select(cell => ((row.Key, cell.Key), (bool)cell.Value!)))
            .ToDictionary(x => x.Item1, x => x.Item2);

    private string Weft(params string[] args) => _lab.Cli(args);
}
