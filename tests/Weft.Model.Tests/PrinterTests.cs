using System.Net;
using Weft.Cli.Output;

namespace Weft.Model.Tests;

public sealed class PrinterTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static Resource Pod(string ns, string name, TimeSpan age, string? phase = null, string[]? ips = null, string? node = null)
    {
        var pod = Assert.Single(ManifestReader.ReadText($"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}, namespace: {ns}}}\nspec: {{containers: [{{name: c}}]}}\n"));
        pod.Metadata.CreationTimestamp = (Now - age).ToString("yyyy-MM-ddTHH:mm:ssZ");
        if (phase is not null)
        {
            PodView.SetPhase(pod, phase);
            PodView.SetReady(pod, phase == "Running");
        }
        if (ips is not null)
        {
            PodView.SetPodIPs(pod, ips);
        }
        if (node is not null)
        {
            PodView.SetNodeName(pod, node);
        }
        return pod;
    }

    private static readonly Resource[] Pods =
    [
        Pod("default", "web-1", TimeSpan.FromSeconds(5), "Running", ["10.244.1.5"], "n1"),
        Pod("default", "db", TimeSpan.FromSeconds(192)),
        Pod("kube-system", "coredns-7f9c", TimeSpan.FromDays(2), "Running", ["10.244.2.17", "fd00::17"], "n2"),
    ];

    private static string Print(IReadOnlyList<Resource> resources, string kind, OutputFormat format, bool all = false)
    {
        var writer = new StringWriter();
        ResourcePrinter.Print(writer, resources, kind, format, all, new FixedTime(Now));
        return writer.ToString();
    }

    [Fact]
    public void Pods_table()
    {
        Assert.Equal("""
            NAME           READY   STATUS    RESTARTS   AGE
            web-1          1/1     Running   0          5s
            db             0/1     Pending   0          3m12s
            coredns-7f9c   1/1     Running   0          2d

            """, Print(Pods, "Pod", OutputFormat.Table));
    }

    [Fact]
    public void Pods_wide_adds_ip_and_node()
    {
        Assert.Equal("""
            NAME           READY   STATUS    RESTARTS   AGE     IP            NODE     BANDWIDTH
            web-1          1/1     Running   0          5s      10.244.1.5    n1       <none>
            db             0/1     Pending   0          3m12s   <none>        <none>   <none>
            coredns-7f9c   1/1     Running   0          2d      10.244.2.17   n2       <none>

            """, Print(Pods, "Pod", OutputFormat.Wide));
    }

    [Fact]
    public void Pods_wide_shows_the_bandwidth_limits_in_force()
    {
        // What the agent reports wins; before it has, the annotations' ask is shown with a "?".
        var limited = Pod("default", "limited", TimeSpan.FromSeconds(5), "Running", ["10.244.1.6"], "n1");
        limited.Metadata.Annotations = new() { ["kubernetes.io/ingress-bandwidth"] = "20M", ["ovn.kubernetes.io/egress_rate"] = "50", ["ovn.kubernetes.io/latency"] = "10" };
        limited.Status!["conditions"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [{"type":"Ready","status":"True"},{"type":"weft.dev/Bandwidth","status":"False","reason":"NetemNotSupported",
              "message":"in:20M,out:50M,netem:not-enforced; latency/jitter/loss not enforced: no netem"}]
            """);
        var edited = Pod("default", "edited", TimeSpan.FromSeconds(5), "Running", ["10.244.1.7"], "n1");
        edited.Metadata.Annotations = new() { ["kubernetes.io/ingress-bandwidth"] = "oops" };
        edited.Status!["conditions"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [{"type":"weft.dev/Bandwidth","status":"False","reason":"InvalidAnnotation","message":"in:10M; annotation kubernetes.io/ingress-bandwidth: 'oops' ..."}]
            """);
        var pending = Pod("default", "pending", TimeSpan.FromSeconds(5));
        pending.Metadata.Annotations = new() { ["ovn.kubernetes.io/egress_rate"] = "1", ["ovn.kubernetes.io/loss"] = "20" };
        var bad = Pod("default", "bad", TimeSpan.FromSeconds(5));
        bad.Metadata.Annotations = new() { ["kubernetes.io/egress-bandwidth"] = "500" };
        var text = Print([limited, edited, pending, bad], "Pod", OutputFormat.Wide);
        Assert.Contains(" in:20M,out:50M,netem:not-enforced\n", text, StringComparison.Ordinal);
        Assert.Contains(" in:10M,edit-rejected\n", text, StringComparison.Ordinal);
        Assert.Contains(" out:1M,netem:loss=20%?\n", text, StringComparison.Ordinal);
        Assert.Contains(" invalid:kubernetes.io/egress-bandwidth\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pods_all_namespaces_puts_namespace_first()
    {
        Assert.Equal("""
            NAMESPACE     NAME           READY   STATUS    RESTARTS   AGE
            default       web-1          1/1     Running   0          5s
            default       db             0/1     Pending   0          3m12s
            kube-system   coredns-7f9c   1/1     Running   0          2d

            """, Print(Pods, "Pod", OutputFormat.Table, all: true));
    }

    [Fact]
    public void Nodes_table_and_wide_ignore_all_namespaces()
    {
        var n1 = NodeView.Build("n1", [IPAddress.Parse("172.18.0.2")], ["10.244.1.0/24"],
            new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" }, "v1.31.0");
        var n2 = NodeView.Build("n2", [IPAddress.Parse("172.18.0.3")]);
        NodeView.SetReady(n2, false);
        n1.Metadata.CreationTimestamp = "2025-06-01T06:59:00Z";
        n2.Metadata.CreationTimestamp = "2025-05-01T12:00:00Z";

        Assert.Equal("""
            NAME   STATUS     ROLES           AGE    VERSION
            n1     Ready      control-plane   5h1m   v1.31.0
            n2     NotReady   <none>          31d    <none>

            """, Print([n1, n2], "Node", OutputFormat.Table, all: true));
        Assert.Equal("""
            NAME   STATUS     ROLES           AGE    VERSION   INTERNAL-IP   POD-CIDRS
            n1     Ready      control-plane   5h1m   v1.31.0   172.18.0.2    10.244.1.0/24
            n2     NotReady   <none>          31d    <none>    172.18.0.3    <none>

            """, Print([n1, n2], "Node", OutputFormat.Wide));
    }

    [Fact]
    public void Namespaces_table()
    {
        var ns = NamespaceView.Build("default");
        ns.Metadata.CreationTimestamp = "2025-06-01T11:59:00Z";
        var unknownAge = NamespaceView.Build("kube-system");
        Assert.Equal("""
            NAME          STATUS   AGE
            default       Active   60s
            kube-system   Active   <unknown>

            """, Print([ns, unknownAge], "Namespace", OutputFormat.Table));
    }

    [Fact]
    public void Unregistered_kinds_print_name_and_age_and_registered_columns_are_used()
    {
        var policy = Assert.Single(ManifestReader.ReadText("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: default}\nspec: {description: d}\n"));
        Assert.Equal("NAME   AGE\np      <unknown>\n", Print([policy], "CiliumNetworkPolicy", OutputFormat.Table));

        var registry = ColumnRegistry.WithBuiltIns();
        registry.Register("CiliumNetworkPolicy", [Column.Name, new Column("DESCRIPTION", (r, _) => r.Spec!["description"]!.GetValue<string>())]);
        var writer = new StringWriter();
        ResourcePrinter.Print(writer, [policy], "ciliumnetworkpolicy", OutputFormat.Table, true, new FixedTime(Now), registry);
        Assert.Equal("NAMESPACE   NAME   DESCRIPTION\ndefault     p      d\n", writer.ToString());
    }

    [Fact]
    public void Empty_table_prints_nothing_and_yaml_json_use_the_manifest_writer()
    {
        Assert.Equal("", Print([], "Pod", OutputFormat.Table));
        Assert.Equal(ManifestWriter.ToYaml(Pods), Print(Pods, "Pod", OutputFormat.Yaml));
        Assert.Equal(ManifestWriter.ToJson(Pods[0]), Print([Pods[0]], "Pod", OutputFormat.Json));
    }

    [Fact]
    public void Table_printer_pads_narrow_columns_to_six_and_checks_row_width()
    {
        var table = new TablePrinter(["a", "b"]);
        table.AddRow("x", "y");
        var writer = new StringWriter();
        table.Write(writer);
        Assert.Equal("A     B\nx     y\n", writer.ToString());
        Assert.Throws<ArgumentException>(() => table.AddRow("only-one"));
    }

    [Theory]
    [InlineData(-5, "<invalid>")]
    [InlineData(-1, "0s")]
    [InlineData(0, "0s")]
    [InlineData(119, "119s")]
    [InlineData(120, "2m")]
    [InlineData(192, "3m12s")]
    [InlineData(599, "9m59s")]
    [InlineData(600, "10m")]
    [InlineData(3 * 3600 - 1, "179m")]
    [InlineData(3 * 3600, "3h")]
    [InlineData(5 * 3600 + 60, "5h1m")]
    [InlineData(8 * 3600, "8h")]
    [InlineData(47 * 3600, "47h")]
    [InlineData(48 * 3600, "2d")]
    [InlineData(3 * 86400 + 5 * 3600, "3d5h")]
    [InlineData(8 * 86400, "8d")]
    [InlineData(729 * 86400, "729d")]
    [InlineData(730 * 86400, "2y")]
    [InlineData(740 * 86400, "2y10d")]
    [InlineData(9 * 365 * 86400, "9y")]
    public void Age_reads_like_kubectl(long seconds, string expected) =>
        Assert.Equal(expected, Age.Format(TimeSpan.FromSeconds(seconds)));
}
