using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Shapes what leaves link <paramref name="ifIndex"/> to <paramref name="bitsPerSecond"/> with a root token
    /// bucket filter (bucket <paramref name="burstBytes"/>, queue <paramref name="limitBytes"/>), replacing the
    /// link's root qdisc. Changing the rate is another call; flows on the link continue.
    /// </summary>
    public void ReplaceTbf(int ifIndex, ulong bitsPerSecond, uint burstBytes, uint limitBytes)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerSecond, 8UL, nameof(bitsPerSecond));
        ArgumentOutOfRangeException.ThrowIfZero(burstBytes, nameof(burstBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, burstBytes, nameof(limitBytes));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        QdiscMessages.WriteTbf(ref w, ifIndex, bitsPerSecond, burstBytes, limitBytes);
        Execute(w.Written, $"RTM_NEWQDISC tbf rate {bitsPerSecond}bit burst {burstBytes}b limit {limitBytes}b ifindex {ifIndex}");
    }

    /// <summary>Removes the link's root qdisc (back to the default); false when it had none of its own.</summary>
    public bool DeleteRootQdisc(int ifIndex)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        QdiscMessages.WriteDeleteRoot(ref w, ifIndex);
        return DeleteResult(w.Written, $"RTM_DELQDISC root ifindex {ifIndex}", Errno.ENOENT, Errno.EINVAL);
    }

    /// <summary>Every qdisc of the namespace, or of one link.</summary>
    public IReadOnlyList<QdiscInfo> ListQdiscs(int? ifIndex = null)
    {
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        QdiscMessages.Dump(ref w);
        return Dump(w.Written, "RTM_GETQDISC dump", QdiscMessages.Parse).FindAll(q => ifIndex is null || q.IfIndex == ifIndex);
    }
}
