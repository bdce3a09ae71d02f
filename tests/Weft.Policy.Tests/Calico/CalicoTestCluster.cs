using Weft.Model;
using Weft.Policy.Calico;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests.Calico;

/// <summary>
/// <see cref="TestCluster"/> (namespaces x: team=red, y: team=blue; pods a, b in each) with writers for Calico
/// NetworkPolicy, GlobalNetworkPolicy and Tier manifests. Tier documents feed the <see cref="PolicyContext"/>;
/// Kubernetes NetworkPolicies in the same text go through their own front end.
/// </summary>
internal static class CalicoTestCluster
{
    /// <summary>An address outside the cluster.</summary>
    public const string External = "192.0.2.9";

    public static IReadOnlyList<Resource> Read(params string[] documents) => ManifestReader.ReadText(string.Join("\n---\n", documents));

    public static PolicyContext Context(IEnumerable<Resource> resources) => new(resources.Where(r => r.Kind == "Tier"));

    public static PolicySet Compile(params string[] documents)
    {
        var resources = Read(documents);
        var calico = CalicoPolicies.CompileAll(resources.Where(CalicoPolicies.Is), Context(resources));
        var k8s = NetworkPolicies.CompileAll(resources.Where(NetworkPolicies.Is));
        return PolicySet.Combine([calico, k8s]);
    }

    public static PolicyEvaluator With(params string[] documents) => new(TestCluster.Snapshot(), Compile(documents));

    public static Verdict Ask(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Evaluate(from, to, new Connection(protocol, port));

    public static bool Allowed(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Ask(from, to, port, protocol).Allowed;

    /// <summary>Every error of the last document's policy (earlier documents are Tiers for the context), as text.</summary>
    public static IReadOnlyList<string> Errors(params string[] documents)
    {
        var resources = Read(documents);
        return [.. CalicoPolicies.Validate(resources[^1], Context(resources)).Select(e => e.ToString())];
    }

    /// <summary>A Calico NetworkPolicy; <paramref name="spec"/> is YAML at spec level.</summary>
    public static string Np(string spec, string name = "p", string ns = "x") =>
        $"apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n{Indent(spec)}";

    /// <summary>A Calico GlobalNetworkPolicy; <paramref name="spec"/> is YAML at spec level.</summary>
    public static string Gnp(string spec, string name = "p") =>
        $"apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {{name: {name}}}\nspec:\n{Indent(spec)}";

    public static string Tier(string name, double order, string defaultAction = "Deny") =>
        $"apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {{name: {name}}}\nspec: {{order: {order}, defaultAction: {defaultAction}}}\n";

    public static string NetPol(string spec, string name = "k", string ns = "x") => TestCluster.NetPol(spec, name, ns);

    private static string Indent(string body) => string.Join("\n", body.Split('\n').Select(l => "  " + l)) + "\n";
}
