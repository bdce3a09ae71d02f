namespace Weft.Linux.Netlink.Protocol;

/// <summary>linux/rtnetlink.h. Names as in the header, checked against it by a test.</summary>
internal static class RtnetlinkConstants
{
    public const ushort RTM_NEWLINK = 16;
    public const ushort RTM_DELLINK = 17;
    public const ushort RTM_GETLINK = 18;
    public const ushort RTM_NEWADDR = 20;
    public const ushort RTM_DELADDR = 21;
    public const ushort RTM_GETADDR = 22;
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_DELROUTE = 25;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWNEIGH = 28;
    public const ushort RTM_DELNEIGH = 29;
    public const ushort RTM_GETNEIGH = 30;

    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_PRIORITY = 6;
    public const ushort RTA_PREFSRC = 7;
    public const ushort RTA_TABLE = 15;

    public const byte RTN_UNSPEC = 0;
    public const byte RTN_UNICAST = 1;

    public const uint RTNH_F_ONLINK = 4;
    public const uint RTM_F_CLONED = 0x200;

    public const byte RT_TABLE_UNSPEC = 0;
    public const byte RT_TABLE_MAIN = 254;

    public const byte RT_SCOPE_UNIVERSE = 0;
    public const byte RT_SCOPE_NOWHERE = 255;

    public const byte AF_UNSPEC = 0;
    public const byte AF_INET = 2;
    public const byte AF_BRIDGE = 7;
    public const byte AF_INET6 = 10;
}
