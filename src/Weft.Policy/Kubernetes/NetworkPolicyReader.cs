using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Kubernetes;

/// <summary>Reads the parts of one NetworkPolicy spec, reporting every bad field instead of stopping at the first.</summary>
internal sealed class NetworkPolicyReader(string policyNamespace, FieldErrorList errors)
{
    private const string PortRangeRule = "must be between 1 and 65535, inclusive";

    public IReadOnlyList<JsonNode?> List(JsonNode? node, string path) => errors.Items(node, path);

    /// <summary>Absent reads as the empty selector; callers that give absence a meaning check first.</summary>
    public Selector Selector(JsonNode? node, string path)
    {
        LabelSelector selector;
        try
        {
            selector = LabelSelector.Parse(node, path);
        }
        catch (FormatException e)
        {
            var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
            errors.Add(colon < 0 ? path : e.Message[..colon], colon < 0 ? e.Message : e.Message[(colon + 2)..]);
            return Ir.Selector.All;
        }
        foreach (var (key, value) in selector.MatchLabels)
        {
            CheckKey(key, $"{path}.matchLabels");
            if (!NameRules.IsLabelValue(value))
            {
                errors.Invalid($"{path}.matchLabels", value, "a valid label must be an empty string or up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
        }
        for (var i = 0; i < selector.MatchExpressions.Count; i++)
        {
            CheckKey(selector.MatchExpressions[i].Key, $"{path}.matchExpressions[{i}].key");
        }
        return Ir.Selector.From(selector);
    }

    public (IReadOnlyList<Peer> Peers, IReadOnlyList<PortMatch> Ports)? Rule(JsonNode? node, Direction direction, string path)
    {
        if (node is not JsonObject rule)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var peerField = direction == Direction.Ingress ? "from" : "to";
        var peerNodes = List(rule[peerField], $"{path}.{peerField}");
        // Absent or empty from/to: every source or destination, addresses outside the cluster included.
        List<Peer> peers = peerNodes.Count == 0
            ? [new AnyPeer()]
            : [.. peerNodes.Select((p, i) => Peer(p, $"{path}.{peerField}[{i}]")).OfType<Peer>()];
        var portNodes = List(rule["ports"], $"{path}.ports");
        var ports = portNodes.Select((p, i) => Port(p, $"{path}.ports[{i}]")).OfType<PortMatch>().ToList();
        return (peers, ports);
    }

    private Peer? Peer(JsonNode? node, string path)
    {
        if (node is not JsonObject peer)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var pods = peer["podSelector"];
        var namespaces = peer["namespaceSelector"];
        var ipBlock = peer["ipBlock"];
        var count = (pods is null ? 0 : 1) + (namespaces is null ? 0 : 1) + (ipBlock is null ? 0 : 1);
        if (count == 0)
        {
            errors.Required(path, "must specify a peer");
            return null;
        }
        if (ipBlock is not null)
        {
            if (count > 1)
            {
                errors.Forbidden(path, "may not specify both ipBlock and another peer");
                return null;
            }
            return IpBlock(ipBlock, $"{path}.ipBlock");
        }
        var podSelector = pods is null ? Ir.Selector.All : Selector(pods, $"{path}.podSelector");
        NamespaceScope scope = namespaces is null
            ? new InNamespace(policyNamespace)
            : new NamespacesMatching(Selector(namespaces, $"{path}.namespaceSelector"));
        return new PodPeer(podSelector, scope);
    }

    private IpBlockPeer? IpBlock(JsonNode? node, string path)
    {
        if (node is not JsonObject block)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var text = Text(block["cidr"]);
        if (string.IsNullOrEmpty(text))
        {
            errors.Required($"{path}.cidr");
            return null;
        }
        var cidr = Cidr.TryParse(text);
        if (cidr is null)
        {
            errors.Invalid($"{path}.cidr", text, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            return null;
        }
        var except = new List<Cidr>();
        var exceptNodes = List(block["except"], $"{path}.except");
        for (var i = 0; i < exceptNodes.Count; i++)
        {
            var field = $"{path}.except[{i}]";
            var exceptText = Text(exceptNodes[i]) ?? "";
            var e = Cidr.TryParse(exceptText);
            if (e is null)
            {
                errors.Invalid(field, exceptNodes[i], "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
            }
            else if (!cidr.StrictlyContains(e))
            {
                errors.Invalid(field, exceptText, $"must be a strict subset of `cidr` ({text})");
            }
            else
            {
                except.Add(e);
            }
        }
        return new IpBlockPeer(cidr, except);
    }

    private PortMatch? Port(JsonNode? node, string path)
    {
        if (node is not JsonObject port)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var protocolNode = port["protocol"];
        var protocol = L4Protocol.Tcp;
        if (protocolNode is not null)
        {
            protocol = Text(protocolNode) switch
            {
                "TCP" => L4Protocol.Tcp,
                "UDP" => L4Protocol.Udp,
                "SCTP" => L4Protocol.Sctp,
                _ => L4Protocol.Any,
            };
            if (protocol == L4Protocol.Any)
            {
                errors.Unsupported($"{path}.protocol", protocolNode, "SCTP", "TCP", "UDP");
                return null;
            }
        }
        var portNode = port["port"];
        var endNode = port["endPort"];
        var endPort = Integer(endNode);
        if (endNode is not null && endPort is null)
        {
            errors.Invalid($"{path}.endPort", endNode, "must be an integer");
            return null;
        }
        if (portNode is null)
        {
            if (endPort is not null)
            {
                errors.Invalid($"{path}.endPort", endNode, "may not be specified when `port` is not specified");
                return null;
            }
            return new PortMatch(protocol);
        }
        if (Integer(portNode) is { } number)
        {
            var ok = true;
            if (number is < 1 or > 65535)
            {
                errors.Invalid($"{path}.port", portNode, PortRangeRule);
                ok = false;
            }
            if (endPort is { } end)
            {
                if (end is < 1 or > 65535)
                {
                    errors.Invalid($"{path}.endPort", endNode, PortRangeRule);
                    ok = false;
                }
                else if (end < number)
                {
                    errors.Invalid($"{path}.endPort", endNode, "must be greater than or equal to port");
                    ok = false;
                }
            }
            return ok ? new PortMatch(protocol, new PortRange((int)number, (int)(endPort ?? number))) : null;
        }
        var name = Text(portNode);
        if (name is null || !NameRules.IsIanaServiceName(name))
        {
            errors.Invalid($"{path}.port", portNode, "must be a port number or an IANA_SVC_NAME (at most 15 of a-z, 0-9 and '-', with a letter, no '-' at either end or twice in a row)");
            return null;
        }
        if (endPort is not null)
        {
            errors.Invalid($"{path}.endPort", endNode, "may not be specified when `port` is non-numeric");
            return null;
        }
        return new PortMatch(protocol, NamedPort: name);
    }

    private void CheckKey(string key, string path)
    {
        if (!NameRules.IsQualifiedName(key))
        {
            errors.Invalid(path, key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'");
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary>An integral number whatever CLR type backs the node (YAML gives long, JSON a JsonElement).</summary>
    private static long? Integer(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.Number)
        {
            return null;
        }
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (v.TryGetValue<System.Text.Json.JsonElement>(out var e) && e.TryGetInt64(out var fromElement))
        {
            return fromElement;
        }
        var d = v.TryGetValue<double>(out var dv) ? dv : double.NaN;
        return double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15 ? (long)d : null;
    }
}
