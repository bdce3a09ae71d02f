using Weft.Model;
using Weft.Policy.Conversion;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests;

/// <summary>
/// Antrea, Cilium and Calico select pods by service account. The policy view gives each pod its account as a
/// reserved label, which no pod can set for itself, and each dialect's spelling lands on it.
/// </summary>
public class ServiceAccountTests
{
    private const string Cluster = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: prod}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: web, namespace: prod, labels: {role: frontend}}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: api, namespace: prod, labels: {tier: backend}}
        ---
        apiVersion: v1
        kind: ServiceAccount
        metadata: {name: default, namespace: prod}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: server, namespace: prod, labels: {app: server}}
        spec: {serviceAccountName: web, containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.0.1}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api, namespace: prod, labels: {app: client}}
        spec: {serviceAccountName: api, containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.0.2}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: plain, namespace: prod, labels: {app: client}}
        spec: {containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.0.3}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: spoof, namespace: prod, labels: {app: client, "policy.weft.dev/serviceaccount": api, "sa.policy.weft.dev/tier": backend}}
        spec: {serviceAccount: legacy, containers: [{name: c, image: i}]}
        status: {podIPs: [{ip: 10.0.0.4}]}
        """;

    public static TheoryData<string, string> OnlyApiMayReachServer => new()
    {
        {
            "antrea", """
            apiVersion: crd.antrea.io/v1beta1
            kind: ClusterNetworkPolicy
            metadata: {name: web}
            spec:
              priority: 1
              appliedTo: [{serviceAccount: {name: web, namespace: prod}}]
              ingress:
              - action: Allow
                from: [{serviceAccount: {name: api, namespace: prod}}]
              - action: Drop
            """
        },
        {
            "cilium", """
            apiVersion: cilium.io/v2
            kind: CiliumNetworkPolicy
            metadata: {name: web, namespace: prod}
            spec:
              endpointSelector: {matchLabels: {io.cilium.k8s.policy.serviceaccount: web}}
              ingress:
              - fromEndpoints: [{matchLabels: {"k8s:io.cilium.k8s.policy.serviceaccount": api}}]
            """
        },
        {
            "calico names", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: web, namespace: prod}
            spec:
              selector: projectcalico.org/serviceaccount == 'web'
              ingress:
              - action: Allow
                source: {serviceAccounts: {names: [api]}}
            """
        },
        {
            "calico selector", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: web, namespace: prod}
            spec:
              selector: app == 'server'
              ingress:
              - action: Allow
                source: {selector: "projectcalico.org/serviceaccount in {'api', 'batch'}"}
            """
        },
        {
            "calico account labels", """
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: web, namespace: prod}
            spec:
              serviceAccountSelector: role == 'frontend'
              ingress:
              - action: Allow
                source: {serviceAccounts: {selector: tier == 'backend'}}
            """
        },
        {
            "calico pcsa", """
            apiVersion: projectcalico.org/v3
            kind: GlobalNetworkPolicy
            metadata: {name: web}
            spec:
              selector: pcsa.role == 'frontend'
              ingress:
              - action: Allow
                source: {selector: "has(pcsa.tier) && projectcalico.org/namespace == 'prod'"}
            """
        },
    };

    [Theory]
    [MemberData(nameof(OnlyApiMayReachServer))]
    public void Each_dialect_selects_by_the_pods_own_service_account(string dialect, string policy)
    {
        var objects = ManifestReader.ReadText(Cluster);
        var source = ManifestReader.ReadText(policy)[0];
        var set = PolicyDialects.Compile(source, PolicyContext.Empty);
        Assert.True(set.Warnings.Count == 0, $"{dialect}: {string.Join("; ", set.Warnings)}");
        var evaluator = new PolicyEvaluator(ClusterSnapshot.FromResources(objects), set);

        Assert.True(evaluator.Evaluate("prod/api", "prod/server", new Connection(L4Protocol.Tcp, 80)).Allowed, dialect);
        Assert.False(evaluator.Evaluate("prod/plain", "prod/server", new Connection(L4Protocol.Tcp, 80)).Allowed, $"{dialect}: runs as default");
        // Labelled as api, but runs as "legacy" (the deprecated spec.serviceAccount): the label does not count.
        Assert.False(evaluator.Evaluate("prod/spoof", "prod/server", new Connection(L4Protocol.Tcp, 80)).Allowed, $"{dialect}: spoofed label");
        // Only the server (account web) is isolated.
        Assert.True(evaluator.Evaluate("prod/server", "prod/plain", new Connection(L4Protocol.Tcp, 80)).Allowed, dialect);

        // No other dialect has a way to say "service account", so converting is refused and names the part.
        var conversion = PolicyConverter.Convert(source, ConversionTarget.NetworkPolicy, PolicyContext.Empty);
        Assert.Empty(conversion.Resources);
        Assert.Contains(conversion.Problems, p => p.Reason.Contains("service account", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pod_runs_as_default_unless_its_spec_names_an_account()
    {
        var snapshot = ClusterSnapshot.FromResources(ManifestReader.ReadText(Cluster));
        Assert.Equal("web", snapshot.FindPod("prod/server")!.Labels[ReservedLabels.ServiceAccount]);
        Assert.Equal("default", snapshot.FindPod("prod/plain")!.Labels[ReservedLabels.ServiceAccount]);
        Assert.Equal("legacy", snapshot.FindPod("prod/spoof")!.Labels[ReservedLabels.ServiceAccount]);
        Assert.Equal("client", snapshot.FindPod("prod/spoof")!.Labels["app"]);
        Assert.Equal("frontend", snapshot.FindPod("prod/server")!.Labels[ReservedLabels.ServiceAccountLabelPrefix + "role"]);
        // Its own reserved-looking label is dropped, and "legacy" has no ServiceAccount object to take labels from.
        Assert.DoesNotContain(snapshot.FindPod("prod/spoof")!.Labels.Keys, k => k.StartsWith(ReservedLabels.ServiceAccountLabelPrefix, StringComparison.Ordinal));
    }

    [Fact]
    public void A_default_deny_by_service_account_is_not_converted()
    {
        var calico = ManifestReader.ReadText("""
            apiVersion: projectcalico.org/v3
            kind: NetworkPolicy
            metadata: {name: lock, namespace: prod}
            spec:
              selector: projectcalico.org/serviceaccount == 'web'
              types: [Ingress]
            """)[0];
        var conversion = PolicyConverter.Convert(calico, ConversionTarget.NetworkPolicy, PolicyContext.Empty);
        Assert.Empty(conversion.Resources);
        Assert.Contains(conversion.Problems, p => p.Field == "isolation" && p.Reason.Contains("service account", StringComparison.Ordinal));
    }
}
