using System.Collections.Immutable;
using System.Net;
using Weft.Model;
using Weft.Store;

namespace Weft.Ipam;

// Startup reconcile: the journal says what this node handed out, the store says which blocks it owns.
public sealed partial class NodeAllocator
{
    /// <summary>
    /// Loads the journal and reconciles it with the store: a journal block that still has allocations but
    /// is missing from the store is claimed again (if another node took it meanwhile, its allocations are
    /// dropped and listed in <see cref="Conflicts"/>); a store block of this node unknown to the journal is
    /// kept, empty. Safe to retry when it throws; a second call after success does nothing.
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_initialized)
            {
                return;
            }
            var saved = _journal.Load() ?? IpamState.Empty;
            var now = _time.GetUtcNow();

            var inStore = new Dictionary<IPNetwork, IpBlockInfo>();
            foreach (var obj in (await _store.ListAsync(ResourceType.IPBlock, null, ct)).Items)
            {
                if (IpBlocks.TryRead(obj, out var info, out _) && info.NodeName == _nodeName && IsUsable(info))
                {
                    inStore[info.Cidr] = info;
                }
            }

            var blocks = new List<OwnedBlock>();
            foreach (var cidr in saved.Blocks.Distinct())
            {
                if (inStore.Remove(cidr, out var info))
                {
                    blocks.Add(new OwnedBlock(cidr, info.ResourceVersion, now));
                }
                else if (saved.Allocations.Any(a => a.Addresses.Any(cidr.Contains))
                    && await TryReclaimAsync(cidr, ct) is { } resourceVersion)
                {
                    blocks.Add(new OwnedBlock(cidr, resourceVersion, now));
                }
                // else: empty and gone (released before a crash), or lost to another node: forget it.
            }
            blocks.AddRange(inStore.Values.Select(info => new OwnedBlock(info.Cidr, info.ResourceVersion, now)));

            var allocations = ImmutableDictionary.CreateBuilder<(string ContainerId, string IfName), Allocation>();
            var conflicts = new List<Allocation>();
            foreach (var allocation in saved.Allocations)
            {
                if (!allocations.ContainsKey((allocation.ContainerId, allocation.IfName)) && (allocation.Claimed || TryMarkAll(blocks, allocation)))
                {
                    allocations[(allocation.ContainerId, allocation.IfName)] = allocation;
                }
                else
                {
                    conflicts.Add(allocation);
                }
            }

            _blocks.Clear();
            _blocks.AddRange(blocks);
            BlocksChanged();
            var reconciled = allocations.ToImmutable();
            Persist(reconciled);
            _allocations = reconciled;
            _conflicts = conflicts;
            _initialized = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates the block again for this node; its resourceVersion, or null when another node owns it.</summary>
    private async Task<string?> TryReclaimAsync(IPNetwork cidr, CancellationToken ct)
    {
        // Two rounds cover "deleted between our create and our get"; more churn than that means contention
        // we should not fight at startup.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                return (await _store.CreateAsync(IpBlocks.Build(cidr, _nodeName), ct)).Metadata.ResourceVersion;
            }
            catch (AlreadyExistsException)
            {
                var current = await _store.GetAsync(IpBlocks.KeyOf(cidr), ct);
                if (current is not null)
                {
                    return IpBlocks.TryRead(current, out var info, out _) && info.NodeName == _nodeName
                        ? info.ResourceVersion
                        : null;
                }
            }
        }
        return null;
    }

    /// <summary>Marks every address of the allocation in its block; on any failure marks none.</summary>
    private bool TryMarkAll(List<OwnedBlock> blocks, Allocation allocation)
    {
        var marked = new List<(OwnedBlock Block, IPAddress Address)>();
        foreach (var address in allocation.Addresses)
        {
            var block = blocks.Find(b => b.Cidr.Contains(address));
            if (block is null || !block.TryMark(address))
            {
                foreach (var (b, a) in marked)
                {
                    b.Free(a, _time.GetUtcNow());
                }
                return false;
            }
            marked.Add((block, address));
        }
        return true;
    }
}
