using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>
/// One packet logged by a netfilter rule (<c>log group N prefix "..."</c>), as read by
/// <see cref="NflogListener"/>. L3/L4 fields are null when the copied payload was too short or of
/// another protocol.
/// </summary>
/// <param name="Group">The NFLOG group the packet was logged to.</param>
/// <param name="Prefix">The rule's log prefix, or "" without one.</param>
/// <param name="Hook">The netfilter hook number (0 prerouting, 1 input, 2 forward, 3 output, 4 postrouting).</param>
/// <param name="InIfIndex">Input interface index, 0 when none.</param>
/// <param name="OutIfIndex">Output interface index, 0 when none.</param>
/// <param name="Timestamp">The packet's receive time, when the kernel sent one.</param>
/// <param name="Protocol">IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6), null if unknown.</param>
/// <param name="Source">Source address.</param>
/// <param name="Destination">Destination address.</param>
/// <param name="SourcePort">TCP/UDP/SCTP source port.</param>
/// <param name="DestinationPort">TCP/UDP/SCTP destination port.</param>
/// <param name="IcmpType">ICMP or ICMPv6 type.</param>
/// <param name="IcmpCode">ICMP or ICMPv6 code.</param>
/// <param name="PayloadLength">How many packet bytes were copied (at most the configured copy range).</param>
public sealed record NflogRecord(
    ushort Group,
    string Prefix,
    byte Hook,
    int InIfIndex,
    int OutIfIndex,
    DateTimeOffset? Timestamp,
    byte? Protocol,
    IPAddress? Source,
    IPAddress? Destination,
    ushort? SourcePort,
    ushort? DestinationPort,
    byte? IcmpType,
    byte? IcmpCode,
    int PayloadLength);
