using Weft.Model;
using Weft.Store;
using Weft.Store.Etcd;

namespace Weft.Lab;

/// <summary>Brings labs up and down. Everything it makes carries the lab's name, so `down` removes exactly that.</summary>
public static class LabController
{
    /// <summary>
    /// Builds the namespaces, starts etcd, writes the cluster objects, starts the supervisor (agents and
    /// kubelet) and waits until every agent has written its CNI conflist.
    /// </summary>
    public static async Task UpAsync(LabSpec spec, IReadOnlyList<string> supervisorCommand, Action<string> progress, CancellationToken ct)
    {
        spec.Validate();
        var paths = new LabPaths(spec.Name);
        if (IsUp(paths))
        {
            throw new InvalidOperationException($"lab '{spec.Name}' is already up; `weft lab down --name {spec.Name}` first");
        }
        await DownAsync(spec.Name, _ => { });
        Directory.CreateDirectory(paths.Dir);
        await File.WriteAllTextAsync(paths.SpecFile, spec.ToJson(), ct);

        progress($"creating {spec.Nodes} node namespace(s) and the fabric ({spec.Mode} mode)");
        LabTopology.Create(paths, spec);

        progress("starting etcd");
        Directory.CreateDirectory(paths.EtcdDir);
        await EtcdServer.StartAsync(paths.EtcdDir, detached: true, ct);
        await using (var store = EtcdStore.Connect(paths.StoreEndpoint))
        {
            await SeedAsync(store, spec, ct);
        }

        progress("starting agents and the lab kubelet");
        var pid = Processes.StartDetached([.. supervisorCommand, "lab", "supervise", "--name", spec.Name], paths.SupervisorLog);
        await File.WriteAllTextAsync(paths.SupervisorPidFile, pid.ToString(System.Globalization.CultureInfo.InvariantCulture), ct);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var node in spec.NodeNames)
        {
            while (!File.Exists(Path.Combine(paths.CniConfDir(node), "10-weft.conflist")))
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"agent on {node} did not become ready in 60 s; see {paths.AgentLog(node)}:\n{Tail(paths.AgentLog(node))}");
                }
                await Task.Delay(100, ct);
            }
        }
        progress("all agents ready");
    }

    private static async Task SeedAsync(IResourceStore store, LabSpec spec, CancellationToken ct)
    {
        var network = new ClusterNetworkView(
            System.Net.IPNetwork.Parse(spec.PodCidr),
            spec.Ipv6PodCidr is null ? null : System.Net.IPNetwork.Parse(spec.Ipv6PodCidr),
            ClusterNetworkView.DefaultServiceCidr, spec.BlockSize, 122, spec.Mode, 1);
        await store.CreateAsync(network.ToResource(), ct);
        for (var i = 0; i < spec.Nodes; i++)
        {
            var ips = new List<System.Net.IPAddress> { LabSpec.NodeIPv4(i + 1) };
            if (spec.Ipv6PodCidr is not null)
            {
                ips.Add(LabSpec.NodeIPv6(i + 1));
            }
            await store.CreateAsync(NodeView.Build(spec.NodeNames[i], ips), ct);
        }
        foreach (var ns in new[] { "default", "kube-system" })
        {
            await store.CreateAsync(NamespaceView.Build(ns), ct);
        }
    }

    public static bool IsUp(LabPaths paths) =>
        Processes.ReadPid(paths.SupervisorPidFile) is { } pid && Processes.IsAlive(pid, "supervise");

    /// <summary>Stops the lab's processes (by recorded PID) and removes its namespaces and state. Safe to repeat.</summary>
    public static async Task DownAsync(string name, Action<string> progress)
    {
        var paths = new LabPaths(name);
        if (Processes.ReadPid(paths.SupervisorPidFile) is { } sup && await Processes.StopAsync(sup, "supervise", TimeSpan.FromSeconds(10)))
        {
            progress("stopped the supervisor");
        }
        if (Directory.Exists(Path.Combine(paths.Dir, "nodes")))
        {
            foreach (var nodeDir in Directory.GetDirectories(Path.Combine(paths.Dir, "nodes")))
            {
                if (Processes.ReadPid(Path.Combine(nodeDir, "agent.pid")) is { } pid && await Processes.StopAsync(pid, "weft-agent", TimeSpan.FromSeconds(5)))
                {
                    progress($"stopped the agent of {Path.GetFileName(nodeDir)}");
                }
            }
        }
        if (Directory.Exists(paths.EtcdDir) && EtcdServer.Attach(paths.EtcdDir) is { } etcd)
        {
            await etcd.StopAsync();
            progress("stopped etcd");
        }
        var removed = LabTopology.Destroy(paths);
        if (removed > 0)
        {
            progress($"removed {removed} network namespace(s)");
        }
        if (Directory.Exists(paths.Dir))
        {
            Directory.Delete(paths.Dir, recursive: true);
        }
    }

    public static LabSpec Load(string name)
    {
        var paths = new LabPaths(name);
        return File.Exists(paths.SpecFile)
            ? LabSpec.FromJson(File.ReadAllText(paths.SpecFile))
            : throw new InvalidOperationException($"no lab named '{name}' (labs: {string.Join(", ", LabPaths.ListLabs())})");
    }

    /// <summary>The lab a command means: the named one, or the only one that is up.</summary>
    public static string Resolve(string? name)
    {
        if (name is not null)
        {
            Load(name);
            return name;
        }
        var labs = LabPaths.ListLabs();
        return labs.Count switch
        {
            0 => throw new InvalidOperationException("no lab is up; start one with `weft lab up`"),
            1 => labs[0],
            _ => throw new InvalidOperationException($"several labs are up ({string.Join(", ", labs)}); choose one with --lab NAME"),
        };
    }

    public static IReadOnlyList<SandboxRecord> Sandboxes(LabPaths paths) =>
        Directory.Exists(paths.SandboxDir)
            ? [.. Directory.GetFiles(paths.SandboxDir, "*.json")
                .Select(f => System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(f), LabJsonContext.Default.SandboxRecord))
                .OfType<SandboxRecord>()]
            : [];

    private static string Tail(string file) =>
        File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(15)) : "(no log)";
}
