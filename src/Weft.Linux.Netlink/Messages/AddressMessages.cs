using System.Net;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.IfAddrConstants;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*ADDR requests and parses RTM_NEWADDR replies. No I/O.</summary>
internal static class AddressMessages
{
    /// <summary>RTM_NEWADDR (create, fail if present) or RTM_DELADDR.</summary>
    public static void Write(ref NetlinkWriter w, bool add, int ifIndex, IPAddress address, int prefixLength, bool noDad)
    {
        byte family = Validate.Family(address, nameof(address));
        uint flags = noDad ? IFA_F_NODAD : 0;
        w.BeginMessage(add ? RTM_NEWADDR : RTM_DELADDR, add ? (ushort)(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL) : (ushort)(NLM_F_REQUEST | NLM_F_ACK));
        w.WriteStruct(new IfAddrMsg { Family = family, PrefixLength = (byte)prefixLength, Flags = (byte)flags, Index = ifIndex });

        // IPv4 keeps the interface's own address in IFA_LOCAL (IFA_ADDRESS is the peer on
        // point-to-point links); IPv6 uses IFA_ADDRESS only.
        if (family == AF_INET)
        {
            w.WriteAddress(IFA_LOCAL, address);
        }

        w.WriteAddress(IFA_ADDRESS, address);
        if (add && flags != 0)
        {
            w.WriteU32(IFA_FLAGS, flags);
        }

        w.EndMessage();
    }

    public static void Dump(ref NetlinkWriter w)
    {
        w.BeginMessage(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
        w.WriteStruct(new IfAddrMsg { Family = AF_UNSPEC });
        w.EndMessage();
    }

    public static AddrInfo? Parse(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWADDR)
        {
            return null;
        }

        var header = message.Read<IfAddrMsg>();
        IPAddress? local = null, address = null;
        uint flags = header.Flags;
        foreach (var attribute in message.Attributes<IfAddrMsg>())
        {
            switch (attribute.Type)
            {
                case IFA_LOCAL: local = attribute.AsAddress(); break;
                case IFA_ADDRESS: address = attribute.AsAddress(); break;
                case IFA_FLAGS: flags = attribute.AsU32(); break;
            }
        }

        var own = local ?? address;
        return own is null ? null : new AddrInfo(header.Index, own, header.PrefixLength, header.Scope, flags);
    }
}
