using System.Text.Json.Nodes;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.AdminNetwork;

/// <summary>One rule as read, before it is placed on the ladder.</summary>
internal sealed record AnpRule(string? Name, RuleAction Action, IReadOnlyList<Peer> Peers, IReadOnlyList<PortMatch> Ports);

/// <summary>Reads the subject and the rules of one policy, reporting every bad field instead of stopping at the first.</summary>
internal sealed class AnpRuleReader(AnpKind kind, FieldErrorList errors, List<string> warnings, string objectRef)
{
    private readonly AnpPeerReader _peers = new(kind, errors, warnings, objectRef);
    private readonly AnpPortReader _ports = new(errors);

    public Subject? Subject(JsonNode? node, string path) => _peers.Subject(node, path);

    /// <summary>One ingress or egress rule; null when it has errors (they are in the error list).</summary>
    public AnpRule? Rule(JsonNode? node, Direction direction, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } rule)
        {
            return null;
        }
        var errorsBefore = errors.List.Count;
        var name = Name(rule["name"], $"{path}.name");
        var actionWord = AnpJson.Text(rule["action"]);
        if (rule["action"] is null)
        {
            errors.Required($"{path}.action");
        }
        else if (actionWord is null || !kind.Actions.Contains(actionWord))
        {
            errors.Unsupported($"{path}.action", rule["action"], [.. kind.Actions]);
        }

        var peerField = direction == Direction.Ingress ? "from" : "to";
        var peerPath = $"{path}.{peerField}";
        var peerNodes = AnpJson.List(errors, rule[peerField], peerPath, 1, kind.MaxPeers);
        if (peerNodes is null)
        {
            errors.Required(peerPath);
        }
        var peers = (peerNodes ?? []).Select((p, i) => _peers.Peer(p, direction, $"{peerPath}[{i}]")).ToList();

        var portField = kind.IsV1Alpha2 ? "protocols" : "ports";
        var portNodes = AnpJson.List(errors, rule[portField], $"{path}.{portField}", 1, kind.IsV1Alpha2 ? 25 : 100) ?? [];
        var ports = portNodes.Select((p, i) => kind.IsV1Alpha2
            ? _ports.ProtocolEntry(p, $"{path}.{portField}[{i}]")
            : _ports.Port(p, $"{path}.{portField}[{i}]")).ToList();

        // The CRD's CEL rule: nodes, networks and domain names have no container ports to name.
        if (peers.Any(p => p?.IsAddressPeer == true) && ports.Any(p => p?.NamedPort is not null))
        {
            errors.Invalid(path, "object", kind.NamedPortMessage);
        }
        if (errors.List.Count > errorsBefore || actionWord is null)
        {
            return null;
        }

        var action = actionWord switch
        {
            "Allow" or "Accept" => RuleAction.Allow,
            "Deny" => RuleAction.Deny,
            _ => RuleAction.Pass,
        };
        if (action != RuleAction.Allow && peers.Any(p => p!.Peers.Any(x => x is FqdnPeer)))
        {
            warnings.Add($"{objectRef}: {path}: domainNames peers are meant for {kind.Actions[0]} rules only");
        }
        var unknown = peers.Select((p, i) => (Peer: p!, Index: i)).Where(x => x.Peer.IsUnknown).ToList();
        if (unknown.Count == 0)
        {
            return new AnpRule(name, action, [.. peers.SelectMany(p => p!.Peers)], [.. ports.OfType<PortMatch>()]);
        }
        return FailClosed(name, actionWord, action, ports, [.. unknown.Select(u => $"{peerPath}[{u.Index}] ({string.Join(", ", u.Peer.UnknownFields)})")]);
    }

    /// <summary>
    /// Upstream's rule for a peer with no field this version knows (a newer CRD): an Allow rule matches no
    /// traffic, a Deny or Pass rule becomes "deny all".
    /// </summary>
    private AnpRule FailClosed(string? name, string actionWord, RuleAction action, List<PortMatch?> ports, IReadOnlyList<string> where)
    {
        var fields = string.Join(", ", where);
        if (action == RuleAction.Allow)
        {
            warnings.Add($"{objectRef}: {fields}: no known peer field; failing closed, this {actionWord} rule matches no traffic");
            return new AnpRule(name, RuleAction.Allow, [], [.. ports.OfType<PortMatch>()]);
        }
        warnings.Add($"{objectRef}: {fields}: no known peer field; failing closed, this {actionWord} rule denies all traffic");
        return new AnpRule(name, RuleAction.Deny, [new AnyPeer()], []);
    }

    private string? Name(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (AnpJson.Text(node) is not { } name)
        {
            errors.Invalid(path, node, "must be a string");
            return null;
        }
        if (name.Length > 100)
        {
            errors.Add(path, "Too long: may not be more than 100 characters");
        }
        return name.Length == 0 ? null : name;
    }
}
