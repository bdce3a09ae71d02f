using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Cilium;

/// <summary>One toPorts entry (or a rule's icmps) compiled: what it matches at L4, the L7 rules riding on it, and its field.</summary>
internal sealed record PortGroup(IReadOnlyList<PortMatch> Ports, IReadOnlyList<L7Matcher> L7, string Field);

/// <summary>Where a rule sits, which decides what its ports may carry.</summary>
internal readonly record struct RuleKind(Direction Direction, bool Deny, bool HostPolicy);

/// <summary>Reads toPorts and icmps as Cilium's CRD schema and sanitizer check them.</summary>
internal sealed class CiliumPorts(CiliumScope scope)
{
    private const int MaxItems = 40;

    /// <summary>Protocols of a port entry: the CRD's enum, with the IP protocol number of the extended ones.</summary>
    private static readonly Dictionary<string, (L4Protocol Protocol, int? Number)> ProtocolNames = new(StringComparer.Ordinal)
    {
        ["TCP"] = (L4Protocol.Tcp, null),
        ["UDP"] = (L4Protocol.Udp, null),
        ["SCTP"] = (L4Protocol.Sctp, null),
        ["ANY"] = (L4Protocol.AnyPorted, null),
        ["VRRP"] = (L4Protocol.Number, 112),
        ["IGMP"] = (L4Protocol.Number, 2),
        ["GRE"] = (L4Protocol.Number, 47),
        ["IPIP"] = (L4Protocol.Number, 4),
        ["IPV6"] = (L4Protocol.Number, 41),
        ["ESP"] = (L4Protocol.Number, 50),
        ["AH"] = (L4Protocol.Number, 51),
    };

    private readonly CiliumL7 _l7 = new(scope);

    /// <summary>
    /// The L4 part of a rule: null when it has neither toPorts nor icmps (no L4 restriction), else one group per
    /// toPorts entry, or one for all of icmps. A group with no ports matches nothing, as in Cilium.
    /// </summary>
    public List<PortGroup>? Read(JsonObject rule, string path, RuleKind kind)
    {
        var toPorts = scope.List(rule["toPorts"], $"{path}.toPorts") ?? [];
        var icmps = scope.List(rule["icmps"], $"{path}.icmps") ?? [];
        if (toPorts.Count > 0 && icmps.Count > 0)
        {
            scope.Errors.Forbidden($"{path}.icmps", "the ICMPs block may only be present without toPorts; define a separate rule to use toPorts");
            return [];
        }
        if (icmps.Count > 0)
        {
            return [new PortGroup([.. icmps.SelectMany((r, i) => IcmpRule(r, $"{path}.icmps[{i}]"))], [], $"{path}.icmps")];
        }
        if (toPorts.Count == 0)
        {
            return null;
        }
        return [.. toPorts.Select((p, i) => PortRule(p, $"{path}.toPorts[{i}]", kind)).OfType<PortGroup>()];
    }

    private PortGroup? PortRule(JsonNode? node, string path, RuleKind kind)
    {
        if (scope.Object(node, path) is not { } entry)
        {
            return null;
        }
        if (kind.Deny)
        {
            foreach (var field in new[] { "rules", "serverNames", "listener", "terminatingTLS", "originatingTLS" }.Where(f => entry[f] is not null))
            {
                scope.Errors.Forbidden($"{path}.{field}", "deny rules match ports only; they take no L7, TLS or listener settings");
            }
        }
        var portNodes = scope.List(entry["ports"], $"{path}.ports") ?? [];
        if (portNodes.Count > MaxItems)
        {
            scope.Errors.Add($"{path}.ports", $"Too many: {portNodes.Count}: must have at most {MaxItems} items");
        }
        var ports = portNodes.Select((p, i) => Port(p, $"{path}.ports[{i}]")).ToList();
        var l7 = kind.Deny || scope.Object(entry["rules"], $"{path}.rules") is not { } rules
            ? []
            : _l7.Read(rules, $"{path}.rules", [.. ports.OfType<PortSpec>()], kind);
        if (l7.Count > 0)
        {
            CheckL7Ports(ports, l7, path);
        }
        if (!kind.Deny)
        {
            Tls(entry, path, kind, l7.Count > 0);
        }
        return new PortGroup([.. ports.OfType<PortSpec>().Select(p => p.Match)], l7, path);
    }

    /// <summary>L7 rules other than DNS ride on TCP only, and never on "every port" (port 0).</summary>
    private void CheckL7Ports(List<PortSpec?> ports, IReadOnlyList<L7Matcher> l7, string path)
    {
        var dns = l7.Any(m => m is OpaqueL7 { Kind: "dns" });
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not { } port)
            {
                continue;
            }
            if (!dns && port.Protocol != "TCP")
            {
                scope.Errors.Invalid($"{path}.ports[{i}].protocol", port.Protocol, $"L7 rules can only apply to TCP (not {port.Protocol}) except for DNS rules");
            }
            if (port.IsZero)
            {
                scope.Errors.Invalid($"{path}.ports[{i}].port", "0", "L7 rules can not be used when a port is 0");
            }
            if (dns && port.Match.Ports is { } range && range.Last > range.First)
            {
                scope.Errors.Invalid($"{path}.ports[{i}].endPort", range.Last, "DNS rules do not support port ranges");
            }
        }
    }

    private void Tls(JsonObject entry, string path, RuleKind kind, bool hasL7)
    {
        if (scope.List(entry["serverNames"], $"{path}.serverNames") is { Count: > 0 } names)
        {
            for (var i = 0; i < names.Count; i++)
            {
                var name = scope.String(names[i], $"{path}.serverNames[{i}]");
                if (name is not null && (name.Length == 0 || !CiliumFqdnPatterns.IsValidPattern(name)))
                {
                    scope.Errors.Invalid($"{path}.serverNames[{i}]", name, name.Length == 0 ? "empty server name is not allowed" : "must be a DNS name, '*' allowed");
                }
            }
            if (hasL7 && entry["terminatingTLS"] is null)
            {
                scope.Errors.Forbidden($"{path}.serverNames", "serverNames are not allowed with L7 rules without TLS termination");
            }
            scope.Warn($"{path}.serverNames", "TLS SNI matching is not enforced yet; the rule's L3/L4 part is");
        }
        if (entry["listener"] is not null)
        {
            if (kind.Direction == Direction.Ingress)
            {
                scope.Errors.Forbidden($"{path}.listener", "a listener is not allowed on ingress");
            }
            else if (hasL7)
            {
                scope.Errors.Forbidden($"{path}.listener", "a listener is not allowed with L7 rules");
            }
            scope.Warn($"{path}.listener", "redirection to an Envoy listener is not supported; the rule's L3/L4 part is enforced");
        }
        foreach (var field in new[] { "terminatingTLS", "originatingTLS" }.Where(f => entry[f] is not null))
        {
            scope.Warn($"{path}.{field}", "TLS interception is not supported; the rule's L3/L4 part is enforced");
        }
    }

    private PortSpec? Port(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } port)
        {
            return null;
        }
        var protocolNode = port["protocol"];
        var protocolText = protocolNode is null ? "ANY" : CiliumJson.Text(protocolNode);
        if (protocolText is null || !ProtocolNames.TryGetValue(protocolText, out var protocol))
        {
            scope.Errors.Unsupported($"{path}.protocol", protocolNode, [.. ProtocolNames.Keys]);
            return null;
        }
        var endNode = port["endPort"];
        var endPort = CiliumJson.Integer(endNode) ?? 0;
        if (endNode is not null && CiliumJson.Integer(endNode) is not (>= 0 and <= 65535))
        {
            scope.Errors.Invalid($"{path}.endPort", endNode, "must be an integer between 0 and 65535, inclusive");
            return null;
        }
        var portNode = port["port"];
        var text = CiliumJson.Integer(portNode)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? CiliumJson.Text(portNode);
        if (string.IsNullOrEmpty(text))
        {
            scope.Errors.Required($"{path}.port", "port must be specified (\"0\" for every port)");
            return null;
        }
        PortMatch match;
        if (IsServiceName(text))
        {
            // Named ports compare case-insensitively; Cilium lower-cases them.
            match = new PortMatch(protocol.Protocol, NamedPort: text.ToLowerInvariant());
        }
        else if (text.All(char.IsAsciiDigit) && text.Length <= 5 && int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) is var number and <= 65535
            && (text.Length == 1 || text[0] != '0'))
        {
            match = number == 0
                ? new PortMatch(protocol.Protocol)
                : new PortMatch(protocol.Protocol, new PortRange(number, endPort > number ? (int)endPort : number));
        }
        else
        {
            // Cilium parses numbers with Go's base prefixes, so "053" would be octal 43: refuse rather than guess.
            scope.Errors.Invalid($"{path}.port", portNode, "must be a port number from 0 (every port) to 65535 without leading zeros, or a port name");
            return null;
        }
        if (protocol.Number is { } ipProtocol)
        {
            if (match.Ports is not null || match.NamedPort is not null)
            {
                scope.Errors.Invalid($"{path}.port", portNode, $"must be empty or 0 for protocol {protocolText}, which has no ports");
                return null;
            }
            match = match with { ProtocolNumber = ipProtocol };
        }
        return new PortSpec(match, protocolText, match.Ports is null && match.NamedPort is null);
    }

    private IEnumerable<PortMatch> IcmpRule(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } rule)
        {
            return [];
        }
        var fields = scope.List(rule["fields"], $"{path}.fields") ?? [];
        if (fields.Count > MaxItems)
        {
            scope.Errors.Add($"{path}.fields", $"Too many: {fields.Count}: must have at most {MaxItems} items");
        }
        return [.. fields.Select((f, i) => IcmpField(f, $"{path}.fields[{i}]")).OfType<PortMatch>()];
    }

    private PortMatch? IcmpField(JsonNode? node, string path)
    {
        if (scope.Object(node, path) is not { } field)
        {
            return null;
        }
        var family = field["family"] is null ? "IPv4" : CiliumJson.Text(field["family"]);
        if (family is not ("IPv4" or "IPv6"))
        {
            scope.Errors.Unsupported($"{path}.family", field["family"], "IPv4", "IPv6");
            return null;
        }
        var typeNode = field["type"];
        if (typeNode is null)
        {
            scope.Errors.Required($"{path}.type");
            return null;
        }
        var type = CiliumIcmpTypes.Parse(typeNode, family);
        if (type is null)
        {
            scope.Errors.Invalid($"{path}.type", typeNode, $"must be an ICMP type from 0 to 255 or an {family} type name such as EchoRequest");
            return null;
        }
        return new PortMatch(family == "IPv4" ? L4Protocol.Icmp : L4Protocol.IcmpV6) { Icmp = new IcmpMatch(type, null) };
    }

    /// <summary>Cilium's IANA service-name test: up to 15 letters, digits and inner single hyphens, at least one letter.</summary>
    private static bool IsServiceName(string text) =>
        text.Length is > 0 and <= 15 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && text.Any(char.IsAsciiLetter)
        && text[0] != '-' && text[^1] != '-' && !text.Contains("--", StringComparison.Ordinal);
}

/// <summary>One parsed port entry: its match, the protocol as written, and whether it means every port.</summary>
internal sealed record PortSpec(PortMatch Match, string Protocol, bool IsZero);
