namespace Weft.Linux.Netlink.Protocol;

/// <summary>
/// linux/netlink.h, linux/netfilter/nfnetlink.h and linux/netfilter/nfnetlink_log.h. Names as in
/// the headers, checked against them by a test.
/// </summary>
internal static class NflogConstants
{
    public const int NETLINK_NETFILTER = 12;

    public const byte NFNETLINK_V0 = 0;
    public const byte NFNL_SUBSYS_ULOG = 4;

    public const byte NFULNL_MSG_PACKET = 0;
    public const byte NFULNL_MSG_CONFIG = 1;

    public const ushort NFULA_PACKET_HDR = 1;
    public const ushort NFULA_MARK = 2;
    public const ushort NFULA_TIMESTAMP = 3;
    public const ushort NFULA_IFINDEX_INDEV = 4;
    public const ushort NFULA_IFINDEX_OUTDEV = 5;
    public const ushort NFULA_PAYLOAD = 9;
    public const ushort NFULA_PREFIX = 10;

    public const byte NFULNL_CFG_CMD_NONE = 0;
    public const byte NFULNL_CFG_CMD_BIND = 1;
    public const byte NFULNL_CFG_CMD_UNBIND = 2;
    public const byte NFULNL_CFG_CMD_PF_BIND = 3;
    public const byte NFULNL_CFG_CMD_PF_UNBIND = 4;

    public const ushort NFULA_CFG_CMD = 1;
    public const ushort NFULA_CFG_MODE = 2;
    public const ushort NFULA_CFG_TIMEOUT = 4;
    public const ushort NFULA_CFG_QTHRESH = 5;

    public const byte NFULNL_COPY_NONE = 0;
    public const byte NFULNL_COPY_META = 1;
    public const byte NFULNL_COPY_PACKET = 2;

    /// <summary>Message type of a log packet: subsystem in the high byte, message in the low byte.</summary>
    public const ushort PacketMessageType = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET;

    /// <summary>Message type of a configuration request.</summary>
    public const ushort ConfigMessageType = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
}
