using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

[Collection("lab")]
public class ConnectivityTests(ITestOutputHelper output)
{
    internal static async Task<ProbeMatrix> ProbeAsync(LabHandle lab, int port, string protocol, AddressFamily family = AddressFamily.InterNetwork)
    {
        var targets = LabController.Sandboxes(lab.Paths)
            .Select(s => new Prober.Target($"{s.Namespace}/{s.Name}", s.NetnsName,
                s.Ips.Select(IPAddress.Parse).First(ip => ip.AddressFamily == family)))
            .ToList();
        return await Prober.ProbeAsync(targets, port, protocol, TimeSpan.FromSeconds(2));
    }

    internal static void AssertAllReachable(ProbeMatrix m, int expectedPods)
    {
        Assert.Equal(expectedPods, m.Matrix.Count);
        var blocked = m.Matrix.SelectMany(r => r.Value.Where(c => !c.Value).Select(c => $"{r.Key}→{c.Key}")).ToList();
        Assert.True(blocked.Count == 0, $"{m.Protocol}/{m.Port}: {blocked.Count} unreachable pairs, e.g. {string.Join(", ", blocked.Take(10))}");
        Assert.Equal(expectedPods * expectedPods, m.Reachable);
    }

    [Theory]
    [InlineData("vxlan")]
    [InlineData("routed")]
    public async Task Thirty_pods_on_three_nodes_reach_each_other_on_tcp_and_udp(string mode)
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: mode);
        foreach (var ns in new[] { "n0", "n1", "n2" })
        {
            await lab.EnsureNamespaceAsync(ns);
        }
        var started = DateTime.UtcNow;
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => lab.ApplyPodAsync($"n{i % 3}", $"p{i}", ports: [80])));
        var pods = await lab.WaitRunningAsync(30);
        output.WriteLine($"{mode}: 30 pods running in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

        Assert.Equal(3, pods.Select(p => p.NodeName).Distinct().Count());
        Assert.Equal(30, pods.Select(p => p.PodIPs[0]).Distinct().Count());
        Assert.All(pods, p => Assert.True(IPNetwork.Parse(lab.Spec.PodCidr).Contains(IPAddress.Parse(p.PodIPs[0]))));

        AssertAllReachable(await ProbeAsync(lab, 80, "TCP"), 30);
        AssertAllReachable(await ProbeAsync(lab, 80, "UDP"), 30);
        // A port nobody serves is refused, so the probe can tell reachable from not.
        var closed = await ProbeAsync(lab, 81, "TCP");
        Assert.Equal(0, closed.Reachable);
    }

    [Theory]
    [InlineData("vxlan")]
    [InlineData("routed")]
    public async Task Dual_stack_pods_reach_each_other_over_ipv6(string mode)
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: mode, ipv6: "fd00:10:233::/112");
        for (var i = 0; i < 6; i++)
        {
            await lab.ApplyPodAsync("default", $"d{i}", node: $"node{i % 3 + 1}");
        }
        var pods = await lab.WaitRunningAsync(6);
        Assert.All(pods, p => Assert.Equal(2, p.PodIPs.Count));
        Assert.All(pods, p => Assert.Contains(p.PodIPs, ip => IPAddress.Parse(ip).AddressFamily == AddressFamily.InterNetworkV6));

        AssertAllReachable(await ProbeAsync(lab, 80, "TCP", AddressFamily.InterNetworkV6), 6);
        AssertAllReachable(await ProbeAsync(lab, 80, "UDP", AddressFamily.InterNetworkV6), 6);
        AssertAllReachable(await ProbeAsync(lab, 80, "TCP"), 6);
    }
}
