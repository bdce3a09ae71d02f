using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>An interface address as reported by RTM_NEWADDR.</summary>
/// <param name="IfIndex">The interface it is on.</param>
/// <param name="Address">IFA_LOCAL for IPv4, IFA_ADDRESS for IPv6.</param>
/// <param name="PrefixLength">ifa_prefixlen.</param>
/// <param name="Scope">ifa_scope (0 universe, 253 link, 254 host).</param>
/// <param name="Flags">IFA_FLAGS (IFA_F_* bits, e.g. 0x40 tentative, 0x80 permanent).</param>
public sealed record AddrInfo(int IfIndex, IPAddress Address, int PrefixLength, byte Scope, uint Flags)
{
    /// <summary>IPv6 duplicate address detection has not finished (IFA_F_TENTATIVE).</summary>
    public bool IsTentative => (Flags & Protocol.IfAddrConstants.IFA_F_TENTATIVE) != 0;
}
