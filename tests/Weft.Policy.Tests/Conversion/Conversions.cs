using Weft.Model;
using Weft.Policy.Conversion;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests.Conversion;

/// <summary>
/// Converts a policy written as YAML and proves the result twice: the converter's own check (the written
/// policy compiled back is model-equivalent), and independently here, by evaluating source and converted
/// policy on every pair of endpoints of a small cluster over a spread of connections.
/// </summary>
internal static class Conversions
{
    private const string Cluster = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: x, labels: {team: red, env: prod}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: y, labels: {team: blue, env: dev}}
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: z, labels: {team: red, env: dev}}
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
        spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 9090}]}]}
        status: {podIPs: [{ip: 10.0.1.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: a, namespace: y, labels: {app: a}}
        spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}
        status: {podIPs: [{ip: 10.0.2.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: b, namespace: y, labels: {app: b, tier: db}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.2.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: c, namespace: z, labels: {app: c}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.3.1}]}
        ---
        apiVersion: v1
        kind: Node
        metadata: {name: n1, labels: {role: infra}}
        status: {addresses: [{type: InternalIP, address: 192.168.0.10}]}
        """;

    private static readonly string[] Outside = ["192.168.0.10", "8.8.8.8", "172.16.0.5"];

    private static readonly Connection[] Connections =
    [
        new(L4Protocol.Tcp, 80), new(L4Protocol.Tcp, 8080), new(L4Protocol.Tcp, 9090), new(L4Protocol.Tcp, 443),
        new(L4Protocol.Tcp, 5432), new(L4Protocol.Udp, 53), new(L4Protocol.Udp, 8080), new(L4Protocol.Sctp, 80),
        new(L4Protocol.Icmp, 0) { IcmpType = 8, IcmpCode = 0 }, new(L4Protocol.Icmp, 0) { IcmpType = 0, IcmpCode = 0 },
    ];

    public static PolicySet Compile(Resource r, PolicyContext c) => PolicyDialects.Compile(r, c);

    private static bool IsPolicy(Resource r) => PolicyDialects.IsPolicy(r);

    /// <summary>The one policy in <paramref name="yaml"/> (other objects there are its context) converted to <paramref name="target"/>.</summary>
    public static ConversionResult Run(string yaml, ConversionTarget target)
    {
        var (reference, set, context) = Source(yaml);
        return PolicyConverter.Convert(reference, set, target, context);
    }

    /// <summary>Converts, asserts it converted, and proves it on the cluster: same verdict everywhere, alone and next to other policies.</summary>
    public static ConversionResult AssertExact(string yaml, ConversionTarget target)
    {
        var (_, set, context) = Source(yaml);
        var result = Run(yaml, target);
        Assert.True(result.Converted, string.Join("\n", result.Problems));
        Assert.NotEmpty(result.Resources);
        var tiers = result.Resources.Where(PolicyDialects.IsContext).ToList();
        var checkContext = new PolicyContext(ManifestReader.ReadText(yaml).Where(PolicyDialects.IsContext).Concat(tiers));
        var back = PolicySet.Combine(result.Resources.Where(IsPolicy).Select(r => Compile(r, checkContext)));
        // A policy whose place on the ladder moved may rank differently against others of its band: alone only.
        AssertSameVerdicts(set, back, withOthers: !result.Warnings.Any(w => w.Contains("place on the ladder moves", StringComparison.Ordinal)));
        return result;
    }

    /// <summary>Converts and asserts it was refused with exactly this problem among others.</summary>
    public static ConversionResult AssertRefused(string yaml, ConversionTarget target, string expected)
    {
        var result = Run(yaml, target);
        Assert.False(result.Converted, "converted, expected a refusal:\n" + Yaml(result));
        Assert.Empty(result.Resources);
        Assert.Contains(expected, result.Problems.Select(p => p.ToString()));
        return result;
    }

    public static string Yaml(ConversionResult result) => string.Join("---\n", result.Resources.Select(ManifestWriter.ToYaml));

    public static (PolicyRef Reference, PolicySet Set, PolicyContext Context) Source(string yaml)
    {
        var objects = ManifestReader.ReadText(yaml);
        var context = new PolicyContext(objects.Where(PolicyDialects.IsContext));
        var policy = objects.Single(IsPolicy);
        var set = Compile(policy, context);
        var ns = KindInfo.IsClusterScoped(new ResourceType(KindInfo.GroupOf(policy.ApiVersion), policy.Kind)) ? null : policy.Metadata.Namespace ?? "default";
        var reference = set.Rules.FirstOrDefault()?.Id.Policy ?? set.Isolations.FirstOrDefault()?.Policy ?? new PolicyRef("?", policy.Kind, ns, policy.Metadata.Name);
        return (reference, set, context);
    }

    /// <summary>Every endpoint pair (at least one a pod) over every connection: the same outcome at each end.</summary>
    public static void AssertSameVerdicts(PolicySet source, PolicySet converted, bool withOthers = true)
    {
        var snapshot = ClusterSnapshot.FromResources(ManifestReader.ReadText(Cluster));
        // Alone, and in a cluster where a NetworkPolicy isolates every pod of x and y but lets app=b in.
        var background = Weft.Policy.Kubernetes.NetworkPolicies.CompileAll(ManifestReader.ReadText(
            TestCluster.NetPol("podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]", "bg", "x")
            + "---\n" + TestCluster.NetPol("podSelector: {}\npolicyTypes: [Ingress]", "bg", "y")));
        foreach (var others in withOthers ? new[] { PolicySet.Empty, background } : [PolicySet.Empty])
        {
            var a = new PolicyEvaluator(snapshot, PolicySet.Combine([source, others]));
            var b = new PolicyEvaluator(snapshot, PolicySet.Combine([converted, others]));
            var endpoints = snapshot.Pods.Select(Endpoint.Of).Concat(Outside.Select(o => a.Resolve(o))).ToList();
            foreach (var from in endpoints)
            {
                foreach (var to in endpoints.Where(t => t != from && (t.Pod is not null || from.Pod is not null)))
                {
                    foreach (var connection in Connections)
                    {
                        var x = a.Evaluate(from, to, connection);
                        var y = b.Evaluate(from, to, connection);
                        Assert.True(x.Egress.Outcome == y.Egress.Outcome && x.Ingress.Outcome == y.Ingress.Outcome,
                            $"{from} -> {to} {connection}{(others == background ? " (next to other policies)" : "")}: source {x.Egress.Outcome}/{x.Ingress.Outcome}, converted {y.Egress.Outcome}/{y.Ingress.Outcome}");
                    }
                }
            }
        }
    }
}

/// <summary>Small policies of each dialect from a spec (YAML, indented under spec).</summary>
internal static class Policies
{
    public static string Np(string spec, string name = "p", string ns = "x") => Doc("networking.k8s.io/v1", "NetworkPolicy", name, ns, spec);

    public static string Anp(string spec, string name = "p") => Doc("policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", name, null, spec);

    public static string Cnp2(string spec, string name = "p") => Doc("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", name, null, spec);

    public static string Acnp(string spec, string name = "p") => Doc("crd.antrea.io/v1beta1", "ClusterNetworkPolicy", name, null, spec);

    public static string Annp(string spec, string name = "p", string ns = "x") => Doc("crd.antrea.io/v1beta1", "NetworkPolicy", name, ns, spec);

    public static string Cnp(string spec, string name = "p", string ns = "x") => Doc("cilium.io/v2", "CiliumNetworkPolicy", name, ns, spec);

    public static string Ccnp(string spec, string name = "p") => Doc("cilium.io/v2", "CiliumClusterwideNetworkPolicy", name, null, spec);

    public static string CalicoNp(string spec, string name = "p", string ns = "x") => Doc("projectcalico.org/v3", "NetworkPolicy", name, ns, spec);

    public static string Gnp(string spec, string name = "p") => Doc("projectcalico.org/v3", "GlobalNetworkPolicy", name, null, spec);

    /// <summary>A Calico tier with its order and default action.</summary>
    public static string CalicoTier(string name, int order, string defaultAction) =>
        $"apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {{name: {name}}}\nspec: {{order: {order}, defaultAction: {defaultAction}}}\n---\n";

    private static string Doc(string apiVersion, string kind, string name, string? ns, string spec) =>
        $"apiVersion: {apiVersion}\nkind: {kind}\nmetadata: {{name: {name}{(ns is null ? "" : $", namespace: {ns}")}}}\nspec:\n"
        + string.Join("\n", spec.Split('\n').Select(l => "  " + l)) + "\n";
}
