namespace Weft.Linux.Netlink.Protocol;

/// <summary>Traffic-control values from linux/rtnetlink.h and linux/pkt_sched.h (checked against the headers by a test).</summary>
internal static class TcConstants
{
    public const ushort RTM_NEWQDISC = 36;
    public const ushort RTM_DELQDISC = 37;
    public const ushort RTM_GETQDISC = 38;

    public const ushort TCA_KIND = 1;
    public const ushort TCA_OPTIONS = 2;

    public const ushort TCA_TBF_PARMS = 1;
    public const ushort TCA_TBF_RATE64 = 4;
    public const ushort TCA_TBF_BURST = 6;

    public const ushort TCA_NETEM_LATENCY64 = 10;
    public const ushort TCA_NETEM_JITTER64 = 11;

    public const uint TC_H_ROOT = 0xFFFFFFFF;
    public const byte TC_LINKLAYER_ETHERNET = 1;
}
