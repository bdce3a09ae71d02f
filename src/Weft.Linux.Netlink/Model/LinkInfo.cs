using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>A network interface as reported by RTM_NEWLINK.</summary>
/// <param name="Index">ifindex, unique within the namespace.</param>
/// <param name="Name">IFLA_IFNAME.</param>
/// <param name="Kind">IFLA_INFO_KIND ("veth", "vxlan", "bridge", ...), null for physical and loopback devices.</param>
/// <param name="Mtu">IFLA_MTU.</param>
/// <param name="Mac">IFLA_ADDRESS, null if the device has none.</param>
/// <param name="IsUp">IFF_UP is set (administratively up).</param>
/// <param name="MasterIndex">IFLA_MASTER (e.g. the bridge), 0 when none.</param>
/// <param name="PeerIndex">
/// IFLA_LINK: for a veth the peer's ifindex, counted in the peer's namespace when
/// <paramref name="PeerNetnsId"/> is set; null when the kernel does not report one.
/// </param>
/// <param name="PeerNetnsId">IFLA_LINK_NETNSID: the peer's namespace id as seen from this namespace, if it is elsewhere.</param>
/// <param name="Vxlan">VXLAN parameters when <paramref name="Kind"/> is "vxlan".</param>
public sealed record LinkInfo(
    int Index,
    string Name,
    string? Kind,
    int Mtu,
    byte[]? Mac,
    bool IsUp,
    int MasterIndex,
    int? PeerIndex,
    int? PeerNetnsId,
    VxlanInfo? Vxlan);

/// <summary>VXLAN device parameters (IFLA_VXLAN_*).</summary>
/// <param name="Vni">IFLA_VXLAN_ID.</param>
/// <param name="Port">IFLA_VXLAN_PORT, the UDP destination port.</param>
/// <param name="Local">IFLA_VXLAN_LOCAL or LOCAL6, the source address, if set.</param>
/// <param name="Learning">IFLA_VXLAN_LEARNING.</param>
/// <param name="UnderlayIndex">IFLA_VXLAN_LINK, the underlay device, 0 when not bound to one.</param>
public sealed record VxlanInfo(uint Vni, ushort Port, IPAddress? Local, bool Learning, int UnderlayIndex);
