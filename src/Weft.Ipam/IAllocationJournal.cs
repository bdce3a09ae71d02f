using System.Net;

namespace Weft.Ipam;

/// <summary>
/// Where a node allocator keeps its state across restarts. The allocator saves the whole state after
/// every change, before it answers; an implementation must make Save atomic (all or nothing).
/// </summary>
public interface IAllocationJournal
{
    /// <summary>The last saved state, or null when nothing was ever saved.</summary>
    IpamState? Load();

    /// <summary>Replaces the saved state; when this throws, the previous state must still be readable.</summary>
    void Save(IpamState state);
}

/// <summary>What a node keeps locally: the blocks it believes it owns and the allocations in them.</summary>
public sealed record IpamState(IReadOnlyList<IPNetwork> Blocks, IReadOnlyList<Allocation> Allocations)
{
    public static readonly IpamState Empty = new([], []);
}
