using System.Net;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.IfLinkConstants;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*LINK requests and parses RTM_NEWLINK replies. No I/O.</summary>
internal static class LinkMessages
{
    private const ushort Create = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    private const ushort Change = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>RTM_NEWLINK for a veth pair; the peer is created directly in the namespace of <paramref name="peerNetnsFd"/> (-1 = same namespace).</summary>
    public static void CreateVeth(ref NetlinkWriter w, string name, string peerName, int peerNetnsFd, int mtu, byte[]? mac, byte[]? peerMac)
    {
        w.BeginMessage(RTM_NEWLINK, Create);
        w.WriteStruct(new IfInfoMsg());
        w.WriteString(IFLA_IFNAME, name);
        w.WriteU32(IFLA_MTU, (uint)mtu);
        WriteMac(ref w, mac);
        int linkInfo = w.BeginNested(IFLA_LINKINFO);
        w.WriteString(IFLA_INFO_KIND, "veth");
        int data = w.BeginNested(IFLA_INFO_DATA);

        // The peer is described by a full ifinfomsg plus IFLA_* attributes of its own.
        int peer = w.BeginNested(VETH_INFO_PEER);
        w.WriteStruct(new IfInfoMsg());
        w.WriteString(IFLA_IFNAME, peerName);
        w.WriteU32(IFLA_MTU, (uint)mtu);
        WriteMac(ref w, peerMac);
        if (peerNetnsFd >= 0)
        {
            w.WriteU32(IFLA_NET_NS_FD, (uint)peerNetnsFd);
        }

        w.EndNested(peer);
        w.EndNested(data);
        w.EndNested(linkInfo);
        w.EndMessage();
    }

    public static void CreateVxlan(ref NetlinkWriter w, string name, uint vni, IPAddress local, int underlayIndex, ushort port, int mtu, byte[] mac, bool learning)
    {
        w.BeginMessage(RTM_NEWLINK, Create);
        w.WriteStruct(new IfInfoMsg());
        w.WriteString(IFLA_IFNAME, name);
        w.WriteU32(IFLA_MTU, (uint)mtu);
        WriteMac(ref w, mac);
        int linkInfo = w.BeginNested(IFLA_LINKINFO);
        w.WriteString(IFLA_INFO_KIND, "vxlan");
        int data = w.BeginNested(IFLA_INFO_DATA);
        w.WriteU32(IFLA_VXLAN_ID, vni);
        w.WriteAddress(Validate.Family(local, nameof(local)) == AF_INET ? IFLA_VXLAN_LOCAL : IFLA_VXLAN_LOCAL6, local);
        if (underlayIndex > 0)
        {
            w.WriteU32(IFLA_VXLAN_LINK, (uint)underlayIndex);
        }

        w.WriteU16BigEndian(IFLA_VXLAN_PORT, port);
        w.WriteU8(IFLA_VXLAN_LEARNING, learning ? (byte)1 : (byte)0);
        w.EndNested(data);
        w.EndNested(linkInfo);
        w.EndMessage();
    }

    public static void CreateBridge(ref NetlinkWriter w, string name)
    {
        w.BeginMessage(RTM_NEWLINK, Create);
        w.WriteStruct(new IfInfoMsg());
        w.WriteString(IFLA_IFNAME, name);
        int linkInfo = w.BeginNested(IFLA_LINKINFO);
        w.WriteString(IFLA_INFO_KIND, "bridge");
        w.EndNested(linkInfo);
        w.EndMessage();
    }

    /// <summary>RTM_NEWLINK on an existing link; the caller appends the attributes to change.</summary>
    public static void BeginChange(ref NetlinkWriter w, int index, uint flags = 0, uint change = 0)
    {
        w.BeginMessage(RTM_NEWLINK, Change);
        w.WriteStruct(new IfInfoMsg { Index = index, Flags = flags, Change = change });
    }

    public static void Delete(ref NetlinkWriter w, int index, string? name)
    {
        w.BeginMessage(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK);
        w.WriteStruct(new IfInfoMsg { Index = index });
        if (name is not null)
        {
            w.WriteString(IFLA_IFNAME, name);
        }

        w.EndMessage();
    }

    /// <summary>RTM_GETLINK for one link (by index, or by name when <paramref name="name"/> is set) or, with <paramref name="dump"/>, for all.</summary>
    public static void Get(ref NetlinkWriter w, int index, string? name, bool dump)
    {
        w.BeginMessage(RTM_GETLINK, dump ? (ushort)(NLM_F_REQUEST | NLM_F_DUMP) : Change);
        w.WriteStruct(new IfInfoMsg { Index = index });
        if (name is not null)
        {
            w.WriteString(IFLA_IFNAME, name);
        }

        w.EndMessage();
    }

    public static LinkInfo? Parse(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWLINK)
        {
            return null;
        }

        var header = message.Read<IfInfoMsg>();
        string name = "";
        string? kind = null;
        int mtu = 0, master = 0;
        int? peer = null, peerNetnsId = null;
        byte[]? mac = null;
        VxlanInfo? vxlan = null;
        foreach (var attribute in message.Attributes<IfInfoMsg>())
        {
            switch (attribute.Type)
            {
                case IFLA_IFNAME: name = attribute.AsString(); break;
                case IFLA_MTU: mtu = attribute.AsI32(); break;
                case IFLA_ADDRESS: mac = attribute.AsBytes(); break;
                case IFLA_MASTER: master = attribute.AsI32(); break;
                case IFLA_LINK: peer = attribute.AsI32(); break;
                case IFLA_LINK_NETNSID: peerNetnsId = attribute.AsI32(); break;
                case IFLA_LINKINFO: (kind, vxlan) = ParseLinkInfo(attribute.Nested()); break;
            }
        }

        return new LinkInfo(header.Index, name, kind, mtu, mac, (header.Flags & IFF_UP) != 0, master, peer, peerNetnsId, vxlan);
    }

    private static (string? Kind, VxlanInfo? Vxlan) ParseLinkInfo(NetlinkAttributeReader attributes)
    {
        string? kind = null;
        VxlanInfo? vxlan = null;
        foreach (var attribute in attributes)
        {
            if (attribute.Type == IFLA_INFO_KIND)
            {
                kind = attribute.AsString();
            }
            else if (attribute.Type == IFLA_INFO_DATA && kind == "vxlan")
            {
                vxlan = ParseVxlan(attribute.Nested());
            }
        }

        return (kind, vxlan);
    }

    private static VxlanInfo ParseVxlan(NetlinkAttributeReader attributes)
    {
        uint vni = 0;
        ushort port = 0;
        IPAddress? local = null;
        bool learning = false;
        int underlay = 0;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case IFLA_VXLAN_ID: vni = attribute.AsU32(); break;
                case IFLA_VXLAN_PORT: port = attribute.AsU16BigEndian(); break;
                case IFLA_VXLAN_LOCAL or IFLA_VXLAN_LOCAL6: local = attribute.AsAddress(); break;
                case IFLA_VXLAN_LEARNING: learning = attribute.AsU8() != 0; break;
                case IFLA_VXLAN_LINK: underlay = attribute.AsI32(); break;
            }
        }

        return new VxlanInfo(vni, port, local, learning, underlay);
    }

    private static void WriteMac(ref NetlinkWriter w, byte[]? mac)
    {
        if (mac is not null)
        {
            w.WriteAttribute(IFLA_ADDRESS, mac);
        }
    }
}
