using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>An ARP/NDP entry as reported by RTM_NEWNEIGH.</summary>
/// <param name="IfIndex">ndm_ifindex.</param>
/// <param name="Address">NDA_DST.</param>
/// <param name="Mac">NDA_LLADDR, null while unresolved.</param>
/// <param name="State">ndm_state (NUD_* bits: 0x02 reachable, 0x04 stale, 0x80 permanent, ...).</param>
public sealed record NeighborInfo(int IfIndex, IPAddress Address, byte[]? Mac, ushort State)
{
    /// <summary>NUD_PERMANENT: a static entry.</summary>
    public bool IsPermanent => (State & Protocol.NeighbourConstants.NUD_PERMANENT) != 0;
}

/// <summary>A bridge-family forwarding entry of a device (e.g. VXLAN MAC → remote VTEP).</summary>
/// <param name="IfIndex">The device (ndm_ifindex).</param>
/// <param name="Mac">NDA_LLADDR.</param>
/// <param name="Remote">NDA_DST, the remote VTEP, if any.</param>
/// <param name="State">ndm_state (NUD_* bits).</param>
/// <param name="Flags">ndm_flags (NTF_* bits, 0x02 = self).</param>
public sealed record FdbInfo(int IfIndex, byte[] Mac, IPAddress? Remote, ushort State, byte Flags)
{
    /// <summary>NUD_PERMANENT: a static entry.</summary>
    public bool IsPermanent => (State & Protocol.NeighbourConstants.NUD_PERMANENT) != 0;
}
