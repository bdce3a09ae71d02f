using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Antrea;

/// <summary>appliedTo entries (the subjects) and rule peers.</summary>
internal sealed partial class AntreaReader
{
    private static readonly string[] AppliedToFields =
        ["podSelector", "namespaceSelector", "group", "serviceAccount", "service", "nodeSelector", "externalEntitySelector"];

    private static readonly string[] PeerFields =
        ["ipBlock", "podSelector", "namespaceSelector", "namespaces", "externalEntitySelector", "group", "fqdn", "serviceAccount", "nodeSelector", "scope"];

    /// <summary>The pods an appliedTo list selects; <see cref="ToService"/> when it names NodePort Services.</summary>
    private sealed record Targets(IReadOnlyList<PodSubject> Subjects, bool ToService);

    /// <param name="ruleDirection">The rule's direction for a rule-level list; null for spec.appliedTo.</param>
    private Targets AppliedTo(IReadOnlyList<JsonNode?> list, string path, Direction? ruleDirection, bool policyHasEgress)
    {
        var subjects = new List<PodSubject>();
        var services = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var entryPath = $"{path}[{i}]";
            if (list[i] is not JsonObject entry)
            {
                _errors.Invalid(entryPath, list[i], "must be an object");
                continue;
            }
            if (entry["ipBlock"] is not null)
            {
                _errors.Forbidden($"{entryPath}.ipBlock", "ipBlock is not allowed in appliedTo");
            }
            var set = AppliedToFields.Where(f => entry[f] is not null).ToList();
            if (set.Count > 1 && set.FirstOrDefault(f => f is "group" or "nodeSelector" or "serviceAccount" or "service") is { } alone)
            {
                _errors.Forbidden(entryPath, $"{alone} cannot be set with other peers in appliedTo");
                continue;
            }
            if (entry["service"] is not null)
            {
                services++;
                if (ruleDirection == Direction.Egress || (ruleDirection is null && policyHasEgress))
                {
                    _errors.Forbidden($"{entryPath}.service", "egress rule cannot be applied to Services");
                }
            }
            if (!IsCluster && entry["namespaceSelector"] is not null)
            {
                _errors.Forbidden($"{entryPath}.namespaceSelector", "namespaceSelector is not allowed in the appliedTo of an Antrea NetworkPolicy");
            }
            subjects.AddRange(AppliedToEntry(entry, entryPath));
        }
        if (services > 0 && services < list.Count)
        {
            _errors.Forbidden(path, "a rule/policy cannot be applied to Services and other peers at the same time");
        }
        return new Targets(subjects, services > 0);
    }

    private IEnumerable<PodSubject> AppliedToEntry(JsonObject entry, string path)
    {
        if (Text(entry["group"]) is { } group)
        {
            return GroupSubjects(group, $"{path}.group");
        }
        if (entry["serviceAccount"] is { } account)
        {
            return ServiceAccount(account, $"{path}.serviceAccount") is { } sa ? [new PodSubject(sa.Pods, sa.Namespaces)] : [];
        }
        if (entry["service"] is not null)
        {
            Warn($"{path}.service", "policies applied to NodePort Services are not enforced yet: this appliedTo selects no pods");
            return [];
        }
        if (entry["nodeSelector"] is { } nodes)
        {
            _k8s.Selector(nodes, $"{path}.nodeSelector");
            Warn($"{path}.nodeSelector", "Node policies are not enforced yet: this appliedTo selects no pods");
            return [];
        }
        if (entry["externalEntitySelector"] is { } entities)
        {
            _k8s.Selector(entities, $"{path}.externalEntitySelector");
            Warn($"{path}.externalEntitySelector", "ExternalEntities are not supported: this appliedTo selects no pods");
            return [];
        }
        var (pods, scope) = PodsAndNamespaces(entry, path);
        return [new PodSubject(pods, scope)];
    }

    /// <summary>
    /// podSelector and namespaceSelector ANDed. Without namespaceSelector a ClusterNetworkPolicy selects in every
    /// namespace and a NetworkPolicy in its own.
    /// </summary>
    private (Selector Pods, NamespaceScope Scope) PodsAndNamespaces(JsonObject entry, string path)
    {
        var pods = entry["podSelector"] is { } p ? _k8s.Selector(p, $"{path}.podSelector") : Selector.All;
        NamespaceScope scope = entry["namespaceSelector"] is { } ns
            ? new NamespacesMatching(_k8s.Selector(ns, $"{path}.namespaceSelector"))
            : IsCluster ? new NamespacesMatching(Selector.All) : new InNamespace(_namespace!);
        return (pods, scope);
    }

    /// <summary>Pods running as {namespace, name}: the reserved service-account label in that namespace, as Antrea matches them.</summary>
    private PodPeer? ServiceAccount(JsonNode node, string path)
    {
        if (node is not JsonObject account || Text(account["name"]) is not { Length: > 0 } name
            || Text(account["namespace"]) is not { Length: > 0 } ns)
        {
            _errors.Required(path, "serviceAccount needs name and namespace");
            return null;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { [ReservedLabels.ServiceAccount] = name };
        return new PodPeer(Selector.From(new LabelSelector(labels)), new InNamespace(ns));
    }

    /// <summary>from/to (or toServices) of one rule. Empty from/to means every peer.</summary>
    private List<Peer> RulePeers(JsonObject rule, Direction direction, string path, bool appliedToService)
    {
        var field = direction == Direction.Ingress ? "from" : "to";
        var wrong = direction == Direction.Ingress ? "to" : "from";
        if (rule[wrong] is not null)
        {
            _errors.Forbidden($"{path}.{wrong}", $"{direction.ToString().ToLowerInvariant()} rules take `{field}`");
        }
        var list = _k8s.List(rule[field], $"{path}.{field}");
        if (rule["toServices"] is { } services)
        {
            ToServices(rule, services, direction, path);
            // The toServices destinations are not modelled: the rule matches no peer rather than every peer.
            return [];
        }
        if (list.Count == 0)
        {
            return [new AnyPeer()];
        }
        var peers = new List<Peer>();
        for (var i = 0; i < list.Count; i++)
        {
            var peerPath = $"{path}.{field}[{i}]";
            if (list[i] is not JsonObject peer)
            {
                _errors.Invalid(peerPath, list[i], "must be an object");
                continue;
            }
            if (appliedToService && direction == Direction.Ingress && (peer["ipBlock"] is null || PeerFields.Count(f => peer[f] is not null) > 1))
            {
                _errors.Forbidden(peerPath, "a rule/policy that is applied to Services can only use ipBlock to select workloads");
            }
            peers.AddRange(Peer(peer, direction, peerPath));
        }
        return peers;
    }

    private void ToServices(JsonObject rule, JsonNode services, Direction direction, string path)
    {
        if (direction == Direction.Ingress)
        {
            _errors.Forbidden($"{path}.toServices", "toServices can only be set in egress rules");
            return;
        }
        if (rule["to"] is JsonArray { Count: > 0 } || rule["ports"] is not null || rule["protocols"] is not null)
        {
            _errors.Forbidden($"{path}.toServices", "`toServices` cannot be used with `to`, `ports` or `protocols`");
        }
        var list = _k8s.List(services, $"{path}.toServices");
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject s || Text(s["name"]) is not { Length: > 0 })
            {
                _errors.Required($"{path}.toServices[{i}].name");
            }
        }
        Warn($"{path}.toServices", "Service destinations (ClusterIP) are not enforced yet: the rule matches no destination");
    }

    private IEnumerable<Peer> Peer(JsonObject peer, Direction direction, string path)
    {
        var set = PeerFields.Where(f => peer[f] is not null).ToList();
        if (peer["namespaceSelector"] is not null && peer["namespaces"] is not null)
        {
            _errors.Forbidden(path, "namespaces and namespaceSelector cannot be set at the same time for a single NetworkPolicyPeer");
        }
        // Antrea itself ignores the other fields next to ipBlock and fqdn; Weft rejects them rather than guess.
        if (set.Count > 1 && set.FirstOrDefault(f => f is "group" or "serviceAccount" or "nodeSelector" or "ipBlock" or "fqdn") is { } alone)
        {
            _errors.Forbidden(path, $"{alone} cannot be set with other peers in rules");
            return [];
        }
        Scope(peer["scope"], direction, $"{path}.scope");
        if (peer["ipBlock"] is { } block)
        {
            return IpBlock(block, $"{path}.ipBlock") is { } ip ? [ip] : [];
        }
        if (peer["group"] is { } groupNode)
        {
            return Text(groupNode) is { Length: > 0 } group ? GroupPeers(group, $"{path}.group") : Invalid($"{path}.group", groupNode, "must be a group name");
        }
        if (peer["fqdn"] is { } fqdn)
        {
            return Fqdn(fqdn, direction, $"{path}.fqdn") is { } f ? [f] : [];
        }
        if (peer["serviceAccount"] is { } account)
        {
            return ServiceAccount(account, $"{path}.serviceAccount") is { } sa ? [sa] : [];
        }
        if (peer["nodeSelector"] is { } nodes)
        {
            return [new NodePeer(_k8s.Selector(nodes, $"{path}.nodeSelector"))];
        }
        if (peer["externalEntitySelector"] is { } entities)
        {
            _k8s.Selector(entities, $"{path}.externalEntitySelector");
            Warn($"{path}.externalEntitySelector", "ExternalEntities are not supported: the peer matches nothing");
            return [];
        }
        if (peer["namespaces"] is { } namespaces)
        {
            var pods = peer["podSelector"] is { } p ? _k8s.Selector(p, $"{path}.podSelector") : Selector.All;
            return Namespaces(namespaces, $"{path}.namespaces") is { } scope ? [new PodPeer(pods, scope)] : [];
        }
        var (selector, ns) = PodsAndNamespaces(peer, path);
        return [new PodPeer(selector, ns)];
    }

    private Peer[] Invalid(string path, JsonNode? node, string why)
    {
        _errors.Invalid(path, node, why);
        return [];
    }

    /// <summary>namespaces: exactly one of match: Self or sameLabels (ClusterNetworkPolicy only).</summary>
    private NamespaceScope? Namespaces(JsonNode node, string path)
    {
        if (!IsCluster)
        {
            _errors.Forbidden(path, "namespaces can only be set in ClusterNetworkPolicy rules");
            return null;
        }
        if (node is not JsonObject namespaces)
        {
            _errors.Invalid(path, node, "must be an object");
            return null;
        }
        var match = namespaces["match"];
        var sameLabels = namespaces["sameLabels"];
        if (match is not null && sameLabels is not null)
        {
            _errors.Forbidden(path, "only one matching criteria can be specified in a single peer namespaces field");
            return null;
        }
        if (match is not null)
        {
            if (Text(match) != "Self")
            {
                _errors.Unsupported($"{path}.match", match, "Self");
                return null;
            }
            return new SameNamespaceAsSubject();
        }
        if (sameLabels is null)
        {
            _errors.Required(path, "set match or sameLabels");
            return null;
        }
        if (_v1Alpha1)
        {
            _errors.Add($"{path}.sameLabels", $"Unknown field: not in the {AntreaPolicies.V1Alpha1} schema (sameLabels needs {AntreaPolicies.V1Beta1})");
            return null;
        }
        var keys = _k8s.List(sameLabels, $"{path}.sameLabels");
        var result = new List<string>();
        for (var i = 0; i < keys.Count; i++)
        {
            if (Text(keys[i]) is { } key && NameRules.IsQualifiedName(key))
            {
                result.Add(key);
            }
            else
            {
                _errors.Invalid($"{path}.sameLabels[{i}]", keys[i], $"Invalid label key in sameLabels rule: {Text(keys[i])}");
            }
        }
        if (keys.Count == 0)
        {
            _errors.Required($"{path}.sameLabels");
        }
        return new NamespacesSharingLabels(result, Same: true);
    }

    private void Scope(JsonNode? node, Direction direction, string path)
    {
        if (node is null)
        {
            return;
        }
        if (direction == Direction.Egress)
        {
            _errors.Forbidden(path, "scope can only be set in ingress peers");
            return;
        }
        switch (Text(node))
        {
            case "Cluster":
                break;
            case "ClusterSet":
                Warn(path, "multi-cluster scope is not supported: the peer is matched in this cluster only");
                break;
            default:
                _errors.Unsupported(path, node, "Cluster", "ClusterSet");
                break;
        }
    }
}
