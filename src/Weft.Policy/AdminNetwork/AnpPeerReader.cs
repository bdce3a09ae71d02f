using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.AdminNetwork;

/// <summary>One peer element as read: its IR peers, whether it names addresses (no named ports there), or that no field was known.</summary>
internal sealed record AnpPeer(IReadOnlyList<Peer> Peers, bool IsAddressPeer, IReadOnlyList<string> UnknownFields)
{
    /// <summary>Only fields this version does not know: upstream's version-skew case, which must fail closed.</summary>
    public bool IsUnknown => Peers.Count == 0 && UnknownFields.Count > 0;
}

/// <summary>Reads subjects and peers, v1alpha1 (both the current and the pre-2024 namespaces/pods shapes) and v1alpha2.</summary>
internal sealed class AnpPeerReader(AnpKind kind, FieldErrorList errors, List<string> warnings, string objectRef)
{
    private static readonly string[] IngressFields = ["namespaces", "pods"];
    private static readonly string[] AllPeerFields = ["namespaces", "pods", "nodes", "networks", "domainNames"];
    private static readonly string[] LegacyNamespaceFields = ["namespaceSelector", "sameLabels", "notSameLabels"];

    private readonly NetworkPolicyReader _selectors = new("", errors);

    public Subject? Subject(JsonNode? node, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj || AnpJson.OneOf(errors, obj, path, IngressFields) is not { } field)
        {
            return null;
        }
        if (field == "namespaces")
        {
            return new PodSubject(Ir.Selector.All, new NamespacesMatching(Selector(obj[field], $"{path}.namespaces")));
        }
        return NamespacedPod(obj[field], $"{path}.pods") is var (pods, namespaces) ? new PodSubject(pods, namespaces) : null;
    }

    /// <summary>One element of from/to; null after reporting an error.</summary>
    public AnpPeer? Peer(JsonNode? node, Direction direction, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj)
        {
            return null;
        }
        IReadOnlyList<string> allowed = direction == Direction.Ingress ? IngressFields : kind.EgressPeerFields;
        var present = obj.Where(kv => kv.Value is not null).Select(kv => kv.Key).ToList();
        var misplaced = present.Where(f => AllPeerFields.Contains(f) && !allowed.Contains(f)).ToList();
        foreach (var f in misplaced)
        {
            errors.Forbidden($"{path}.{f}", f == "domainNames" && !kind.HasDomainNames ? $"not supported by {kind.Kind}" : "only allowed in egress peers");
        }
        var unknown = present.Where(f => !AllPeerFields.Contains(f)).ToList();
        var known = present.Where(allowed.Contains).ToList();
        if (misplaced.Count > 0)
        {
            return null;
        }
        if (known.Count == 0)
        {
            if (unknown.Count == 0)
            {
                errors.Required(path, $"exactly one of {string.Join(", ", allowed)} must be set");
                return null;
            }
            return new AnpPeer([], false, unknown);
        }
        if (known.Count > 1)
        {
            errors.Forbidden(path, $"only one of {string.Join(", ", allowed)} may be set, found {string.Join(", ", known)}");
            return null;
        }
        if (unknown.Count > 0)
        {
            warnings.Add($"{objectRef}: {path}: unknown field(s) {string.Join(", ", unknown)} ignored");
        }
        var field = known[0];
        var fieldPath = $"{path}.{field}";
        IReadOnlyList<Peer>? peers = field switch
        {
            "namespaces" => [new PodPeer(Ir.Selector.All, Namespaces(obj[field], fieldPath))],
            "pods" => Pods(obj[field], fieldPath),
            "nodes" => [new NodePeer(Selector(obj[field], fieldPath))],
            "networks" => Networks(obj[field], fieldPath),
            _ => DomainNames(obj[field], fieldPath),
        };
        return peers is null ? null : new AnpPeer(peers, field is "nodes" or "networks" or "domainNames", []);
    }

    private IReadOnlyList<Peer>? Pods(JsonNode? node, string path)
    {
        // Before March 2024 the pods peer was {namespaces: {namespaceSelector | sameLabels | notSameLabels}, podSelector}.
        if (!kind.IsV1Alpha2 && node is JsonObject legacy && legacy["namespaces"] is not null)
        {
            if (legacy["podSelector"] is null)
            {
                errors.Required($"{path}.podSelector");
                return null;
            }
            return [new PodPeer(Selector(legacy["podSelector"], $"{path}.podSelector"), LegacyNamespaces(legacy["namespaces"], $"{path}.namespaces"))];
        }
        return NamespacedPod(node, path) is var (pods, namespaces) ? [new PodPeer(pods, namespaces)] : null;
    }

    /// <summary>{namespaceSelector, podSelector}: both required in v1alpha1; v1alpha2 defaults the namespaces to all.</summary>
    private (Selector Pods, NamespaceScope Namespaces)? NamespacedPod(JsonNode? node, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj)
        {
            return null;
        }
        var ok = true;
        if (obj["podSelector"] is null)
        {
            errors.Required($"{path}.podSelector");
            ok = false;
        }
        if (obj["namespaceSelector"] is null && !kind.IsV1Alpha2)
        {
            errors.Required($"{path}.namespaceSelector");
            ok = false;
        }
        var pods = Selector(obj["podSelector"], $"{path}.podSelector");
        var namespaces = Selector(obj["namespaceSelector"], $"{path}.namespaceSelector");
        return ok ? (pods, new NamespacesMatching(namespaces)) : null;
    }

    /// <summary>A label selector, or in v1alpha1 also the pre-2024 {namespaceSelector | sameLabels | notSameLabels}.</summary>
    private NamespaceScope Namespaces(JsonNode? node, string path) =>
        !kind.IsV1Alpha2 && node is JsonObject { Count: > 0 } obj && obj.All(kv => LegacyNamespaceFields.Contains(kv.Key))
            ? LegacyNamespaces(obj, path)
            : new NamespacesMatching(Selector(node, path));

    private NamespaceScope LegacyNamespaces(JsonNode? node, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj || AnpJson.OneOf(errors, obj, path, LegacyNamespaceFields) is not { } field)
        {
            return new NamespacesMatching(Ir.Selector.All);
        }
        if (field == "namespaceSelector")
        {
            return new NamespacesMatching(Selector(obj[field], $"{path}.namespaceSelector"));
        }
        var keys = new List<string>();
        var list = AnpJson.List(errors, obj[field], $"{path}.{field}", 1, int.MaxValue) ?? [];
        for (var i = 0; i < list.Count; i++)
        {
            if (AnpJson.Text(list[i]) is { } key && NameRules.IsQualifiedName(key))
            {
                keys.Add(key);
            }
            else
            {
                errors.Invalid($"{path}.{field}[{i}]", list[i], "must be a label key (an optional DNS subdomain prefix and '/', then at most 63 alphanumerics, '-', '_' or '.')");
            }
        }
        return new NamespacesSharingLabels(keys, field == "sameLabels");
    }

    private List<Peer>? Networks(JsonNode? node, string path)
    {
        var list = AnpJson.List(errors, node, path, 1, 25) ?? [];
        var peers = new List<Peer>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var text = AnpJson.Text(list[i]);
            var cidr = text is { Length: <= 43 } ? Cidr.TryParse(text) : null;
            if (cidr is null)
            {
                errors.Invalid($"{path}[{i}]", list[i], "Invalid CIDR format provided");
            }
            else if (!seen.Add(text!))
            {
                errors.Add($"{path}[{i}]", $"Duplicate value: \"{text}\"");
            }
            else
            {
                // ANP networks match before service translation and include pod addresses.
                peers.Add(new IpBlockPeer(cidr, [], MatchesClusterIPs: true));
            }
        }
        return peers.Count == list.Count ? peers : null;
    }

    private List<Peer>? DomainNames(JsonNode? node, string path)
    {
        var list = AnpJson.List(errors, node, path, 1, 25) ?? [];
        var peers = new List<Peer>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            var text = AnpJson.Text(list[i]);
            if (text is null || !AnpDomainNames.IsValid(text))
            {
                errors.Invalid($"{path}[{i}]", list[i], "should be a domain name, optionally with a \"*.\" prefix");
            }
            else if (!seen.Add(text))
            {
                errors.Add($"{path}[{i}]", $"Duplicate value: \"{text}\"");
            }
            else
            {
                peers.Add(new FqdnPeer(AnpDomainNames.Normalize(text), FqdnFlavor.AnpDomain));
            }
        }
        if (peers.Count == list.Count && list.Count > 0)
        {
            warnings.Add($"{objectRef}: {path}: FQDN peers are not enforced yet; this peer matches no traffic");
        }
        return peers.Count == list.Count ? peers : null;
    }

    private Selector Selector(JsonNode? node, string path) => _selectors.Selector(node, path);
}
