using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests;

/// <summary>A small cluster (namespaces x, y; pods a, b in each) as manifests, plus helpers to ask the evaluator.</summary>
internal static class TestCluster
{
    public const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: x, labels: {team: red}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: y, labels: {team: blue}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: x, labels: {app: a}}
        spec:
          containers:
          - name: c
            image: i
            ports:
            - {name: http, containerPort: 8080}
            - {name: dns, containerPort: 53, protocol: UDP}
        status: {podIPs: [{ip: 10.0.1.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: x, labels: {app: b}}
        spec:
          containers:
          - name: c
            image: i
            ports:
            - {name: http, containerPort: 9090}
        status: {podIPs: [{ip: 10.0.1.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: y, labels: {app: a}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.2.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: y, labels: {app: b}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.2.2}]}
        """;

    public static ClusterSnapshot Snapshot() => ClusterSnapshot.FromResources(ManifestReader.ReadText(Manifests));

    /// <summary>The cluster with the NetworkPolicies in <paramref name="policiesYaml"/> (multi-document YAML).</summary>
    public static PolicyEvaluator With(string policiesYaml) =>
        new(Snapshot(), NetworkPolicies.CompileAll(ManifestReader.ReadText(policiesYaml)));

    public static PolicyEvaluator With(PolicySet set) => new(Snapshot(), set);

    public static bool Allowed(this PolicyEvaluator e, string from, string to, int port = 80, L4Protocol protocol = L4Protocol.Tcp) =>
        e.Evaluate(from, to, new Connection(protocol, port)).Allowed;

    /// <summary>A NetworkPolicy in namespace x named p with the given spec (YAML, indented under spec).</summary>
    public static string NetPol(string spec, string name = "p", string ns = "x") =>
        $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {ns}}}\nspec:\n"
        + string.Join("\n", spec.Split('\n').Select(l => "  " + l)) + "\n";

    public static IReadOnlyList<ValidationError> Errors(string spec) =>
        NetworkPolicies.Validate(ManifestReader.ReadText(NetPol(spec))[0]);
}
