using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Cilium;

/// <summary>Reads a rule's L3 fields (fromEndpoints, toCIDR, toEntities, toFQDNs, …) into peers.</summary>
internal sealed class CiliumPeers(CiliumScope scope)
{
    private static readonly string[] IngressFields = ["fromEndpoints", "fromCIDR", "fromCIDRSet", "fromEntities", "fromNodes", "fromGroups"];
    private static readonly string[] EgressFields = ["toEndpoints", "toCIDR", "toCIDRSet", "toEntities", "toServices", "toNodes", "toGroups", "toFQDNs"];

    private static readonly Dictionary<string, Entity[]> EntityNames = new(StringComparer.Ordinal)
    {
        ["all"] = [Entity.All],
        ["world"] = [Entity.World],
        ["world-ipv4"] = [Entity.WorldV4],
        ["world-ipv6"] = [Entity.WorldV6],
        ["cluster"] = [Entity.Cluster],
        // The local cluster is part of the mesh; listing it keeps evaluators that know only Cluster right.
        ["cluster-mesh"] = [Entity.Cluster, Entity.ClusterMesh],
        ["host"] = [Entity.Host],
        ["remote-node"] = [Entity.RemoteNode],
        ["kube-apiserver"] = [Entity.KubeApiserver],
        ["ingress"] = [Entity.Ingress],
        ["init"] = [Entity.Init],
        ["health"] = [Entity.Health],
        ["unmanaged"] = [Entity.Unmanaged],
        ["none"] = [Entity.None],
    };

    private readonly CiliumSelectors _selectors = new(scope);
    private readonly CiliumL7 _l7 = new(scope);

    /// <summary>
    /// The rule's peers, or null when it names no L3 field at all. A field present but empty (fromEndpoints: [])
    /// selects nothing, unlike an absent one; an empty result means the rule matches no peer.
    /// </summary>
    public List<Peer>? Read(JsonObject rule, string path, RuleKind kind)
    {
        var fields = kind.Direction == Direction.Ingress ? IngressFields : EgressFields;
        var requires = kind.Direction == Direction.Ingress ? "fromRequires" : "toRequires";
        if (scope.List(rule[requires], $"{path}.{requires}") is { Count: > 0 } required)
        {
            scope.Errors.Add($"{path}.{requires}", $"Too many: {required.Count}: must have at most 0 items ({requires} is deprecated and no longer supported)");
        }
        if (kind.Deny && rule["toFQDNs"] is not null)
        {
            scope.Errors.Forbidden($"{path}.toFQDNs", "egressDeny rules do not support toFQDNs");
        }
        var used = fields.Where(f => CiliumJson.HasItems(rule, f)).ToList();
        if (used.Count > 1)
        {
            scope.Errors.Forbidden(path, $"combining {used[0]} and {used[1]} is not supported yet");
            return [];
        }
        var present = fields.Where(f => rule[f] is not null && !(kind.Deny && f == "toFQDNs")).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        var peers = new List<Peer>();
        foreach (var field in present)
        {
            var items = scope.List(rule[field], $"{path}.{field}") ?? [];
            for (var i = 0; i < items.Count; i++)
            {
                peers.AddRange(Field(field, items[i], $"{path}.{field}[{i}]"));
            }
            Unenforced(field, items.Count, $"{path}.{field}");
        }
        return peers;
    }

    private IEnumerable<Peer> Field(string field, JsonNode? item, string path) => field switch
    {
        "fromEndpoints" or "toEndpoints" => _selectors.EndpointPeer(item, path) is { } p ? [p] : [],
        "fromNodes" or "toNodes" => _selectors.NodePeer(item, path) is { } n ? [n] : [],
        "fromCIDR" or "toCIDR" => ParseCidr(item, path) is { } c ? [new IpBlockPeer(c, [], MatchesClusterIPs: false) { OutsideClusterOnly = true }] : [],
        "fromCIDRSet" or "toCIDRSet" => CidrRule(item, path),
        "fromEntities" or "toEntities" => Entities(item, path),
        "toFQDNs" => _l7.Fqdn(item, path) is { } f ? [f] : [],
        "toServices" => Service(item, path),
        _ => Ignored(item, path),
    };

    private List<Peer> Ignored(JsonNode? item, string path)
    {
        scope.Object(item, path);
        return [];
    }

    /// <summary>Fields Weft parses but cannot match on say so; the rule's other parts still apply.</summary>
    private void Unenforced(string field, int count, string path)
    {
        if (count == 0)
        {
            return;
        }
        switch (field)
        {
            case "toFQDNs":
                scope.Warn(path, "toFQDNs is not enforced yet: FQDN peers match no address until Weft observes DNS answers");
                break;
            case "toServices":
                scope.Warn(path, "toServices is not supported yet: the rule matches no Service backend");
                break;
            case "fromGroups" or "toGroups":
                scope.Warn(path, "cloud provider groups are not supported: the rule matches no peer");
                break;
            default:
                break;
        }
    }

    private Cidr? ParseCidr(JsonNode? node, string path)
    {
        var text = scope.String(node, path);
        if (text is null)
        {
            return null;
        }
        if (Cidr.TryParse(text) is { } cidr)
        {
            return cidr;
        }
        scope.Errors.Invalid(path, text, "must be a CIDR, such as 10.0.0.0/8 or 2001:db8::/64");
        return null;
    }

    private IEnumerable<Peer> CidrRule(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } rule)
        {
            return [];
        }
        var set = new[] { "cidr", "cidrGroupRef", "cidrGroupSelector" }.Where(f => rule[f] is not null).ToList();
        if (set.Count != 1)
        {
            if (set.Count == 0)
            {
                scope.Errors.Required(path, "one of cidr, cidrGroupRef, or cidrGroupSelector is required");
            }
            else
            {
                scope.Errors.Forbidden(path, "more than one of cidr, cidrGroupRef, or cidrGroupSelector may not be set");
            }
            return [];
        }
        var exceptNodes = scope.List(rule["except"], $"{path}.except") ?? [];
        if (set[0] != "cidr")
        {
            if (exceptNodes.Count > 0)
            {
                scope.Warn($"{path}.except", "except is ignored with a CIDR group, as in Cilium");
            }
            return CidrGroups(rule, set[0], $"{path}.{set[0]}");
        }
        if (ParseCidr(rule["cidr"], $"{path}.cidr") is not { } cidr)
        {
            return [];
        }
        var except = new List<Cidr>();
        for (var i = 0; i < exceptNodes.Count; i++)
        {
            if (ParseCidr(exceptNodes[i], $"{path}.except[{i}]") is not { } e)
            {
                continue;
            }
            if (e.PrefixLength < cidr.PrefixLength || !cidr.Contains(e.Network))
            {
                scope.Errors.Invalid($"{path}.except[{i}]", CiliumJson.Text(exceptNodes[i]), $"allow CIDR prefix {cidr} does not contain exclude CIDR prefix {e}");
                continue;
            }
            except.Add(e);
        }
        return [new IpBlockPeer(cidr, except, MatchesClusterIPs: false) { OutsideClusterOnly = true }];
    }

    /// <summary>CiliumCIDRGroups by name or label, resolved from the context; an unknown group matches nothing yet.</summary>
    private IEnumerable<Peer> CidrGroups(JsonObject rule, string field, string path)
    {
        List<Resource> groups;
        if (field == "cidrGroupRef")
        {
            var name = scope.String(rule[field], path);
            if (string.IsNullOrEmpty(name) || !NameRules.IsDns1123Subdomain(name))
            {
                scope.Errors.Invalid(path, rule[field], "must be a lowercase RFC 1123 subdomain");
                return [];
            }
            groups = scope.Context.Find("cilium.io", "CiliumCIDRGroup", null, name) is { } g ? [g] : [];
        }
        else
        {
            LabelSelector selector;
            try
            {
                selector = LabelSelector.Parse(rule[field], path);
            }
            catch (FormatException e)
            {
                scope.Errors.Add(path, e.Message);
                return [];
            }
            groups = [.. scope.Context.OfKind("cilium.io", "CiliumCIDRGroup").Where(g => selector.Matches(g.Metadata.Labels))];
        }
        if (groups.Count == 0)
        {
            scope.Warn(path, "no CiliumCIDRGroup known to Weft matches: the entry matches no address until one does");
        }
        return groups
            .SelectMany(g => g.Spec?["externalCIDRs"] as JsonArray ?? [])
            .Select(c => Cidr.TryParse(CiliumJson.Text(c) ?? ""))
            .OfType<Cidr>()
            .Select(c => new IpBlockPeer(c, [], MatchesClusterIPs: false) { OutsideClusterOnly = true });
    }

    private IEnumerable<Peer> Entities(JsonNode? node, string path)
    {
        var name = CiliumJson.Text(node);
        if (name is not null && EntityNames.TryGetValue(name, out var entities))
        {
            return entities.Select(e => new EntityPeer(e));
        }
        scope.Errors.Unsupported(path, node, [.. EntityNames.Keys.Order(StringComparer.Ordinal)]);
        return [];
    }

    private IEnumerable<Peer> Service(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } service)
        {
            return [];
        }
        var byName = scope.Object(service["k8sService"], $"{path}.k8sService");
        var bySelector = scope.Object(service["k8sServiceSelector"], $"{path}.k8sServiceSelector");
        if (byName is null && bySelector is null)
        {
            scope.Errors.Required(path, "one of k8sService or k8sServiceSelector is required");
        }
        if (bySelector is not null)
        {
            if (bySelector["selector"] is null)
            {
                scope.Errors.Required($"{path}.k8sServiceSelector.selector");
            }
            else
            {
                _selectors.Validate(bySelector["selector"], $"{path}.k8sServiceSelector.selector");
            }
        }
        return [];
    }
}
