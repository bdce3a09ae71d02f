using System.Net;
using Weft.Dataplane.Policy;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Dataplane.Tests;

/// <summary>A small fixed cluster (namespaces x, y; pods x/a, x/b, y/a) and NetworkPolicy helpers.</summary>
internal static class Cluster
{
    public static readonly IPAddress XA = IPAddress.Parse("10.77.0.1"), XB = IPAddress.Parse("10.77.0.2"), YA = IPAddress.Parse("10.77.1.1");

    public static ClusterSnapshot Snapshot(IPAddress? xa = null, IPAddress? xb = null) => new(
        [Ns("x"), Ns("y")],
        [
            Pod("x", "a", xa ?? XA, [new PodPort("http", 80, L4Protocol.Tcp)]),
            Pod("x", "b", xb ?? XB, [new PodPort("http", 8080, L4Protocol.Tcp)]),
            Pod("y", "a", YA, [new PodPort("http", 80, L4Protocol.Tcp)]),
        ]);

    public static PolicySet Policies(params string[] json) =>
        NetworkPolicies.CompileAll(json.Select(ResourceJson.Parse).ToList());

    public static string Policy(string ns, string name, string spec) =>
        $$"""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"namespace":"{{ns}}","name":"{{name}}"},"spec":{{spec}}}""";

    public static LocalPod Local(string ns, string name, string veth, IPAddress ip) => new(ns, name, veth, [ip]);

    private static NamespaceInfo Ns(string name) =>
        new(name, new Dictionary<string, string> { [NamespaceView.NameLabel] = name, ["ns"] = name });

    private static PodInfo Pod(string ns, string name, IPAddress ip, IReadOnlyList<PodPort> ports) =>
        new(ns, name, new Dictionary<string, string> { ["pod"] = name }, [ip], ports);
}
