namespace Weft.Policy.Ir;

/// <summary>Layer-4 protocol of a match or a connection.</summary>
public enum L4Protocol
{
    /// <summary>Any protocol, portless ones included.</summary>
    Any,

    /// <summary>TCP, UDP or SCTP.</summary>
    AnyPorted,
    Tcp,
    Udp,
    Sctp,
    Icmp,
    IcmpV6,

    /// <summary>An IP protocol number given in <see cref="PortMatch.ProtocolNumber"/>.</summary>
    Number,
}

/// <summary>An inclusive port range; a single port has First == Last.</summary>
public readonly record struct PortRange(int First, int Last)
{
    public bool Contains(int port) => port >= First && port <= Last;

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}

/// <summary>ICMP type and code; null matches any.</summary>
public sealed record IcmpMatch(int? Type, int? Code);

/// <summary>
/// One L4 condition; a rule's list of them is ORed and an empty list matches everything.
/// Ports and NamedPort are exclusive; both null means every port of the protocol. A named port resolves
/// against the destination pod's container ports (name and protocol), per pod, and never matches a non-pod.
/// </summary>
public sealed record PortMatch(L4Protocol Protocol, PortRange? Ports = null, string? NamedPort = null)
{
    public IcmpMatch? Icmp { get; init; }
    public int? ProtocolNumber { get; init; }
    public PortRange? SourcePorts { get; init; }

    public override string ToString()
    {
        var proto = Protocol switch
        {
            L4Protocol.Number => $"proto {ProtocolNumber}",
            _ => Protocols.Name(Protocol),
        };
        return NamedPort is not null ? $"{proto}/{NamedPort}" : Ports is { } p ? $"{proto}/{p}" : proto;
    }
}

/// <summary>Protocol names as Kubernetes writes them.</summary>
public static class Protocols
{
    public static string Name(L4Protocol protocol) => protocol switch
    {
        L4Protocol.Tcp => "TCP",
        L4Protocol.Udp => "UDP",
        L4Protocol.Sctp => "SCTP",
        L4Protocol.Icmp => "ICMP",
        L4Protocol.IcmpV6 => "ICMPv6",
        L4Protocol.AnyPorted => "TCP|UDP|SCTP",
        _ => "any",
    };

    /// <summary>Reads TCP, UDP, SCTP, ICMP or ICMPv6 in any case; null otherwise.</summary>
    public static L4Protocol? Parse(string text) => text.ToUpperInvariant() switch
    {
        "TCP" => L4Protocol.Tcp,
        "UDP" => L4Protocol.Udp,
        "SCTP" => L4Protocol.Sctp,
        "ICMP" => L4Protocol.Icmp,
        "ICMPV6" => L4Protocol.IcmpV6,
        _ => null,
    };
}
