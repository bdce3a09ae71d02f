using System.Net;
using Weft.Model;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

/// <summary>
/// The seed article's fixed-IP annotations, applied verbatim to pods of a 3-node lab whose store holds the
/// pool objects those projects would have: each pod gets exactly that address, and every other pod, on
/// every node, reaches it there. Then the errors: an address already held, one outside every pool.
/// </summary>
[Collection("lab")]
public sealed class FixedIpTests(ITestOutputHelper output)
{
    private static readonly string[] Pools =
    [
        """{"apiVersion":"projectcalico.org/v3","kind":"IPPool","metadata":{"name":"fixed-pool"},"spec":{"cidr":"192.168.0.0/24","blockSize":26}}""",
        """{"apiVersion":"kubeovn.io/v1","kind":"Subnet","metadata":{"name":"fixed-subnet"},"spec":{"cidrBlock":"192.168.100.0/24","excludeIps":["192.168.100.1"]}}""",
        """{"apiVersion":"crd.antrea.io/v1beta1","kind":"IPPool","metadata":{"name":"pod-ip-pool1"},"spec":{"ipRanges":[{"start":"10.2.0.10","end":"10.2.0.20"}],"subnetInfo":{"gateway":"10.2.0.1","prefixLength":24}}}""",
    ];

    [Theory]
    [InlineData("vxlan")]
    [InlineData("routed")]
    public async Task Each_seed_annotation_gives_its_address_and_every_node_reaches_it(string mode)
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: mode);
        foreach (var pool in Pools)
        {
            await lab.Store.CreateAsync(ResourceJson.Parse(pool));
        }
        var nodes = lab.Spec.NodeNames;
        await Create(lab, "calico", nodes[0], new() { ["cni.projectcalico.org/ipAddrs"] = "[\"192.168.0.1\"]" });
        await Create(lab, "ovn", nodes[1], new() { ["ovn.kubernetes.io/ip_address"] = "192.168.100.100", ["ovn.kubernetes.io/mac_address"] = "0a:58:c0:a8:64:64" });
        await Create(lab, "replica-a", nodes[2], new() { ["ovn.kubernetes.io/ip_pool"] = "192.168.100.201,192.168.100.202" });
        await Create(lab, "replica-b", nodes[0], new() { ["ovn.kubernetes.io/ip_pool"] = "192.168.100.201,192.168.100.202" });
        await Create(lab, "antrea", nodes[1], new() { ["ipam.antrea.io/ippools"] = "pod-ip-pool1", ["ipam.antrea.io/pod-ips"] = "10.2.0.12" });
        for (var i = 0; i < 3; i++)
        {
            await Create(lab, $"plain{i}", nodes[i], []);
        }
        // A Weft pool that selects a namespace serves its pods without any annotation.
        await lab.Store.CreateAsync(ResourceJson.Parse("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"blue-pool"},"spec":{"cidrs":["10.5.0.0/28"],"namespaceSelector":{"matchLabels":{"team":"blue"}}}}"""));
        await lab.Store.CreateAsync(NamespaceView.Build("blue", new Dictionary<string, string> { ["team"] = "blue" }));
        await Create(lab, "selected", nodes[2], [], "blue");
        var pods = (await lab.WaitRunningAsync(9)).ToDictionary(p => p.Name, p => p.PodIPs.Single());
        Assert.StartsWith("10.5.0.", pods["selected"], StringComparison.Ordinal);

        Assert.Equal("192.168.0.1", pods["calico"]);
        Assert.Equal("192.168.100.100", pods["ovn"]);
        Assert.Equal(["192.168.100.201", "192.168.100.202"], new[] { pods["replica-a"], pods["replica-b"] }.Order());
        Assert.Equal("10.2.0.12", pods["antrea"]);
        var ovn = LabController.Sandboxes(lab.Paths).Single(s => s.Name == "ovn");
        using (var ns = Weft.Linux.Netns.NetNamespace.Open(Weft.Linux.Netns.NetNamespace.PathOf(ovn.NetnsName)))
        using (var rt = ns.Run(Weft.Linux.Netlink.RtNetlink.Open))
        {
            Assert.Equal("0a:58:c0:a8:64:64", string.Join(':', rt.GetLink("eth0")!.Mac!.Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))));
        }
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(IPNetwork.Parse(lab.Spec.PodCidr).Contains(IPAddress.Parse(pods[$"plain{i}"]))));

        // The sandboxes carry the addresses the kernel has; every pod reaches every other on them.
        ConnectivityTests.AssertAllReachable(await ConnectivityTests.ProbeAsync(lab, 80, "TCP"), 9);
        output.WriteLine(string.Join(", ", pods.Select(p => $"{p.Key}={p.Value}")));
    }

    [Fact]
    public async Task A_default_weft_pool_serves_unannotated_pods_instead_of_the_node_blocks()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        await lab.Store.CreateAsync(ResourceJson.Parse("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"everyone"},"spec":{"cidrs":["10.7.0.0/28"],"default":true,"blockSize":28}}"""));
        await Task.Delay(500);
        await Create(lab, "plain", lab.Spec.NodeNames[0], []);
        var pod = Assert.Single(await lab.WaitRunningAsync(1));
        Assert.StartsWith("10.7.0.", pod.PodIPs.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dual_stack_fixed_pair_is_routed_to_its_node_over_ipv4_and_ipv6()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: "vxlan", ipv6: "fd00:10:233::/112");
        await lab.Store.CreateAsync(ResourceJson.Parse("""{"apiVersion":"kubeovn.io/v1","kind":"Subnet","metadata":{"name":"ds"},"spec":{"cidrBlock":"192.168.100.0/24,fd01::/120"}}"""));
        await Create(lab, "pair", lab.Spec.NodeNames[0], new() { ["ovn.kubernetes.io/ip_address"] = "192.168.100.150,fd01::96" });
        await Create(lab, "peer1", lab.Spec.NodeNames[1], []);
        await Create(lab, "peer2", lab.Spec.NodeNames[2], []);
        var pods = (await lab.WaitRunningAsync(3)).ToDictionary(p => p.Name, p => p.PodIPs.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(["192.168.100.150", "fd01::96"], pods["pair"]);

        ConnectivityTests.AssertAllReachable(await ConnectivityTests.ProbeAsync(lab, 80, "TCP"), 3);
        ConnectivityTests.AssertAllReachable(await ConnectivityTests.ProbeAsync(lab, 80, "TCP", System.Net.Sockets.AddressFamily.InterNetworkV6), 3);
    }

    [Fact]
    public async Task An_address_held_by_a_live_pod_or_outside_every_pool_fails_the_add_and_leaves_nothing()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 2, mode: "routed");
        await lab.Store.CreateAsync(ResourceJson.Parse(Pools[1]));
        await Create(lab, "holder", lab.Spec.NodeNames[0], new() { ["ovn.kubernetes.io/ip_address"] = "192.168.100.100" });
        await lab.WaitRunningAsync(1);

        await Create(lab, "thief", lab.Spec.NodeNames[1], new() { ["cni.projectcalico.org/ipAddrs"] = "[\"192.168.100.100\"]" });
        await Create(lab, "stray", lab.Spec.NodeNames[1], new() { ["weft.dev/ip-addresses"] = "172.20.0.5" });

        var thief = await UntilFailedAsync(lab, "thief");
        Assert.Contains("cni.projectcalico.org/ipAddrs", thief, StringComparison.Ordinal);
        Assert.Contains("pod default/holder holds", thief, StringComparison.Ordinal);
        var stray = await UntilFailedAsync(lab, "stray");
        Assert.Contains("weft.dev/ip-addresses", stray, StringComparison.Ordinal);
        Assert.Contains("outside every IP pool", stray, StringComparison.Ordinal);

        // Failed ADDs leave no claim but the holder's, and the holder keeps its address.
        var claims = (await lab.Store.ListAsync(Weft.Ipam.Pools.IpClaims.Type)).Items;
        Assert.Equal("192-168-100-100", Assert.Single(claims).Metadata.Name);
        Assert.Single(LabController.Sandboxes(lab.Paths));
    }

    [Fact]
    public async Task A_statefulsets_pods_keep_their_addresses_on_other_nodes_and_ip_pool_replicas_use_exactly_their_list()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: "vxlan");
        var nodes = lab.Spec.NodeNames;
        await lab.Store.CreateAsync(ResourceJson.Parse("""{"apiVersion":"weft.dev/v1alpha1","kind":"IPPool","metadata":{"name":"sts-pool"},"spec":{"cidrs":["10.3.0.0/28"]}}"""));
        await lab.Store.CreateAsync(ResourceJson.Parse(Pools[1]));
        var ns = NamespaceView.Build("db");
        ns.Metadata.Annotations = new() { ["weft.dev/ip-pools"] = "sts-pool" };
        await lab.Store.CreateAsync(ns);
        const string replicas = "192.168.100.211,192.168.100.212,192.168.100.213";
        for (var i = 0; i < 3; i++)
        {
            await Create(lab, $"web-{i}", nodes[i], [], "db", statefulSet: "web");
            await Create(lab, $"api-{i}", nodes[i], new() { ["ovn.kubernetes.io/ip_pool"] = replicas });
        }
        var before = (await lab.WaitRunningAsync(6)).ToDictionary(p => p.Name, p => p.PodIPs.Single());
        Assert.All(Enumerable.Range(0, 3), i => Assert.StartsWith("10.3.0.", before[$"web-{i}"], StringComparison.Ordinal));
        Assert.Equal(replicas.Split(','), Enumerable.Range(0, 3).Select(i => before[$"api-{i}"]).Order());

        // The StatefulSet's pods go away and come back, each on the next node: same names, same addresses.
        for (var i = 0; i < 3; i++)
        {
            await lab.DeletePodAsync("db", $"web-{i}");
        }
        for (var i = 0; i < 3; i++)
        {
            await Create(lab, $"web-{i}", nodes[(i + 1) % 3], [], "db", statefulSet: "web");
        }
        var after = (await lab.WaitRunningAsync(6)).ToDictionary(p => p.Name);
        Assert.All(Enumerable.Range(0, 3), i =>
        {
            Assert.Equal(before[$"web-{i}"], after[$"web-{i}"].PodIPs.Single());
            Assert.Equal(nodes[(i + 1) % 3], after[$"web-{i}"].NodeName);
        });
        ConnectivityTests.AssertAllReachable(await ConnectivityTests.ProbeAsync(lab, 80, "TCP"), 6);
    }

    [Fact]
    public async Task Two_hundred_create_delete_cycles_mixing_fixed_pooled_and_block_addresses_leave_ipam_check_clean()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 3, mode: "routed");
        var nodes = lab.Spec.NodeNames;
        await lab.Store.CreateAsync(ResourceJson.Parse(Pools[1]));
        await lab.Store.CreateAsync(ResourceJson.Parse(Pools[2]));
        const int rounds = 20, perRound = 10;
        var seen = new HashSet<string>();
        for (var r = 0; r < rounds; r++)
        {
            var names = new List<string>();
            for (var i = 0; i < perRound; i++)
            {
                var name = $"c{r}-{i}";
                names.Add(name);
                Dictionary<string, string> annotations = (i % 4) switch
                {
                    0 => new() { ["ovn.kubernetes.io/ip_address"] = $"192.168.100.{10 + i}" },
                    1 => new() { ["ovn.kubernetes.io/ip_pool"] = "192.168.100.50,192.168.100.51,192.168.100.52" },
                    2 => new() { ["ipam.antrea.io/ippools"] = "pod-ip-pool1" },
                    _ => [],
                };
                await Create(lab, name, nodes[(r + i) % 3], annotations);
            }
            var running = await lab.WaitRunningAsync(perRound);
            Assert.Equal(perRound, running.Select(p => p.PodIPs.Single()).Distinct().Count());
            seen.UnionWith(running.Select(p => p.PodIPs.Single()));
            await Task.WhenAll(names.Select(n => lab.DeletePodAsync("default", n)));
        }
        output.WriteLine($"{rounds * perRound} pods, {seen.Count} distinct addresses");

        var status = WeftCli(lab, "ipam", "status");
        Assert.True(status.Exit == 0, status.Err);
        Assert.Contains("fixed-subnet", status.Out, StringComparison.Ordinal);
        Assert.Contains("IPPool.crd.antrea.io", status.Out, StringComparison.Ordinal);
        Assert.All(nodes, n => Assert.Contains(n, status.Out, StringComparison.Ordinal));
        var check = WeftCli(lab, "ipam", "check");
        Assert.True(check.Exit == 0, check.Out + check.Err);
        Assert.Contains("ipam check: clean (0 claimed address(es)", check.Out, StringComparison.Ordinal);

        // The check can fail: a claim left behind by a pod that is gone is a leak.
        await lab.Store.CreateAsync(Weft.Ipam.Pools.IpClaims.Build(new(IPAddress.Parse("192.168.100.99"), "fixed-subnet", "default", "ghost", nodes[0], Sticky: false)));
        var leak = WeftCli(lab, "ipam", "check");
        Assert.Equal(1, leak.Exit);
        Assert.Contains("leak: IPClaim 192.168.100.99: held by pod default/ghost, which no longer exists", leak.Out, StringComparison.Ordinal);
    }

    private static (int Exit, string Out, string Err) WeftCli(LabHandle lab, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "weft.dll"), .. args, "--lab", lab.Spec.Name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    private static async Task Create(LabHandle lab, string name, string node, Dictionary<string, string> annotations, string ns = "default", string? statefulSet = null)
    {
        var pod = TestPods.Pod(ns, name, node, [80]);
        pod.Metadata.Annotations = annotations;
        if (statefulSet is not null)
        {
            pod.Metadata.OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "StatefulSet", Name = statefulSet, Controller = true }];
        }
        await lab.Store.CreateAsync(pod);
    }

    /// <summary>The pod's sandbox failure as the lab kubelet recorded it (its status message), once there is one.</summary>
    private static async Task<string> UntilFailedAsync(LabHandle lab, string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var pod = await lab.Store.GetAsync(new ResourceKey("", "Pod", "default", name));
            var message = pod?.Status?.ToJsonString() ?? "";
            if (message.Contains("annotation", StringComparison.Ordinal))
            {
                return message;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"pod {name} did not report a failed network setup\n{lab.LogTail()}");
    }
}
