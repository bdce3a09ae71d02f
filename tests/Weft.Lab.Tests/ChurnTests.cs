using System.Collections.Concurrent;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

[Collection("lab")]
public class ChurnTests(ITestOutputHelper output)
{
    private sealed record Life(string Pod, string Ip, DateTime Running, DateTime Deleting);

    [Fact]
    public async Task Five_hundred_create_delete_cycles_leave_no_allocation_no_veth_and_never_share_an_ip()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, blockGrace: 1);
        var lives = new ConcurrentBag<Life>();
        var started = DateTime.UtcNow;
        const int Cycles = 500, InFlight = 20;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, InFlight).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < Cycles)
            {
                var name = $"c{i}";
                await lab.ApplyPodAsync("default", name);
                var ip = await WaitIpAsync(lab, name);
                var running = DateTime.UtcNow;
                var deleting = DateTime.UtcNow;
                await lab.DeletePodAsync("default", name);
                lives.Add(new Life(name, ip, running, deleting));
            }
        })));
        output.WriteLine($"{Cycles} cycles, {InFlight} in flight: {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        Assert.Equal(Cycles, lives.Count);

        // An address can only come back after its previous owner was released.
        foreach (var group in lives.GroupBy(l => l.Ip))
        {
            var ordered = group.OrderBy(l => l.Running).ToList();
            for (var k = 1; k < ordered.Count; k++)
            {
                Assert.True(ordered[k].Running >= ordered[k - 1].Deleting,
                    $"{group.Key} was given to {ordered[k].Pod} while {ordered[k - 1].Pod} still had it");
            }
        }

        // Blocks are released once empty past the (1 s) grace; the agents sweep every 2 s.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        IReadOnlyList<Resource> blocks;
        while ((blocks = (await lab.Store.ListAsync(ResourceType.IPBlock)).Items).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
        }
        Assert.True(blocks.Count == 0, $"IPBlocks still held: {string.Join(", ", blocks.Select(b => b.Metadata.Name))}\n{lab.LogTail()}");
        Assert.Empty((await lab.Store.ListAsync(ResourceType.Pod)).Items);
        foreach (var node in lab.Spec.NodeNames)
        {
            using var ns = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns(node)));
            using var rt = ns.Run(RtNetlink.Open);
            var veths = rt.ListLinks().Where(l => l.Kind == "veth" && l.Name.StartsWith("weft", StringComparison.Ordinal)).Select(l => l.Name).ToList();
            Assert.True(veths.Count == 0, $"{node} still has {string.Join(", ", veths)}");
            var journal = new Weft.Ipam.FileAllocationJournal(Path.Combine(lab.Paths.NodeDir(node), "state", "ipam.json")).Load();
            Assert.True(journal is not null && journal.Allocations.Count == 0, $"{node} still holds allocations");
        }
        Assert.DoesNotContain(NetNamespace.List(), n => n.StartsWith(lab.Paths.NetnsPrefix + "pod-", StringComparison.Ordinal));
    }

    private static async Task<string> WaitIpAsync(LabHandle lab, string name)
    {
        var key = new ResourceKey("", "Pod", "default", name);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var pod = await lab.Store.GetAsync(key);
            if (pod is not null && new PodView(pod) is { Phase: "Running" } v && v.PodIPs.Count > 0)
            {
                return v.PodIPs[0];
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"pod {name} did not run in 60 s\n{lab.LogTail()}");
    }
}
