using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Weft.Ipam;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;

namespace Weft.Lab.Tests;

/// <summary>
/// weft-cni run exactly as a runtime runs it (env, stdin, from the node's namespace) against a real agent:
/// every supported spec version, the DEL variants runtimes really send, STATUS and GC, and bad input that
/// must leave no interface and no IP behind.
/// </summary>
[Collection("lab")]
public sealed class RealAgentCniTests : IAsyncLifetime
{
    private LabHandle _lab = null!;
    private NetNamespace _node = null!;

    public async Task InitializeAsync()
    {
        _lab = await LabHandle.UpAsync(nodes: 1, mode: "routed");
        _node = NetNamespace.Open(NetNamespace.PathOf(_lab.Paths.NodeNetns("node1")));
    }

    public async Task DisposeAsync()
    {
        _node.Dispose();
        await _lab.DisposeAsync();
    }

    private sealed record Run(int Exit, string Stdout)
    {
        public JsonObject Json => JsonNode.Parse(Stdout)!.AsObject();
    }

    private string Config(string version, string extra = "") =>
        $$"""{"cniVersion":"{{version}}","name":"weft","type":"weft-cni","agentSocket":"{{_lab.Paths.AgentSocket("node1")}}","delQueueDir":"{{Path.Combine(_lab.Paths.NodeDir("node1"), "del-queue")}}"{{extra}}}""";

    private Run Cni(string command, string? containerId, string? netns, string stdin, string ifName = "eth0", string podNamespace = "cni")
    {
        var psi = new ProcessStartInfo(LabBinaries.Cni) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment.Clear();
        psi.Environment["CNI_COMMAND"] = command;
        psi.Environment["CNI_PATH"] = Path.GetDirectoryName(LabBinaries.Cni)!;
        if (containerId is not null)
        {
            psi.Environment["CNI_CONTAINERID"] = containerId;
            psi.Environment["CNI_NETNS"] = netns ?? "";
            psi.Environment["CNI_IFNAME"] = ifName;
            psi.Environment["CNI_ARGS"] = $"IgnoreUnknown=1;K8S_POD_NAMESPACE={podNamespace};K8S_POD_NAME=p" + containerId[..Math.Min(8, containerId.Length)].Trim('-', ' ');
        }
        using var p = _node.StartProcess(psi);
        try
        {
            p.StandardInput.Write(stdin);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The plugin rejected its environment and exited before reading stdin.
        }
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return new Run(p.ExitCode, output);
    }

    private string NewPodNetns()
    {
        // Only the bind mount may keep it alive: an open handle would keep the netns (and the veth) after Delete.
        using var ns = NetNamespace.Create(_lab.Paths.NetnsPrefix + "pod-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5)));
        return ns.Path;
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private IReadOnlyList<Allocation> Allocations() =>
        new FileAllocationJournal(Path.Combine(_lab.Paths.NodeDir("node1"), "state", "ipam.json")).Load()?.Allocations ?? [];

    private List<string> PodVeths()
    {
        using var rt = _node.Run(RtNetlink.Open);
        return [.. rt.ListLinks().Where(l => l.Kind == "veth" && l.Name.StartsWith("weft", StringComparison.Ordinal)).Select(l => l.Name)];
    }

    /// <summary>DEL answers before the kernel finishes removing the veth; wait for the agent to complete it.</summary>
    private async Task AssertCleanAsync(string because)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((Allocations().Count > 0 || PodVeths().Count > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.True(Allocations().Count == 0, $"{because}: allocations left: {string.Join(", ", Allocations().Select(a => a.ContainerId[..8]))}");
        Assert.True(PodVeths().Count == 0, $"{because}: veths left: {string.Join(", ", PodVeths())}");
    }

    [Theory]
    [InlineData("0.3.0")]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    [InlineData("1.1.0")]
    public async Task Add_check_del_in_every_version(string version)
    {
        var id = NewId();
        var netns = NewPodNetns();
        var add = Cni("ADD", id, netns, Config(version));
        Assert.True(add.Exit == 0, add.Stdout);
        var result = add.Json;
        Assert.Equal(version, result["cniVersion"]!.GetValue<string>());
        var address = result["ips"]![0]!["address"]!.GetValue<string>();
        if (version.StartsWith("0.", StringComparison.Ordinal))
        {
            Assert.Equal("4", result["ips"]![0]!["version"]!.GetValue<string>());
        }
        var ip = IPAddress.Parse(address.Split('/')[0]);
        using (var pod = NetNamespace.Open(netns))
        using (var rt = pod.Run(RtNetlink.Open))
        {
            var eth0 = rt.GetLink("eth0")!;
            Assert.Contains(rt.ListAddresses(eth0.Index), a => a.Address.Equals(ip));
        }
        Assert.Single(Allocations());

        if (version is "0.4.0" or "1.0.0" or "1.1.0")
        {
            var check = Cni("CHECK", id, netns, Config(version, $",\"prevResult\":{add.Stdout}"));
            Assert.True(check.Exit == 0 && check.Stdout.Length == 0, check.Stdout);
        }
        var del = Cni("DEL", id, netns, Config(version, $",\"prevResult\":{add.Stdout}"));
        Assert.True(del.Exit == 0 && del.Stdout.Length == 0, del.Stdout);
        // containerd sends DEL again on RemovePodSandbox, without netns or prevResult.
        var again = Cni("DEL", id, "", Config(version));
        Assert.True(again.Exit == 0, again.Stdout);
        await AssertCleanAsync($"after DEL at {version}");
        NetNamespace.Delete(Path.GetFileName(netns));
    }

    /// <summary>
    /// A runtime may pass Kubernetes arguments for a pod the API does not have. The agent must not wait for
    /// a Pod object that will never come (ADD would hang for the policy wait) nor leave the pod dropped:
    /// it enforces it as an unlabeled pod of its namespace, so a namespace-wide deny still isolates it.
    /// </summary>
    [Fact]
    public async Task A_pod_without_a_pod_object_is_enforced_as_an_unlabeled_pod_of_its_namespace()
    {
        const string ns = "cni-unlisted";
        await _lab.EnsureNamespaceAsync(ns);
        var deny = await _lab.Store.CreateAsync(ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = "deny-ingress", ["namespace"] = ns },
            ["spec"] = new JsonObject { ["podSelector"] = new JsonObject(), ["policyTypes"] = new JsonArray("Ingress") },
        }));
        var ids = new[] { NewId(), NewId() };
        var netns = new[] { NewPodNetns(), NewPodNetns() };
        try
        {
            var added = Stopwatch.StartNew();
            var target = Cni("ADD", ids[0], netns[0], Config("1.0.0"), podNamespace: ns);
            var client = Cni("ADD", ids[1], netns[1], Config("1.0.0"), podNamespace: ns);
            added.Stop();
            Assert.True(target.Exit == 0 && client.Exit == 0, target.Stdout + client.Stdout);
            // The policy wait is 10 s; an ADD that waited it out was never dispatched.
            Assert.True(added.Elapsed < TimeSpan.FromSeconds(10), $"two ADDs took {added.Elapsed.TotalSeconds:F1} s: the agent waited for Pod objects that do not exist");
            var targetIp = target.Json["ips"]![0]!["address"]!.GetValue<string>().Split('/')[0];

            Assert.False(Ping(netns[1], targetIp), "the namespace's default-deny ingress must isolate a pod without a Pod object");
            await _lab.Store.DeleteAsync(deny.Key);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (!Ping(netns[1], targetIp))
            {
                Assert.True(DateTime.UtcNow < deadline, "without the policy the pods must reach each other");
            }
        }
        finally
        {
            await _lab.Store.DeleteAsync(deny.Key);
            for (var i = 0; i < ids.Length; i++)
            {
                Cni("DEL", ids[i], netns[i], Config("1.0.0"), podNamespace: ns);
                NetNamespace.Delete(Path.GetFileName(netns[i]));
            }
        }
        await AssertCleanAsync("after deleting the unlisted pods");
    }

    private static bool Ping(string netns, string address)
    {
        using var ns = NetNamespace.Open(netns);
        using var p = ns.StartProcess(new ProcessStartInfo("ping", ["-c", "1", "-W", "1", address]) { RedirectStandardOutput = true, UseShellExecute = false });
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public async Task Del_after_the_netns_is_gone_frees_the_ip()
    {
        var id = NewId();
        var netns = NewPodNetns();
        Assert.Equal(0, Cni("ADD", id, netns, Config("1.0.0")).Exit);
        NetNamespace.Delete(Path.GetFileName(netns));
        Assert.Equal(0, Cni("DEL", id, "", Config("1.0.0")).Exit);
        await AssertCleanAsync("DEL without netns");
    }

    [Fact]
    public async Task A_container_that_vanishes_without_del_is_collected_and_gc_frees_what_the_runtime_no_longer_knows()
    {
        // STATUS says the agent can serve ADDs.
        Assert.Equal(0, Cni("STATUS", null, null, Config("1.1.0")).Exit);

        var keep = NewId();
        var drop = NewId();
        var keepNs = NewPodNetns();
        var dropNs = NewPodNetns();
        Assert.Equal(0, Cni("ADD", keep, keepNs, Config("1.1.0")).Exit);
        Assert.Equal(0, Cni("ADD", drop, dropNs, Config("1.1.0")).Exit);
        Assert.Equal(2, Allocations().Count);

        var gc = Cni("GC", null, null, Config("1.1.0", $",\"cni.dev/valid-attachments\":[{{\"containerID\":\"{keep}\",\"ifname\":\"eth0\"}}]"));
        Assert.True(gc.Exit == 0, gc.Stdout);
        var left = Allocations();
        Assert.Equal(keep, Assert.Single(left).ContainerId);

        // The kept pod's netns disappears without any DEL (a crashed runtime): the agent's sweep frees its IP.
        NetNamespace.Delete(Path.GetFileName(keepNs));
        NetNamespace.Delete(Path.GetFileName(dropNs));
        await AssertCleanAsync("after the sweep");
    }

    [Fact]
    public async Task Del_while_the_agent_is_down_is_queued_and_replayed_by_the_restarted_agent()
    {
        var id = NewId();
        var netns = NewPodNetns();
        Assert.Equal(0, Cni("ADD", id, netns, Config("1.0.0")).Exit);
        var queue = Path.Combine(_lab.Paths.NodeDir("node1"), "del-queue");

        // The supervisor restarts a killed agent after a second; the DEL lands in that gap.
        var pid = Processes.ReadPid(_lab.Paths.AgentPidFile("node1"))!.Value;
        Process.GetProcessById(pid).Kill();
        Process.GetProcessById(pid).WaitForExit();
        var del = Cni("DEL", id, netns, Config("1.0.0"));
        Assert.True(del.Exit == 0, del.Stdout);
        Assert.Contains(Directory.GetFiles(queue), f => !Path.GetFileName(f).StartsWith('.'));

        await AssertCleanAsync("after the restarted agent replayed the queued DEL");
        Assert.DoesNotContain(Directory.GetFiles(queue), f => !Path.GetFileName(f).StartsWith('.'));
        NetNamespace.Delete(Path.GetFileName(netns));
    }

    [Fact]
    public async Task The_bandwidth_capability_limits_a_pod_without_a_pod_object_and_a_bad_rate_fails_naming_the_field()
    {
        // The burst is containerd's "unset" value; Weft uses its own small default instead of 512 MiB.
        const string capability = ",\"capabilities\":{\"bandwidth\":true},\"runtimeConfig\":{\"bandwidth\":"
            + "{\"ingressRate\":30000000,\"ingressBurst\":4294967295,\"egressRate\":7000000,\"egressBurst\":4294967295}}";
        var netns = NewPodNetns();
        var id = NewId();
        Assert.Equal(0, Cni("ADD", id, netns, Config("1.0.0", capability), podNamespace: "cni-capability").Exit);
        using (var rt = _node.Run(RtNetlink.Open))
        {
            var veth = rt.GetLink(Weft.Dataplane.KernelOwnership.HostVethName(id, "eth0"))!;
            var tbf = Assert.Single(rt.ListQdiscs(veth.Index), q => q.IsRoot);
            Assert.Equal(("tbf", 30_000_000UL), (tbf.Kind, tbf.RateBitsPerSecond));
        }
        using (var pod = NetNamespace.Open(netns))
        using (var rt = pod.Run(RtNetlink.Open))
        {
            var tbf = Assert.Single(rt.ListQdiscs(rt.GetLink("eth0")!.Index), q => q.IsRoot);
            Assert.Equal(("tbf", 7_000_000UL), (tbf.Kind, tbf.RateBitsPerSecond));
        }
        Assert.Equal(0, Cni("DEL", id, netns, Config("1.0.0", capability)).Exit);

        var bad = Cni("ADD", NewId(), netns, Config("1.0.0", capability.Replace("30000000", "500", StringComparison.Ordinal)), podNamespace: "cni-capability");
        Assert.Equal(7, bad.Json["code"]!.GetValue<int>());
        Assert.Contains("runtimeConfig.bandwidth.ingressRate", bad.Json["details"]!.GetValue<string>(), StringComparison.Ordinal);
        await AssertCleanAsync("after the capability pods");
        NetNamespace.Delete(Path.GetFileName(netns));
    }

    [Fact]
    public async Task Bad_input_fails_with_the_right_code_and_leaves_nothing_behind()
    {
        var netns = NewPodNetns();
        Assert.Equal(6, Cni("ADD", NewId(), netns, "{\"cniVersion\":\"1.0.0\",").Json["code"]!.GetValue<int>());
        Assert.Equal(7, Cni("ADD", NewId(), netns, Config("1.0.0").Replace("\"name\":\"weft\",", "")).Json["code"]!.GetValue<int>());
        Assert.Equal(1, Cni("ADD", NewId(), netns, Config("9.9.9")).Json["code"]!.GetValue<int>());
        Assert.Equal(4, Cni("ADD", "-bad id", netns, Config("1.0.0")).Json["code"]!.GetValue<int>());

        // The agent rejects what only it can see: a netns that does not exist, an interface that already exists.
        var missing = Cni("ADD", NewId(), "/run/netns/" + _lab.Paths.NetnsPrefix + "pod-nosuch", Config("1.0.0"));
        Assert.NotEqual(0, missing.Exit);
        Assert.Contains("netns", missing.Json["details"]!.GetValue<string>());

        var first = NewId();
        Assert.Equal(0, Cni("ADD", first, netns, Config("1.0.0")).Exit);
        var clash = Cni("ADD", NewId(), netns, Config("1.0.0"));
        Assert.NotEqual(0, clash.Exit);
        Assert.Contains("already exists", clash.Json["details"]!.GetValue<string>());
        Assert.Single(Allocations());
        Assert.Equal(0, Cni("DEL", first, netns, Config("1.0.0")).Exit);

        await AssertCleanAsync("after the failed ADDs");
        NetNamespace.Delete(Path.GetFileName(netns));
    }
}
