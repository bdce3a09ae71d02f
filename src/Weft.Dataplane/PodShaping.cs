using Weft.Linux.Netlink;
using Weft.Linux.Netns;

namespace Weft.Dataplane;

/// <summary>One direction's limit: bit/s and the token bucket depth in bytes.</summary>
public sealed record RateLimit(long BitsPerSecond, long BurstBytes)
{
    /// <summary>Queue allowed behind the bucket: 100 ms of the rate (latency bound), at least the burst.</summary>
    public uint LimitBytes => (uint)Math.Clamp(Math.Max(BitsPerSecond / 8 / 10, BurstBytes), 1, uint.MaxValue);
}

/// <summary>
/// Bandwidth limits of one pod, both directions, as root token bucket filters: traffic into the pod on the
/// host end of its veth (the host sends it), traffic out of the pod on the pod end (the pod sends it), so
/// each direction is shaped where it is queued and no IFB redirect is needed. A null limit removes that
/// direction's filter. Changing a limit replaces the filter in place; connections go on. The filters go
/// away with the veth.
/// </summary>
public sealed class PodShaping(RtNetlink node)
{
    /// <exception cref="DataplaneException">The veth or the pod's namespace is gone.</exception>
    public void Apply(string hostVeth, string netnsPath, string podIfName, RateLimit? ingress, RateLimit? egress)
    {
        var host = node.GetLink(hostVeth) ?? throw new DataplaneException($"host veth '{hostVeth}' not found");
        Set(node, host.Index, ingress);
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
    }

    private static void Set(RtNetlink rtnl, int ifIndex, RateLimit? limit)
    {
        if (limit is null)
        {
            rtnl.DeleteRootQdisc(ifIndex);
            return;
        }
        rtnl.ReplaceTbf(ifIndex, (ulong)limit.BitsPerSecond, (uint)Math.Clamp(limit.BurstBytes, 1, uint.MaxValue), limit.LimitBytes);
    }
}
