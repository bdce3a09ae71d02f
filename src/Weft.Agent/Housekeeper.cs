using Weft.Agent.Contract;
using Weft.Dataplane;
using Weft.Ipam;

namespace Weft.Agent;

/// <summary>
/// The periodic sweep that keeps the node free of leaks: DELs the CNI binary queued while the agent was
/// down, pod veths that belong to no allocation (mark and sweep by name prefix), and blocks that have
/// stayed empty past the grace period.
/// </summary>
internal sealed class Housekeeper(AgentOptions options, NodeAllocator ipam, PodNetwork pods, CniHandler handler)
{
    public async Task RunForeverAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.HousekeepingInterval);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await RunOnceAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Error($"housekeeping failed: {e.Message}");
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken ct)
    {
        await ReplayDeletesAsync(ct);
        SweepVeths();
        await SweepAllocationsAsync(ct);
        var released = await ipam.ReleaseEmptyBlocksAsync(options.BlockReleaseGrace, ct);
        if (released > 0)
        {
            Log.Info($"ipam: released {released} empty block(s)");
        }
    }

    private async Task ReplayDeletesAsync(CancellationToken ct)
    {
        foreach (var entry in DelQueue.ReadAll(options.DelQueueDir))
        {
            var resp = await handler.HandleAsync(entry.Request, ct);
            if (resp.Ok)
            {
                DelQueue.Remove(options.DelQueueDir, entry);
                Log.Info($"replayed queued DEL for {entry.Request.ContainerId}");
            }
        }
    }

    /// <summary>
    /// An allocation whose veth is gone belongs to a container that died without a DEL (its netns was
    /// removed, which removes the veth): the runtime will never free it, so we do. Attachments with an ADD
    /// or DEL in flight are left alone.
    /// </summary>
    private async Task SweepAllocationsAsync(CancellationToken ct)
    {
        var mark = handler.Mark();
        var allocations = ipam.Allocations;
        var veths = pods.ListHostVeths().ToHashSet();
        foreach (var a in allocations)
        {
            if (!veths.Contains(KernelOwnership.HostVethName(a.ContainerId, a.IfName)) && !handler.IsBusy(a.ContainerId, a.IfName, mark)
                && await ipam.ReleaseAsync(a.ContainerId, a.IfName, ct))
            {
                Log.Info($"released {string.Join(", ", a.Addresses)} of {a.PodNamespace}/{a.PodName}: its container is gone");
            }
        }
    }

    /// <summary>
    /// Links are listed before allocations are read: ADD allocates before it creates the veth and DEL removes
    /// the veth before it frees the IP, so a veth seen here without an allocation is truly stale.
    /// </summary>
    private void SweepVeths()
    {
        var veths = pods.ListHostVeths();
        var owned = ipam.Allocations.Select(a => KernelOwnership.HostVethName(a.ContainerId, a.IfName)).ToHashSet();
        foreach (var name in veths.Where(v => !owned.Contains(v)))
        {
            if (pods.DetachByName(name))
            {
                Log.Info($"removed stale veth {name}");
            }
        }
    }
}
