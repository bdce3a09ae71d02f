using System.Net.NetworkInformation;
using System.Security.Cryptography;
using System.Text;

namespace Weft.Dataplane;

/// <summary>
/// How Weft recognises what it made in the kernel, so that a restarted agent can remove its own stale
/// objects and nothing else: an interface name prefix, a route protocol number and a fixed gateway MAC.
/// </summary>
public static class KernelOwnership
{
    /// <summary>Every interface Weft creates on a node starts with this.</summary>
    public const string InterfacePrefix = "weft";

    /// <summary>The node's VXLAN device.</summary>
    public const string VxlanDevice = "weft.vxlan";

    /// <summary>
    /// rtm_protocol of every route Weft installs on a node. 87 is 'W'; it is unassigned in
    /// /etc/iproute2/rt_protos and by the routing daemons we know of (bird 12, zebra 11, bgp 186-192).
    /// </summary>
    public const byte RouteProtocol = 87;

    /// <summary>
    /// The host end of every pod veth has this MAC, and pods reach their gateway through a static
    /// neighbour entry for it: no proxy ARP and no per-node gateway address are needed (Calico does the same).
    /// </summary>
    public static readonly PhysicalAddress GatewayMac = PhysicalAddress.Parse("EE-EE-EE-EE-EE-EE");

    /// <summary>Link-local gateways every pod routes through; they never leave the veth.</summary>
    public static readonly System.Net.IPAddress GatewayV4 = System.Net.IPAddress.Parse("169.254.1.1");
    public static readonly System.Net.IPAddress GatewayV6 = System.Net.IPAddress.Parse("fe80::1");

    /// <summary>
    /// Host-side veth name for an attachment. It is derived, not stored, so DEL can find the
    /// interface without the pod's netns or any saved state (runtimes send DEL without a netns).
    /// </summary>
    public static string HostVethName(string containerId, string ifName)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(containerId + "/" + ifName));
        return InterfacePrefix + Convert.ToHexStringLower(hash)[..11];
    }

    /// <summary>
    /// VTEP MAC derived from the node's underlay IPv4 address: stable across agent restarts and reboots,
    /// so peers never hold a stale entry (flannel#1795). 0x0e = locally administered, unicast.
    /// </summary>
    public static PhysicalAddress VtepMac(System.Net.IPAddress nodeIp)
    {
        var b = nodeIp.MapToIPv4().GetAddressBytes();
        return new PhysicalAddress([0x0e, 0x57, b[0], b[1], b[2], b[3]]);
    }

    /// <summary>IPv6 next hop on the VXLAN device for a remote node, derived from its IPv4 underlay address.</summary>
    public static System.Net.IPAddress VtepLinkLocalV6(System.Net.IPAddress nodeIp)
    {
        var b = nodeIp.MapToIPv4().GetAddressBytes();
        var v6 = new byte[16];
        v6[0] = 0xfe;
        v6[1] = 0x80;
        v6[11] = 0x57;
        b.CopyTo(v6, 12);
        return new System.Net.IPAddress(v6);
    }
}
