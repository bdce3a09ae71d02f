using Weft.Linux.Netns;
using Weft.Store.Etcd;

namespace Weft.Lab;

/// <summary>
/// The lab's long-running process (`weft lab supervise`): it plays the DaemonSet controller (one agent
/// per node, restarted when it exits, as kubelet restarts a crashed container) and the kubelet.
/// </summary>
public static class Supervisor
{
    public static async Task RunAsync(string name, CancellationToken ct)
    {
        var paths = new LabPaths(name);
        var spec = LabSpec.FromJson(await File.ReadAllTextAsync(paths.SpecFile, ct));
        await File.WriteAllTextAsync(paths.SupervisorPidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
        void Log(string m) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {m}");

        var agents = spec.NodeNames.Select(n => Task.Run(() => AgentLoopAsync(paths, spec, n, Log, ct), CancellationToken.None)).ToList();
        await using var store = EtcdStore.Connect(paths.StoreEndpoint);
        await using var kubelet = new Kubelet(store, paths, spec, Log);
        try
        {
            await kubelet.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        await Task.WhenAll(agents);
    }

    private static async Task AgentLoopAsync(LabPaths paths, LabSpec spec, string node, Action<string> log, CancellationToken ct)
    {
        Directory.CreateDirectory(paths.NodeDir(node));
        string[] command =
        [
            LabBinaries.Agent,
            "--node", node,
            "--store", paths.StoreEndpoint,
            "--socket", paths.AgentSocket(node),
            "--state-dir", Path.Combine(paths.NodeDir(node), "state"),
            "--cni-conf-dir", paths.CniConfDir(node),
            "--del-queue-dir", Path.Combine(paths.NodeDir(node), "del-queue"),
            "--block-release-grace", spec.BlockReleaseGraceSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--housekeeping-interval", "2",
        ];
        using var ns = NetNamespace.Open(NetNamespace.PathOf(paths.NodeNetns(node)));
        while (!ct.IsCancellationRequested)
        {
            using var proc = Processes.StartChild(command, paths.AgentLog(node), ns);
            await File.WriteAllTextAsync(paths.AgentPidFile(node), proc.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
            try
            {
                await proc.WaitForExitAsync(ct);
            }
            catch (OperationCanceledException)
            {
                await Processes.StopAsync(proc.Id, "weft-agent", TimeSpan.FromSeconds(5));
                return;
            }
            log($"agent on {node} exited with {proc.ExitCode}; restarting in 1 s");
            await Task.Delay(1000, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
