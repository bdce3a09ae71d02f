using System.Buffers.Binary;
using System.Net;
using static Weft.Linux.Netlink.Protocol.NflogConstants;

namespace Weft.Linux.Netlink.Protocol;

/// <summary>Decodes NFULNL_MSG_PACKET messages and the IP header they carry. Pure; no I/O.</summary>
internal static class NflogParser
{
    private const byte IpProtoIcmp = 1;
    private const byte IpProtoTcp = 6;
    private const byte IpProtoUdp = 17;
    private const byte IpProtoSctp = 132;
    private const byte IpProtoIcmpV6 = 58;

    /// <summary>Parses one message's payload (nfgenmsg + attributes).</summary>
    public static NflogRecord ParsePacket(NetlinkMessage message)
    {
        var header = message.Read<NfGenMsg>();
        ushort group = BinaryPrimitives.ReverseEndianness(header.ResourceIdBigEndian);
        string prefix = "";
        byte hook = 0;
        int inIndex = 0, outIndex = 0;
        DateTimeOffset? timestamp = null;
        ReadOnlySpan<byte> payload = [];
        foreach (var attribute in message.Attributes<NfGenMsg>())
        {
            switch (attribute.Type)
            {
                case NFULA_PACKET_HDR:
                    // struct nfulnl_msg_packet_hdr: __be16 hw_protocol, __u8 hook, __u8 pad.
                    hook = attribute.Value.Length >= 3 ? attribute.Value[2] : (byte)0;
                    break;
                case NFULA_PREFIX:
                    prefix = attribute.AsString();
                    break;
                case NFULA_IFINDEX_INDEV:
                    inIndex = (int)BinaryPrimitives.ReadUInt32BigEndian(attribute.Value);
                    break;
                case NFULA_IFINDEX_OUTDEV:
                    outIndex = (int)BinaryPrimitives.ReadUInt32BigEndian(attribute.Value);
                    break;
                case NFULA_TIMESTAMP when attribute.Value.Length >= 16:
                    long seconds = BinaryPrimitives.ReadInt64BigEndian(attribute.Value);
                    long micros = BinaryPrimitives.ReadInt64BigEndian(attribute.Value[8..]);
                    timestamp = DateTimeOffset.FromUnixTimeSeconds(seconds).AddTicks(micros * 10);
                    break;
                case NFULA_PAYLOAD:
                    payload = attribute.Value;
                    break;
            }
        }

        var l3 = ParseIp(payload);
        return new NflogRecord(group, prefix, hook, inIndex, outIndex, timestamp, l3.Protocol, l3.Source, l3.Destination,
            l3.SourcePort, l3.DestinationPort, l3.IcmpType, l3.IcmpCode, payload.Length);
    }

    /// <summary>The IP header fields and the L4 ports or ICMP type/code that fit in <paramref name="packet"/>.</summary>
    public static (byte? Protocol, IPAddress? Source, IPAddress? Destination, ushort? SourcePort, ushort? DestinationPort, byte? IcmpType, byte? IcmpCode) ParseIp(ReadOnlySpan<byte> packet)
    {
        if (packet.Length >= 20 && packet[0] >> 4 == 4)
        {
            int headerLength = (packet[0] & 0x0f) * 4;
            byte protocol = packet[9];
            var l4 = packet.Length >= headerLength ? packet[headerLength..] : [];

            // Only the first fragment carries the L4 header.
            bool firstFragment = (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x1fff) == 0;
            return Combine(protocol, new IPAddress(packet[12..16]), new IPAddress(packet[16..20]), firstFragment ? l4 : []);
        }

        if (packet.Length >= 40 && packet[0] >> 4 == 6)
        {
            byte next = packet[6];
            var rest = packet[40..];

            // Hop-by-hop, routing and destination options share one length format; fragment is fixed 8 bytes.
            while (next is 0 or 43 or 60 or 44 && rest.Length >= 8)
            {
                int length = next == 44 ? 8 : (rest[1] + 1) * 8;
                if (next == 44 && (BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) & 0xfff8) != 0)
                {
                    return (rest[0], new IPAddress(packet[8..24]), new IPAddress(packet[24..40]), null, null, null, null);
                }

                next = rest[0];
                rest = rest.Length >= length ? rest[length..] : [];
            }

            return Combine(next, new IPAddress(packet[8..24]), new IPAddress(packet[24..40]), rest);
        }

        return (null, null, null, null, null, null, null);
    }

    private static (byte?, IPAddress?, IPAddress?, ushort?, ushort?, byte?, byte?) Combine(byte protocol, IPAddress source, IPAddress destination, ReadOnlySpan<byte> l4)
    {
        if (protocol is IpProtoTcp or IpProtoUdp or IpProtoSctp && l4.Length >= 4)
        {
            return (protocol, source, destination, BinaryPrimitives.ReadUInt16BigEndian(l4), BinaryPrimitives.ReadUInt16BigEndian(l4[2..]), null, null);
        }

        if (protocol is IpProtoIcmp or IpProtoIcmpV6 && l4.Length >= 2)
        {
            return (protocol, source, destination, null, null, l4[0], l4[1]);
        }

        return (protocol, source, destination, null, null, null, null);
    }
}
