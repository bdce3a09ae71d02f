namespace Weft.Linux.Netlink;

/// <summary>
/// A queueing discipline as the kernel lists it: the link, its kind ("tbf", "netem", "noqueue", ...), its handle and
/// parent (<see cref="IsRoot"/> when the parent is TC_H_ROOT). <paramref name="RateBitsPerSecond"/> is set for a tbf,
/// <paramref name="DelayNs"/> for a netem that reports its 64-bit latency; both are null for other kinds.
/// </summary>
public sealed record QdiscInfo(int IfIndex, string Kind, uint Handle, uint Parent, ulong? RateBitsPerSecond = null, long? DelayNs = null)
{
    /// <summary>True when the qdisc sits at the root of its link (parent TC_H_ROOT).</summary>
    public bool IsRoot => Parent == 0xFFFFFFFF;
}
