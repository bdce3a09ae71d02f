using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Antrea;

/// <summary>
/// ClusterGroup (for ClusterNetworkPolicy) and Group (for NetworkPolicy, in its namespace) references, resolved
/// from the context into the pods and addresses they stand for.
/// </summary>
internal sealed partial class AntreaReader
{
    /// <summary>What a group stands for: pod selections and address blocks.</summary>
    private sealed record GroupMembers(List<PodPeer> Pods, List<IpBlockPeer> Blocks, bool HasNamespaceSelector);

    private List<Peer> GroupPeers(string name, string path) =>
        ResolveGroup(name, path, nested: false) is { } members ? [.. members.Pods, .. members.Blocks] : [];

    /// <summary>As appliedTo: address blocks are ignored, as Antrea does (an ipBlock-only group selects nothing).</summary>
    private List<PodSubject> GroupSubjects(string name, string path)
    {
        if (ResolveGroup(name, path, nested: false) is not { } members)
        {
            return [];
        }
        if (!IsCluster && members.HasNamespaceSelector)
        {
            // Antrea marks such a policy Unrealizable: it enforces nothing of it.
            Warn(path, $"Group {name} has a namespaceSelector, which Antrea cannot apply a NetworkPolicy to: this appliedTo selects no pods");
            return [];
        }
        if (members.Blocks.Count > 0)
        {
            Warn(path, $"{GroupKind} {name}: ipBlocks are ignored in appliedTo");
        }
        return [.. members.Pods.Select(p => new PodSubject(p.Pods, p.Namespaces))];
    }

    private string GroupKind => IsCluster ? "ClusterGroup" : "Group";

    private GroupMembers? ResolveGroup(string name, string path, bool nested)
    {
        var group = _context.Find(AntreaPolicies.Group, GroupKind, _namespace, name);
        if (group is null)
        {
            _errors.Add(path, $"Not found: \"{name}\": {GroupKind} {name} does not exist");
            return null;
        }
        var spec = group.Spec ?? [];
        var members = new GroupMembers([], [], spec["namespaceSelector"] is not null);
        var where = $"{GroupKind} {name}";
        if (spec["childGroups"] is { } children)
        {
            if (nested)
            {
                _errors.Invalid(path, name, $"{where} is a child group and must not have childGroups itself");
                return null;
            }
            foreach (var child in _k8s.List(children, path).Select(Text).OfType<string>())
            {
                if (ResolveGroup(child, path, nested: true) is { } m)
                {
                    members.Pods.AddRange(m.Pods);
                    members.Blocks.AddRange(m.Blocks);
                }
            }
            return members;
        }
        if (spec["podSelector"] is not null || spec["namespaceSelector"] is not null)
        {
            var pods = GroupSelector(spec["podSelector"], path, where, "podSelector") ?? Selector.All;
            var ns = GroupSelector(spec["namespaceSelector"], path, where, "namespaceSelector");
            // A Group's bare podSelector selects in its own namespace; a ClusterGroup's in every namespace.
            NamespaceScope scope = ns is not null ? new NamespacesMatching(ns)
                : IsCluster ? new NamespacesMatching(Selector.All) : new InNamespace(_namespace!);
            members.Pods.Add(new PodPeer(pods, scope));
        }
        // ipBlocks (v1alpha3 and later) and the older single ipBlock.
        var blocks = spec["ipBlocks"] is JsonArray list ? [.. list] : spec["ipBlock"] is { } one ? new List<JsonNode?> { one } : [];
        foreach (var block in blocks)
        {
            if (Cidr.TryParse(Text(block?["cidr"]) ?? "") is { } cidr)
            {
                var exceptTexts = _k8s.List(block?["except"], path).Select(e => Text(e) ?? "").ToList();
                var except = exceptTexts.Select(Cidr.TryParse).OfType<Cidr>().Where(cidr.StrictlyContains).ToList();
                if (except.Count != exceptTexts.Count)
                {
                    // Dropping a bad except would widen the block; refuse instead.
                    _errors.Invalid(path, name, $"{where}: ipBlocks: except of {cidr} must be CIDRs strictly inside it");
                    continue;
                }
                members.Blocks.Add(new IpBlockPeer(cidr, except));
            }
            else
            {
                _errors.Invalid(path, name, $"{where}: ipBlocks: {Text(block?["cidr"])} is not a valid CIDR");
            }
        }
        if (spec["serviceReference"] is JsonObject service)
        {
            ServiceReference(service, path, where, members);
        }
        if (spec["externalEntitySelector"] is not null)
        {
            Warn(path, $"{where}: ExternalEntities are not supported: its externalEntitySelector matches nothing");
        }
        return members;
    }

    private Selector? GroupSelector(JsonNode? node, string path, string where, string field)
    {
        if (node is null)
        {
            return null;
        }
        try
        {
            return Selector.From(LabelSelector.Parse(node, field));
        }
        catch (FormatException e)
        {
            _errors.Add(path, $"Invalid value: {where}: {e.Message}");
            return null;
        }
    }

    /// <summary>The Service's selected pods; the Service object must be among the context's objects.</summary>
    private void ServiceReference(JsonObject reference, string path, string where, GroupMembers members)
    {
        var name = Text(reference["name"]) ?? "";
        var ns = Text(reference["namespace"]) ?? _namespace ?? "default";
        var service = _context.Find("", "Service", ns, name);
        if (service?.Spec?["selector"] is JsonObject selector && selector.Count > 0)
        {
            var labels = selector.ToDictionary(kv => kv.Key, kv => Text(kv.Value) ?? kv.Value?.ToJsonString() ?? "", StringComparer.Ordinal);
            members.Pods.Add(new PodPeer(Selector.From(new LabelSelector(labels)), new InNamespace(ns)));
            return;
        }
        Warn(path, $"{where}: serviceReference {ns}/{name} is not among the given objects or has no selector: it matches no pods");
    }
}
