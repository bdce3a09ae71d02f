using System.Net;

namespace Weft.Linux.Netlink;

/// <summary>rtm_scope values.</summary>
public enum RouteScope : byte
{
    /// <summary>RT_SCOPE_UNIVERSE: reached via a gateway or globally.</summary>
    Universe = 0,

    /// <summary>RT_SCOPE_SITE.</summary>
    Site = 200,

    /// <summary>RT_SCOPE_LINK: directly on the link.</summary>
    Link = 253,

    /// <summary>RT_SCOPE_HOST: this host.</summary>
    Host = 254,

    /// <summary>RT_SCOPE_NOWHERE.</summary>
    Nowhere = 255,
}

/// <summary>rtm_type values Weft uses.</summary>
public enum RouteType : byte
{
    /// <summary>RTN_UNICAST: a normal route.</summary>
    Unicast = 1,

    /// <summary>RTN_LOCAL: an address of this host.</summary>
    Local = 2,

    /// <summary>RTN_BROADCAST.</summary>
    Broadcast = 3,

    /// <summary>RTN_MULTICAST.</summary>
    Multicast = 5,

    /// <summary>RTN_BLACKHOLE: silently drop.</summary>
    Blackhole = 6,

    /// <summary>RTN_UNREACHABLE: drop with ICMP unreachable.</summary>
    Unreachable = 7,

    /// <summary>RTN_PROHIBIT: drop with ICMP prohibited.</summary>
    Prohibit = 8,
}

/// <summary>A route to install or delete.</summary>
/// <param name="Destination">The prefix (host bits must be zero).</param>
/// <param name="Gateway">RTA_GATEWAY, same family as the destination; null for a direct route.</param>
/// <param name="OutIfIndex">RTA_OIF, the output interface.</param>
/// <param name="Protocol">rtm_protocol: who owns the route (Weft uses its own number to find its routes).</param>
/// <param name="Scope">rtm_scope: Link for direct routes, Universe for gateway routes.</param>
/// <param name="OnLink">RTNH_F_ONLINK: use the gateway even if no address covers it.</param>
/// <param name="Table">Routing table, 254 = main.</param>
/// <param name="Metric">RTA_PRIORITY; part of the route's identity (a different metric is another route).</param>
/// <param name="PreferredSource">RTA_PREFSRC.</param>
/// <param name="Type">rtm_type (Blackhole etc. take no gateway or interface).</param>
public sealed record RouteSpec(
    IPNetwork Destination,
    IPAddress? Gateway,
    int? OutIfIndex,
    byte Protocol,
    RouteScope Scope,
    bool OnLink,
    uint Table = 254,
    uint? Metric = null,
    IPAddress? PreferredSource = null,
    RouteType Type = RouteType.Unicast);

/// <summary>A route as reported by RTM_NEWROUTE.</summary>
/// <param name="Destination">The prefix (0.0.0.0/0 or ::/0 for a default route).</param>
/// <param name="Gateway">RTA_GATEWAY, if any.</param>
/// <param name="OutIfIndex">RTA_OIF, if any.</param>
/// <param name="Protocol">rtm_protocol.</param>
/// <param name="Scope">rtm_scope.</param>
/// <param name="Table">RTA_TABLE (or rtm_table).</param>
/// <param name="OnLink">RTNH_F_ONLINK is set.</param>
/// <param name="Metric">RTA_PRIORITY, if any.</param>
/// <param name="PreferredSource">RTA_PREFSRC, if any.</param>
/// <param name="Type">rtm_type.</param>
public sealed record RouteInfo(
    IPNetwork Destination,
    IPAddress? Gateway,
    int? OutIfIndex,
    byte Protocol,
    RouteScope Scope,
    uint Table,
    bool OnLink,
    uint? Metric,
    IPAddress? PreferredSource,
    RouteType Type);
