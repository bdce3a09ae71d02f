using System.Runtime.InteropServices;

namespace Weft.Linux.Netlink.Protocol;

/// <summary>struct nfgenmsg (4 bytes): the family header of every nfnetlink message.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NfGenMsg
{
    public byte Family;
    public byte Version;

    /// <summary>Big-endian resource id; for NFLOG the group number.</summary>
    public ushort ResourceIdBigEndian;
}
