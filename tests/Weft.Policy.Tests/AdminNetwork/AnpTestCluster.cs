using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>
/// <see cref="TestCluster"/> (namespaces x: team=red, y: team=blue; pods a, b in each) plus namespace z
/// (team=green) with pod z/a, node n1 (192.168.0.1) and a host-network pod x/h on it; and writers for
/// AdminNetworkPolicy, BaselineAdminNetworkPolicy and ClusterNetworkPolicy manifests.
/// </summary>
internal static class AnpTestCluster
{
    private const string Extra = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: z, labels: {team: green}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: z, labels: {app: a}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.1}]}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {role: worker}}
        status: {addresses: [{type: InternalIP, address: 192.168.0.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: h, namespace: x, labels: {app: a}}
        spec: {hostNetwork: true, containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 192.168.0.1}]}
        """;

    public static ClusterSnapshot Snapshot() =>
        ClusterSnapshot.FromResources(ManifestReader.ReadText(TestCluster.Manifests + "\n---\n" + Extra));

    /// <summary>Compiles every document: the network-policy-api kinds here, NetworkPolicy by its own front end.</summary>
    public static PolicySet Compile(params string[] documents) => PolicySet.Combine(Read(documents).Select(r =>
        AdminNetworkPolicies.Is(r) ? AdminNetworkPolicies.Compile(r, PolicyContext.Empty) : NetworkPolicies.Compile(r)));

    public static PolicyEvaluator With(params string[] documents) => new(Snapshot(), Compile(documents));

    public static Verdict Ask(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Evaluate(from, to, new Connection(protocol, port));

    public static IReadOnlyList<Resource> Read(params string[] documents) => ManifestReader.ReadText(string.Join("\n---\n", documents));

    /// <summary>Every error of the one policy in <paramref name="document"/>, as text.</summary>
    public static IReadOnlyList<string> Errors(string document) =>
        [.. AdminNetworkPolicies.Validate(Assert.Single(Read(document)), PolicyContext.Empty).Select(e => e.ToString())];

    /// <summary>An AdminNetworkPolicy; <paramref name="body"/> is YAML at spec level (subject, ingress, egress).</summary>
    public static string Anp(string name, int priority, string body) =>
        $"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n  priority: {priority}\n{Indent(body)}";

    public static string Banp(string body, string name = "default") =>
        $"apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{Indent(body)}";

    public static string Cnp(string name, string tier, int priority, string body) =>
        $"apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n  tier: {tier}\n  priority: {priority}\n{Indent(body)}";

    public static string NetPol(string spec, string name = "p", string ns = "x") => TestCluster.NetPol(spec, name, ns);

    /// <summary>Subject: every pod of namespace x.</summary>
    public const string SubjectX = "subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}";

    /// <summary>Subject: every pod of every namespace.</summary>
    public const string SubjectAll = "subject: {namespaces: {}}";

    private static string Indent(string body) => string.Join("\n", body.Split('\n').Select(l => "  " + l)) + "\n";
}
