using System.Net;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Tests.WireBytes;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Parsing of hand-crafted kernel answers: multi-message dumps, nesting, errors. No privileges needed.</summary>
public class ParserTests
{
    private const ushort NewLink = 16, Done = 3, Error = 2, NewRoute = 24;
    private const ushort Multi = 0x2, DumpIntr = 0x10, Capped = 0x100, AckTlvs = 0x200;

    private static byte[] IfInfo(int index, uint flags) => [0, 0, 1, 0, .. I32(index), .. U32(flags), .. U32(0)];

    private static byte[] VxlanLink(uint sequence, ushort flags = Multi) => Message(NewLink, flags, sequence,
        IfInfo(7, 1),
        Attr(3, Str("vx0")),
        Attr(4, U32(1450)),
        Attr(1, 0x02, 0x11, 0x22, 0x33, 0x44, 0x55),
        Nest(18,
            Attr(1, Str("vxlan")),
            Nest(2,
                Attr(1, U32(4242)),
                Attr(3, U32(2)),
                Attr(4, 192, 168, 77, 1),
                Attr(7, 0),
                Attr(15, 0x12, 0xb5))));

    private static byte[] VethLink(uint sequence) => Message(NewLink, Multi, sequence,
        IfInfo(8, 0),
        Attr(3, Str("veth0")),
        Attr(4, U32(1500)),
        Attr(5, U32(2)),
        Attr(37, I32(0)),
        Attr(10, U32(3)),
        Nest(18, Attr(1, Str("veth"))));

    private static List<LinkInfo> ParseLinks(byte[] datagram, uint sequence, out bool finished, out bool interrupted, out int errno)
    {
        var links = new List<LinkInfo>();
        interrupted = false;
        finished = NetlinkResponses.Process(datagram, sequence, m => links.Add(LinkMessages.Parse(m)!), ref interrupted, out errno, out _);
        return links;
    }

    [Fact]
    public void DumpWithSeveralMessagesAndNestedAttributes()
    {
        byte[] datagram = [.. VxlanLink(9), .. VethLink(9), .. Message(Done, Multi, 9, I32(0))];

        var links = ParseLinks(datagram, 9, out bool finished, out bool interrupted, out int errno);

        Assert.True(finished);
        Assert.False(interrupted);
        Assert.Equal(0, errno);
        Assert.Equal(2, links.Count);
        var vx = links[0];
        Assert.Equal((7, "vx0", "vxlan", 1450, true), (vx.Index, vx.Name, vx.Kind, vx.Mtu, vx.IsUp));
        Assert.Equal(new byte[] { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 }, vx.Mac);
        Assert.Equal(new VxlanInfo(4242, 4789, IPAddress.Parse("192.168.77.1"), false, 2), vx.Vxlan);
        var veth = links[1];
        Assert.Equal(("veth0", "veth", false, 3, 2, 0), (veth.Name, veth.Kind, veth.IsUp, veth.MasterIndex, veth.PeerIndex, veth.PeerNetnsId));
        Assert.Null(veth.Vxlan);
    }

    [Fact]
    public void DumpSplitOverDatagramsIsNotFinishedUntilDone()
    {
        var first = ParseLinks(VxlanLink(4), 4, out bool finished, out _, out _);
        Assert.Single(first);
        Assert.False(finished);

        ParseLinks(Message(Done, Multi, 4, I32(0)), 4, out finished, out _, out _);
        Assert.True(finished);
    }

    [Fact]
    public void MessagesOfOtherSequenceNumbersAreSkipped()
    {
        byte[] datagram = [.. VethLink(3), .. VxlanLink(5), .. Message(Done, Multi, 3, I32(0)), .. Message(Done, Multi, 5, I32(0))];

        var links = ParseLinks(datagram, 5, out bool finished, out _, out _);

        Assert.True(finished);
        Assert.Equal("vx0", Assert.Single(links).Name);
    }

    [Fact]
    public void InterruptedDumpIsReported()
    {
        byte[] datagram = [.. VxlanLink(6, Multi | DumpIntr), .. Message(Done, Multi | DumpIntr, 6, I32(0))];

        ParseLinks(datagram, 6, out bool finished, out bool interrupted, out _);

        Assert.True(finished);
        Assert.True(interrupted);
    }

    [Fact]
    public void ErrorWithExtendedAckCarriesErrnoAndKernelText()
    {
        byte[] echoedHeader = Message(NewLink, 0x605, 12)[..16];
        byte[] datagram = Message(Error, Capped | AckTlvs, 12, I32(-17), echoedHeader, Attr(1, Str("link already exists")));

        ParseLinks(datagram, 12, out bool finished, out _, out int errno);
        bool interrupted = false;
        NetlinkResponses.Process(datagram, 12, null, ref interrupted, out _, out string? text);

        Assert.True(finished);
        Assert.Equal(17, errno);
        Assert.Equal("link already exists", text);
    }

    [Fact]
    public void AckIsErrorZero()
    {
        byte[] datagram = Message(Error, Capped, 2, I32(0), Message(NewLink, 0x605, 2)[..16]);

        ParseLinks(datagram, 2, out bool finished, out _, out int errno);

        Assert.True(finished);
        Assert.Equal(0, errno);
    }

    [Fact]
    public void RouteWithoutDestinationIsDefaultRoute()
    {
        byte[] rtmsg = [10, 0, 0, 0, 254, 3, 0, 1, .. U32(4)];
        byte[] datagram = Message(NewRoute, Multi, 1, rtmsg,
            Attr(15, U32(254)),
            Attr(5, IPAddress.Parse("fe80::1").GetAddressBytes()),
            Attr(4, U32(2)),
            Attr(6, U32(1024)));

        RouteInfo? route = null;
        bool interrupted = false;
        NetlinkResponses.Process(datagram, 1, m => route = RouteMessages.Parse(m), ref interrupted, out _, out _);

        Assert.Equal(new RouteInfo(IPNetwork.Parse("::/0"), IPAddress.Parse("fe80::1"), 2, 3, RouteScope.Universe, 254, true, 1024, null, RouteType.Unicast), route);
    }

    [Fact]
    public void TruncatedMessageIsRejected()
    {
        byte[] datagram = VethLink(1)[..30];

        Assert.Throws<InvalidDataException>(() => ParseLinks(datagram, 1, out _, out _, out _));
    }

    [Fact]
    public void AttributeOverrunningItsMessageIsRejected()
    {
        byte[] datagram = Message(NewLink, Multi, 1, IfInfo(1, 0), [0x40, 0x00, 0x03, 0x00, (byte)'l', (byte)'o', 0, 0]);

        Assert.Throws<InvalidDataException>(() => ParseLinks(datagram, 1, out _, out _, out _));
    }
}
