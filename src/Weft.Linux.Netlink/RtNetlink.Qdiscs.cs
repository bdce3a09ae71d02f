using System.Globalization;
using Weft.Linux.Interop;
using Weft.Linux.Netlink.Messages;
using Weft.Linux.Netlink.Protocol;

namespace Weft.Linux.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Shapes what leaves link <paramref name="ifIndex"/> to <paramref name="bitsPerSecond"/> with a token bucket
    /// filter (bucket <paramref name="burstBytes"/>, queue <paramref name="limitBytes"/>). By default it replaces the
    /// link's root qdisc; with <paramref name="parent"/> set to a class (e.g. 0x00010001, "1:1") it becomes that
    /// class's child, and <paramref name="handle"/> (e.g. 0x000A0000, "10:"; 0 lets the kernel choose) names it.
    /// Changing the rate is another call; flows on the link continue.
    /// </summary>
    public void ReplaceTbf(int ifIndex, ulong bitsPerSecond, uint burstBytes, uint limitBytes, uint parent = 0xFFFFFFFF, uint handle = 0)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerSecond, 8UL, nameof(bitsPerSecond));
        ArgumentOutOfRangeException.ThrowIfZero(burstBytes, nameof(burstBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(limitBytes, burstBytes, nameof(limitBytes));
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        QdiscMessages.WriteTbf(ref w, ifIndex, bitsPerSecond, burstBytes, limitBytes, parent, handle);
        Execute(w.Written, $"RTM_NEWQDISC tbf rate {bitsPerSecond}bit burst {burstBytes}b limit {limitBytes}b parent {TcHandle(parent)} handle {TcHandle(handle)} ifindex {ifIndex}");
    }

    /// <summary>
    /// Makes a netem qdisc (delay, jitter, loss) the root of link <paramref name="ifIndex"/> with
    /// <paramref name="handle"/> (default 0x00010000, "1:"), creating or replacing it; calling again with the same
    /// handle changes it in place. A tbf can then go under class 1:1 with <see cref="ReplaceTbf"/>.
    /// </summary>
    /// <exception cref="NetlinkException">
    /// The kernel refused; <see cref="NetlinkException.Errno"/> is ENOENT when it has no netem (sch_netem), and the
    /// link's root qdisc is then unchanged.
    /// </exception>
    public void ReplaceNetem(int ifIndex, NetemOptions options, uint handle = 0x00010000)
    {
        Validate.IfIndex(ifIndex, nameof(ifIndex));
        ArgumentNullException.ThrowIfNull(options);
        Span<byte> buffer = stackalloc byte[RequestBufferSize];
        var w = new NetlinkWriter(buffer);
        QdiscMessages.WriteNetem(ref w, ifIndex, options, handle);
        Execute(w.Written, $"RTM_NEWQDISC netem delay {options.DelayNs}ns jitter {options.JitterNs}ns loss {options.LossPercent.ToString(CultureInfo.InvariantCulture)}% limit {options.LimitPackets} handle {TcHandle(handle)} ifindex {ifIndex}");
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

    // tc's notation ("1:1", "10:", "root") so error messages read like the tc command that would do the same.
    private static string TcHandle(uint handle) => handle switch
    {
        TcConstants.TC_H_ROOT => "root",
        _ when (handle & 0xFFFF) == 0 => $"{handle >> 16:x}:",
        _ => $"{handle >> 16:x}:{handle & 0xFFFF:x}",
    };
}
