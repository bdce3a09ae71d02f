namespace Weft.Linux.Netlink.Protocol;

/// <summary>linux/neighbour.h. Names as in the header, checked against it by a test.</summary>
internal static class NeighbourConstants
{
    public const ushort NDA_DST = 1;
    public const ushort NDA_LLADDR = 2;

    public const ushort NUD_REACHABLE = 0x02;
    public const ushort NUD_NOARP = 0x40;
    public const ushort NUD_PERMANENT = 0x80;

    public const byte NTF_SELF = 0x02;
}
