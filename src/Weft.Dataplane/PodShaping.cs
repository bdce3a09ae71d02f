using Weft.Linux.Interop;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;

namespace Weft.Dataplane;

/// <summary>One direction's limit: bit/s and the token bucket depth in bytes.</summary>
public sealed record RateLimit(long BitsPerSecond, long BurstBytes)
{
    /// <summary>Queue allowed behind the bucket: 100 ms of the rate (latency bound), at least the burst.</summary>
    public uint LimitBytes => (uint)Math.Clamp(Math.Max(BitsPerSecond / 8 / 10, BurstBytes), 1, uint.MaxValue);
}

/// <summary>Delay, jitter, loss and queue length for traffic into a pod (netem).</summary>
public sealed record Impairment(long DelayNs, long JitterNs, double LossPercent, uint LimitPackets);

/// <summary>
/// Bandwidth limits of one pod, both directions, as token bucket filters: traffic into the pod on the host
/// end of its veth (the host sends it), traffic out of the pod on the pod end (the pod sends it), so each
/// direction is shaped where it is queued and no IFB redirect is needed. An impairment (netem) goes on the
/// host end as the root, with the ingress bucket under it. A null limit removes that direction's filter.
/// Changing a limit replaces the filter in place; connections go on. Everything goes away with the veth.
/// </summary>
public sealed class PodShaping(RtNetlink node)
{
    /// <summary>Why impairments are not enforced on this node, once known; null while netem works or is untried.</summary>
    public string? ImpairmentUnsupported { get; private set; }

    /// <summary>Applies the limits; returns null when everything asked is in force, else why the impairment is not.</summary>
    /// <exception cref="DataplaneException">The veth or the pod's namespace is gone.</exception>
    public string? Apply(string hostVeth, string netnsPath, string podIfName, RateLimit? ingress, RateLimit? egress, Impairment? impairment = null)
    {
        var host = node.GetLink(hostVeth) ?? throw new DataplaneException($"host veth '{hostVeth}' not found");
        var problem = impairment is null ? null : TryImpair(host.Index, impairment, ingress);
        if (impairment is null || problem is not null)
        {
            Set(node, host.Index, ingress);
        }
        NetNamespace ns;
        try
        {
            ns = NetNamespace.Open(netnsPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SystemException)
        {
            throw new DataplaneException($"cannot open netns {netnsPath}: {e.Message}", e);
        }
        using (ns)
        using (var pod = ns.Run(RtNetlink.Open))
        {
            var link = pod.GetLink(podIfName) ?? throw new DataplaneException($"interface '{podIfName}' not found in netns {netnsPath}");
            Set(pod, link.Index, egress);
        }
        return problem;
    }

    private string? TryImpair(int ifIndex, Impairment impairment, RateLimit? ingress)
    {
        if (ImpairmentUnsupported is not null)
        {
            return ImpairmentUnsupported;
        }
        try
        {
            // A fresh tree each time: a bucket left under an old netem must not outlive its limit.
            node.DeleteRootQdisc(ifIndex);
            node.ReplaceNetem(ifIndex, new NetemOptions(impairment.DelayNs, impairment.JitterNs, impairment.LossPercent, impairment.LimitPackets), NetemHandle);
            if (ingress is not null)
            {
                node.ReplaceTbf(ifIndex, (ulong)ingress.BitsPerSecond, Burst(ingress), ingress.LimitBytes, parent: NetemHandle | 1, handle: BucketUnderNetem);
            }
            return null;
        }
        catch (NetlinkException e) when (e.Errno == Errno.ENOENT)
        {
            // The kernel knows no "netem" qdisc kind: sch_netem is not built (CONFIG_NET_SCH_NETEM).
            ImpairmentUnsupported = "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set)";
            return ImpairmentUnsupported;
        }
    }

    private const uint NetemHandle = 0x0001_0000;
    private const uint BucketUnderNetem = 0x000A_0000;

    private static uint Burst(RateLimit limit) => (uint)Math.Clamp(limit.BurstBytes, 1, uint.MaxValue);

    private static void Set(RtNetlink rtnl, int ifIndex, RateLimit? limit)
    {
        if (limit is null)
        {
            rtnl.DeleteRootQdisc(ifIndex);
            return;
        }
        // A bucket changed in place keeps its queue, and a queued GSO packet larger than the new, smaller bucket
        // can never leave: the link stalls. Lowering starts a fresh filter instead; the queue is lost, which TCP
        // retransmits, and the connections go on.
        if (rtnl.ListQdiscs(ifIndex).FirstOrDefault(q => q.IsRoot && q.Kind == "tbf") is { RateBitsPerSecond: { } current }
            && (ulong)limit.BitsPerSecond < current)
        {
            rtnl.DeleteRootQdisc(ifIndex);
        }
        rtnl.ReplaceTbf(ifIndex, (ulong)limit.BitsPerSecond, Burst(limit), limit.LimitBytes);
    }
}
