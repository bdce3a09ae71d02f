using Weft.Store;
using Weft.TestKit;

namespace Weft.Ipam.Tests;

public sealed class NodeAllocatorRecoveryTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wt-ipam-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Restart_with_the_same_journal_keeps_allocations()
    {
        var store = etcd.NewStore();
        var path = Path.Combine(_dir, "ipam.json");
        var cfg = IpamConfig.Create("10.233.64.0/18", "fd00:10::/108");
        var before = await Helpers.StartAsync(store, "node-a", cfg, new FileAllocationJournal(path));
        var kept = await before.AllocateAsync(Helpers.Request(1));
        await before.AllocateAsync(Helpers.Request(2));
        await before.ReleaseAsync("ctr0002", "eth0");

        var after = await Helpers.StartAsync(store, "node-a", cfg, new FileAllocationJournal(path));

        var restored = Assert.Single(after.Allocations);
        Assert.Equal(kept.Addresses, restored.Addresses);
        Assert.Equal(("default", "pod-1"), (restored.PodNamespace, restored.PodName));
        Assert.Equal(kept.Addresses, (await after.AllocateAsync(Helpers.Request(1))).Addresses);
        var fresh = await after.AllocateAsync(Helpers.Request(3));
        Assert.Empty(fresh.Addresses.Intersect(kept.Addresses));
        Assert.Equal(before.Blocks.OrderBy(b => b.ToString()), after.Blocks.OrderBy(b => b.ToString()));
        Assert.Equal(2, (await Helpers.StoredBlocksAsync(store)).Count);
        Assert.Empty(after.Conflicts);
    }

    [Fact]
    public async Task Restart_reclaims_a_journal_block_missing_from_the_store()
    {
        var store = etcd.NewStore();
        var journal = new MemoryJournal();
        var before = await Helpers.StartAsync(store, "node-a", IpamConfig.Create(), journal);
        var kept = await before.AllocateAsync(Helpers.Request(1));
        Assert.True(await store.DeleteAsync(IpBlocks.KeyOf(before.Blocks[0])));

        var after = await Helpers.StartAsync(store, "node-a", IpamConfig.Create(), journal);

        Assert.Equal(kept.Addresses, Assert.Single(after.Allocations).Addresses);
        var stored = Assert.Single(await Helpers.StoredBlocksAsync(store));
        Assert.Equal((before.Blocks[0], "node-a"), (stored.Cidr, stored.NodeName));
    }

    [Fact]
    public async Task Restart_reports_allocations_whose_block_another_node_took()
    {
        var store = etcd.NewStore();
        var journal = new MemoryJournal();
        var before = await Helpers.StartAsync(store, "node-a", IpamConfig.Create(), journal);
        var lost = await before.AllocateAsync(Helpers.Request(1));
        var block = before.Blocks[0];
        Assert.True(await store.DeleteAsync(IpBlocks.KeyOf(block)));
        await store.CreateAsync(IpBlocks.Build(block, "node-b"));

        var after = await Helpers.StartAsync(store, "node-a", IpamConfig.Create(), journal);

        Assert.Equal(lost.Addresses, Assert.Single(after.Conflicts).Addresses);
        Assert.Empty(after.Allocations);
        Assert.Empty(after.Blocks);
        Assert.Empty(journal.Load()!.Allocations);
        var fresh = await after.AllocateAsync(Helpers.Request(1));
        Assert.False(block.Contains(fresh.Addresses[0]));
    }

    [Fact]
    public async Task Restart_keeps_a_store_block_the_journal_never_saw_and_releases_it_later()
    {
        var store = etcd.NewStore();
        var cidr = Cidr.Parse("10.233.70.0/26");
        await store.CreateAsync(IpBlocks.Build(cidr, "node-a"));

        var ipam = await Helpers.StartAsync(store, "node-a", IpamConfig.Create());

        Assert.Equal([cidr], ipam.Blocks);
        Assert.True(cidr.Contains((await ipam.AllocateAsync(Helpers.Request(1))).Addresses[0]));
        await ipam.ReleaseAsync("ctr0001", "eth0");
        Assert.Equal(1, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.Zero));
        Assert.Empty(await Helpers.StoredBlocksAsync(store));
    }

    [Fact]
    public async Task Store_outage_during_a_claim_leaves_nothing_half_allocated()
    {
        var flaky = new FlakyStore(etcd.NewStore());
        var journal = new MemoryJournal();
        // 64 IPv4 addresses per block but 4 IPv6: the fifth pod has its IPv4 block and needs a new IPv6 one.
        var ipam = await Helpers.StartAsync(flaky, "node-a", IpamConfig.Create("10.9.0.0/24", "fd00:9::/112", 26, 126), journal);
        for (var i = 0; i < 4; i++)
        {
            await ipam.AllocateAsync(Helpers.Request(i));
        }
        var saves = journal.Saves;

        flaky.Down = true;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => ipam.AllocateAsync(Helpers.Request(4)));

        Assert.Equal(4, ipam.Allocations.Count);
        Assert.Equal(saves, journal.Saves);
        flaky.Down = false;
        var fifth = await ipam.AllocateAsync(Helpers.Request(4));
        Assert.Equal(2, fifth.Addresses.Count);
        // The failed attempt must not have consumed an IPv4 address: the fifth pod gets the fifth one.
        var v4Block = ipam.Blocks.Single(b => Cidr.FamilyOf(b) == IpFamily.IPv4);
        Assert.Equal((UInt128)4, Cidr.OffsetOf(v4Block, fifth.Addresses[0]));
        Assert.Equal(3, ipam.Blocks.Count);
    }

    [Fact]
    public async Task Journal_failure_rolls_the_allocation_back()
    {
        var journal = new MemoryJournal();
        var ipam = await Helpers.StartAsync(etcd.NewStore(), "node-a", IpamConfig.Create("10.9.0.0/24", blockSizeV4: 30), journal);
        var first = await ipam.AllocateAsync(Helpers.Request(0));

        journal.Broken = true;
        await Assert.ThrowsAsync<IOException>(() => ipam.AllocateAsync(Helpers.Request(1)));
        await Assert.ThrowsAsync<IOException>(() => ipam.ReleaseAsync("ctr0000", "eth0"));
        journal.Broken = false;

        Assert.Equal(first, Assert.Single(ipam.Allocations));
        for (var i = 1; i < 4; i++)
        {
            await ipam.AllocateAsync(Helpers.Request(i));
        }
        Assert.Single(ipam.Blocks);
    }

    [Fact]
    public async Task A_create_whose_reply_was_lost_is_adopted_not_leaked()
    {
        var inner = etcd.NewStore();
        var flaky = new FlakyStore(inner);
        var ipam = await Helpers.StartAsync(flaky, "node-a", IpamConfig.Create());

        flaky.LoseReplies = true;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => ipam.AllocateAsync(Helpers.Request(1)));
        flaky.LoseReplies = false;
        var allocation = await ipam.AllocateAsync(Helpers.Request(1));

        var stored = Assert.Single(await Helpers.StoredBlocksAsync(inner));
        Assert.Equal([stored.Cidr], ipam.Blocks);
        Assert.True(stored.Cidr.Contains(allocation.Addresses[0]));
    }

    [Fact]
    public async Task A_delete_with_unknown_outcome_stops_the_block_from_giving_addresses()
    {
        var inner = etcd.NewStore();
        var flaky = new FlakyStore(inner);
        var ipam = await Helpers.StartAsync(flaky, "node-a", IpamConfig.Create());
        await ipam.AllocateAsync(Helpers.Request(1));
        await ipam.ReleaseAsync("ctr0001", "eth0");
        var first = ipam.Blocks[0];

        flaky.LoseReplies = true;
        await Assert.ThrowsAsync<StoreUnavailableException>(() => ipam.ReleaseEmptyBlocksAsync(TimeSpan.Zero));
        flaky.LoseReplies = false;
        // The delete did happen; another node takes the block before we learn it.
        await inner.CreateAsync(IpBlocks.Build(first, "node-b"));
        var next = await ipam.AllocateAsync(Helpers.Request(2));

        Assert.False(first.Contains(next.Addresses[0]));
        Assert.Equal(0, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.FromHours(1)));
        Assert.DoesNotContain(first, ipam.Blocks);
        Assert.Equal("node-b", (await Helpers.StoredBlocksAsync(inner)).Single(b => b.Cidr == first).NodeName);
    }
}
