using System.Net;
using Weft.TestKit;

namespace Weft.Ipam.Tests;

public sealed class NodeAllocatorTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Allocate_is_idempotent_per_container_and_interface()
    {
        var store = etcd.NewStore();
        var ipam = await Helpers.StartAsync(store, "node-a", IpamConfig.Create());

        var first = await ipam.AllocateAsync(Helpers.Request(1));
        var again = await ipam.AllocateAsync(Helpers.Request(1));
        var otherIf = await ipam.AllocateAsync(Helpers.Request(1, "net1"));

        Assert.Same(first, again);
        var address = Assert.Single(first.Addresses);
        Assert.True(ipam.Config.PodCidr.Contains(address));
        Assert.NotEqual(address, Assert.Single(otherIf.Addresses));
        Assert.Equal(2, ipam.Allocations.Count);
        var block = Assert.Single(ipam.Blocks);
        Assert.True(block.Contains(address));
        var stored = Assert.Single(await Helpers.StoredBlocksAsync(store));
        Assert.Equal((block, "node-a", IpFamily.IPv4), (stored.Cidr, stored.NodeName, stored.Family));
    }

    [Fact]
    public async Task Release_frees_the_addresses_and_is_idempotent()
    {
        var journal = new MemoryJournal();
        var ipam = await Helpers.StartAsync(etcd.NewStore(), "node-a", IpamConfig.Create(), journal);
        await ipam.AllocateAsync(Helpers.Request(1));
        await ipam.AllocateAsync(Helpers.Request(2));

        Assert.True(await ipam.ReleaseAsync("ctr0001", "eth0"));
        Assert.False(await ipam.ReleaseAsync("ctr0001", "eth0"));
        Assert.False(await ipam.ReleaseAsync("never", "eth0"));

        Assert.Equal("ctr0002", Assert.Single(ipam.Allocations).ContainerId);
        Assert.Equal("ctr0002", Assert.Single(journal.Load()!.Allocations).ContainerId);
        Assert.Single(ipam.Blocks);
    }

    [Fact]
    public async Task Dual_stack_gives_one_address_per_family()
    {
        var store = etcd.NewStore();
        var cfg = IpamConfig.Create("10.233.64.0/18", "fd00:10::/108");
        var ipam = await Helpers.StartAsync(store, "node-a", cfg);

        var allocation = await ipam.AllocateAsync(Helpers.Request(1));

        Assert.Equal(2, allocation.Addresses.Count);
        Assert.Equal(System.Net.Sockets.AddressFamily.InterNetwork, allocation.Addresses[0].AddressFamily);
        Assert.True(cfg.PodCidr.Contains(allocation.Addresses[0]));
        Assert.True(cfg.PodCidrV6!.Value.Contains(allocation.Addresses[1]));
        var stored = (await Helpers.StoredBlocksAsync(store)).OrderBy(b => b.Family).ToList();
        Assert.Equal([IpFamily.IPv4, IpFamily.IPv6], stored.Select(b => b.Family));
        Assert.Equal(122, stored[1].Cidr.PrefixLength);
        Assert.True(stored[1].Cidr.Contains(allocation.Addresses[1]));
    }

    [Fact]
    public async Task Claims_a_second_block_when_the_first_is_full()
    {
        var store = etcd.NewStore();
        var ipam = await Helpers.StartAsync(store, "node-a", IpamConfig.Create("10.9.0.0/24", blockSizeV4: 30));

        var addresses = new List<IPAddress>();
        for (var i = 0; i < 5; i++)
        {
            addresses.AddRange((await ipam.AllocateAsync(Helpers.Request(i))).Addresses);
        }

        Assert.Equal(5, addresses.Distinct().Count());
        Assert.Equal(2, ipam.Blocks.Count);
        Assert.Equal(4, addresses.Count(ipam.Blocks[0].Contains));
        Assert.True(ipam.Blocks[1].Contains(addresses[4]));
        Assert.Equal(ipam.Blocks.OrderBy(b => b.ToString()), (await Helpers.StoredBlocksAsync(store)).Select(b => b.Cidr).OrderBy(b => b.ToString()));
    }

    [Fact]
    public async Task Releases_an_empty_block_only_after_the_grace_period()
    {
        var store = etcd.NewStore();
        var time = new ManualTime();
        var ipam = await Helpers.StartAsync(store, "node-a", IpamConfig.Create(), time: time);
        await ipam.AllocateAsync(Helpers.Request(1));

        Assert.Equal(0, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.FromSeconds(60)));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.FromSeconds(60)));
        await ipam.ReleaseAsync("ctr0001", "eth0");
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(0, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.FromSeconds(60)));
        Assert.Single(await Helpers.StoredBlocksAsync(store));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await ipam.ReleaseEmptyBlocksAsync(TimeSpan.FromSeconds(60)));

        Assert.Empty(ipam.Blocks);
        Assert.Empty(await Helpers.StoredBlocksAsync(store));
        Assert.Single((await ipam.AllocateAsync(Helpers.Request(2))).Addresses);
        Assert.Single(ipam.Blocks);
    }

    [Fact]
    public async Task Garbage_collection_releases_only_stale_allocations()
    {
        var ipam = await Helpers.StartAsync(etcd.NewStore(), "node-a", IpamConfig.Create());
        for (var i = 0; i < 5; i++)
        {
            await ipam.AllocateAsync(Helpers.Request(i));
        }
        var valid = new HashSet<(string ContainerId, string IfName)> { ("ctr0001", "eth0"), ("ctr0003", "eth0"), ("gone", "eth0") };

        var released = await ipam.GarbageCollectAsync(valid);

        Assert.Equal(["ctr0000", "ctr0002", "ctr0004"], released.Select(a => a.ContainerId).Order());
        Assert.Equal(["ctr0001", "ctr0003"], ipam.Allocations.Select(a => a.ContainerId).Order());
        Assert.Empty(await ipam.GarbageCollectAsync(valid));
    }

    [Fact]
    public async Task Two_nodes_never_get_the_same_block()
    {
        var store = etcd.NewStore();
        var cfg = IpamConfig.Create("10.9.0.0/26", blockSizeV4: 29);
        var a = await Helpers.StartAsync(store, "node-a", cfg);
        var b = await Helpers.StartAsync(store, "node-b", cfg);

        var fromA = new List<IPAddress>();
        var fromB = new List<IPAddress>();
        for (var i = 0; i < 20; i++)
        {
            fromA.AddRange((await a.AllocateAsync(Helpers.Request(i))).Addresses);
            fromB.AddRange((await b.AllocateAsync(Helpers.Request(i))).Addresses);
        }

        Assert.Empty(a.Blocks.Intersect(b.Blocks));
        Assert.Empty(fromA.Intersect(fromB));
        Assert.All(fromA, x => Assert.Contains(a.Blocks, blk => blk.Contains(x)));
        var stored = await Helpers.StoredBlocksAsync(store);
        Assert.Equal(a.Blocks.OrderBy(x => x.ToString()), stored.Where(s => s.NodeName == "node-a").Select(s => s.Cidr).OrderBy(x => x.ToString()));
        Assert.Equal(b.Blocks.OrderBy(x => x.ToString()), stored.Where(s => s.NodeName == "node-b").Select(s => s.Cidr).OrderBy(x => x.ToString()));
    }

    [Fact]
    public async Task Exhausted_pool_names_the_pool_and_family()
    {
        var store = etcd.NewStore();
        var cfg = IpamConfig.Create("10.9.0.0/29", blockSizeV4: 30);
        var a = await Helpers.StartAsync(store, "node-a", cfg);
        var b = await Helpers.StartAsync(store, "node-b", cfg);
        for (var i = 0; i < 4; i++)
        {
            await a.AllocateAsync(Helpers.Request(i));
        }
        for (var i = 0; i < 4; i++)
        {
            await b.AllocateAsync(Helpers.Request(i));
        }

        var e = await Assert.ThrowsAsync<IpamException>(() => a.AllocateAsync(Helpers.Request(9)));

        Assert.Equal("no free /30 block left in 10.9.0.0/29 (IPv4)", e.Message);
        Assert.Equal(4, a.Allocations.Count);
        Assert.True(await b.ReleaseAsync("ctr0000", "eth0"));
        Assert.Single((await b.AllocateAsync(Helpers.Request(9))).Addresses);
    }

    [Fact]
    public async Task Calls_before_initialize_are_refused()
    {
        var ipam = new NodeAllocator(etcd.NewStore(), "node-a", IpamConfig.Create(), new MemoryJournal());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => ipam.AllocateAsync(Helpers.Request(1)));
        Assert.Contains("node-a", e.Message);
    }
}
