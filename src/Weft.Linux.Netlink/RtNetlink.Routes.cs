using System.Net.Sockets;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Installs the route, replacing one with the same destination, table and metric
    /// (NLM_F_CREATE | NLM_F_REPLACE), so repeating it is harmless.
    /// </summary>
    public void ReplaceRoute(RouteSpec route)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        RouteMessages.Write(ref w, replace: true, route);
        Execute(w.Written, $"RTM_NEWROUTE {Describe(route)}");
    }

    /// <summary>
    /// Deletes the route matching destination, table, protocol (if non-zero), gateway and
    /// interface (if set) and metric (if set); false if there is none.
    /// </summary>
    public bool DeleteRoute(RouteSpec route)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        RouteMessages.Write(ref w, replace: false, route);
        return DeleteResult(w.Written, $"RTM_DELROUTE {Describe(route)}", Errno.ESRCH, Errno.ENOENT);
    }

    /// <summary>
    /// Routes of <paramref name="family"/> (InterNetwork or InterNetworkV6; Unspecified for both),
    /// optionally only those of one table and/or protocol. Cached clones are left out, and
    /// multipath routes are reported without their next hops.
    /// </summary>
    public IReadOnlyList<RouteInfo> ListRoutes(AddressFamily family, uint? table = null, byte? protocol = null)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        RouteMessages.Dump(ref w, Validate.Family(family, nameof(family)));
        var all = Dump(w.Written, $"RTM_GETROUTE dump {family}", RouteMessages.Parse);
        return all.FindAll(r => (table is null || r.Table == table) && (protocol is null || r.Protocol == protocol));
    }

    private static string Describe(RouteSpec route)
    {
        string via = route.Gateway is null ? "" : $" via {route.Gateway}";
        string dev = route.OutIfIndex is null ? "" : $" ifindex {route.OutIfIndex}";
        string metric = route.Metric is null ? "" : $" metric {route.Metric}";
        string onlink = route.OnLink ? " onlink" : "";
        return $"{route.Type} {route.Destination}{via}{dev} table {route.Table} proto {route.Protocol}{metric}{onlink}";
    }
}
