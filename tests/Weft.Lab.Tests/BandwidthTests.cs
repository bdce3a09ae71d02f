using Weft.Linux.Netns;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// Bandwidth annotations on a pod shape real TCP (iperf3) in both directions, change on the running pod,
/// and go away when removed; a bad value fails the pod's ADD with the annotation named.
/// </summary>
[Collection("lab")]
public sealed class BandwidthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Limits_hold_in_both_directions_change_live_and_lift()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        var node = lab.Spec.NodeNames[0];
        var limited = TestPods.Pod("default", "limited", node, [80]);
        limited.Metadata.Annotations = new() { ["kubernetes.io/ingress-bandwidth"] = "20M", ["ovn.kubernetes.io/egress_rate"] = "50" };
        await lab.Store.CreateAsync(limited);
        await lab.ApplyPodAsync("default", "peer", node);
        var bad = TestPods.Pod("default", "bad", node, [80]);
        bad.Metadata.Annotations = new() { ["kubernetes.io/egress-bandwidth"] = "500" };
        await lab.Store.CreateAsync(bad);
        var pods = (await lab.WaitRunningAsync(2)).ToDictionary(p => p.Name, p => p.PodIPs.Single());
        var sandboxes = LabController.Sandboxes(lab.Paths).ToDictionary(s => s.Name, s => s.NetnsName);
        using var limitedNs = NetNamespace.Open(NetNamespace.PathOf(sandboxes["limited"]));
        using var peerNs = NetNamespace.Open(NetNamespace.PathOf(sandboxes["peer"]));

        var into = Weft.TestKit.Iperf.Measure(peerNs, limitedNs, pods["limited"]);
        var outOf = Weft.TestKit.Iperf.Measure(limitedNs, peerNs, pods["peer"]);
        output.WriteLine($"into the pod {into / 1e6:F1} Mbit/s (limit 20), out of it {outOf / 1e6:F1} Mbit/s (limit 50)");
        Assert.InRange(into, 20e6 * 0.90, 20e6 * 1.05);
        Assert.InRange(outOf, 50e6 * 0.90, 50e6 * 1.05);

        // Edit the running pod: a new ingress limit applies without restarting it.
        var current = (await lab.Store.GetAsync(new ResourceKey("", "Pod", "default", "limited")))!;
        current.Metadata.Annotations["kubernetes.io/ingress-bandwidth"] = "10M";
        await lab.Store.UpdateAsync(current);
        await Task.Delay(2000);
        var edited = Weft.TestKit.Iperf.Measure(peerNs, limitedNs, pods["limited"]);
        output.WriteLine($"after the edit, into the pod {edited / 1e6:F1} Mbit/s (limit 10)");
        Assert.InRange(edited, 10e6 * 0.90, 10e6 * 1.05);

        current = (await lab.Store.GetAsync(current.Key))!;
        current.Metadata.Annotations.Clear();
        await lab.Store.UpdateAsync(current);
        await Task.Delay(2000);
        var lifted = Weft.TestKit.Iperf.Measure(peerNs, limitedNs, pods["limited"]);
        output.WriteLine($"without annotations, into the pod {lifted / 1e6:F1} Mbit/s");
        Assert.True(lifted > 200e6, $"the limit did not lift: {lifted / 1e6:F1} Mbit/s");

        var status = (await lab.Store.GetAsync(new ResourceKey("", "Pod", "default", "bad")))!.Status?.ToJsonString() ?? "";
        Assert.Contains("kubernetes.io/egress-bandwidth", status, StringComparison.Ordinal);
        Assert.DoesNotContain(LabController.Sandboxes(lab.Paths), s => s.Name == "bad");
    }
}
