using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Model;
using Weft.Store;

namespace Weft.Lab;

/// <summary>
/// The lab's kubelet and scheduler in one: it binds unscheduled pods to nodes round-robin, and for each
/// pod bound to a lab node it makes a sandbox (a network namespace with lo up), calls the CNI plugin
/// exactly as a container runtime does, records the pod IPs in the pod's status and starts the pod's
/// workload. A hostNetwork pod gets no sandbox and no CNI call: its workload serves in the node's
/// namespace and its IP is the node's. A pod marked for deletion is torn down (CNI DEL, namespace
/// removed) and then removed from the store. Level-triggered: every change re-runs one reconcile over all pods.
/// </summary>
public sealed class Kubelet(IResourceStore store, LabPaths paths, LabSpec spec, Action<string> log) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Sandbox> _sandboxes = new();
    // Host-network workloads live only in this process: after a restart the reconcile starts them again.
    private readonly ConcurrentDictionary<string, Workload> _hostPods = new();
    private readonly ConcurrentDictionary<string, byte> _busy = new();
    private readonly ConcurrentDictionary<string, DateTime> _retryAfter = new();
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly SemaphoreSlim _parallel = new(20);
    private Informer? _pods;
    private int _nextNode;

    private sealed record Sandbox(SandboxRecord Record, string Result, Workload Workload);

    public async Task RunAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(paths.SandboxDir);
        RestoreSandboxes();
        _pods = new Informer(store, ResourceType.Pod, log: log);
        _pods.Changed += Kick;
        await _pods.StartAsync(ct);
        Kick();
        using var tick = new PeriodicTimer(TimeSpan.FromSeconds(2));
        _ = Task.Run(async () =>
        {
            while (await tick.WaitForNextTickAsync(ct))
            {
                Kick();
            }
        }, ct);
        while (!ct.IsCancellationRequested)
        {
            await _signal.WaitAsync(ct);
            try
            {
                Reconcile(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log($"kubelet: reconcile failed: {e.Message}");
            }
        }
    }

    private void Kick()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private void Reconcile(CancellationToken ct)
    {
        var pods = _pods!.Items.ToDictionary(p => p.Metadata.Uid ?? "");
        foreach (var pod in pods.Values)
        {
            var uid = pod.Metadata.Uid ?? "";
            if (_busy.ContainsKey(uid))
            {
                continue;
            }
            var view = new PodView(pod);
            if (pod.Metadata.DeletionTimestamp is not null)
            {
                Start(uid, () => TeardownAsync(uid, pod, ct));
            }
            else if (string.IsNullOrEmpty(view.NodeName))
            {
                Start(uid, () => BindAsync(pod, ct));
            }
            else if (!_sandboxes.ContainsKey(uid) && !_hostPods.ContainsKey(uid) && spec.NodeNames.Contains(view.NodeName)
                && (!_retryAfter.TryGetValue(uid, out var t) || t <= DateTime.UtcNow))
            {
                Start(uid, () => view.HostNetwork ? RunHostPodAsync(pod, ct) : RunPodAsync(pod, ct));
            }
        }
        // Sandboxes whose pod vanished from the store without a graceful delete.
        foreach (var uid in _sandboxes.Keys.Concat(_hostPods.Keys).Where(u => !pods.ContainsKey(u) && !_busy.ContainsKey(u)).ToList())
        {
            Start(uid, () => TeardownAsync(uid, null, ct));
        }
    }

    private void Start(string uid, Func<Task> work)
    {
        if (!_busy.TryAdd(uid, 0))
        {
            return;
        }
        _ = Task.Run(async () =>
        {
            await _parallel.WaitAsync();
            try
            {
                await work();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log($"kubelet: pod {uid}: {e.Message}");
            }
            finally
            {
                _parallel.Release();
                _busy.TryRemove(uid, out _);
                Kick();
            }
        });
    }

    private async Task BindAsync(Resource pod, CancellationToken ct)
    {
        var node = spec.NodeNames[Interlocked.Increment(ref _nextNode) % spec.Nodes];
        pod.Spec ??= [];
        pod.Spec["nodeName"] = node;
        await UpdateIgnoringConflictAsync(pod, ct);
    }

    private async Task RunPodAsync(Resource pod, CancellationToken ct)
    {
        var view = new PodView(pod);
        var uid = pod.Metadata.Uid!;
        var containerId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var netnsName = paths.PodNetns(uid);
        var ports = view.Containers.SelectMany(c => c.Ports).Select(p => p.ContainerPort).Distinct().ToList();
        var record = new SandboxRecord(view.Namespace, view.Name, uid, view.NodeName!, containerId, netnsName, "eth0", [], ports);
        NetNamespace.Delete(netnsName);
        using var podNs = NetNamespace.Create(netnsName);
        using (var rt = podNs.Run(RtNetlink.Open))
        {
            rt.SetUp(rt.GetLink("lo")!.Index);
        }
        var attachment = Attachment(record) with { RuntimeConfig = RuntimeConfigOf(view) };
        using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(paths.NodeNetns(record.Node)));
        var cni = new CniInvoker(nodeNs, paths.CniConfDir(record.Node), Path.GetDirectoryName(LabBinaries.Cni)!);
        string result;
        try
        {
            result = cni.Add(attachment);
        }
        catch (Exception e)
        {
            // As kubelet does: the failed sandbox is torn down (DEL, then the netns), and retried later.
            TryDel(cni, attachment, null);
            NetNamespace.Delete(netnsName);
            _retryAfter[uid] = DateTime.UtcNow.AddSeconds(5);
            log($"kubelet: {view.Namespace}/{view.Name}: FailedCreatePodSandBox: {e.Message}");
            await SetStatusAsync(pod, "Pending", [], $"FailedCreatePodSandBox: {e.Message}", ct);
            return;
        }
        var ips = (JsonNode.Parse(result)?["ips"] as JsonArray ?? [])
            .Select(i => i?["address"]?.GetValue<string>()?.Split('/')[0]).OfType<string>().ToList();
        record = record with { Ips = ips };
        var workload = new Workload(podNs, $"{view.Namespace}/{view.Name}", ports);
        _sandboxes[uid] = new Sandbox(record, result, workload);
        File.WriteAllText(Path.Combine(paths.SandboxDir, uid + ".json"), JsonSerializer.Serialize(record, LabJsonContext.Default.SandboxRecord));
        File.WriteAllText(Path.Combine(paths.SandboxDir, uid + ".result"), result);
        _retryAfter.TryRemove(uid, out _);
        await SetStatusAsync(pod, "Running", ips, null, ct);
    }

    /// <summary>As a container runtime does for hostNetwork: no sandbox, no CNI; a port already taken on the node fails the pod and is retried.</summary>
    private async Task RunHostPodAsync(Resource pod, CancellationToken ct)
    {
        var view = new PodView(pod);
        var uid = pod.Metadata.Uid!;
        var ports = view.Containers.SelectMany(c => c.Ports).Select(p => p.ContainerPort).Distinct().ToList();
        Workload workload;
        using (var nodeNs = NetNamespace.Open(NetNamespace.PathOf(paths.NodeNetns(view.NodeName!))))
        {
            try
            {
                workload = new Workload(nodeNs, $"{view.Namespace}/{view.Name}", ports);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                _retryAfter[uid] = DateTime.UtcNow.AddSeconds(5);
                log($"kubelet: {view.Namespace}/{view.Name}: hostNetwork ports {string.Join(",", ports)} on {view.NodeName}: {e.Message}");
                await SetStatusAsync(pod, "Pending", [], $"HostPortInUse: {e.Message}", ct);
                return;
            }
        }
        _hostPods[uid] = workload;
        _retryAfter.TryRemove(uid, out _);
        var index = spec.NodeNames.ToList().IndexOf(view.NodeName!) + 1;
        List<string> ips = [LabSpec.NodeIPv4(index).ToString(), .. spec.Ipv6PodCidr is null ? [] : new[] { LabSpec.NodeIPv6(index).ToString() }];
        await SetStatusAsync(pod, "Running", ips, null, ct);
    }

    private async Task TeardownAsync(string uid, Resource? pod, CancellationToken ct)
    {
        if (_hostPods.TryRemove(uid, out var host))
        {
            host.Dispose();
        }
        if (_sandboxes.TryRemove(uid, out var sb))
        {
            sb.Workload.Dispose();
            using var nodeNs = NetNamespace.Open(NetNamespace.PathOf(paths.NodeNetns(sb.Record.Node)));
            var cni = new CniInvoker(nodeNs, paths.CniConfDir(sb.Record.Node), Path.GetDirectoryName(LabBinaries.Cni)!);
            var attachment = Attachment(sb.Record);
            // DEL runs before the namespace goes, like StopPodSandbox; a failure is retried by the next reconcile.
            cni.Del(attachment, sb.Result);
            NetNamespace.Delete(sb.Record.NetnsName);
            File.Delete(Path.Combine(paths.SandboxDir, uid + ".json"));
            File.Delete(Path.Combine(paths.SandboxDir, uid + ".result"));
        }
        if (pod is not null)
        {
            await store.DeleteAsync(pod.Key, null, ct);
        }
    }

    private static void TryDel(CniInvoker cni, CniInvoker.Attachment a, string? prev)
    {
        try
        {
            cni.Del(a, prev);
        }
        catch (CniInvocationException)
        {
            // The pod is retried from scratch; the agent's housekeeping removes anything left.
        }
    }

    private CniInvoker.Attachment Attachment(SandboxRecord r) => new(
        r.ContainerId, NetNamespace.PathOf(r.NetnsName), r.IfName,
        $"IgnoreUnknown=1;K8S_POD_NAMESPACE={r.Namespace};K8S_POD_NAME={r.Name};K8S_POD_INFRA_CONTAINER_ID={r.ContainerId};K8S_POD_UID={r.Uid}");

    /// <summary>
    /// As containerd does: the Kubernetes bandwidth annotations become the CNI <c>bandwidth</c> capability, with
    /// the burst it sends when none is set (2^32-1 bits). A value containerd could not parse is left out here,
    /// so the plugin's own check of the annotation is what the lab shows.
    /// </summary>
    private static JsonObject? RuntimeConfigOf(PodView pod)
    {
        var bandwidth = new JsonObject();
        foreach (var (annotation, field) in new[] { ("kubernetes.io/ingress-bandwidth", "ingress"), ("kubernetes.io/egress-bandwidth", "egress") })
        {
            if (pod.Annotations.TryGetValue(annotation, out var text) && Weft.Qos.Quantity.TryParse(text) is { } bps && bps <= ulong.MaxValue)
            {
                bandwidth[field + "Rate"] = (ulong)bps;
                bandwidth[field + "Burst"] = (ulong)uint.MaxValue;
            }
        }
        return bandwidth.Count == 0 ? null : new JsonObject { ["bandwidth"] = bandwidth };
    }

    private async Task SetStatusAsync(Resource pod, string phase, IReadOnlyList<string> ips, string? message, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var cur = await store.GetAsync(pod.Key, ct);
            if (cur is null || cur.Metadata.DeletionTimestamp is not null)
            {
                return;
            }
            var nodeIndex = spec.NodeNames.ToList().IndexOf(new PodView(cur).NodeName ?? "") + 1;
            var status = new JsonObject
            {
                ["phase"] = phase,
                ["hostIP"] = LabSpec.NodeIPv4(nodeIndex).ToString(),
                ["podIP"] = ips.FirstOrDefault(),
                ["podIPs"] = new JsonArray([.. ips.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip })]),
                ["conditions"] = Conditions(cur, phase),
            };
            if (message is not null)
            {
                status["message"] = message;
            }
            cur.Status = status;
            try
            {
                await store.UpdateAsync(cur, ct);
                return;
            }
            catch (ConflictException)
            {
            }
        }
    }

    /// <summary>Ready as the phase says; condition types the kubelet does not own (the agent's) are kept, as the kubelet keeps them.</summary>
    private static JsonArray Conditions(Resource pod, string phase) =>
    [
        new JsonObject { ["type"] = "Ready", ["status"] = phase == "Running" ? "True" : "False" },
        .. (pod.Status?["conditions"] as JsonArray ?? []).Where(c => c?["type"]?.GetValue<string>() is not ("Ready" or null)).Select(c => c!.DeepClone()),
    ];

    private async Task UpdateIgnoringConflictAsync(Resource obj, CancellationToken ct)
    {
        try
        {
            await store.UpdateAsync(obj, ct);
        }
        catch (ConflictException)
        {
            // The next reconcile sees the newer object.
        }
    }

    /// <summary>After a supervisor restart: sandboxes survive in the kernel, and their workloads are started again.</summary>
    private void RestoreSandboxes()
    {
        foreach (var file in Directory.GetFiles(paths.SandboxDir, "*.json"))
        {
            var rec = JsonSerializer.Deserialize(File.ReadAllText(file), LabJsonContext.Default.SandboxRecord);
            var resultFile = Path.ChangeExtension(file, ".result");
            if (rec is null || !NetNamespace.Exists(rec.NetnsName) || !File.Exists(resultFile))
            {
                continue;
            }
            using var ns = NetNamespace.Open(NetNamespace.PathOf(rec.NetnsName));
            _sandboxes[rec.Uid] = new Sandbox(rec, File.ReadAllText(resultFile), new Workload(ns, $"{rec.Namespace}/{rec.Name}", rec.Ports));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var workload in _sandboxes.Values.Select(s => s.Workload).Concat(_hostPods.Values))
        {
            workload.Dispose();
        }
        if (_pods is not null)
        {
            await _pods.DisposeAsync();
        }
    }
}
