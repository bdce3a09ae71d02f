using System.Collections.Immutable;
using System.Net;
using Weft.Store;

namespace Weft.Ipam;

/// <summary>
/// Hands out pod addresses on one node. The node owns whole blocks (IPBlock objects in the store);
/// per-pod allocation never writes to the store, only to the local <see cref="IAllocationJournal"/>.
/// All operations are serialised by one async lock, block claims and releases (store I/O) included.
/// Call <see cref="InitializeAsync"/> once before anything else.
/// </summary>
public sealed partial class NodeAllocator
{
    private readonly IResourceStore _store;
    private readonly string _nodeName;
    private readonly IpamConfig _cfg;
    private readonly IAllocationJournal _journal;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Mutated only under _gate. The immutable views below let readers look without taking it.
    private readonly List<OwnedBlock> _blocks = [];
    private volatile ImmutableDictionary<(string ContainerId, string IfName), Allocation> _allocations =
        ImmutableDictionary<(string ContainerId, string IfName), Allocation>.Empty;
    private volatile IReadOnlyList<IPNetwork> _blockView = [];
    private volatile IReadOnlyList<Allocation> _conflicts = [];
    private bool _initialized;

    public NodeAllocator(IResourceStore store, string nodeName, IpamConfig cfg, IAllocationJournal journal, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        _store = store;
        _nodeName = nodeName;
        _cfg = cfg;
        _journal = journal;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The node whose blocks this allocator claims (IPBlock spec.nodeName).</summary>
    public string NodeName => _nodeName;

    /// <summary>The configuration in use.</summary>
    public IpamConfig Config => _cfg;

    /// <summary>A snapshot of the current allocations (unordered).</summary>
    public IReadOnlyList<Allocation> Allocations => [.. _allocations.Values];

    /// <summary>A snapshot of the blocks this node owns, in the order they were claimed.</summary>
    public IReadOnlyList<IPNetwork> Blocks => _blockView;

    /// <summary>
    /// Allocations dropped by <see cref="InitializeAsync"/> because their block now belongs to another node
    /// (or their address was not in any block of this node). Those pods must be recreated.
    /// </summary>
    public IReadOnlyList<Allocation> Conflicts => _conflicts;

    /// <summary>
    /// Gives the container interface one address per configured family, claiming a block when needed.
    /// Idempotent: the same (ContainerId, IfName) gets the same allocation back.
    /// Throws <see cref="IpamException"/> when the pool has no free block; store exceptions pass through
    /// unchanged, and on any failure no address is taken.
    /// </summary>
    public Task<Allocation> AllocateAsync(AllocationRequest request, CancellationToken ct = default) => AddAsync(request, async () =>
    {
        // Find (or claim) a block for every family before taking any address, so a failed claim
        // for the second family leaves nothing half-allocated.
        var blocks = new List<OwnedBlock>();
        foreach (var family in _cfg.Families)
        {
            blocks.Add(FindFreeBlock(family) ?? await ClaimBlockAsync(family, ct));
        }
        return new Allocation(request.ContainerId, request.IfName, request.PodNamespace, request.PodName, [.. blocks.Select(b => b.Take())]);
    }, ct);

    /// <summary>
    /// Records addresses the caller already holds through IPClaim objects (see <see cref="Pools.ClaimedAddresses"/>)
    /// for the container interface. Idempotent like <see cref="AllocateAsync"/>; no block is touched.
    /// </summary>
    public Task<Allocation> RecordClaimedAsync(AllocationRequest request, IReadOnlyList<IPAddress> addresses, CancellationToken ct = default) =>
        AddAsync(request, () => Task.FromResult(new Allocation(request.ContainerId, request.IfName, request.PodNamespace, request.PodName, addresses, Claimed: true)), ct);

    /// <summary>Under the lock: the existing allocation of the attachment, or <paramref name="make"/>'s, journaled.</summary>
    private async Task<Allocation> AddAsync(AllocationRequest request, Func<Task<Allocation>> make, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(request.ContainerId, "request.ContainerId");
        ArgumentException.ThrowIfNullOrEmpty(request.IfName, "request.IfName");
        await _gate.WaitAsync(ct);
        try
        {
            EnsureInitialized();
            var key = (request.ContainerId, request.IfName);
            if (_allocations.TryGetValue(key, out var existing))
            {
                return existing;
            }
            var allocation = await make();
            var next = _allocations.Add(key, allocation);
            try
            {
                Persist(next);
            }
            catch
            {
                FreeAddresses(allocation);
                throw;
            }
            _allocations = next;
            return allocation;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Frees the container interface's addresses; false (and no change) when it has none. No store I/O.</summary>
    public async Task<bool> ReleaseAsync(string containerId, string ifName, CancellationToken ct = default)
    {
        var released = await RemoveAsync(
            () => _allocations.TryGetValue((containerId, ifName), out var a) ? [a] : [], ct);
        return released.Count > 0;
    }

    /// <summary>
    /// Frees every allocation whose (containerId, ifName) is not in <paramref name="valid"/> and returns
    /// what it freed. The caller builds <paramref name="valid"/> from a full, fresh view of the node's
    /// containers; a partial view frees live addresses.
    /// </summary>
    public Task<IReadOnlyList<Allocation>> GarbageCollectAsync(
        IReadOnlySet<(string ContainerId, string IfName)> valid, CancellationToken ct = default) =>
        RemoveAsync(() => [.. _allocations.Values.Where(a => !valid.Contains((a.ContainerId, a.IfName)))], ct);

    /// <summary>Removes what <paramref name="select"/> picks (it runs under the lock).</summary>
    private async Task<IReadOnlyList<Allocation>> RemoveAsync(Func<IReadOnlyList<Allocation>> select, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            EnsureInitialized();
            var removed = select();
            if (removed.Count == 0)
            {
                return [];
            }
            var next = _allocations.RemoveRange(removed.Select(a => (a.ContainerId, a.IfName)));
            // Journal first: if it cannot be written, the addresses stay allocated everywhere.
            Persist(next);
            _allocations = next;
            foreach (var allocation in removed)
            {
                FreeAddresses(allocation);
            }
            return removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void EnsureInitialized()
    {
        if (!_initialized)
        {
            throw new InvalidOperationException($"IPAM for node '{_nodeName}': call InitializeAsync first");
        }
    }

    private void FreeAddresses(Allocation allocation)
    {
        var now = _time.GetUtcNow();
        foreach (var address in allocation.Addresses)
        {
            _blocks.Find(b => b.Cidr.Contains(address))?.Free(address, now);
        }
    }

    private void Persist(ImmutableDictionary<(string ContainerId, string IfName), Allocation> allocations) =>
        _journal.Save(new IpamState([.. _blocks.Select(b => b.Cidr)], [.. allocations.Values]));

    private void BlocksChanged() => _blockView = [.. _blocks.Select(b => b.Cidr)];
}
