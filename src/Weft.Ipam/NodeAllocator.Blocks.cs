using System.Buffers.Binary;
using System.Net;
using Weft.Model;
using Weft.Store;

namespace Weft.Ipam;

// Block ownership: claim by create (the object name is the CIDR, so AlreadyExists means another node
// won), release by delete with the resourceVersion precondition. Everything here runs under _gate.
public sealed partial class NodeAllocator
{
    /// <summary>
    /// Gives back every block that has had no allocation for at least <paramref name="grace"/>
    /// (<see cref="TimeSpan.Zero"/>: every empty block now) and returns how many were deleted.
    /// A block whose delete had an unknown outcome (timeout, store down) is retried on the next call
    /// whatever the grace, and gives no address meanwhile.
    /// </summary>
    public async Task<int> ReleaseEmptyBlocksAsync(TimeSpan grace, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            EnsureInitialized();
            var now = _time.GetUtcNow();
            var released = 0;
            foreach (var block in _blocks.ToList())
            {
                if (block.UsedCount > 0 || (!block.Retiring && now - block.EmptySince < grace))
                {
                    continue;
                }
                // Set before the I/O: if the delete throws, we cannot know whether the block is still ours.
                block.Retiring = true;
                if (await TryDeleteBlockAsync(block, ct) is not { } deleted)
                {
                    continue;
                }
                released += deleted ? 1 : 0;
                _blocks.Remove(block);
                BlocksChanged();
                Persist(_allocations);
            }
            return released;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True: deleted. False: it was already gone or not ours. Null: it is still ours (kept, usable again).</summary>
    private async Task<bool?> TryDeleteBlockAsync(OwnedBlock block, CancellationToken ct)
    {
        var key = IpBlocks.KeyOf(block.Cidr);
        try
        {
            return await _store.DeleteAsync(key, block.ResourceVersion, ct);
        }
        catch (ConflictException)
        {
            // Someone changed the object since we read it (e.g. a status update): re-read and decide.
            var current = await _store.GetAsync(key, ct);
            if (current is not null && IpBlocks.TryRead(current, out var info, out _) && info.NodeName == _nodeName)
            {
                block.ResourceVersion = info.ResourceVersion;
                block.Retiring = false;
                return null;
            }
            return false;
        }
    }

    /// <summary>The fullest owned block of the family that can still give an address from the current pool.</summary>
    private OwnedBlock? FindFreeBlock(IpFamily family)
    {
        var pool = _cfg.PoolOf(family);
        OwnedBlock? best = null;
        foreach (var block in _blocks)
        {
            // Packing into the fullest block lets the emptier ones drain and be released.
            if (block.Family == family && !block.Retiring && !block.IsFull && Cidr.Contains(pool, block.Cidr)
                && (best is null || block.UsedCount > best.UsedCount))
            {
                best = block;
            }
        }
        return best;
    }

    /// <summary>
    /// Claims a free block of the family. One list shows what is taken; the search starts at a random
    /// block (so nodes starting together do not all race for the first one) and walks on; a create that
    /// fails with AlreadyExists lost a race and moves on to the next block.
    /// </summary>
    private async Task<OwnedBlock> ClaimBlockAsync(IpFamily family, CancellationToken ct)
    {
        var pool = _cfg.PoolOf(family);
        var size = _cfg.BlockSizeOf(family);
        var count = Cidr.BlockCount(pool, size);
        var now = _time.GetUtcNow();

        var taken = new HashSet<UInt128>();
        var otherSizes = new List<IPNetwork>();
        foreach (var cidr in _blocks.Select(b => b.Cidr))
        {
            MarkTaken(cidr);
        }
        var listed = await _store.ListAsync(ResourceType.IPBlock, null, ct);
        foreach (var obj in listed.Items)
        {
            if (!IpBlocks.TryRead(obj, out var info, out _))
            {
                continue;
            }
            MarkTaken(info.Cidr);
            // Ours but unknown: a create whose reply was lost. Adopt it instead of leaking it.
            if (info.NodeName == _nodeName && IsUsable(info) && !_blocks.Exists(b => b.Cidr == info.Cidr))
            {
                _blocks.Add(new OwnedBlock(info.Cidr, info.ResourceVersion, now));
                BlocksChanged();
            }
        }
        if (FindFreeBlock(family) is { } adopted)
        {
            return adopted;
        }

        var start = RandomBelow(count);
        for (var i = UInt128.Zero; i < count && (UInt128)taken.Count < count; i++)
        {
            var index = (start + i) % count;
            if (taken.Contains(index))
            {
                continue;
            }
            var cidr = Cidr.BlockAt(pool, size, index);
            if (otherSizes.Exists(o => Cidr.Overlaps(o, cidr)))
            {
                continue;
            }
            try
            {
                var created = await _store.CreateAsync(IpBlocks.Build(cidr, _nodeName), ct);
                var block = new OwnedBlock(cidr, created.Metadata.ResourceVersion, now);
                _blocks.Add(block);
                BlocksChanged();
                return block;
            }
            catch (AlreadyExistsException)
            {
                taken.Add(index);
            }
        }
        throw new IpamException($"no free /{size} block left in {pool} ({family})");

        void MarkTaken(IPNetwork cidr)
        {
            // Blocks of another size (a configuration change) cannot be indexed; they are checked by overlap.
            if (!Cidr.Overlaps(pool, cidr))
            {
                return;
            }
            if (cidr.PrefixLength == size && pool.Contains(cidr.BaseAddress))
            {
                taken.Add(Cidr.BlockIndexOf(pool, size, cidr.BaseAddress));
            }
            else
            {
                otherSizes.Add(cidr);
            }
        }
    }

    /// <summary>A block the allocator can track: small enough for one flag per address.</summary>
    private static bool IsUsable(IpBlockInfo info) =>
        info.Cidr.PrefixLength >= (info.Family == IpFamily.IPv4 ? IpamConfig.MinBlockSizeV4 : IpamConfig.MinBlockSizeV6);

    private static UInt128 RandomBelow(UInt128 bound)
    {
        Span<byte> bytes = stackalloc byte[16];
        Random.Shared.NextBytes(bytes);
        return BinaryPrimitives.ReadUInt128LittleEndian(bytes) % bound;
    }
}
