using System.Net;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Ensures <paramref name="address"/>/<paramref name="prefixLength"/> is on link
    /// <paramref name="ifIndex"/> (already present counts as success). With
    /// <paramref name="noDad"/> an IPv6 address is usable at once instead of after DAD.
    /// </summary>
    public void AddAddress(int ifIndex, IPAddress address, int prefixLength, bool noDad = false)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        Validate.PrefixLength(address, prefixLength, nameof(prefixLength));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        AddressMessages.Write(ref w, add: true, ifIndex, address, prefixLength, noDad);
        string operation = $"RTM_NEWADDR {address}/{prefixLength} ifindex {ifIndex}";
        int errno = TryExecute(w.Written, operation, null, out string? kernelMessage);
        if (errno is not (0 or Errno.EEXIST))
        {
            throw new NetlinkException(operation, errno, kernelMessage);
        }
    }

    /// <summary>Addresses of all links, or of link <paramref name="ifIndex"/> only.</summary>
    public IReadOnlyList<AddrInfo> ListAddresses(int? ifIndex = null)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        AddressMessages.Dump(ref w);
        var all = Dump(w.Written, "RTM_GETADDR dump", AddressMessages.Parse);
        return ifIndex is { } index ? all.FindAll(a => a.IfIndex == index) : all;
    }

    /// <summary>Removes the address; false if it (or the link) is not there.</summary>
    public bool DeleteAddress(int ifIndex, IPAddress address, int prefixLength)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        Validate.PrefixLength(address, prefixLength, nameof(prefixLength));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        AddressMessages.Write(ref w, add: false, ifIndex, address, prefixLength, noDad: false);
        return DeleteResult(w.Written, $"RTM_DELADDR {address}/{prefixLength} ifindex {ifIndex}", Errno.EADDRNOTAVAIL, Errno.ENODEV);
    }
}
