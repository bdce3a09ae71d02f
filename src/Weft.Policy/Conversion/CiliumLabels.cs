using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Cilium endpoint selectors: pod labels under their own (bare) keys, the namespace name under
/// io.kubernetes.pod.namespace and namespace labels under io.cilium.k8s.namespace.labels.*. A CiliumNetworkPolicy
/// adds its own namespace to a selector that names no namespace key; a clusterwide one spans all namespaces.
/// </summary>
internal static class CiliumLabels
{
    public const string NamespaceKey = "io.kubernetes.pod.namespace";
    public const string NamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";

    /// <summary>The endpointSelector for a subject, or the reason there is none.</summary>
    public static (JsonObject? Selector, string? Problem) Subject(PodSubject subject, string? ns)
    {
        if (PodAtoms(subject.Pods) is not { } pods)
        {
            return (null, $"selector {LabelAtoms.Text(subject.Pods)} is no Cilium endpoint selector (it needs OR, NOT or a key Cilium reserves)");
        }
        if (KubernetesNamespaces(subject.Namespaces) is not { } namespaces)
        {
            return (null, $"{Canonical.Subject(subject)}: the namespace part is no Cilium endpoint selector");
        }
        if (ns is not null)
        {
            // A CiliumNetworkPolicy's endpointSelector is pinned to its namespace; other namespace tests may narrow it.
            var own = namespaces.FirstOrDefault(a => KubernetesShapes.IsOnly([a], ns));
            if (own is null)
            {
                return (null, $"a CiliumNetworkPolicy applies to pods of its namespace {ns} only; the source selects {Canonical.Subject(subject)}");
            }
            namespaces = [.. namespaces.Where(a => a != own)];
        }
        return (SelectorWriter.Kubernetes([.. pods, .. namespaces.Select(Mapped)]), null);
    }

    /// <summary>A fromEndpoints/toEndpoints selector for a pod peer, or the reason there is none.</summary>
    public static (JsonObject? Selector, string? Problem) Peer(PodPeer peer, string? ns, string? subjectNamespace)
    {
        if (PodAtoms(peer.Pods) is not { } pods)
        {
            return (null, $"selector {LabelAtoms.Text(peer.Pods)} is no Cilium endpoint selector (it needs OR, NOT or a key Cilium reserves)");
        }
        var scope = peer.Namespaces is SameNamespaceAsSubject && subjectNamespace is not null ? new InNamespace(subjectNamespace) : peer.Namespaces;
        if (KubernetesNamespaces(scope) is not { } namespaces)
        {
            return (null, scope switch
            {
                SameNamespaceAsSubject => "Cilium has no \"same namespace as the subject\" peer for a subject spanning namespaces",
                NamespacesSharingLabels => "Cilium has no peer for namespaces sharing label values with the subject's",
                _ => "the namespace selector is no Cilium endpoint selector",
            });
        }
        IEnumerable<LabelAtom> added = namespaces.Select(Mapped);
        if (ns is not null && KubernetesShapes.IsOnly(namespaces, ns))
        {
            added = []; // the policy's own namespace is what Cilium adds
        }
        else if (ns is not null && namespaces.Count == 0)
        {
            // Naming the namespace key stops Cilium adding the policy's own namespace: every namespace.
            added = [LabelAtom.Of(NamespaceKey, SelectorOperator.Exists, [])];
        }
        return (SelectorWriter.Kubernetes([.. pods, .. added]), null);
    }

    private static IReadOnlyList<LabelAtom>? PodAtoms(Selector pods)
    {
        var atoms = LabelAtoms.Conjunction(pods);
        return atoms is null || atoms.Any(a => !a.IsKubernetes || IsReserved(a.Key)) ? null : atoms;
    }

    private static IReadOnlyList<LabelAtom>? KubernetesNamespaces(NamespaceScope scope)
    {
        var atoms = Canonical.NamespaceAtoms(scope);
        return atoms is null || atoms.Any(a => !a.IsKubernetes) ? null : atoms;
    }

    /// <summary>Keys Cilium reads as something other than a pod label (namespace, service account, cluster, a label source).</summary>
    private static bool IsReserved(string key) =>
        key == NamespaceKey || key.StartsWith(NamespaceLabelsPrefix, StringComparison.Ordinal) || key.Contains(':', StringComparison.Ordinal)
        || key.StartsWith("io.cilium.k8s.policy.", StringComparison.Ordinal);

    private static LabelAtom Mapped(LabelAtom atom) => atom with
    {
        Key = atom.Key == NamespaceView.NameLabel ? NamespaceKey : NamespaceLabelsPrefix + atom.Key,
    };
}
