using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netlink;

namespace Weft.Dataplane;

public enum NetworkMode { Vxlan, Routed }

/// <summary>A pod block that lives on another node.</summary>
public sealed record RemoteBlock(IPNetwork Cidr, string NodeName, IPAddress NodeIPv4, IPAddress? NodeIPv6);

/// <summary>This node's place in the underlay.</summary>
public sealed record UnderlayInfo(string InterfaceName, IPAddress NodeIPv4, int Mtu);

/// <summary>
/// Keeps the routes to other nodes' pod blocks equal to the desired set, idempotently.
/// vxlan: one VXLAN device with learning off and, per remote node, exactly one static FDB entry and one
/// static neighbour per family (flannel's scheme, no multicast, no miss callbacks), plus one route per
/// block through that neighbour. routed: one route per block via the remote node's underlay address.
/// Only objects Weft owns (its device, its route protocol) are ever removed.
/// Call from the node's network namespace.
/// </summary>
public sealed class NodeRoutes(RtNetlink rtnl, NetworkMode mode, UnderlayInfo underlay, uint vni = 1, ushort vxlanPort = 4789)
{
    /// <summary>VXLAN adds 50 bytes of headers on an IPv4 underlay.</summary>
    public const int VxlanOverhead = 50;

    public int PodMtu => mode == NetworkMode.Vxlan ? underlay.Mtu - VxlanOverhead : underlay.Mtu;

    /// <summary>Brings the kernel to the desired set of remote blocks. Returns the number of changes made.</summary>
    public int Sync(IReadOnlyCollection<RemoteBlock> remote)
    {
        var underlayLink = rtnl.GetLink(underlay.InterfaceName)
            ?? throw new DataplaneException($"underlay interface '{underlay.InterfaceName}' not found");
        var changes = 0;
        int outIf;
        if (mode == NetworkMode.Vxlan)
        {
            outIf = EnsureVxlan(underlayLink.Index, ref changes);
            changes += SyncVtepPeers(outIf, remote);
        }
        else
        {
            outIf = underlayLink.Index;
            if (rtnl.DeleteLink(KernelOwnership.VxlanDevice))
            {
                changes++;
            }
        }

        var desired = remote.Select(b => RouteFor(b, outIf)).ToList();
        var existing = rtnl.ListRoutes(AddressFamily.InterNetwork, protocol: KernelOwnership.RouteProtocol)
            .Concat(rtnl.ListRoutes(AddressFamily.InterNetworkV6, protocol: KernelOwnership.RouteProtocol))
            .ToList();
        foreach (var want in desired)
        {
            var have = existing.FirstOrDefault(r => r.Destination.Equals(want.Destination));
            if (have is null || have.OutIfIndex != want.OutIfIndex || !Equals(have.Gateway, want.Gateway))
            {
                rtnl.ReplaceRoute(want);
                changes++;
            }
        }
        // Pod /32 routes point at pod veths; only block routes through the underlay or the tunnel are ours to prune here.
        var wanted = desired.Select(d => d.Destination).ToHashSet();
        foreach (var r in existing)
        {
            var ours = r.OutIfIndex == outIf || r.OutIfIndex == underlayLink.Index;
            if (ours && !wanted.Contains(r.Destination))
            {
                rtnl.DeleteRoute(new RouteSpec(r.Destination, r.Gateway, r.OutIfIndex, r.Protocol, r.Scope, r.OnLink, r.Table));
                changes++;
            }
        }
        return changes;
    }

    private RouteSpec RouteFor(RemoteBlock b, int outIf)
    {
        var v4 = b.Cidr.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
        IPAddress gw;
        if (mode == NetworkMode.Vxlan)
        {
            gw = v4 ? b.NodeIPv4 : KernelOwnership.VtepLinkLocalV6(b.NodeIPv4);
        }
        else
        {
            gw = v4 ? b.NodeIPv4 : b.NodeIPv6
                ?? throw new DataplaneException($"node {b.NodeName} has no IPv6 underlay address; routed mode needs one for IPv6 block {b.Cidr}");
        }
        // In vxlan mode the gateway is the remote node's own address, resolved on the tunnel device by a static
        // neighbour entry: onlink tells the kernel not to look for it in a connected subnet of that device.
        return new RouteSpec(b.Cidr, gw, outIf, KernelOwnership.RouteProtocol, RouteScope.Universe, OnLink: mode == NetworkMode.Vxlan);
    }

    private int EnsureVxlan(int underlayIndex, ref int changes)
    {
        var mac = KernelOwnership.VtepMac(underlay.NodeIPv4).GetAddressBytes();
        var link = rtnl.GetLink(KernelOwnership.VxlanDevice);
        if (link is not null && (link.Kind != "vxlan" || !link.Mac.AsSpan().SequenceEqual(mac) || link.Mtu != PodMtu))
        {
            // Wrong shape (an older config, a different node IP): rebuild rather than patch.
            rtnl.DeleteLink(KernelOwnership.VxlanDevice);
            link = null;
        }
        if (link is null)
        {
            rtnl.CreateVxlan(KernelOwnership.VxlanDevice, vni, underlay.NodeIPv4, underlayIndex, vxlanPort, PodMtu, mac, learning: false);
            link = rtnl.GetLink(KernelOwnership.VxlanDevice)
                ?? throw new DataplaneException($"{KernelOwnership.VxlanDevice} did not appear after creation");
            changes++;
        }
        if (!link.IsUp)
        {
            rtnl.SetUp(link.Index);
            changes++;
        }
        return link.Index;
    }

    private int SyncVtepPeers(int vxlanIndex, IReadOnlyCollection<RemoteBlock> remote)
    {
        var changes = 0;
        var nodes = remote.Select(b => b.NodeIPv4).Distinct().ToList();
        var wantNeigh = new HashSet<IPAddress>();
        var wantFdb = new HashSet<string>();
        foreach (var ip in nodes)
        {
            var mac = KernelOwnership.VtepMac(ip).GetAddressBytes();
            // Replace is idempotent in the kernel and cheap; per-node counts are small.
            rtnl.ReplaceNeighbor(vxlanIndex, ip, mac, permanent: true);
            rtnl.ReplaceNeighbor(vxlanIndex, KernelOwnership.VtepLinkLocalV6(ip), mac, permanent: true);
            rtnl.ReplaceFdb(vxlanIndex, mac, ip);
            wantNeigh.Add(ip);
            wantNeigh.Add(KernelOwnership.VtepLinkLocalV6(ip));
            wantFdb.Add(PodNetwork.FormatMac(mac));
        }
        foreach (var n in rtnl.ListNeighbors(vxlanIndex))
        {
            if (!wantNeigh.Contains(n.Address) && rtnl.DeleteNeighbor(vxlanIndex, n.Address))
            {
                changes++;
            }
        }
        foreach (var f in rtnl.ListFdb(vxlanIndex))
        {
            if (f.Remote is not null && !wantFdb.Contains(PodNetwork.FormatMac(f.Mac)) && rtnl.DeleteFdb(vxlanIndex, f.Mac, f.Remote))
            {
                changes++;
            }
        }
        return changes;
    }
}
