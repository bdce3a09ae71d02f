using System.Net;
using System.Runtime.InteropServices;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;
using static Weft.Linux.Netlink.Protocol.IfLinkConstants;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>All links of the socket's namespace.</summary>
    public IReadOnlyList<LinkInfo> ListLinks()
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.Get(ref w, 0, null, dump: true);
        return Dump(w.Written, "RTM_GETLINK dump", LinkMessages.Parse);
    }

    /// <summary>The link named <paramref name="name"/>, or null if there is none.</summary>
    public LinkInfo? GetLink(string name)
    {
        Validate.InterfaceName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.Get(ref w, 0, name, dump: false);
        return GetOne(w.Written, $"RTM_GETLINK {name}");
    }

    /// <summary>The link with ifindex <paramref name="index"/>, or null if there is none.</summary>
    public LinkInfo? GetLink(int index)
    {
        Validate.IfIndex(index, nameof(index));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.Get(ref w, index, null, dump: false);
        return GetOne(w.Written, $"RTM_GETLINK ifindex {index}");
    }

    /// <summary>
    /// Creates a veth pair: <paramref name="name"/> here and <paramref name="peerName"/> created
    /// directly in the namespace of <paramref name="peerNetnsFd"/> (here when null), both with
    /// <paramref name="mtu"/>. Creating the peer in place avoids a later namespace move, which
    /// is slow under load. Both ends start down. Throws (EEXIST) if either name is taken.
    /// </summary>
    public void CreateVeth(string name, string peerName, SafeHandle? peerNetnsFd, int mtu, byte[]? mac = null, byte[]? peerMac = null)
    {
        Validate.InterfaceName(name, nameof(name));
        Validate.InterfaceName(peerName, nameof(peerName));
        Validate.Mtu(mtu, nameof(mtu));
        Validate.EthernetMac(mac, nameof(mac));
        Validate.EthernetMac(peerMac, nameof(peerMac));
        bool added = false;
        try
        {
            peerNetnsFd?.DangerousAddRef(ref added);
            int fd = peerNetnsFd is null ? -1 : (int)peerNetnsFd.DangerousGetHandle();
            Span<byte> buffer = stackalloc byte[RequestBufferSize];
            var w = new NetlinkWriter(buffer);
            LinkMessages.CreateVeth(ref w, name, peerName, fd, mtu, mac, peerMac);
            Execute(w.Written, $"RTM_NEWLINK veth {name} peer {peerName}");
        }
        finally
        {
            if (added)
            {
                peerNetnsFd!.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Creates a VXLAN device with the given VNI, local VTEP address, underlay device (0 = none),
    /// UDP destination port, MTU and MAC. Throws (EEXIST) if the name or VNI/port is taken.
    /// </summary>
    public void CreateVxlan(string name, uint vni, IPAddress local, int underlayIfIndex, ushort dstPort, int mtu, byte[] mac, bool learning)
    {
        Validate.InterfaceName(name, nameof(name));
        Validate.Mtu(mtu, nameof(mtu));
        Validate.EthernetMac(mac, nameof(mac));
        if (vni is 0 or >= 1 << 24)
        {
            throw new ArgumentOutOfRangeException(nameof(vni), vni, $"vxlan {name}: VNI must be 1-16777215");
        }

        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.CreateVxlan(ref w, name, vni, local, underlayIfIndex, dstPort, mtu, mac, learning);
        Execute(w.Written, $"RTM_NEWLINK vxlan {name} id {vni}");
    }

    /// <summary>Creates a bridge device. Throws (EEXIST) if the name is taken.</summary>
    public void CreateBridge(string name)
    {
        Validate.InterfaceName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.CreateBridge(ref w, name);
        Execute(w.Written, $"RTM_NEWLINK bridge {name}");
    }

    /// <summary>Enslaves link <paramref name="index"/> to <paramref name="masterIndex"/> (0 = release it).</summary>
    public void SetMaster(int index, int masterIndex)
    {
        Validate.IfIndex(index, nameof(index));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.BeginChange(ref w, index);
        w.WriteU32(IFLA_MASTER, (uint)masterIndex);
        w.EndMessage();
        Execute(w.Written, $"RTM_NEWLINK ifindex {index} master {masterIndex}");
    }

    /// <summary>Sets IFF_UP on link <paramref name="index"/>.</summary>
    public void SetUp(int index) => SetUpDown(index, up: true);

    /// <summary>Clears IFF_UP on link <paramref name="index"/>.</summary>
    public void SetDown(int index) => SetUpDown(index, up: false);

    /// <summary>Sets the MTU of link <paramref name="index"/>.</summary>
    public void SetMtu(int index, int mtu)
    {
        Validate.IfIndex(index, nameof(index));
        Validate.Mtu(mtu, nameof(mtu));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.BeginChange(ref w, index);
        w.WriteU32(IFLA_MTU, (uint)mtu);
        w.EndMessage();
        Execute(w.Written, $"RTM_NEWLINK ifindex {index} mtu {mtu}");
    }

    /// <summary>Sets the hardware address of link <paramref name="index"/>.</summary>
    public void SetMac(int index, byte[] mac)
    {
        Validate.IfIndex(index, nameof(index));
        if (mac is null || mac.Length == 0)
        {
            throw new ArgumentException($"ifindex {index}: mac must not be empty", nameof(mac));
        }

        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.BeginChange(ref w, index);
        w.WriteAttribute(IFLA_ADDRESS, mac);
        w.EndMessage();
        Execute(w.Written, $"RTM_NEWLINK ifindex {index} address {Validate.Mac(mac)}");
    }

    /// <summary>Renames link <paramref name="index"/>; the kernel refuses (EBUSY) while it is up.</summary>
    public void Rename(int index, string newName)
    {
        Validate.IfIndex(index, nameof(index));
        Validate.InterfaceName(newName, nameof(newName));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.BeginChange(ref w, index);
        w.WriteString(IFLA_IFNAME, newName);
        w.EndMessage();
        Execute(w.Written, $"RTM_NEWLINK ifindex {index} rename to {newName}");
    }

    /// <summary>Deletes the link named <paramref name="name"/> (a veth takes its peer along). False if missing.</summary>
    public bool DeleteLink(string name)
    {
        Validate.InterfaceName(name, nameof(name));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.Delete(ref w, 0, name);
        return DeleteResult(w.Written, $"RTM_DELLINK {name}", Errno.ENODEV);
    }

    /// <summary>Deletes link <paramref name="index"/> (a veth takes its peer along). False if missing.</summary>
    public bool DeleteLink(int index)
    {
        Validate.IfIndex(index, nameof(index));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.Delete(ref w, index, null);
        return DeleteResult(w.Written, $"RTM_DELLINK ifindex {index}", Errno.ENODEV);
    }

    /// <summary>Moves link <paramref name="index"/> into the namespace of <paramref name="netnsFd"/> (lab use; pods get their veth created in place).</summary>
    public void MoveToNetns(int index, SafeHandle netnsFd)
    {
        Validate.IfIndex(index, nameof(index));
        bool added = false;
        try
        {
            netnsFd.DangerousAddRef(ref added);
            int fd = (int)netnsFd.DangerousGetHandle();
            Span<byte> buffer = stackalloc byte[RequestBufferSize];
            var w = new NetlinkWriter(buffer);
            LinkMessages.BeginChange(ref w, index);
            w.WriteU32(IFLA_NET_NS_FD, (uint)fd);
            w.EndMessage();
            Execute(w.Written, $"RTM_NEWLINK ifindex {index} netns fd {fd}");
        }
        finally
        {
            if (added)
            {
                netnsFd.DangerousRelease();
            }
        }
    }

    private void SetUpDown(int index, bool up)
    {
        Validate.IfIndex(index, nameof(index));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        LinkMessages.BeginChange(ref w, index, up ? IFF_UP : 0, IFF_UP);
        w.EndMessage();
        Execute(w.Written, $"RTM_NEWLINK ifindex {index} {(up ? "up" : "down")}");
    }

    private LinkInfo? GetOne(Span<byte> request, string operation)
    {
        LinkInfo? found = null;
        int errno = TryExecute(request, operation, message => found ??= LinkMessages.Parse(message), out string? kernelMessage);
        return errno switch
        {
            0 => found,
            Errno.ENODEV => null,
            _ => throw new NetlinkException(operation, errno, kernelMessage),
        };
    }

    /// <summary>Runs a delete request: true when deleted, false when the kernel says <paramref name="missing"/>.</summary>
    private bool DeleteResult(Span<byte> request, string operation, params ReadOnlySpan<int> missing)
    {
        int errno = TryExecute(request, operation, null, out string? kernelMessage);
        if (errno == 0)
        {
            return true;
        }

        return missing.Contains(errno) ? false : throw new NetlinkException(operation, errno, kernelMessage);
    }
}
