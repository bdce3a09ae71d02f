using System.Net;
using System.Net.Sockets;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.NeighbourConstants;
using static Weft.Linux.Netlink.Protocol.RtnetlinkConstants;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>Sets the ARP/NDP entry <paramref name="ip"/> → <paramref name="mac"/> on link <paramref name="ifIndex"/>, replacing any existing one.</summary>
    public void ReplaceNeighbor(int ifIndex, IPAddress ip, byte[] mac, bool permanent = true)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        Validate.EthernetMac(mac ?? throw new ArgumentNullException(nameof(mac)), nameof(mac));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NeighborMessages.WriteNeighbor(ref w, RTM_NEWNEIGH, NeighborMessages.Replace, ifIndex, ip, mac, permanent ? NUD_PERMANENT : NUD_REACHABLE);
        Execute(w.Written, $"RTM_NEWNEIGH {ip} lladdr {Validate.Mac(mac)} ifindex {ifIndex}");
    }

    /// <summary>Removes the ARP/NDP entry for <paramref name="ip"/>; false if there is none.</summary>
    public bool DeleteNeighbor(int ifIndex, IPAddress ip)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NeighborMessages.WriteNeighbor(ref w, RTM_DELNEIGH, NeighborMessages.Delete, ifIndex, ip, null, 0);
        return DeleteResult(w.Written, $"RTM_DELNEIGH {ip} ifindex {ifIndex}", Errno.ENOENT, Errno.ENODEV);
    }

    /// <summary>ARP/NDP entries, optionally of one link and/or one family (Unspecified = both).</summary>
    public IReadOnlyList<NeighborInfo> ListNeighbors(int? ifIndex = null, AddressFamily family = AddressFamily.Unspecified)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        byte kernelFamily = Validate.Family(family, nameof(family));
        NeighborMessages.Dump(ref w, kernelFamily);
        var all = Dump(w.Written, $"RTM_GETNEIGH dump {family}", NeighborMessages.ParseNeighbor);
        return all.FindAll(n => (ifIndex is null || n.IfIndex == ifIndex)
            && (family == AddressFamily.Unspecified || n.Address.AddressFamily == family));
    }

    /// <summary>
    /// Sets the static FDB entry <paramref name="mac"/> → remote VTEP <paramref name="remote"/> on
    /// VXLAN device <paramref name="vxlanIfIndex"/>, replacing the entry's remote if it exists.
    /// </summary>
    public void ReplaceFdb(int vxlanIfIndex, byte[] mac, IPAddress remote) =>
        WriteFdb(vxlanIfIndex, mac, remote, NeighborMessages.Replace, "RTM_NEWNEIGH fdb");

    /// <summary>
    /// Adds <paramref name="remote"/> as one more destination for <paramref name="mac"/> (as
    /// `bridge fdb append`), e.g. several VTEPs for the all-zero flooding entry.
    /// </summary>
    public void AppendFdb(int vxlanIfIndex, byte[] mac, IPAddress remote) =>
        WriteFdb(vxlanIfIndex, mac, remote, NeighborMessages.Append, "RTM_NEWNEIGH fdb append");

    /// <summary>Removes the FDB entry <paramref name="mac"/> → <paramref name="remote"/>; false if there is none.</summary>
    public bool DeleteFdb(int vxlanIfIndex, byte[] mac, IPAddress remote)
    {
        Validate.IfIndex(vxlanIfIndex, nameof(vxlanIfIndex));
        Validate.EthernetMac(mac ?? throw new ArgumentNullException(nameof(mac)), nameof(mac));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NeighborMessages.WriteFdb(ref w, RTM_DELNEIGH, NeighborMessages.Delete, vxlanIfIndex, mac, remote);
        return DeleteResult(w.Written, $"RTM_DELNEIGH fdb {Validate.Mac(mac)} dst {remote} ifindex {vxlanIfIndex}", Errno.ENOENT, Errno.ENODEV);
    }

    /// <summary>FDB entries of device <paramref name="vxlanIfIndex"/>.</summary>
    public IReadOnlyList<FdbInfo> ListFdb(int vxlanIfIndex)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NeighborMessages.Dump(ref w, AF_BRIDGE);
        var all = Dump(w.Written, "RTM_GETNEIGH dump bridge", NeighborMessages.ParseFdb);
        return all.FindAll(f => f.IfIndex == vxlanIfIndex);
    }

    private void WriteFdb(int vxlanIfIndex, byte[] mac, IPAddress remote, ushort flags, string what)
    {
        Validate.IfIndex(vxlanIfIndex, nameof(vxlanIfIndex));
        Validate.EthernetMac(mac ?? throw new ArgumentNullException(nameof(mac)), nameof(mac));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        NeighborMessages.WriteFdb(ref w, RTM_NEWNEIGH, flags, vxlanIfIndex, mac, remote);
        Execute(w.Written, $"{what} {Validate.Mac(mac)} dst {remote} ifindex {vxlanIfIndex}");
    }
}
