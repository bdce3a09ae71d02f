using System.Globalization;
using Weft.Model;

namespace Weft.Bench.Policy;

/// <summary>
/// A synthetic cluster for the policy benches: 100 namespaces × 100 pods spread over 100 nodes, and ten
/// NetworkPolicies per namespace covering every feature the compiler renders (default deny, pod and
/// namespace selectors with expressions, named ports, port ranges, ipBlock with except, egress). Same input
/// every run, so figures compare across runs.
/// </summary>
internal sealed class SyntheticCluster
{
    public const int Namespaces = 100;
    public const int PodsPerNamespace = 100;
    public const int Nodes = 100;

    public List<Resource> NamespaceObjects { get; } = [];
    public List<Resource> Pods { get; } = [];
    public List<Resource> Policies { get; } = [];

    /// <summary>Objects the policies refer to by name (tiers, groups); none for NetworkPolicies.</summary>
    public List<Resource> Context { get; } = [];

    public static string NamespaceName(int i) => $"ns-{i:D3}";

    public static string NodeName(int i) => $"node-{i:D3}";

    /// <summary>The address of pod <paramref name="j"/> of namespace <paramref name="i"/>: 10.128.0.0/16, unique.</summary>
    public static string PodIp(int i, int j)
    {
        var k = i * PodsPerNamespace + j;
        return $"10.128.{k / 256}.{k % 256}";
    }

    public static Dictionary<string, string> PodLabels(int j) => new()
    {
        ["app"] = $"app{j % 10}",
        ["tier"] = (j % 4) switch { 0 => "frontend", 1 => "backend", 2 => "edge", _ => "data" },
        ["role"] = j % 25 == 0 ? "monitor" : "service",
    };

    public SyntheticCluster(string nodePrefix = "node-")
    {
        for (var i = 0; i < Namespaces; i++)
        {
            var ns = NamespaceName(i);
            NamespaceObjects.Add(NamespaceView.Build(ns, new Dictionary<string, string> { ["team"] = $"t{i % 10}", ["env"] = i % 3 == 0 ? "prod" : "dev" }));
            for (var j = 0; j < PodsPerNamespace; j++)
            {
                Pods.Add(Pod(ns, $"pod-{j:D3}", $"{nodePrefix}{(i * PodsPerNamespace + j) % Nodes:D3}", PodIp(i, j), PodLabels(j)));
            }
            Policies.AddRange(PoliciesOf(i));
        }
    }

    public static Resource Pod(string ns, string name, string node, string ip, Dictionary<string, string> labels) => ResourceJson.Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"{{{ns}}}","name":"{{{name}}}","labels":{{{Json(labels)}}}},
         "spec":{"nodeName":"{{{node}}}","containers":[{"name":"main","image":"app","ports":[
           {"name":"http","containerPort":8080},{"name":"metrics","containerPort":9090},{"name":"dns","containerPort":53,"protocol":"UDP"}]}]},
         "status":{"phase":"Running","podIP":"{{{ip}}}","podIPs":[{"ip":"{{{ip}}}"}]}}
        """);

    /// <summary>Policy <paramref name="k"/> (0–9) of namespace <paramref name="i"/>; <paramref name="port"/> varies the flip.</summary>
    public static Resource Policy(int i, int k, int port = 8080)
    {
        var other = $"t{(i + 1) % 10}";
        var spec = k switch
        {
            0 => """{"podSelector":{},"policyTypes":["Ingress"]}""",
            1 => $$$"""{"podSelector":{"matchLabels":{"app":"app0"}},"ingress":[{"from":[{"podSelector":{}}],"ports":[{"port":{{{port}}}}]}]}""",
            2 => $$$$"""{"podSelector":{"matchLabels":{"app":"app1"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"{{{{other}}}}"}},"podSelector":{"matchLabels":{"app":"app2"}}}],"ports":[{"port":"http"}]}]}""",
            3 => """{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"t0"}},"podSelector":{"matchLabels":{"role":"monitor"}}}],"ports":[{"port":"metrics"}]}]}""",
            4 => """{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"ns-000"}},"podSelector":{"matchLabels":{"app":"app9"}}}],"ports":[{"port":53,"protocol":"UDP"},{"port":53,"protocol":"TCP"}]},{"to":[{"podSelector":{}}]}]}""",
            5 => """{"podSelector":{"matchLabels":{"app":"app3"}},"policyTypes":["Egress"],"egress":[{"to":[{"podSelector":{"matchLabels":{"app":"app4"}}}],"ports":[{"port":5432,"endPort":5440}]},{"to":[{"ipBlock":{"cidr":"172.16.0.0/12","except":["172.16.5.0/24"]}}]}]}""",
            6 => """{"podSelector":{"matchLabels":{"app":"app5"}},"ingress":[{"from":[{"podSelector":{"matchExpressions":[{"key":"tier","operator":"In","values":["frontend","edge"]}]}}],"ports":[{"port":8000,"endPort":8100}]}]}""",
            7 => """{"podSelector":{"matchLabels":{"app":"app6"}},"ingress":[{"from":[{"ipBlock":{"cidr":"192.168.0.0/16","except":["192.168.1.0/24"]}}],"ports":[{"port":443}]}]}""",
            8 => """{"podSelector":{"matchLabels":{"app":"app7"}},"policyTypes":["Egress"]}""",
            _ => """{"podSelector":{"matchLabels":{"app":"app8"}},"ingress":[{"from":[{"namespaceSelector":{"matchExpressions":[{"key":"team","operator":"NotIn","values":["t1"]}]},"podSelector":{"matchLabels":{"app":"app0"}}}],"ports":[{"port":80},{"port":81,"protocol":"UDP"}]}]}""",
        };
        return ResourceJson.Parse($$$"""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"namespace":"{{{NamespaceName(i)}}}","name":"p{{{k}}}"},"spec":{{{spec}}}}
            """);
    }

    private static IEnumerable<Resource> PoliciesOf(int i) => Enumerable.Range(0, 10).Select(k => Policy(i, k));

    private static string Json(Dictionary<string, string> labels) =>
        "{" + string.Join(",", labels.Select(l => string.Create(CultureInfo.InvariantCulture, $"\"{l.Key}\":\"{l.Value}\""))) + "}";
}
