using System.Security.Cryptography;
using Weft.Lab;
using Weft.Model;
using Weft.Store.Etcd;

namespace Weft.Lab.Tests;

/// <summary>
/// A real lab for a test class: namespaces, etcd, agents and the lab kubelet, all with a unique name, and
/// torn down at the end also when the test fails. The supervisor runs as the real CLI would start it.
/// </summary>
public sealed class LabHandle : IAsyncDisposable
{
    public LabSpec Spec { get; }
    public LabPaths Paths { get; }
    public EtcdStore Store { get; }

    private LabHandle(LabSpec spec, EtcdStore store)
    {
        Spec = spec;
        Paths = new LabPaths(spec.Name);
        Store = store;
    }

    public static async Task<LabHandle> UpAsync(int nodes = 3, string mode = "vxlan", string? ipv6 = null, double blockGrace = 30)
    {
        var spec = new LabSpec
        {
            Name = "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            Nodes = nodes,
            Mode = mode,
            Ipv6PodCidr = ipv6,
            BlockReleaseGraceSeconds = blockGrace,
        };
        try
        {
            await LabController.UpAsync(spec, SupervisorCommand(), _ => { }, CancellationToken.None);
        }
        catch
        {
            await LabController.DownAsync(spec.Name, _ => { });
            throw;
        }
        return new LabHandle(spec, EtcdStore.Connect(new LabPaths(spec.Name).StoreEndpoint));
    }

    /// <summary>The CLI as built next to the tests: `dotnet weft.dll lab supervise …`.</summary>
    private static string[] SupervisorCommand() => ["/usr/bin/env", "dotnet", Path.Combine(AppContext.BaseDirectory, "weft.dll")];

    public async Task<Resource> ApplyPodAsync(string ns, string name, string? node = null, int[]? ports = null, Dictionary<string, string>? labels = null,
        string? serviceAccount = null)
    {
        var pod = TestPods.Pod(ns, name, node, ports ?? [80], labels, serviceAccount);
        return await Store.CreateAsync(pod);
    }

    public async Task EnsureNamespaceAsync(string ns)
    {
        if (await Store.GetAsync(new ResourceKey("", "Namespace", null, ns)) is null)
        {
            await Store.CreateAsync(NamespaceView.Build(ns));
        }
    }

    /// <summary>Waits until the given pods run; returns them.</summary>
    public async Task<List<PodView>> WaitRunningAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var pods = (await Store.ListAsync(ResourceType.Pod)).Items.Select(p => new PodView(p)).ToList();
            var running = pods.Where(p => p.Phase == "Running" && p.PodIPs.Count > 0).ToList();
            if (running.Count >= count)
            {
                return running;
            }
            if (DateTime.UtcNow > deadline)
            {
                var pending = string.Join("; ", pods.Where(p => p.Phase != "Running").Take(5).Select(p => $"{p.Namespace}/{p.Name}: {p.Phase}"));
                throw new TimeoutException($"{running.Count}/{count} pods running; not running: {pending}\n{LogTail()}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Marks a pod deleted and waits until the lab kubelet has torn it down and removed it.</summary>
    public async Task DeletePodAsync(string ns, string name)
    {
        var key = new ResourceKey("", "Pod", ns, name);
        for (var attempt = 0; ; attempt++)
        {
            var cur = await Store.GetAsync(key);
            if (cur is null)
            {
                return;
            }
            if (cur.Metadata.DeletionTimestamp is not null)
            {
                break;
            }
            cur.Metadata.DeletionTimestamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            try
            {
                await Store.UpdateAsync(cur);
                break;
            }
            catch (Weft.Store.ConflictException) when (attempt < 20)
            {
            }
        }
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await Store.GetAsync(key) is not null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"pod {ns}/{name} not torn down in 60 s\n{LogTail()}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Runs the real CLI, `dotnet weft.dll ARGS --lab NAME`; a non-zero exit fails the test with stderr.</summary>
    public string Cli(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "weft.dll"), .. args, "--lab", Spec.Name])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"weft {string.Join(' ', args)} exited {p.ExitCode}: {err.Result}\n{LogTail()}");
        return stdout;
    }

    public string LogTail()
    {
        var files = new[] { Paths.SupervisorLog }.Concat(Spec.NodeNames.Select(Paths.AgentLog));
        return string.Join("\n", files.Where(File.Exists).Select(f => $"--- {f}\n" + string.Join('\n', File.ReadLines(f).TakeLast(20))));
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await LabController.DownAsync(Spec.Name, _ => { });
    }
}

[CollectionDefinition("lab", DisableParallelization = true)]
public sealed class LabCollection;
