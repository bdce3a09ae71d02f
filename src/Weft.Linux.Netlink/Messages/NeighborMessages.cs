using System.Net;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NeighbourConstants;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*NEIGH requests (ARP/NDP and bridge FDB) and parses replies. No I/O.</summary>
internal static class NeighborMessages
{
    public const ushort Replace = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE;
    public const ushort Append = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND;
    public const ushort Delete = NLM_F_REQUEST | NLM_F_ACK;

    /// <summary>RTM_NEWNEIGH/RTM_DELNEIGH for an IPv4/IPv6 neighbour; <paramref name="mac"/> is omitted on delete.</summary>
    public static void WriteNeighbor(ref NetlinkWriter w, ushort type, ushort flags, int ifIndex, IPAddress ip, byte[]? mac, ushort state)
    {
        w.BeginMessage(type, flags);
        w.WriteStruct(new NdMsg { Family = Validate.Family(ip, nameof(ip)), IfIndex = ifIndex, State = state });
        w.WriteAddress(NDA_DST, ip);
        if (mac is not null)
        {
            w.WriteAttribute(NDA_LLADDR, mac);
        }

        w.EndMessage();
    }

    /// <summary>RTM_NEWNEIGH/RTM_DELNEIGH for a static FDB entry of the device itself (NTF_SELF, as `bridge fdb ... self`).</summary>
    public static void WriteFdb(ref NetlinkWriter w, ushort type, ushort flags, int ifIndex, byte[] mac, IPAddress remote)
    {
        w.BeginMessage(type, flags);
        w.WriteStruct(new NdMsg { Family = AF_BRIDGE, IfIndex = ifIndex, State = NUD_PERMANENT, Flags = NTF_SELF });
        w.WriteAttribute(NDA_LLADDR, mac);
        w.WriteAddress(NDA_DST, remote);
        w.EndMessage();
    }

    public static void Dump(ref NetlinkWriter w, byte family)
    {
        // A bare ndmsg: for AF_BRIDGE the kernel then dumps every device's FDB unfiltered.
        w.BeginMessage(RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP);
        w.WriteStruct(new NdMsg { Family = family });
        w.EndMessage();
    }

    public static NeighborInfo? ParseNeighbor(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWNEIGH)
        {
            return null;
        }

        var header = message.Read<NdMsg>();
        if (header.Family is not (AF_INET or AF_INET6))
        {
            return null;
        }

        IPAddress? ip = null;
        byte[]? mac = null;
        foreach (var attribute in message.Attributes<NdMsg>())
        {
            switch (attribute.Type)
            {
                case NDA_DST: ip = attribute.AsAddress(); break;
                case NDA_LLADDR: mac = attribute.AsBytes(); break;
            }
        }

        return ip is null ? null : new NeighborInfo(header.IfIndex, ip, mac, header.State);
    }

    public static FdbInfo? ParseFdb(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWNEIGH)
        {
            return null;
        }

        var header = message.Read<NdMsg>();
        if (header.Family != AF_BRIDGE)
        {
            return null;
        }

        IPAddress? remote = null;
        byte[]? mac = null;
        foreach (var attribute in message.Attributes<NdMsg>())
        {
            switch (attribute.Type)
            {
                case NDA_DST: remote = attribute.AsAddress(); break;
                case NDA_LLADDR: mac = attribute.AsBytes(); break;
            }
        }

        return mac is null ? null : new FdbInfo(header.IfIndex, mac, remote, header.State, header.Flags);
    }
}
