using Weft.Model;
using Weft.Policy.Cilium;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests.Cilium;

/// <summary>
/// A cluster for Cilium policies: namespaces x (team=red) and y (team=blue) with pods a and b each (as
/// <see cref="TestCluster"/>), the seed article's pods in default, CoreDNS in kube-system, and a node n1.
/// </summary>
internal static class CiliumCluster
{
    public const string NodeAddress = "192.168.0.10";
    public const string External = "203.0.113.7";

    private const string Extra = """
        apiVersion: v1
        kind: Node
        metadata: {name: n1}
        status: {addresses: [{type: InternalIP, address: 192.168.0.10}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: deathstar, namespace: default, labels: {org: empire, class: deathstar}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: tiefighter, namespace: default, labels: {org: empire, class: tiefighter}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: xwing, namespace: default, labels: {org: alliance, class: xwing}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.3}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: test-app, namespace: default, labels: {app: test-app}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.4}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: kafka, namespace: default, labels: {app: kafka}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.5}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: empire-hq, namespace: default, labels: {app: empire-hq}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.6}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: coredns, namespace: kube-system, labels: {k8s-app: kube-dns}}
        spec: {containers: [{name: c, image: i, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}
        status: {podIPs: [{ip: 10.0.4.1}]}
        """;

    public static ClusterSnapshot Snapshot() =>
        ClusterSnapshot.FromResources(ManifestReader.ReadText(TestCluster.Manifests + "\n---\n" + Extra));

    /// <summary>A CiliumNetworkPolicy in <paramref name="ns"/> with the given spec (YAML, indented under spec).</summary>
    public static string Cnp(string spec, string name = "p", string ns = "x") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{Indent(spec)}";

    /// <summary>A CiliumClusterwideNetworkPolicy with the given spec.</summary>
    public static string Ccnp(string spec, string name = "c") =>
        $"apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{Indent(spec)}";

    public static PolicySet Compile(params string[] policies) =>
        CiliumPolicies.CompileAll(ManifestReader.ReadText(string.Join("---\n", policies)), PolicyContext.Empty);

    public static PolicyEvaluator With(params string[] policies) => new(Snapshot(), Compile(policies));

    public static PolicyEvaluator With(PolicySet set) => new(Snapshot(), set);

    public static bool Allowed(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Evaluate(from, to, new Connection(protocol, port)).Allowed;

    public static bool Ping(this PolicyEvaluator e, string from, string to) =>
        e.Evaluate(from, to, new Connection(L4Protocol.Icmp, 0) { IcmpType = 8, IcmpCode = 0 }).Allowed;

    /// <summary>The validation errors of a CNP x/p with the given spec, each as "object: field: detail".</summary>
    public static IReadOnlyList<string> Errors(string spec, bool clusterwide = false) =>
        [.. CiliumPolicies.Validate(ManifestReader.ReadText(clusterwide ? Ccnp(spec) : Cnp(spec))[0], PolicyContext.Empty).Select(e => e.ToString())];

    private static string Indent(string spec) => string.Join("\n", spec.Split('\n').Select(l => "  " + l)) + "\n";
}
