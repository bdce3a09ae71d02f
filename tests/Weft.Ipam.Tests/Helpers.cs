using Weft.Model;
using Weft.Store;

namespace Weft.Ipam.Tests;

internal static class Helpers
{
    public static AllocationRequest Request(int i, string ifName = "eth0") => new($"ctr{i:D4}", ifName, "default", $"pod-{i}");

    public static async Task<NodeAllocator> StartAsync(
        IResourceStore store, string node, IpamConfig cfg, IAllocationJournal? journal = null, TimeProvider? time = null)
    {
        var allocator = new NodeAllocator(store, node, cfg, journal ?? new MemoryJournal(), time);
        await allocator.InitializeAsync();
        return allocator;
    }

    /// <summary>Every IPBlock in the store, read back.</summary>
    public static async Task<List<IpBlockInfo>> StoredBlocksAsync(IResourceStore store) =>
        [.. (await store.ListAsync(ResourceType.IPBlock)).Items.Select(IpBlocks.Read)];
}
