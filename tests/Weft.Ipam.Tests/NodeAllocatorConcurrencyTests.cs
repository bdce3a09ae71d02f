using System.Diagnostics;
using System.Net;
using Weft.TestKit;
using Xunit.Abstractions;

namespace Weft.Ipam.Tests;

public sealed class NodeAllocatorConcurrencyTests(EtcdFixture etcd, ITestOutputHelper output) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Twenty_nodes_allocating_concurrently_never_share_an_address_or_a_block()
    {
        var store = etcd.NewStore();
        // 64 blocks of 16 for 20 nodes needing 2 each: claims collide often, which is the point.
        var cfg = IpamConfig.Create("10.233.64.0/22", blockSizeV4: 28);
        var nodes = await Task.WhenAll(Enumerable.Range(0, 20).Select(n => Helpers.StartAsync(store, $"node-{n:D2}", cfg)));

        var results = await Task.WhenAll(nodes.Select(node =>
            Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() => node.AllocateAsync(Helpers.Request(i)))))));

        var all = results.SelectMany(r => r).SelectMany(a => a.Addresses).ToList();
        Assert.Equal(600, all.Count);
        Assert.Equal(600, all.Distinct().Count());
        var stored = await Helpers.StoredBlocksAsync(store);
        Assert.Equal(stored.Count, stored.Select(b => b.Cidr).Distinct().Count());
        Assert.Equal(stored.Count, nodes.Sum(n => n.Blocks.Count));
        foreach (var node in nodes)
        {
            Assert.Equal(30, node.Allocations.Count);
            var owned = stored.Where(b => b.NodeName == node.NodeName).Select(b => b.Cidr).ToList();
            Assert.Equal(node.Blocks.OrderBy(b => b.ToString()), owned.OrderBy(b => b.ToString()));
            Assert.All(node.Allocations.SelectMany(a => a.Addresses), x => Assert.Contains(owned, b => b.Contains(x)));
        }
    }

    [Fact]
    public async Task Churn_of_500_cycles_with_20_in_flight_ends_empty()
    {
        var store = etcd.NewStore();
        var ipam = await Helpers.StartAsync(store, "node-a", IpamConfig.Create("10.233.64.0/18", "fd00:10::/108", 28, 124));
        var inFlight = new SemaphoreSlim(20);
        var live = new HashSet<IPAddress>();
        var duplicates = 0;

        await Task.WhenAll(Enumerable.Range(0, 500).Select(async i =>
        {
            await inFlight.WaitAsync();
            try
            {
                var allocation = await ipam.AllocateAsync(Helpers.Request(i));
                lock (live)
                {
                    duplicates += allocation.Addresses.Count(a => !live.Add(a));
                }
                await Task.Yield();
                lock (live)
                {
                    live.ExceptWith(allocation.Addresses);
                }
                Assert.True(await ipam.ReleaseAsync(allocation.ContainerId, allocation.IfName));
            }
            finally
            {
                inFlight.Release();
            }
        }));

        Assert.Equal(0, duplicates);
        Assert.Empty(ipam.Allocations);
        Assert.NotEmpty(ipam.Blocks);
        Assert.True(await ipam.ReleaseEmptyBlocksAsync(TimeSpan.Zero) >= 2);
        Assert.Empty(ipam.Blocks);
        Assert.Empty(await Helpers.StoredBlocksAsync(store));
    }

    /// <summary>
    /// Thousands of allocate/release cycles on a full node leave exactly the resident pods, in memory and in
    /// the journal. The rate is printed for information only: performance is checked by benches, not tests.
    /// </summary>
    [Fact]
    public async Task Node_local_allocation_churn_leaves_exactly_the_resident_pods()
    {
        var dir = Path.Combine(Path.GetTempPath(), "wt-ipam-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var store = etcd.NewStore();
            var cfg = IpamConfig.Create(blockSizeV4: 24);
            var inMemory = await Helpers.StartAsync(store, "node-mem", cfg);
            var memory = await MeasureAsync(inMemory, 5000);
            var journal = new FileAllocationJournal(Path.Combine(dir, "ipam.json"));
            var onFile = await Helpers.StartAsync(store, "node-file", cfg, journal);
            var file = await MeasureAsync(onFile, 500);

            output.WriteLine($"node-local allocations, block already claimed: {memory:F0}/s with an in-memory journal, "
                + $"{file:F0}/s with the file journal");
            foreach (var ipam in new[] { inMemory, onFile })
            {
                Assert.Equal(100, ipam.Allocations.Count);
                Assert.Equal(100, ipam.Allocations.Select(a => a.Addresses[0]).Distinct().Count());
            }
            Assert.Equal(onFile.Allocations.Select(a => a.ContainerId).Order(), journal.Load()!.Allocations.Select(a => a.ContainerId).Order());
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>Allocations per second with ~100 pods resident (a full node); the releases in between are not timed.</summary>
    private static async Task<double> MeasureAsync(NodeAllocator ipam, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            await ipam.AllocateAsync(Helpers.Request(100_000 + i));
        }
        var timed = TimeSpan.Zero;
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await ipam.AllocateAsync(Helpers.Request(i));
            timed += Stopwatch.GetElapsedTime(start);
            await ipam.ReleaseAsync($"ctr{i:D4}", "eth0");
        }
        return count / timed.TotalSeconds;
    }
}
