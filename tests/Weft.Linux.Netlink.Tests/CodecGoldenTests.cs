using System.Net;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Tests.WireBytes;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Requests encoded byte for byte as the kernel (and iproute2) expect them. No privileges needed.</summary>
public class CodecGoldenTests
{
    private delegate void Build(ref NetlinkWriter writer);

    private static byte[] Encode(Build build)
    {
        Span<byte> buffer = stackalloc byte[512];
        var writer = new NetlinkWriter(buffer);
        build(ref writer);
        return writer.Written.ToArray();
    }

    [Fact]
    public void NewAddressIPv4()
    {
        var bytes = Encode((ref w) => AddressMessages.Write(ref w, add: true, 5, IPAddress.Parse("10.1.2.3"), 24, noDad: false));

        Assert.Equal(Hex("""
            28000000 1400 0506 00000000 00000000   nlmsghdr: len 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            02 18 00 00 05000000                   ifaddrmsg: AF_INET /24 ifindex 5
            0800 0200 0a010203                     IFA_LOCAL 10.1.2.3
            0800 0100 0a010203                     IFA_ADDRESS 10.1.2.3
            """), bytes);
    }

    [Fact]
    public void NewAddressIPv6NoDad()
    {
        var bytes = Encode((ref w) => AddressMessages.Write(ref w, add: true, 7, IPAddress.Parse("fd00::1"), 64, noDad: true));

        Assert.Equal(Hex("""
            34000000 1400 0506 00000000 00000000   len 52, RTM_NEWADDR
            0a 40 02 00 07000000                   AF_INET6 /64 flags NODAD ifindex 7
            1400 0100 fd000000000000000000000000000001   IFA_ADDRESS fd00::1
            0800 0800 02000000                     IFA_FLAGS NODAD
            """), bytes);
    }

    [Fact]
    public void VethWithPeerInOtherNamespace()
    {
        var bytes = Encode((ref w) => LinkMessages.CreateVeth(ref w, "v0", "p0", 7, 1500, null, null));

        Assert.Equal(Hex("""
            70000000 1000 0506 00000000 00000000   len 112, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
            00000000 00000000 00000000 00000000   ifinfomsg
            0700 0300 76300000                     IFLA_IFNAME "v0"
            0800 0400 dc050000                     IFLA_MTU 1500
            4000 1200                              IFLA_LINKINFO (64)
              0900 0100 7665746800000000           IFLA_INFO_KIND "veth"
              3000 0200                            IFLA_INFO_DATA (48)
                2c00 0100                          VETH_INFO_PEER (44)
                  00000000 00000000 00000000 00000000   peer ifinfomsg
                  0700 0300 70300000               IFLA_IFNAME "p0"
                  0800 0400 dc050000               IFLA_MTU 1500
                  0800 1c00 07000000               IFLA_NET_NS_FD 7
            """), bytes);
    }

    [Fact]
    public void ReplaceOnLinkRoute()
    {
        var spec = new RouteSpec(IPNetwork.Parse("10.244.1.0/24"), IPAddress.Parse("192.168.1.2"), 3, 77, RouteScope.Universe, OnLink: true);
        var bytes = Encode((ref w) => RouteMessages.Write(ref w, replace: true, spec));

        Assert.Equal(Hex("""
            3c000000 1800 0505 00000000 00000000   len 60, RTM_NEWROUTE, REQUEST|ACK|REPLACE|CREATE
            02 18 00 00 fe 4d 00 01 04000000       rtmsg: AF_INET /24 table main proto 77 universe unicast, ONLINK
            0800 0f00 fe000000                     RTA_TABLE 254
            0800 0100 0af40100                     RTA_DST 10.244.1.0
            0800 0500 c0a80102                     RTA_GATEWAY 192.168.1.2
            0800 0400 03000000                     RTA_OIF 3
            """), bytes);
    }

    [Fact]
    public void DeleteRouteUsesWildcardScopeAndType()
    {
        var spec = new RouteSpec(IPNetwork.Parse("10.0.0.0/8"), null, null, 77, RouteScope.Link, OnLink: false, Table: 1000, Metric: 5);
        var bytes = Encode((ref w) => RouteMessages.Write(ref w, replace: false, spec));

        Assert.Equal(Hex("""
            34000000 1900 0500 00000000 00000000   len 52, RTM_DELROUTE, REQUEST|ACK
            02 08 00 00 00 4d ff 00 00000000       table UNSPEC (>255 goes in RTA_TABLE), scope NOWHERE, type UNSPEC
            0800 0f00 e8030000                     RTA_TABLE 1000
            0800 0100 0a000000                     RTA_DST 10.0.0.0
            0800 0600 05000000                     RTA_PRIORITY 5
            """), bytes);
    }

    [Fact]
    public void ReplaceFdbEntry()
    {
        byte[] mac = [0x02, 0, 0, 0, 0, 0x01];
        var bytes = Encode((ref w) => NeighborMessages.WriteFdb(ref w, RtnetlinkConstants.RTM_NEWNEIGH, NeighborMessages.Replace, 9, mac, IPAddress.Parse("192.168.1.7")));

        Assert.Equal(Hex("""
            30000000 1c00 0505 00000000 00000000   len 48, RTM_NEWNEIGH, REQUEST|ACK|REPLACE|CREATE
            07 00 0000 09000000 8000 02 00         ndmsg: AF_BRIDGE ifindex 9 PERMANENT, NTF_SELF
            0a00 0200 020000000001 0000            NDA_LLADDR
            0800 0100 c0a80107                     NDA_DST 192.168.1.7
            """), bytes);
    }

    [Fact]
    public void SetUpChangesOnlyTheUpFlag()
    {
        var bytes = Encode((ref w) =>
        {
            LinkMessages.BeginChange(ref w, 4, IfLinkConstants.IFF_UP, IfLinkConstants.IFF_UP);
            w.EndMessage();
        });

        Assert.Equal(Hex("""
            20000000 1000 0500 00000000 00000000   len 32, RTM_NEWLINK, REQUEST|ACK
            00 00 0000 04000000 01000000 01000000  ifindex 4, flags UP, change UP
            """), bytes);
    }

    [Fact]
    public void VxlanPortIsBigEndianInsideNestedData()
    {
        var bytes = Encode((ref w) => LinkMessages.CreateVxlan(ref w, "vx", 4242, IPAddress.Parse("192.168.77.1"), 3, 4789, 1450, TestNetns.Mac(1), learning: false));

        AssertHasAttribute(bytes, Hex("0600 0f00 12b5 0000"));   // IFLA_VXLAN_PORT 4789 in network order
        AssertHasAttribute(bytes, Hex("0800 0100 92100000"));    // IFLA_VXLAN_ID 4242
        AssertHasAttribute(bytes, Hex("0500 0700 00 000000"));   // IFLA_VXLAN_LEARNING 0
        AssertHasAttribute(bytes, Hex("0800 0400 c0a84d01"));    // IFLA_VXLAN_LOCAL
    }

    [Fact]
    public void RootNetemPutsTheStructBeforeItsAttributes()
    {
        var options = new NetemOptions(DelayNs: 3_000_000, JitterNs: 1_000_000, LossPercent: 20, LimitPackets: 1000);
        var bytes = Encode((ref w) => QdiscMessages.WriteNetem(ref w, 5, options, 0x00010000));

        Assert.Equal(Hex("""
            64000000 2400 0505 00000000 00000000   len 100, RTM_NEWQDISC, REQUEST|ACK|REPLACE|CREATE
            00 00 0000 05000000                    tcmsg: ifindex 5
            00000100 ffffffff 00000000             handle 1:, parent root
            0a00 0100 6e6574656d00 0000            TCA_KIND "netem"
            3400 0200                              TCA_OPTIONS (52): no nest flag, a struct comes first
              00000000                             tc_netem_qopt.latency 0 (sent in ns below)
              e8030000                             limit 1000 packets
              33333333                             loss 20 % of UINT32_MAX
              00000000 00000000                    gap, duplicate
              00000000                             jitter 0 (sent in ns below)
              0c00 0a00 c0c62d0000000000           TCA_NETEM_LATENCY64 3 000 000 ns
              0c00 0b00 40420f0000000000           TCA_NETEM_JITTER64 1 000 000 ns
            """), bytes);
    }

    [Theory]
    [InlineData(0, 0u)]
    [InlineData(100, uint.MaxValue)]
    [InlineData(50, 0x80000000u)]
    public void NetemLossIsAProbabilityOfUInt32Max(double percent, uint expected) =>
        Assert.Equal(expected, QdiscMessages.LossProbability(percent));

    [Fact]
    public void ChildTbfUnderClassOneOne()
    {
        var bytes = Encode((ref w) => QdiscMessages.WriteTbf(ref w, 5, 20_000_000, 25_000, 250_000, parent: 0x00010001, handle: 0x000A0000));

        Assert.Equal(Hex("""
            60000000 2400 0505 00000000 00000000   len 96, RTM_NEWQDISC, REQUEST|ACK|REPLACE|CREATE
            00 00 0000 05000000                    tcmsg: ifindex 5
            00000a00 01000100 00000000             handle 10:, parent 1:1
            0800 0100 74626600                     TCA_KIND "tbf"
            3400 0200                              TCA_OPTIONS (52)
              2800 0100                            TCA_TBF_PARMS (tc_tbf_qopt)
                00 01 0000 0000 0000 a0252600      rate: Ethernet, 2 500 000 bytes/s
                00000000 00000000 00000000         peakrate: none
                90d00300 00000000 00000000         limit 250 000 bytes, buffer and mtu 0
              0800 0600 a8610000                   TCA_TBF_BURST 25 000 bytes
            """), bytes);
    }

    [Fact]
    public void NetemDumpReportsItsDelayFromTheAttributesAfterTheStruct()
    {
        byte[] qopt = [.. U32(30), .. U32(1000), .. U32(0), .. U32(0), .. U32(0), .. U32(0)];
        var netem = ParseQdisc(Message(TcConstants.RTM_NEWQDISC, 2, 1, TcMsgBytes(4, 0x00010000, 0xFFFFFFFF),
            Attr(1, Str("netem")),
            Attr(2, [.. qopt, .. Attr(10, BitConverter.GetBytes(3_000_000L)), .. Attr(11, BitConverter.GetBytes(0L))])));

        Assert.Equal(new QdiscInfo(4, "netem", 0x00010000, 0xFFFFFFFF, RateBitsPerSecond: null, DelayNs: 3_000_000), netem);
    }

    [Fact]
    public void TbfDumpReportsItsRateInBitsPerSecondAndPrefersRate64()
    {
        byte[] Parms(uint bytesPerSecond) => [0, 1, 0, 0, 0, 0, 0, 0, .. U32(bytesPerSecond), .. new byte[12], .. U32(250_000), .. U32(0), .. U32(0)];
        var small = ParseQdisc(Message(TcConstants.RTM_NEWQDISC, 2, 1, TcMsgBytes(4, 0x000A0000, 0x00010001),
            Attr(1, Str("tbf")),
            Nest(2, Attr(1, Parms(2_500_000)), Attr(6, U32(25_000)))));
        var large = ParseQdisc(Message(TcConstants.RTM_NEWQDISC, 2, 1, TcMsgBytes(4, 0x80010000, 0xFFFFFFFF),
            Attr(1, Str("tbf")),
            Nest(2, Attr(1, Parms(uint.MaxValue)), Attr(4, BitConverter.GetBytes(5_000_000_000UL)))));

        Assert.Equal((20_000_000UL, (long?)null, false), (small.RateBitsPerSecond, small.DelayNs, small.IsRoot));
        Assert.Equal(40_000_000_000UL, large.RateBitsPerSecond);
    }

    private static byte[] TcMsgBytes(int ifIndex, uint handle, uint parent) => [0, 0, 0, 0, .. I32(ifIndex), .. U32(handle), .. U32(parent), .. U32(0)];

    private static QdiscInfo ParseQdisc(byte[] datagram)
    {
        foreach (var message in new NetlinkMessageReader(datagram))
        {
            return QdiscMessages.Parse(message)!;
        }

        throw new InvalidOperationException("no message in the datagram");
    }

    [Fact]
    public void WriterRejectsOverflow()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            Span<byte> buffer = stackalloc byte[24];
            var w = new NetlinkWriter(buffer);
            w.BeginMessage(RtnetlinkConstants.RTM_NEWLINK, 0);
            w.WriteStruct(new IfInfoMsg());
        });
    }

    private static void AssertHasAttribute(byte[] message, byte[] attribute)
    {
        bool found = Enumerable.Range(0, (message.Length - attribute.Length) / 4 + 1)
            .Any(i => message.AsSpan(i * 4, attribute.Length).SequenceEqual(attribute));
        Assert.True(found, $"{Convert.ToHexString(attribute)} not found in {Convert.ToHexString(message)}");
    }
}
