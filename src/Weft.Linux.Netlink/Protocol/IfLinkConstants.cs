namespace Weft.Linux.Netlink.Protocol;

/// <summary>linux/if_link.h, linux/veth.h and linux/if.h. Names as in the headers, checked by a test.</summary>
internal static class IfLinkConstants
{
    public const int IFNAMSIZ = 16;

    public const uint IFF_UP = 0x1;

    public const ushort IFLA_ADDRESS = 1;
    public const ushort IFLA_IFNAME = 3;
    public const ushort IFLA_MTU = 4;
    public const ushort IFLA_LINK = 5;
    public const ushort IFLA_MASTER = 10;
    public const ushort IFLA_LINKINFO = 18;
    public const ushort IFLA_NET_NS_FD = 28;
    public const ushort IFLA_LINK_NETNSID = 37;

    public const ushort IFLA_INFO_KIND = 1;
    public const ushort IFLA_INFO_DATA = 2;

    public const ushort VETH_INFO_PEER = 1;

    public const ushort IFLA_VXLAN_ID = 1;
    public const ushort IFLA_VXLAN_LINK = 3;
    public const ushort IFLA_VXLAN_LOCAL = 4;
    public const ushort IFLA_VXLAN_LEARNING = 7;
    public const ushort IFLA_VXLAN_PORT = 15;
    public const ushort IFLA_VXLAN_LOCAL6 = 17;
}
