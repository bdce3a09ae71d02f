using Weft.Model;
using Weft.Policy.Antrea;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests.Antrea;

/// <summary>
/// A small cluster for Antrea policies: namespaces prod (env=prod, team=red), dev (env=dev, team=red) and
/// other (env=dev, team=blue), a server and a client in prod and dev, a db in other, and one node.
/// </summary>
internal static class AntreaCluster
{
    public const string NodeIp = "192.168.0.10";

    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod, labels: {env: prod, team: red}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: dev, labels: {env: dev, team: red}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: other, labels: {env: dev, team: blue}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: prod, labels: {role: server, app: web}}
        spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
        status: {podIPs: [{ip: 10.0.1.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: prod, labels: {app: client}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.1.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: dev, labels: {role: server, app: web}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.2.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: client, namespace: dev, labels: {app: client}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.2.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: db, namespace: other, labels: {app: db}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.1}]}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {role: worker}}
        status: {addresses: [{type: InternalIP, address: 192.168.0.10}]}
        """;

    public static ClusterSnapshot Snapshot() => ClusterSnapshot.FromResources(ManifestReader.ReadText(Manifests));

    /// <summary>A ClusterNetworkPolicy named <paramref name="name"/> with the spec (YAML, indented under spec).</summary>
    public static string Acnp(string spec, string name = "p", string version = "v1beta1") =>
        $"apiVersion: crd.antrea.io/{version}\nkind: ClusterNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{Indent(spec)}---\n";

    /// <summary>An Antrea NetworkPolicy in <paramref name="ns"/>.</summary>
    public static string Annp(string spec, string name = "p", string ns = "prod") =>
        $"apiVersion: crd.antrea.io/v1beta1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{Indent(spec)}---\n";

    /// <summary>A Kubernetes NetworkPolicy in <paramref name="ns"/>.</summary>
    public static string K8sNetPol(string spec, string name = "np", string ns = "prod") =>
        $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{Indent(spec)}---\n";

    /// <summary>
    /// Compiles every Antrea policy and Kubernetes NetworkPolicy in the YAML; the other objects (Tiers, groups,
    /// Services) form the context.
    /// </summary>
    public static PolicySet Compile(string yaml)
    {
        var objects = ManifestReader.ReadText(yaml);
        var context = new PolicyContext(objects.Where(o => !AntreaPolicies.Is(o) && o.Kind != "NetworkPolicy"));
        var k8s = Kubernetes.NetworkPolicies.CompileAll(objects.Where(Kubernetes.NetworkPolicies.Is));
        return PolicySet.Combine([AntreaPolicies.CompileAll(objects.Where(AntreaPolicies.Is), context), k8s]);
    }

    public static PolicyEvaluator Evaluator(string yaml) => new(Snapshot(), Compile(yaml));

    /// <summary>The errors of the one Antrea policy in the YAML, as "field: detail" strings.</summary>
    public static IReadOnlyList<string> Errors(string yaml)
    {
        var objects = ManifestReader.ReadText(yaml);
        var context = new PolicyContext(objects.Where(o => !AntreaPolicies.Is(o)));
        return [.. AntreaPolicies.Validate(Assert.Single(objects, AntreaPolicies.Is), context).Select(e => $"{e.Field}: {e.Detail}")];
    }

    public static Verdict Ask(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Evaluate(from, to, new Connection(protocol, port));

    public static Connection Ping(int type = 8, int code = 0) => new(L4Protocol.Icmp, 0) { IcmpType = type, IcmpCode = code };

    private static string Indent(string spec) => string.Concat(spec.Split('\n').Select(l => "  " + l + "\n"));
}
