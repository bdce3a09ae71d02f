using System.Net;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink.Tests;

/// <summary>NFULNL_MSG_PACKET messages built by hand (big-endian fields as the kernel sends them).</summary>
public class NflogParserTests
{
    // IPv4 10.0.0.2 → 10.0.0.1, TCP 40000 → 8080 (first 24 bytes of the TCP header are enough).
    private static readonly byte[] Ipv4Tcp = WireBytes.Hex("""
        45 00 003c 1234 4000 40 06 0000  version/IHL, tos, length, id, flags, ttl, protocol TCP, checksum
        0a000002 0a000001                 source, destination
        9c40 1f90 00000000 00000000       ports 40000 → 8080, seq, ack
        """);

    [Fact]
    public void PacketMessageYieldsPrefixInterfacesTimestampAndFlow()
    {
        byte[] datagram = WireBytes.Message(NflogConstants.PacketMessageType, 0, 0,
            [2, 0, 0, 23],  // nfgenmsg: AF_INET, version 0, group 23 big-endian
            WireBytes.Attr(NflogConstants.NFULA_PACKET_HDR, 0x08, 0x00, 1, 0),
            WireBytes.Attr(NflogConstants.NFULA_PREFIX, WireBytes.Str("weft-deny ")),
            WireBytes.Attr(NflogConstants.NFULA_IFINDEX_INDEV, 0, 0, 0, 7),
            WireBytes.Attr(NflogConstants.NFULA_TIMESTAMP, WireBytes.Hex("0000000065000000 00000000000f4239")),
            WireBytes.Attr(NflogConstants.NFULA_PAYLOAD, Ipv4Tcp));

        var record = Parse(datagram);

        Assert.Equal(23, record.Group);
        Assert.Equal("weft-deny ", record.Prefix);
        Assert.Equal(1, record.Hook);
        Assert.Equal(7, record.InIfIndex);
        Assert.Equal(0, record.OutIfIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x65000000).AddTicks(999_993 * 10), record.Timestamp);
        Assert.Equal((byte)6, record.Protocol);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), record.Source);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), record.Destination);
        Assert.Equal((ushort)40000, record.SourcePort);
        Assert.Equal((ushort)8080, record.DestinationPort);
        Assert.Equal(Ipv4Tcp.Length, record.PayloadLength);
    }

    [Fact]
    public void Ipv6WithAHopByHopHeaderReachesTheUdpPorts()
    {
        byte[] packet = WireBytes.Hex("""
            60000000 0010 00 40                version, length, next header hop-by-hop, hop limit
            fd000000000000000000000000000002   source
            fd000000000000000000000000000001   destination
            11 00 0104 00000000                hop-by-hop: next UDP, length 0 (8 bytes), PadN
            0035 1f91 0008 0000                UDP 53 → 8081
            """);

        var (protocol, source, destination, sourcePort, destinationPort, icmpType, _) = NflogParser.ParseIp(packet);

        Assert.Equal((byte)17, protocol);
        Assert.Equal(IPAddress.Parse("fd00::2"), source);
        Assert.Equal(IPAddress.Parse("fd00::1"), destination);
        Assert.Equal((ushort)53, sourcePort);
        Assert.Equal((ushort)8081, destinationPort);
        Assert.Null(icmpType);
    }

    [Fact]
    public void IcmpEchoYieldsTypeAndCodeWithoutPorts()
    {
        byte[] packet = WireBytes.Hex("""
            45000054 00004000 4001 0000
            0a000002 0a000001
            0800 0000 0001 0001                echo request, code 0
            """);

        var (protocol, _, _, sourcePort, _, icmpType, icmpCode) = NflogParser.ParseIp(packet);

        Assert.Equal((byte)1, protocol);
        Assert.Null(sourcePort);
        Assert.Equal((byte)8, icmpType);
        Assert.Equal((byte)0, icmpCode);
    }

    [Fact]
    public void TruncatedOrForeignPayloadLeavesFlowFieldsEmpty()
    {
        Assert.Null(NflogParser.ParseIp([0x45, 0, 0]).Source);
        Assert.Null(NflogParser.ParseIp(new byte[40]).Protocol);
        var (protocol, source, _, sourcePort, _, _, _) = NflogParser.ParseIp(Ipv4Tcp[..22]);
        Assert.Equal((byte)6, protocol);
        Assert.Equal(IPAddress.Parse("10.0.0.2"), source);
        Assert.Null(sourcePort);
    }

    private static NflogRecord Parse(byte[] datagram)
    {
        NflogRecord? record = null;
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            record = NflogParser.ParsePacket(message);
        }

        return record ?? throw new InvalidOperationException("no message in the datagram");
    }
}
