using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Antrea;

/// <summary>ports, protocols (ICMP, IGMP), l7Protocols, ipBlock and fqdn.</summary>
internal sealed partial class AntreaReader
{
    private const string PortRangeRule = "must be between 1 and 65535, inclusive";

    /// <summary>IGMP types the CRD allows: queries on ingress, v1/v2/v3 reports on egress.</summary>
    private static readonly long[] IngressIgmpTypes = [0x11];
    private static readonly long[] EgressIgmpTypes = [0x12, 0x16, 0x22];

    /// <summary>
    /// The union of ports and protocols; both empty means every protocol. MatchesSomething is false when the rule
    /// names only IGMP, which is not modelled: such a rule is left out rather than read as "every protocol".
    /// </summary>
    private (List<PortMatch> Ports, bool MatchesSomething) Ports(JsonObject rule, Direction direction, string path, RuleAction? action)
    {
        var result = new List<PortMatch>();
        var ports = _k8s.List(rule["ports"], $"{path}.ports");
        for (var i = 0; i < ports.Count; i++)
        {
            if (Port(ports[i], $"{path}.ports[{i}]") is { } port)
            {
                result.Add(port);
            }
        }
        var protocols = _k8s.List(rule["protocols"], $"{path}.protocols");
        var igmp = 0;
        for (var i = 0; i < protocols.Count; i++)
        {
            var field = $"{path}.protocols[{i}]";
            if (protocols[i] is not JsonObject protocol || (protocol["icmp"] is null) == (protocol["igmp"] is null))
            {
                _errors.Invalid(field, protocols[i], "must set exactly one of icmp and igmp");
                continue;
            }
            if (protocol["icmp"] is { } icmp)
            {
                result.Add(new PortMatch(L4Protocol.Icmp) { Icmp = Icmp(icmp, $"{field}.icmp") });
                continue;
            }
            igmp++;
            Igmp(protocol["igmp"]!, rule, direction, $"{field}.igmp", action, ports.Count + protocols.Count > 1);
        }
        if (igmp > 0)
        {
            Warn($"{path}.protocols", "IGMP rules are not enforced yet: the rule has no effect");
        }
        return (result, igmp == 0);
    }

    private IcmpMatch? Icmp(JsonNode node, string path)
    {
        if (node is not JsonObject icmp)
        {
            _errors.Invalid(path, node, "must be an object");
            return null;
        }
        var type = Byte(icmp["icmpType"], $"{path}.icmpType");
        var code = Byte(icmp["icmpCode"], $"{path}.icmpCode");
        return type is null && code is null ? null : new IcmpMatch(type, code);
    }

    private int? Byte(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (Integer(node) is not { } value || value is < 0 or > 255)
        {
            _errors.Invalid(path, node, "must be an integer between 0 and 255, inclusive");
            return null;
        }
        return (int)value;
    }

    private void Igmp(JsonNode node, JsonObject rule, Direction direction, string path, RuleAction? action, bool withOtherProtocols)
    {
        if (action is RuleAction.Pass or RuleAction.Reject)
        {
            _errors.Forbidden(path, "protocol IGMP does not support Pass or Reject");
        }
        if (withOtherProtocols || rule["from"] is JsonArray { Count: > 0 } || rule["to"] is JsonArray { Count: > 0 } || rule["toServices"] is not null)
        {
            _errors.Forbidden(path, "protocol IGMP can not be used with other protocols or other properties like from, to");
        }
        if (node is not JsonObject igmp)
        {
            _errors.Invalid(path, node, "must be an object");
            return;
        }
        var allowed = direction == Direction.Ingress ? IngressIgmpTypes : EgressIgmpTypes;
        if (igmp["igmpType"] is { } type && (Integer(type) is not { } t || !allowed.Contains(t)))
        {
            _errors.Unsupported($"{path}.igmpType", type, [.. allowed.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        }
        if (igmp["groupAddress"] is { } group && (!IPAddress.TryParse(Text(group), out var address) || !IsMulticast(address)))
        {
            _errors.Invalid($"{path}.groupAddress", group, "is not multicast address");
        }
    }

    private PortMatch? Port(JsonNode? node, string path)
    {
        if (node is not JsonObject port)
        {
            _errors.Invalid(path, node, "must be an object");
            return null;
        }
        var protocol = L4Protocol.Tcp;
        if (port["protocol"] is { } protocolNode)
        {
            switch (Text(protocolNode))
            {
                case "TCP":
                    break;
                case "UDP":
                    protocol = L4Protocol.Udp;
                    break;
                case "SCTP":
                    protocol = L4Protocol.Sctp;
                    break;
                default:
                    _errors.Unsupported($"{path}.protocol", protocolNode, "SCTP", "TCP", "UDP");
                    return null;
            }
        }
        var ok = true;
        var sourcePorts = Range(port, "sourcePort", "sourceEndPort", path, ref ok);
        var portNode = port["port"];
        if (portNode is not null && Integer(portNode) is null)
        {
            if (port["endPort"] is not null)
            {
                _errors.Invalid($"{path}.endPort", port["endPort"], "if `port` is a string `endPort` cannot be specified");
                return null;
            }
            if (Text(portNode) is not { } name || !NameRules.IsIanaServiceName(name))
            {
                _errors.Invalid($"{path}.port", portNode, "must be a port number or an IANA_SVC_NAME");
                return null;
            }
            return ok ? new PortMatch(protocol, NamedPort: name) { SourcePorts = sourcePorts } : null;
        }
        var ports = Range(port, "port", "endPort", path, ref ok);
        return ok ? new PortMatch(protocol, ports) { SourcePorts = sourcePorts } : null;
    }

    /// <summary>A numeric port and its optional inclusive end (port/endPort, sourcePort/sourceEndPort).</summary>
    private PortRange? Range(JsonObject port, string startField, string endField, string path, ref bool ok)
    {
        var startNode = port[startField];
        var endNode = port[endField];
        if (startNode is null)
        {
            if (endNode is not null)
            {
                _errors.Invalid($"{path}.{endField}", endNode, $"if `{endField}` is specified `{startField}` must be specified");
                ok = false;
            }
            return null;
        }
        var start = Integer(startNode);
        if (start is not (>= 1 and <= 65535))
        {
            _errors.Invalid($"{path}.{startField}", startNode, PortRangeRule);
            ok = false;
            return null;
        }
        if (endNode is null)
        {
            return new PortRange((int)start, (int)start);
        }
        var end = Integer(endNode);
        if (end is not (>= 1 and <= 65535))
        {
            _errors.Invalid($"{path}.{endField}", endNode, PortRangeRule);
            ok = false;
            return null;
        }
        if (end < start)
        {
            _errors.Invalid($"{path}.{endField}", endNode, $"`{endField}` should be greater than or equal to `{startField}`");
            ok = false;
            return null;
        }
        return new PortRange((int)start, (int)end);
    }

    /// <summary>l7Protocols: kept as written (http or tls) for an L7 engine; Allow only.</summary>
    private List<L7Matcher> L7(JsonObject rule, string path, RuleAction? action)
    {
        var list = _k8s.List(rule["l7Protocols"], $"{path}.l7Protocols");
        if (list.Count == 0)
        {
            return [];
        }
        if (action is not null and not RuleAction.Allow)
        {
            _errors.Forbidden($"{path}.l7Protocols", "layer 7 protocols only support Allow");
        }
        if (rule["toServices"] is not null)
        {
            _errors.Forbidden($"{path}.l7Protocols", "layer 7 protocols can not be used with toServices");
        }
        var result = new List<L7Matcher>();
        for (var i = 0; i < list.Count; i++)
        {
            var field = $"{path}.l7Protocols[{i}]";
            if (list[i] is not JsonObject l7 || (l7["http"] is null) == (l7["tls"] is null))
            {
                _errors.Invalid(field, list[i], "must set exactly one of http and tls");
                continue;
            }
            if (l7["http"] is { } http)
            {
                CheckHttp(rule, http, path, field);
                result.Add(new OpaqueL7("http", http.ToJsonString()));
            }
            else
            {
                result.Add(new OpaqueL7("tls", l7["tls"]!.ToJsonString()));
            }
        }
        Warn($"{path}.l7Protocols", "L7 rules are not enforced yet: the rule is decided at L3/L4 only (Antrea drops what the L7 part rejects, and consults no later rule)");
        return result;
    }

    private void CheckHttp(JsonObject rule, JsonNode http, string path, string field)
    {
        string[] methods = ["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"];
        if (http["method"] is { } method && !methods.Contains(Text(method)))
        {
            _errors.Unsupported($"{field}.http.method", method, methods);
        }
        if (_k8s.List(rule["ports"], $"{path}.ports").Any(p => p?["protocol"] is { } proto && Text(proto) != "TCP"))
        {
            _errors.Forbidden($"{field}.http", "HTTP protocol can only be used when layer 4 protocol is TCP or unset");
        }
        if (rule["protocols"] is JsonArray { Count: > 0 })
        {
            _errors.Forbidden($"{field}.http", "HTTP protocol can not be used with protocol IGMP or ICMP");
        }
    }

    private IpBlockPeer? IpBlock(JsonNode node, string path)
    {
        if (node is not JsonObject block)
        {
            _errors.Invalid(path, node, "must be an object");
            return null;
        }
        var text = Text(block["cidr"]);
        if (string.IsNullOrEmpty(text))
        {
            _errors.Required($"{path}.cidr", "field 'cidr' is required in an ipBlock");
            return null;
        }
        if (Cidr.TryParse(text) is not { } cidr)
        {
            _errors.Invalid($"{path}.cidr", text, $"invalid CIDR address: {text}");
            return null;
        }
        var except = new List<Cidr>();
        if (block["except"] is not null && _v1Alpha1)
        {
            _errors.Add($"{path}.except", $"Unknown field: not in the {AntreaPolicies.V1Alpha1} schema (except needs {AntreaPolicies.V1Beta1})");
            return null;
        }
        var exceptNodes = _k8s.List(block["except"], $"{path}.except");
        for (var i = 0; i < exceptNodes.Count; i++)
        {
            var e = Cidr.TryParse(Text(exceptNodes[i]) ?? "");
            if (e is null)
            {
                _errors.Invalid($"{path}.except[{i}]", exceptNodes[i], "invalid except CIDR value");
            }
            else if (!cidr.StrictlyContains(e))
            {
                _errors.Invalid($"{path}.except[{i}]", exceptNodes[i], $"except CIDR {Text(exceptNodes[i])} is not a strict subset of CIDR {text}");
            }
            else
            {
                except.Add(e);
            }
        }
        return new IpBlockPeer(cidr, except);
    }

    /// <summary>fqdn (egress only): an exact name or a glob, kept lower-cased for a DNS-aware dataplane.</summary>
    private FqdnPeer? Fqdn(JsonNode node, Direction direction, string path)
    {
        if (direction == Direction.Ingress)
        {
            _errors.Forbidden(path, "fqdn can only be set in egress rules");
            return null;
        }
        var pattern = Text(node);
        if (string.IsNullOrEmpty(pattern) || !AntreaFqdn.IsValidPattern(pattern))
        {
            _errors.Invalid(path, node, $"invalid characters in egress rule fqdn field: {pattern}");
            return null;
        }
        Warn(path, "FQDN peers are not enforced yet: the peer matches no address until DNS answers are observed");
        return new FqdnPeer(pattern.ToLowerInvariant(), FqdnFlavor.AntreaGlob);
    }

    /// <summary>An egress rule to multicast groups: groups only, and no Pass or Reject.</summary>
    private void CheckMulticast(JsonObject rule, string path, RuleAction? action)
    {
        var blocks = _k8s.List(rule["to"], $"{path}.to").OfType<JsonObject>().ToList();
        var cidrs = blocks.Select(b => Cidr.TryParse(Text(b["ipBlock"]?["cidr"]) ?? "")).OfType<Cidr>().ToList();
        if (!cidrs.Any(c => IsMulticast(c.Network)))
        {
            return;
        }
        if (action is RuleAction.Pass or RuleAction.Reject)
        {
            _errors.Forbidden($"{path}.action", "multicast does not support action Pass or Reject");
        }
        if (cidrs.Any(c => !IsMulticast(c.Network)))
        {
            _errors.Forbidden($"{path}.to", "can not set multicast groupAddress and unicast ip address at the same time");
        }
        if (blocks.Any(b => b["ipBlock"] is null))
        {
            _errors.Forbidden($"{path}.to", "can not set multicast groupAddress and selectors at the same time");
        }
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork
        ? (address.GetAddressBytes()[0] & 0xF0) == 0xE0
        : address.IsIPv6Multicast;
}
