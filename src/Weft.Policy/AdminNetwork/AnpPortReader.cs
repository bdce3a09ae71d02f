using System.Text.Json.Nodes;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.AdminNetwork;

/// <summary>Reads v1alpha1 `ports` (portNumber, namedPort, portRange) and v1alpha2 `protocols` (tcp, udp, sctp, destinationNamedPort).</summary>
internal sealed class AnpPortReader(FieldErrorList errors)
{
    private static readonly string[] PortFields = ["portNumber", "namedPort", "portRange"];
    private static readonly string[] ProtocolFields = ["tcp", "udp", "sctp", "destinationNamedPort"];
    private static readonly string[] DestinationPortFields = ["number", "range"];

    /// <summary>A v1alpha1 port entry; null after reporting an error.</summary>
    public PortMatch? Port(JsonNode? node, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj || AnpJson.OneOf(errors, obj, path, PortFields) is not { } field)
        {
            return null;
        }
        var fieldPath = $"{path}.{field}";
        switch (field)
        {
            case "namedPort":
                return NamedPort(obj[field], fieldPath);
            case "portNumber":
                if (AnpJson.Object(errors, obj[field], fieldPath) is not { } number)
                {
                    return null;
                }
                var protocol = ProtocolName(number["protocol"], $"{fieldPath}.protocol");
                var port = AnpJson.Bounded(errors, number["port"], $"{fieldPath}.port", 1, 65535);
                return protocol is { } p && port is { } n ? new PortMatch(p, new PortRange((int)n, (int)n)) : null;
            default:
                if (AnpJson.Object(errors, obj[field], fieldPath) is not { } range)
                {
                    return null;
                }
                var rangeProtocol = ProtocolName(range["protocol"], $"{fieldPath}.protocol");
                return Range(range, fieldPath, celRule: false) is { } r && rangeProtocol is { } rp ? new PortMatch(rp, r) : null;
        }
    }

    /// <summary>A v1alpha2 protocols entry; null after reporting an error.</summary>
    public PortMatch? ProtocolEntry(JsonNode? node, string path)
    {
        if (AnpJson.Object(errors, node, path) is not { } obj || AnpJson.OneOf(errors, obj, path, ProtocolFields) is not { } field)
        {
            return null;
        }
        var fieldPath = $"{path}.{field}";
        if (field == "destinationNamedPort")
        {
            return NamedPort(obj[field], fieldPath);
        }
        var protocol = field switch
        {
            "tcp" => L4Protocol.Tcp,
            "udp" => L4Protocol.Udp,
            _ => L4Protocol.Sctp,
        };
        // minProperties 1: a protocol entry always names its destination port.
        if (AnpJson.Object(errors, obj[field], fieldPath) is not { } attributes
            || AnpJson.Object(errors, attributes["destinationPort"], $"{fieldPath}.destinationPort") is not { } destination
            || AnpJson.OneOf(errors, destination, $"{fieldPath}.destinationPort", DestinationPortFields) is not { } kind)
        {
            return null;
        }
        var kindPath = $"{fieldPath}.destinationPort.{kind}";
        if (kind == "number")
        {
            return AnpJson.Bounded(errors, destination[kind], kindPath, 1, 65535) is { } n ? new PortMatch(protocol, new PortRange((int)n, (int)n)) : null;
        }
        return AnpJson.Object(errors, destination[kind], kindPath) is { } range
            && Range(range, kindPath, celRule: true) is { } r
            ? new PortMatch(protocol, r)
            : null;
    }

    /// <summary>A named port carries no protocol: the destination pod's container port decides it.</summary>
    private PortMatch? NamedPort(JsonNode? node, string path)
    {
        if (AnpJson.Text(node) is { Length: > 0 } name)
        {
            return new PortMatch(L4Protocol.AnyPorted, NamedPort: name);
        }
        errors.Invalid(path, node, "must be a non-empty string");
        return null;
    }

    /// <summary>
    /// {start, end}, each 1..65535, start strictly below end: v1alpha2 checks that in CEL (reported as the CEL rule
    /// does); v1alpha1 only documents it, and an inverted range would match nothing, so it is rejected too.
    /// </summary>
    private PortRange? Range(JsonObject range, string path, bool celRule)
    {
        var start = AnpJson.Bounded(errors, range["start"], $"{path}.start", 1, 65535);
        var end = AnpJson.Bounded(errors, range["end"], $"{path}.end", 1, 65535);
        if (start is null || end is null)
        {
            return null;
        }
        if (start >= end)
        {
            if (celRule)
            {
                errors.Invalid(path, "object", "Start port must be less than End port");
            }
            else
            {
                errors.Invalid($"{path}.start", start, "must be less than end");
            }
            return null;
        }
        return new PortRange((int)start, (int)end);
    }

    /// <summary>TCP (the default), UDP or SCTP, spelled as Kubernetes spells them.</summary>
    private L4Protocol? ProtocolName(JsonNode? node, string path)
    {
        switch (AnpJson.Text(node))
        {
            case null when node is null:
            case "TCP":
                return L4Protocol.Tcp;
            case "UDP":
                return L4Protocol.Udp;
            case "SCTP":
                return L4Protocol.Sctp;
            default:
                errors.Unsupported(path, node, "SCTP", "TCP", "UDP");
                return null;
        }
    }
}
