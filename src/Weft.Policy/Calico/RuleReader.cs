using System.Net.Sockets;
using System.Text.Json.Nodes;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Calico.CalicoJson;

namespace Weft.Policy.Calico;

/// <summary>A rule's protocol: the model's protocol, the IP protocol number behind it, and whether it has ports.</summary>
internal sealed record ProtocolSpec(L4Protocol Protocol, int Number)
{
    public bool HasPorts => Number is 6 or 17 or 132;

    public static ProtocolSpec FromNumber(int n) => new(n switch
    {
        1 => L4Protocol.Icmp,
        6 => L4Protocol.Tcp,
        17 => L4Protocol.Udp,
        58 => L4Protocol.IcmpV6,
        132 => L4Protocol.Sctp,
        _ => L4Protocol.Number,
    }, n);

    /// <summary>Calico's names, case-sensitive as its validator is.</summary>
    public static ProtocolSpec? FromName(string name) => name switch
    {
        "TCP" => FromNumber(6),
        "UDP" => FromNumber(17),
        "ICMP" => FromNumber(1),
        "ICMPv6" => FromNumber(58),
        "SCTP" => FromNumber(132),
        "UDPLite" => FromNumber(136),
        _ => null,
    };
}

/// <summary>One rule as written, validated.</summary>
internal sealed record CalicoRule(
    RuleAction Action,
    int? IpVersion,
    ProtocolSpec? Protocol,
    ProtocolSpec? NotProtocol,
    IcmpMatch? Icmp,
    IcmpMatch? NotIcmp,
    EntitySide Source,
    EntitySide Destination,
    JsonObject? Http);

/// <summary>Reads and validates one ingress or egress rule, naming each bad field as Calico's API server would.</summary>
internal sealed class RuleReader(FieldErrorList errors, bool global)
{
    private readonly EntityReader _entities = new(errors);

    public EntityReader Entities => _entities;

    public CalicoRule? Read(JsonNode? node, Direction direction, string path)
    {
        if (node is not JsonObject rule)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var action = Action(rule["action"], $"{path}.action");
        var ipVersion = IpVersion(rule["ipVersion"], $"{path}.ipVersion");
        var protocol = Protocol(rule["protocol"], $"{path}.protocol", ipVersion);
        var notProtocol = Protocol(rule["notProtocol"], $"{path}.notProtocol", ipVersion);
        var icmp = Icmp(rule["icmp"], $"{path}.icmp");
        var notIcmp = Icmp(rule["notICMP"], $"{path}.notICMP");
        if (icmp is not null && protocol is not { Number: 1 or 58 })
        {
            errors.Invalid($"{path}.icmp", rule["icmp"], "ICMP fields require protocol to be ICMP or ICMPv6");
        }
        var source = _entities.Read(rule["source"], $"{path}.source");
        var destination = _entities.Read(rule["destination"], $"{path}.destination");
        CheckPorts(source, destination, protocol, path);
        CheckNets(source, destination, ipVersion, path);
        CheckServices(rule, source, destination, direction, path);
        var http = Http(rule, action, protocol, direction, $"{path}.http");
        return action is { } a ? new CalicoRule(a, ipVersion, protocol, notProtocol, icmp, notIcmp, source, destination, http) : null;
    }

    private RuleAction? Action(JsonNode? node, string path)
    {
        switch (Text(node))
        {
            case "Allow":
                return RuleAction.Allow;
            case "Deny":
                return RuleAction.Deny;
            case "Log":
                return RuleAction.Log;
            case "Pass":
                return RuleAction.Pass;
            default:
                if (node is null)
                {
                    errors.Required(path);
                }
                else
                {
                    errors.Unsupported(path, node, "Allow", "Deny", "Log", "Pass");
                }
                return null;
        }
    }

    private int? IpVersion(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (Integer(node) is 4 or 6)
        {
            return (int)Integer(node)!.Value;
        }
        errors.Unsupported(path, node, "4", "6");
        return null;
    }

    /// <summary>1–255 (as a number or digits) or one of Calico's protocol names; ICMP needs ipVersion 4 and ICMPv6 needs 6 when set.</summary>
    private ProtocolSpec? Protocol(JsonNode? node, string path, int? ipVersion)
    {
        if (node is null)
        {
            return null;
        }
        var text = Text(node);
        long? number = null;
        if (IsNumber(node))
        {
            number = Integer(node) ?? -1;
        }
        else if (text is { Length: > 0 } && text.All(char.IsAsciiDigit))
        {
            number = long.TryParse(text, out var n) ? n : -1;
        }
        ProtocolSpec? result = null;
        if (number is { } value)
        {
            if (value is < 1 or > 255)
            {
                errors.Invalid(path, node, "protocol number invalid");
                return null;
            }
            result = ProtocolSpec.FromNumber((int)value);
        }
        else if (text is not null)
        {
            result = ProtocolSpec.FromName(text);
        }
        if (result is null)
        {
            errors.Invalid(path, node, "protocol name invalid");
            return null;
        }
        if (result.Number == 1 && ipVersion is 6)
        {
            errors.Invalid(path, node, "protocol ICMP requires ipVersion 4");
        }
        if (result.Number == 58 && ipVersion is 4)
        {
            errors.Invalid(path, node, "protocol ICMPv6 requires ipVersion 6");
        }
        return result;
    }

    private IcmpMatch? Icmp(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonObject icmp)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        var type = Bounded(icmp["type"], $"{path}.type", 254);
        var code = Bounded(icmp["code"], $"{path}.code", 255);
        if (icmp["code"] is not null && icmp["type"] is null)
        {
            errors.Invalid(path, node, "ICMP code specified without an ICMP type");
        }
        return new IcmpMatch(type, code);
    }

    private int? Bounded(JsonNode? node, string path, int max)
    {
        if (node is null)
        {
            return null;
        }
        if (Integer(node) is { } n && n >= 0 && n <= max)
        {
            return (int)n;
        }
        errors.Invalid(path, node, $"must be between 0 and {max}, inclusive");
        return null;
    }

    /// <summary>Numeric ports need a port-bearing protocol; named ports do not, but no ports at all go with ICMP and friends.</summary>
    private void CheckPorts(EntitySide source, EntitySide destination, ProtocolSpec? protocol, string path)
    {
        foreach (var (ports, field) in new[] { (source.Ports, "source.ports"), (source.NotPorts, "source.notPorts"), (destination.Ports, "destination.ports"), (destination.NotPorts, "destination.notPorts") })
        {
            if (protocol is null && ports.Any(p => p.Range is not null))
            {
                errors.Add($"{path}.{field}", "Invalid value: rules with numeric port or port range must set protocol to TCP or UDP or SCTP");
            }
            else if (protocol is { HasPorts: false } && ports.Count > 0)
            {
                errors.Add($"{path}.{field}", "Invalid value: rules that specify ports must set protocol to TCP or UDP or SCTP");
            }
        }
    }

    /// <summary>All four net lists of a rule are one IP family, and that of ipVersion when it is set.</summary>
    private void CheckNets(EntitySide source, EntitySide destination, int? ipVersion, string path)
    {
        bool seenV4 = false, seenV6 = false;
        foreach (var (nets, field) in new[] { (source.Nets, "source.nets"), (source.NotNets, "source.notNets"), (destination.Nets, "destination.nets"), (destination.NotNets, "destination.notNets") })
        {
            var v4 = nets.Any(n => n.Network.AddressFamily == AddressFamily.InterNetwork);
            var v6 = nets.Any(n => n.Network.AddressFamily == AddressFamily.InterNetworkV6);
            var list = new JsonArray([.. nets.Select(n => JsonValue.Create(n.ToString()))]);
            if ((v4 && ipVersion is 6) || (v6 && ipVersion is 4))
            {
                errors.Invalid($"{path}.{field}", list, "rule IP version doesn't match CIDR version");
            }
            if ((v4 && seenV6) || (v6 && seenV4) || (v4 && v6))
            {
                errors.Invalid($"{path}.{field}", list, "rule contains both IPv4 and IPv6 CIDRs");
            }
            seenV4 |= v4;
            seenV6 |= v6;
        }
    }

    /// <summary>Services only as the ingress source or egress destination; a GlobalNetworkPolicy must name their namespace.</summary>
    private void CheckServices(JsonObject rule, EntitySide source, EntitySide destination, Direction direction, string path)
    {
        if (direction == Direction.Egress && source.Services)
        {
            errors.Forbidden($"{path}.source.services", "not allowed in egress rule source");
        }
        if (direction == Direction.Ingress && destination.Services)
        {
            errors.Forbidden($"{path}.destination.services", "not allowed in ingress rule destination");
        }
        if (destination.Services && (destination.Ports.Count > 0 || destination.NotPorts.Count > 0))
        {
            errors.Forbidden($"{path}.destination", "ports and notPorts cannot be specified with services");
        }
        var peer = direction == Direction.Ingress ? "source" : "destination";
        if (global && (rule[peer] as JsonObject)?["services"] is JsonObject services && string.IsNullOrEmpty(Text(services["namespace"])))
        {
            errors.Required($"{path}.{peer}.services.namespace", "must specify a namespace");
        }
    }

    /// <summary>HTTP matches: Allow rules only, TCP or no protocol, never on egress; methods unique; paths exact xor prefix.</summary>
    private JsonObject? Http(JsonObject rule, RuleAction? action, ProtocolSpec? protocol, Direction direction, string path)
    {
        if (rule["http"] is not { } node)
        {
            return null;
        }
        if (node is not JsonObject http)
        {
            errors.Invalid(path, node, "must be an object");
            return null;
        }
        if (action is not null and not RuleAction.Allow)
        {
            errors.Forbidden(path, "HTTP match is only valid on Allow rules");
        }
        if (protocol is not null and not { Number: 6 })
        {
            errors.Invalid(path, node, "rules with HTTP match must have protocol TCP or unset");
        }
        if (direction == Direction.Egress)
        {
            errors.Forbidden(path, global ? "not allowed in egress rules" : "not allowed in egress rule");
        }
        var methods = _entities.List(http["methods"], $"{path}.methods").Select(m => Text(m) ?? m?.ToJsonString() ?? "null").ToList();
        if (methods.Distinct(StringComparer.Ordinal).Count() != methods.Count)
        {
            errors.Invalid($"{path}.methods", http["methods"], "Invalid methods (duplicates)");
        }
        var paths = _entities.List(http["paths"], $"{path}.paths");
        for (var i = 0; i < paths.Count; i++)
        {
            CheckPath(paths[i], $"{path}.paths[{i}]");
        }
        return http;
    }

    private void CheckPath(JsonNode? node, string path)
    {
        var exact = Text((node as JsonObject)?["exact"]) ?? "";
        var prefix = Text((node as JsonObject)?["prefix"]) ?? "";
        if (exact.Length > 0 && prefix.Length > 0)
        {
            errors.Invalid(path, node, "Invalid path match. Both 'exact' and 'prefix' are set");
            return;
        }
        var value = exact.Length > 0 ? exact : prefix;
        if (value.Length == 0)
        {
            errors.Invalid(path, node, "Invalid path match. Either 'exact' or 'prefix' must be set");
        }
        else if (!value.StartsWith('/') || value.AsSpan().IndexOfAny("? #") >= 0)
        {
            errors.Invalid(path, node, $"Invalid path {value}. (must start with `/` and not contain `?` or `#`)");
        }
    }
}
