using System.Net;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NetlinkConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink.Messages;

/// <summary>Builds RTM_*ROUTE requests and parses RTM_NEWROUTE replies. No I/O.</summary>
internal static class RouteMessages
{
    /// <summary>RTM_NEWROUTE with create+replace, or RTM_DELROUTE matching the same spec.</summary>
    public static void Write(ref NetlinkWriter w, bool replace, RouteSpec spec)
    {
        var destination = spec.Destination.BaseAddress;
        byte family = Validate.Family(destination, nameof(spec.Destination));
        if (spec.Gateway is { } gateway && Validate.Family(gateway, nameof(spec.Gateway)) != family)
        {
            throw new ArgumentException($"route {spec.Destination}: gateway {gateway} is not in the destination's address family", nameof(spec));
        }

        if (spec.PreferredSource is { } source && Validate.Family(source, nameof(spec.PreferredSource)) != family)
        {
            throw new ArgumentException($"route {spec.Destination}: preferred source {source} is not in the destination's address family", nameof(spec));
        }

        w.BeginMessage(
            replace ? RTM_NEWROUTE : RTM_DELROUTE,
            replace ? (ushort)(NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE) : (ushort)(NLM_F_REQUEST | NLM_F_ACK));
        w.WriteStruct(new RtMsg
        {
            Family = family,
            DestinationLength = (byte)spec.Destination.PrefixLength,
            Table = spec.Table < 256 ? (byte)spec.Table : RT_TABLE_UNSPEC,
            Protocol = spec.Protocol,

            // On delete, NOWHERE and UNSPEC act as wildcards, so a route is found by destination,
            // table, protocol, gateway, interface and metric, as `ip route del` does.
            Scope = replace ? (byte)spec.Scope : RT_SCOPE_NOWHERE,
            Type = replace ? (byte)spec.Type : RTN_UNSPEC,
            Flags = spec.OnLink ? RTNH_F_ONLINK : 0,
        });
        w.WriteU32(RTA_TABLE, spec.Table);
        if (spec.Destination.PrefixLength > 0)
        {
            w.WriteAddress(RTA_DST, destination);
        }

        if (spec.Gateway is not null)
        {
            w.WriteAddress(RTA_GATEWAY, spec.Gateway);
        }

        if (spec.OutIfIndex is { } oif)
        {
            w.WriteU32(RTA_OIF, (uint)oif);
        }

        if (spec.Metric is { } metric)
        {
            w.WriteU32(RTA_PRIORITY, metric);
        }

        if (spec.PreferredSource is not null)
        {
            w.WriteAddress(RTA_PREFSRC, spec.PreferredSource);
        }

        w.EndMessage();
    }

    public static void Dump(ref NetlinkWriter w, byte family)
    {
        w.BeginMessage(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
        w.WriteStruct(new RtMsg { Family = family });
        w.EndMessage();
    }

    public static RouteInfo? Parse(NetlinkMessage message)
    {
        if (message.Header.Type != RTM_NEWROUTE)
        {
            return null;
        }

        var header = message.Read<RtMsg>();
        if ((header.Flags & RTM_F_CLONED) != 0 || header.Family is not (AF_INET or AF_INET6))
        {
            return null;
        }

        IPAddress? destination = null, gateway = null, source = null;
        int? oif = null;
        uint? metric = null;
        uint table = header.Table;
        foreach (var attribute in message.Attributes<RtMsg>())
        {
            switch (attribute.Type)
            {
                case RTA_DST: destination = attribute.AsAddress(); break;
                case RTA_GATEWAY: gateway = attribute.AsAddress(); break;
                case RTA_OIF: oif = attribute.AsI32(); break;
                case RTA_PRIORITY: metric = attribute.AsU32(); break;
                case RTA_PREFSRC: source = attribute.AsAddress(); break;
                case RTA_TABLE: table = attribute.AsU32(); break;
            }
        }

        destination ??= header.Family == AF_INET ? IPAddress.Any : IPAddress.IPv6Any;
        return new RouteInfo(
            new IPNetwork(destination, header.DestinationLength),
            gateway,
            oif,
            header.Protocol,
            (RouteScope)header.Scope,
            table,
            (header.Flags & RTNH_F_ONLINK) != 0,
            metric,
            source,
            (RouteType)header.Type);
    }
}
