namespace Weft.Linux.Netlink.Protocol;

/// <summary>linux/if_addr.h. Names as in the header, checked against it by a test.</summary>
internal static class IfAddrConstants
{
    public const ushort IFA_ADDRESS = 1;
    public const ushort IFA_LOCAL = 2;
    public const ushort IFA_FLAGS = 8;

    public const uint IFA_F_NODAD = 0x02;
    public const uint IFA_F_DADFAILED = 0x08;
    public const uint IFA_F_TENTATIVE = 0x40;
    public const uint IFA_F_PERMANENT = 0x80;
}
