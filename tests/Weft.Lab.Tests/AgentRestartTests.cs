using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Xunit.Abstractions;

namespace Weft.Lab.Tests;

[Collection("lab")]
public partial class AgentRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_agent_keeps_pod_traffic_flowing_and_the_new_agent_removes_stale_objects()
    {
        await using var lab = await LabHandle.UpAsync(nodes: 2);
        await lab.ApplyPodAsync("default", "a", node: "node1");
        await lab.ApplyPodAsync("default", "b", node: "node1");
        await lab.ApplyPodAsync("default", "c", node: "node2");
        var pods = await lab.WaitRunningAsync(3);
        var ipB = pods.Single(p => p.Name == "b").PodIPs[0];
        var ipC = pods.Single(p => p.Name == "c").PodIPs[0];
        var sandboxA = LabController.Sandboxes(lab.Paths).Single(s => s.Name == "a");

        // Leftovers of an earlier agent: a pod veth nobody owns, and a block route to a node that is gone.
        using var node1 = NetNamespace.Open(NetNamespace.PathOf(lab.Paths.NodeNetns("node1")));
        using (var rt = node1.Run(RtNetlink.Open))
        {
            rt.CreateVeth("weftdeadbeef01", "wtstalepeer", null, 1500);
            var eth0 = rt.GetLink("eth0")!;
            rt.ReplaceRoute(new RouteSpec(IPNetwork.Parse("10.233.127.0/26"), IPAddress.Parse("172.31.0.99"), eth0.Index,
                87, RouteScope.Universe, OnLink: false));
        }

        using var podA = NetNamespace.Open(NetNamespace.PathOf(sandboxA.NetnsName));
        using var pingSame = StartPing(podA, ipB);
        using var pingCross = StartPing(podA, ipC);
        await Task.Delay(1000);

        var oldPid = Processes.ReadPid(lab.Paths.AgentPidFile("node1"))!.Value;
        Process.GetProcessById(oldPid).Kill();
        var restartedAt = Stopwatch.StartNew();
        int newPid;
        while ((newPid = Processes.ReadPid(lab.Paths.AgentPidFile("node1")) ?? oldPid) == oldPid || !Processes.IsAlive(newPid, "weft-agent"))
        {
            Assert.True(restartedAt.Elapsed < TimeSpan.FromSeconds(30), "the supervisor did not restart the agent\n" + lab.LogTail());
            await Task.Delay(50);
        }
        output.WriteLine($"agent restarted as pid {newPid} after {restartedAt.ElapsedMilliseconds} ms");

        // The new agent sweeps what it does not own and keeps what it does.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        bool staleVeth, staleRoute;
        do
        {
            await Task.Delay(200);
            using var rt = node1.Run(RtNetlink.Open);
            staleVeth = rt.GetLink("weftdeadbeef01") is not null;
            staleRoute = rt.ListRoutes(System.Net.Sockets.AddressFamily.InterNetwork, protocol: 87)
                .Any(r => r.Destination.Equals(IPNetwork.Parse("10.233.127.0/26")));
        }
        while ((staleVeth || staleRoute) && DateTime.UtcNow < deadline);
        Assert.False(staleVeth, "stale veth survived the agent restart\n" + lab.LogTail());
        Assert.False(staleRoute, "stale route survived the agent restart\n" + lab.LogTail());

        await Task.Delay(1000);
        var (sentSame, lostSame) = await StopPingAsync(pingSame);
        var (sentCross, lostCross) = await StopPingAsync(pingCross);
        output.WriteLine($"same node: {lostSame}/{sentSame} lost; across nodes: {lostCross}/{sentCross} lost");
        Assert.True(sentSame > 50 && sentCross > 50, "ping did not run long enough");
        Assert.True(lostSame <= 1, $"same-node ping lost {lostSame} of {sentSame}");
        Assert.True(lostCross <= 1, $"cross-node ping lost {lostCross} of {sentCross}");

        // And pods keep working for new traffic and new pods after the restart.
        await lab.ApplyPodAsync("default", "d", node: "node1");
        await lab.WaitRunningAsync(4);
        ConnectivityTests.AssertAllReachable(await ConnectivityTests.ProbeAsync(lab, 80, "TCP"), 4);
    }

    private static Process StartPing(NetNamespace ns, string ip)
    {
        var psi = new ProcessStartInfo("ping", ["-i", "0.02", "-W", "1", ip]) { RedirectStandardOutput = true, UseShellExecute = false };
        return ns.StartProcess(psi);
    }

    private static async Task<(int Sent, int Lost)> StopPingAsync(Process p)
    {
        // SIGINT makes ping print its summary.
        Weft.Linux.Interop.Syscalls.Kill(p.Id, Weft.Linux.Interop.Syscalls.SigInt);
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var m = Summary().Match(text);
        Assert.True(m.Success, "no ping summary in: " + text[^Math.Min(text.Length, 300)..]);
        var sent = int.Parse(m.Groups[1].Value);
        var received = int.Parse(m.Groups[2].Value);
        return (sent, sent - received);
    }

    [GeneratedRegex(@"(\d+) packets transmitted, (\d+) received")]
    private static partial Regex Summary();
}
