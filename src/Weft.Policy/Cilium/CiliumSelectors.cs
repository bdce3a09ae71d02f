using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Model;
using Weft.Policy.Ir;
using ModelOperator = Weft.Model.LabelOperator;

namespace Weft.Policy.Cilium;

/// <summary>
/// One Cilium EndpointSelector taken apart. Cilium keys carry a label source ("k8s:app", "reserved:host"; a bare
/// key means "any"); pods carry their labels under the k8s source plus synthetic k8s keys for their namespace
/// (io.kubernetes.pod.namespace) and its labels (io.cilium.k8s.namespace.labels.*). Here those become a pod
/// part, a namespace part and any reserved identities the selector names.
/// </summary>
internal sealed class SelectorParts
{
    public Dictionary<string, string> PodLabels { get; } = new(StringComparer.Ordinal);
    public List<LabelRequirement> PodExpressions { get; } = [];

    /// <summary>Requirements on the namespace's labels (the namespace name is kubernetes.io/metadata.name).</summary>
    public List<LabelRequirement> Namespace { get; } = [];

    /// <summary>The selector names io.kubernetes.pod.namespace, so Cilium injects no namespace.</summary>
    public bool NamesNamespace { get; set; }

    /// <summary>The selector names an io.cilium.k8s.namespace.labels.* key, so Cilium injects no namespace.</summary>
    public bool NamesNamespaceLabels { get; set; }

    /// <summary>Reserved identities required ("host", "world", …) and whether each is a plain positive match.</summary>
    public List<(string Name, bool Plain)> Reserved { get; } = [];

    /// <summary>Namespace names of k8s:io.kubernetes.pod.namespace requirements dropped from a CNP's endpointSelector.</summary>
    public List<string> DroppedNamespaces { get; } = [];

    public Selector Pods => Selector.From(new LabelSelector(PodLabels, PodExpressions));

    public Selector Namespaces => Selector.From(new LabelSelector(null, Namespace));

    public bool HasOnlyReserved => PodLabels.Count == 0 && PodExpressions.Count == 0 && Namespace.Count == 0;
}

/// <summary>Reads EndpointSelectors with Cilium's key rules and namespace injection.</summary>
internal sealed partial class CiliumSelectors(CiliumScope scope)
{
    public const string NamespaceKey = "io.kubernetes.pod.namespace";
    public const string NamespaceLabelsPrefix = "io.cilium.k8s.namespace.labels.";
    private const string ServiceAccountKey = "io.cilium.k8s.policy.serviceaccount";
    private const string ClusterKey = "io.cilium.k8s.policy.cluster";

    private static readonly Dictionary<string, Entity> ReservedEntities = new(StringComparer.Ordinal)
    {
        ["host"] = Entity.Host,
        ["remote-node"] = Entity.RemoteNode,
        ["world"] = Entity.World,
        ["world-ipv4"] = Entity.WorldV4,
        ["world-ipv6"] = Entity.WorldV6,
        ["kube-apiserver"] = Entity.KubeApiserver,
        ["ingress"] = Entity.Ingress,
        ["init"] = Entity.Init,
        ["health"] = Entity.Health,
        ["unmanaged"] = Entity.Unmanaged,
        ["none"] = Entity.None,
    };

    /// <summary>
    /// The peer a fromEndpoints/toEndpoints selector means, or null when it can match nothing Weft models. A CNP's
    /// selectors are confined to its namespace unless they name the namespace key or a namespace-label key; a
    /// CCNP's match every namespace (pods only, never reserved identities).
    /// </summary>
    public Peer? EndpointPeer(JsonNode? node, string path)
    {
        if (Read(node, path, nodes: false) is not { } parts)
        {
            return null;
        }
        if (parts.Reserved.Count > 0)
        {
            return ReservedPeer(parts, path);
        }
        NamespaceScope namespaces = parts.NamesNamespace || parts.NamesNamespaceLabels
            ? new NamespacesMatching(parts.Namespaces)
            : scope.Namespace is { } ns ? new InNamespace(ns) : new NamespacesMatching(Selector.All);
        return new PodPeer(parts.Pods, namespaces);
    }

    /// <summary>The pods an endpointSelector selects; a CNP's are always pinned to its own namespace.</summary>
    public Subject Subject(JsonNode? node, string path)
    {
        var parts = Read(node, path, nodes: false, dropK8sNamespace: scope.Namespace is not null) ?? new SelectorParts();
        if (parts.Reserved.Count > 0)
        {
            scope.Warn(path, "selects reserved identities, which are not pods: the rule applies to no pod in Weft");
            return new PodSubject(new NotSelector(Selector.All), new NamespacesMatching(Selector.All));
        }
        if (scope.Namespace is not { } ns)
        {
            return new PodSubject(parts.Pods, new NamespacesMatching(parts.Namespaces));
        }
        foreach (var other in parts.DroppedNamespaces.Where(n => n != ns).Distinct())
        {
            scope.Warn(path, $"namespace \"{other}\" is ignored: a CiliumNetworkPolicy always applies in its own namespace \"{ns}\"");
        }
        if (parts.Namespace.Count == 0)
        {
            return new PodSubject(parts.Pods, new InNamespace(ns));
        }
        var pinned = new LabelRequirement(NamespaceView.NameLabel, ModelOperator.In, [ns]);
        return new PodSubject(parts.Pods, new NamespacesMatching(Selector.From(new LabelSelector(null, [pinned, .. parts.Namespace]))));
    }

    /// <summary>Nodes by their labels (fromNodes/toNodes); the k8s, any and node sources all name node labels.</summary>
    public Peer? NodePeer(JsonNode? node, string path) =>
        Read(node, path, nodes: true) is { } parts ? new NodePeer(parts.Pods) : null;

    /// <summary>Validates a selector whose meaning Weft does not compile (a host policy's nodeSelector).</summary>
    public void Validate(JsonNode? node, string path) => Read(node, path, nodes: true);

    private Peer? ReservedPeer(SelectorParts parts, string path)
    {
        if (parts.Reserved.Count == 1 && parts.Reserved[0].Plain && parts.HasOnlyReserved
            && ReservedEntities.TryGetValue(parts.Reserved[0].Name, out var entity))
        {
            return new EntityPeer(entity);
        }
        scope.Warn(path, "a selector on reserved labels other than one plain reserved identity is not modelled: it matches nothing in Weft");
        return null;
    }

    private SelectorParts? Read(JsonNode? node, string path, bool nodes, bool dropK8sNamespace = false)
    {
        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(node, path);
        }
        catch (FormatException e)
        {
            var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
            scope.Errors.Add(colon < 0 ? path : e.Message[..colon], colon < 0 ? e.Message : e.Message[(colon + 2)..]);
            return null;
        }
        var parts = new SelectorParts();
        var ok = true;
        foreach (var (key, value) in selector.MatchLabels)
        {
            ok &= CheckKey(key, $"{path}.matchLabels");
            if (!NameRules.IsLabelValue(value))
            {
                scope.Errors.Invalid($"{path}.matchLabels", value, "a valid label must be an empty string or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
                ok = false;
            }
            Add(parts, key, new LabelRequirement(key, ModelOperator.In, [value]), $"{path}.matchLabels", nodes, dropK8sNamespace);
        }
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            var expression = selector.MatchExpressions[i];
            ok &= CheckKey(expression.Key, $"{path}.matchExpressions[{i}].key");
            for (var j = 0; j < expression.Values.Count; j++)
            {
                if (!NameRules.IsLabelValue(expression.Values[j]))
                {
                    scope.Errors.Invalid($"{path}.matchExpressions[{i}].values[{j}]", expression.Values[j], "a valid label must be an empty string or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
                    ok = false;
                }
            }
            Add(parts, expression.Key, expression, $"{path}.matchExpressions[{i}]", nodes, dropK8sNamespace);
        }
        return ok ? parts : null;
    }

    /// <summary>Files one requirement (whose key is <paramref name="written"/>) under the part it constrains.</summary>
    private void Add(SelectorParts parts, string written, LabelRequirement requirement, string path, bool nodes, bool dropK8sNamespace)
    {
        var colon = written.IndexOf(':', StringComparison.Ordinal);
        var source = colon < 0 ? "any" : written[..colon];
        var key = colon < 0 ? written : written[(colon + 1)..];
        if (source == "reserved")
        {
            var plain = requirement.Operator == ModelOperator.Exists
                || (requirement.Operator == ModelOperator.In && requirement.Values is [""]);
            parts.Reserved.Add((key, plain));
            return;
        }
        var known = source is "k8s" or "any" || (nodes && source == "node");
        if (!known)
        {
            // Cilium compares sources exactly: "K8s:app" is not "k8s:app", and no pod label has that source.
            scope.Warn(path, $"label key \"{written}\" has source \"{source}\", which no pod label has (sources are case-sensitive; pod labels are k8s:, and a bare or any: key matches them): every pod lacks this label");
            AddPod(parts, new LabelRequirement(written, requirement.Operator, requirement.Values));
            return;
        }
        if (!nodes && key == NamespaceKey)
        {
            parts.NamesNamespace = true;
            if (dropK8sNamespace && source == "k8s")
            {
                parts.DroppedNamespaces.AddRange(requirement.Values);
                return;
            }
            parts.Namespace.Add(new LabelRequirement(NamespaceView.NameLabel, requirement.Operator, requirement.Values));
            return;
        }
        if (!nodes && key.StartsWith(NamespaceLabelsPrefix, StringComparison.Ordinal))
        {
            parts.NamesNamespaceLabels = true;
            parts.Namespace.Add(new LabelRequirement(key[NamespaceLabelsPrefix.Length..], requirement.Operator, requirement.Values));
            return;
        }
        if (!nodes && key == ServiceAccountKey)
        {
            AddPod(parts, new LabelRequirement(ReservedLabels.ServiceAccount, requirement.Operator, requirement.Values));
            return;
        }
        if (!nodes && key == ClusterKey)
        {
            scope.Warn(path, $"\"{key}\" is not modelled yet (Weft's pods have no cluster label): every pod lacks this label");
        }
        AddPod(parts, new LabelRequirement(key, requirement.Operator, requirement.Values));
    }

    private static void AddPod(SelectorParts parts, LabelRequirement requirement)
    {
        // "k8s:app" and "app" name the same pod label; a second equality on it must hold too, not replace the first.
        if (requirement.Operator == ModelOperator.In && requirement.Values.Count == 1 && parts.PodLabels.TryAdd(requirement.Key, requirement.Values[0]))
        {
            return;
        }
        parts.PodExpressions.Add(requirement);
    }

    /// <summary>Cilium's key rule: at most one ':' with an alphanumeric source before it, a qualified name after it.</summary>
    private bool CheckKey(string key, string path)
    {
        var pieces = key.Split(':');
        if (pieces.Length > 2)
        {
            scope.Errors.Invalid(path, key, "a valid label key only supports ':' as a source separator, with a non-empty source");
            return false;
        }
        if (pieces.Length == 2 && !SourcePattern().IsMatch(pieces[0]))
        {
            scope.Errors.Invalid(path, key, "label source should be a non empty string with only alphanumeric characters");
            return false;
        }
        if (!NameRules.IsQualifiedName(pieces[^1]))
        {
            scope.Errors.Invalid(path, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'");
            return false;
        }
        return true;
    }

    [GeneratedRegex(@"^[A-Za-z0-9]+\z")]
    private static partial Regex SourcePattern();
}
