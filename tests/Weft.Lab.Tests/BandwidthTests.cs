using System.Diagnostics;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// Bandwidth limits on lab pods shape real TCP (iperf3) in both directions at 10, 50 and 200 Mbit/s, leave
/// an unlimited neighbour alone, change on the running pod (also after an agent restart), lift when removed,
/// and leave nothing behind when the pod goes. A bad value fails the pod's ADD with the annotation named.
/// </summary>
/// <remarks>
/// The bucket counts whole frames, headers included, as tc and the CNI bandwidth plugin do; iperf3 counts
/// TCP payload, which is 1448 of each 1514-byte frame (95.6 %). The checks allow 94–105 % of the limit.
/// </remarks>
[Collection("lab")]
public sealed class BandwidthTests(ITestOutputHelper output)
{
    private const double Low = 0.94, High = 1.05;

    [Fact]
    public async Task Limits_of_10_50_and_200M_hold_both_ways_and_an_unlimited_neighbour_is_unaffected()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        var node = lab.Spec.NodeNames[0];
        await CreateAsync(lab, "l10", node, new() { ["kubernetes.io/ingress-bandwidth"] = "10M", ["kubernetes.io/egress-bandwidth"] = "10M" });
        await CreateAsync(lab, "l50", node, new() { ["ovn.kubernetes.io/ingress_rate"] = "50", ["ovn.kubernetes.io/egress_rate"] = "50" });
        await CreateAsync(lab, "l200", node, new() { ["kubernetes.io/ingress-bandwidth"] = "200M", ["kubernetes.io/egress-bandwidth"] = "200M" });
        await CreateAsync(lab, "peer", node, []);
        await CreateAsync(lab, "free", node, []);
        var ips = (await lab.WaitRunningAsync(5)).ToDictionary(p => p.Name, p => p.PodIPs.Single());
        using var peer = Open(lab, "peer");
        foreach (var (name, limit) in new[] { ("l10", 10e6), ("l50", 50e6), ("l200", 200e6) })
        {
            using var limited = Open(lab, name);
            var into = Weft.TestKit.Iperf.Measure(peer, limited, ips[name], seconds: 4, omit: 2);
            var outOf = Weft.TestKit.Iperf.Measure(limited, peer, ips["peer"], seconds: 4, omit: 2);
            output.WriteLine($"{name}: into {into / limit:P1}, out of {outOf / limit:P1} of the limit");
            Assert.InRange(into / limit, Low, High);
            Assert.InRange(outOf / limit, Low, High);
        }

        // The unlimited pod has no shaping on either end of its veth and runs far above every limit,
        // also while the 10M pod is saturated at the same time.
        using var free = Open(lab, "free");
        Assert.Empty(Shapers(lab, "free"));
        using var l10 = Open(lab, "l10");
        var busy = Task.Run(() => Weft.TestKit.Iperf.Measure(l10, peer, ips["peer"], port: 5400, seconds: 6, omit: 0));
        await Task.Delay(1000);
        var unlimited = Weft.TestKit.Iperf.Measure(free, peer, ips["peer"], seconds: 3, omit: 1);
        var neighbour = await busy;
        output.WriteLine($"unlimited pod {unlimited / 1e9:F2} Gbit/s while the 10M pod sent {neighbour / 1e6:F2} Mbit/s");
        Assert.True(unlimited > 1e9, $"the unlimited pod got only {unlimited / 1e6:F0} Mbit/s");
        Assert.InRange(neighbour / 10e6, 0.90, High);
    }

    [Fact]
    public async Task A_live_edit_changes_the_limit_also_after_an_agent_restart_removal_lifts_it_and_deletion_leaves_nothing()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        var node = lab.Spec.NodeNames[0];
        await CreateAsync(lab, "limited", node, new() { ["kubernetes.io/egress-bandwidth"] = "20M" });
        await CreateAsync(lab, "peer", node, []);
        await CreateAsync(lab, "bad", node, new() { ["kubernetes.io/egress-bandwidth"] = "500" });
        var ips = (await lab.WaitRunningAsync(2)).ToDictionary(p => p.Name, p => p.PodIPs.Single());
        using var limited = Open(lab, "limited");
        using var peer = Open(lab, "peer");
        Assert.Equal("out:20M", (await WaitConditionAsync(lab, "limited", c => c?.Message == "out:20M")).Message);
        var before = Weft.TestKit.Iperf.Measure(limited, peer, ips["peer"]);
        output.WriteLine($"limit 20M: {before / 1e6:F2} Mbit/s");
        Assert.InRange(before / 20e6, Low, High);

        // Lowered while traffic runs: the flow carries on at the new rate (a bucket shrunk in place under a
        // queue of large packets would stall it for good).
        var intervals = Weft.TestKit.IperfIntervals.Run(limited, peer, ips["peer"], seconds: 7, TimeSpan.FromSeconds(2),
            () => EditAsync(lab, "limited", a => a["kubernetes.io/egress-bandwidth"] = "10M").GetAwaiter().GetResult());
        output.WriteLine("under load, 20M → 10M: " + string.Join(" ", intervals.Select(i => $"{i.Start:F1}s:{i.Bps / 1e6:F1}")));
        // Whole intervals only: the receiver's last one is the tail after the sender stopped.
        var settled = intervals.Where(i => i.Start >= 5 && i.End - i.Start >= 0.45 && i.End <= 7.05).ToList();
        Assert.NotEmpty(settled);
        Assert.All(settled, i => Assert.InRange(i.Bps / 10e6, 0.85, 1.10));

        // The pod end of the veth is reached through the netns path the agent saved at ADD, so a restarted
        // agent can still change what the pod sends.
        await RestartAgentAsync(lab, node);
        await EditAsync(lab, "limited", a => a["kubernetes.io/egress-bandwidth"] = "5M");
        await WaitConditionAsync(lab, "limited", c => c?.Message == "out:5M");
        var edited = Weft.TestKit.Iperf.Measure(limited, peer, ips["peer"]);
        output.WriteLine($"after the edit (agent restarted): {edited / 1e6:F2} Mbit/s (limit 5)");
        Assert.InRange(edited / 5e6, Low, High);

        // An invalid edit keeps the limit in force and says so on the pod.
        await EditAsync(lab, "limited", a => a["kubernetes.io/egress-bandwidth"] = "lots");
        var rejected = await WaitConditionAsync(lab, "limited", c => c?.Reason == "InvalidAnnotation");
        Assert.Contains("kubernetes.io/egress-bandwidth", rejected.Message, StringComparison.Ordinal);
        Assert.StartsWith("out:5M;", rejected.Message, StringComparison.Ordinal);

        await EditAsync(lab, "limited", a => a.Clear());
        await WaitConditionAsync(lab, "limited", c => c is null);
        var lifted = Weft.TestKit.Iperf.Measure(limited, peer, ips["peer"]);
        output.WriteLine($"without annotations: {lifted / 1e6:F0} Mbit/s");
        Assert.True(lifted > 500e6, $"the limit did not lift: {lifted / 1e6:F1} Mbit/s");
        Assert.Empty(Shapers(lab, "limited"));

        await EditAsync(lab, "limited", a => a["kubernetes.io/ingress-bandwidth"] = "30M");
        await WaitConditionAsync(lab, "limited", c => c?.Message == "in:30M");
        var sandbox = LabController.Sandboxes(lab.Paths).Single(s => s.Name == "limited");
        limited.Dispose();
        await lab.DeletePodAsync("default", "limited");
        using (var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns(node))))
        using (var rt = nodeNs.Run(RtNetlink.Open))
        {
            Assert.DoesNotContain(rt.ListQdiscs(), q => q.Kind is "tbf" or "netem");
            Assert.DoesNotContain(rt.ListLinks(), l => l.Kind == "ifb");
        }
        var saved = Path.Combine(lab.Paths.NodeDir(node), "state", "qos");
        Assert.DoesNotContain(Directory.Exists(saved) ? Directory.GetFiles(saved) : [], f => f.Contains(sandbox.ContainerId, StringComparison.Ordinal));

        // The kubelet retries the bad pod every few seconds; one retry fell into the agent restart, so look
        // for the newest failure to name the annotation again.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string status;
        while (!(status = (await lab.Store.GetAsync(new ResourceKey("", "Pod", "default", "bad")))!.Status?.ToJsonString() ?? "")
            .Contains("kubernetes.io/egress-bandwidth", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the bad pod's status does not name the annotation: {status}");
            await Task.Delay(200);
        }
        Assert.DoesNotContain(LabController.Sandboxes(lab.Paths), s => s.Name == "bad");
    }

    [Fact]
    public async Task The_seed_articles_qos_examples_apply_verbatim()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "vxlan");
        var seed = Path.Combine(AppContext.BaseDirectory, "seed");
        var qos = Assert.Single(ManifestReader.Read(Path.Combine(seed, "kube-ovn-qos-pod.yaml")));
        var cilium = ManifestReader.Read(Path.Combine(seed, "egress-and-services.yaml")).Last(r => r.Kind == "Pod");
        // As kubectl: an object without a namespace goes to "default".
        cilium.Metadata.Namespace = string.IsNullOrEmpty(cilium.Metadata.Namespace) ? "default" : cilium.Metadata.Namespace;
        await lab.EnsureNamespaceAsync("ls1");
        await lab.Store.CreateAsync(qos);
        await lab.Store.CreateAsync(cilium);
        await CreateAsync(lab, "peer", lab.Spec.NodeNames[0], []);
        await CreateAsync(lab, "peer", lab.Spec.NodeNames[0], [], "ls1");
        var pods = await lab.WaitRunningAsync(4);
        string Ip(string ns, string name) => pods.Single(p => p.Namespace == ns && p.Name == name).PodIPs.Single();
        using var qosNs = Open(lab, "qos", "ls1");
        using var peerNs = Open(lab, "peer", "ls1");
        using var bandwidthNs = Open(lab, "bandwidth");
        using var defaultPeer = Open(lab, "peer");

        // latency 3 and loss 20 apply to traffic into the pod: enforced where the kernel has netem, reported
        // on the pod where it has not.
        var condition = await WaitConditionAsync(lab, "qos", c => c is not null, "ls1");
        output.WriteLine($"qos condition: {condition}");
        var rtt = MinRttMs(peerNs, Ip("ls1", "qos"));
        var netem = condition.Reason != "NetemNotSupported";
        if (!netem)
        {
            Assert.False(condition.Enforced);
            Assert.StartsWith("in:3M,out:1M,netem:not-enforced; latency/jitter/loss not enforced: this kernel has no netem", condition.Message, StringComparison.Ordinal);
            Assert.True(rtt < 3, $"no netem, yet the round trip took {rtt} ms");
            output.WriteLine($"netem is missing on this kernel; the pod runs, says so, and its RTT is {rtt} ms");
        }
        else
        {
            Assert.Equal((true, "in:3M,out:1M,netem:delay=3ms/loss=20%"), (condition.Enforced, condition.Message));
            Assert.True(rtt >= 3, $"netem enforced, yet the round trip took {rtt} ms");
        }

        // Kube-OVN rates: 1 Mbit/s out of the pod; 3 Mbit/s into it (TCP cannot fill it through 20 % loss).
        var outOf = Weft.TestKit.Iperf.Measure(qosNs, peerNs, Ip("ls1", "peer"), seconds: 4, omit: 2);
        output.WriteLine($"qos: out of it {outOf / 1e6:F2} Mbit/s (1)");
        Assert.InRange(outOf / 1e6, Low, High);
        if (!netem)
        {
            var into = Weft.TestKit.Iperf.Measure(peerNs, qosNs, Ip("ls1", "qos"), seconds: 4, omit: 2);
            output.WriteLine($"qos: into it {into / 1e6:F2} Mbit/s (3)");
            Assert.InRange(into / 3e6, Low, High);
        }

        // Cilium's example: egress-bandwidth 10M.
        var cil = Weft.TestKit.Iperf.Measure(bandwidthNs, defaultPeer, Ip("default", "peer"), seconds: 4, omit: 2);
        output.WriteLine($"bandwidth: out of it {cil / 1e6:F2} Mbit/s (10)");
        Assert.InRange(cil / 10e6, Low, High);
        Assert.Equal("out:10M", (await WaitConditionAsync(lab, "bandwidth", c => c is not null)).Message);
    }

    private static Task CreateAsync(LabHandle lab, string name, string node, Dictionary<string, string> annotations, string ns = "default")
    {
        var pod = TestPods.Pod(ns, name, node, [80]);
        pod.Metadata.Annotations = annotations;
        return lab.Store.CreateAsync(pod);
    }

    private static NetNamespace Open(LabHandle lab, string name, string ns = "default") =>
        NetNamespace.Open(NetNamespace.PathOf(LabController.Sandboxes(lab.Paths).Single(s => s.Name == name && s.Namespace == ns).NetnsName));

    /// <summary>tbf or netem qdiscs on either end of the pod's veth.</summary>
    private static List<QdiscInfo> Shapers(LabHandle lab, string name)
    {
        var sandbox = LabController.Sandboxes(lab.Paths).Single(s => s.Name == name);
        using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns(sandbox.Node)));
        using var pod = NetNamespace.Open(NetNamespace.PathOf(sandbox.NetnsName));
        using var hostRt = nodeNs.Run(RtNetlink.Open);
        using var podRt = pod.Run(RtNetlink.Open);
        var host = hostRt.GetLink(Weft.Dataplane.KernelOwnership.HostVethName(sandbox.ContainerId, sandbox.IfName))!;
        return [.. hostRt.ListQdiscs(host.Index).Concat(podRt.ListQdiscs(podRt.GetLink("eth0")!.Index)).Where(q => q.Kind is "tbf" or "netem")];
    }

    private static async Task EditAsync(LabHandle lab, string name, Action<Dictionary<string, string>> edit)
    {
        var key = new ResourceKey("", "Pod", "default", name);
        for (var attempt = 0; ; attempt++)
        {
            var pod = (await lab.Store.GetAsync(key))!;
            edit(pod.Metadata.Annotations);
            try
            {
                await lab.Store.UpdateAsync(pod);
                return;
            }
            catch (Weft.Store.ConflictException) when (attempt < 10)
            {
                // The agent wrote the pod's status meanwhile.
            }
        }
    }

    private sealed record Condition(bool Enforced, string Reason, string Message);

    /// <summary>Waits until the agent's <c>weft.dev/Bandwidth</c> condition on the pod satisfies <paramref name="done"/>.</summary>
    private static async Task<Condition> WaitConditionAsync(LabHandle lab, string name, Func<Condition?, bool> done, string ns = "default")
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        Condition? c;
        while (true)
        {
            var pod = await lab.Store.GetAsync(new ResourceKey("", "Pod", ns, name));
            var node = (pod?.Status?["conditions"] as System.Text.Json.Nodes.JsonArray)?.FirstOrDefault(x => x?["type"]?.GetValue<string>() == "weft.dev/Bandwidth");
            c = node is null ? null : new Condition(node["status"]!.GetValue<string>() == "True", node["reason"]!.GetValue<string>(), node["message"]!.GetValue<string>());
            if (done(c))
            {
                return c ?? new Condition(true, "", "");
            }
            Assert.True(DateTime.UtcNow < deadline, $"pod {ns}/{name}: condition is {c?.ToString() ?? "absent"}\n{lab.LogTail()}");
            await Task.Delay(100);
        }
    }

    private static async Task RestartAgentAsync(LabHandle lab, string node)
    {
        var oldPid = Processes.ReadPid(lab.Paths.AgentPidFile(node))!.Value;
        Process.GetProcessById(oldPid).Kill();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        int pid;
        while ((pid = Processes.ReadPid(lab.Paths.AgentPidFile(node)) ?? oldPid) == oldPid || !Processes.IsAlive(pid, "weft-agent"))
        {
            Assert.True(DateTime.UtcNow < deadline, "the supervisor did not restart the agent\n" + lab.LogTail());
            await Task.Delay(50);
        }
    }

    /// <summary>The smallest of five ping round trips, in ms.</summary>
    private static double MinRttMs(NetNamespace from, string address)
    {
        using var ping = from.StartProcess(new ProcessStartInfo("ping", ["-c", "5", "-i", "0.2", "-W", "1", address]) { RedirectStandardOutput = true, UseShellExecute = false });
        var text = ping.StandardOutput.ReadToEnd();
        ping.WaitForExit();
        // "rtt min/avg/max/mdev = 0.041/0.052/0.070/0.010 ms"
        var line = text.Split('\n').Single(l => l.StartsWith("rtt ", StringComparison.Ordinal));
        return double.Parse(line.Split('=')[1].Trim().Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
