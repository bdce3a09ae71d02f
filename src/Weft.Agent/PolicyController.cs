using Weft.Dataplane;
using Weft.Dataplane.Policy;
using Weft.Ipam;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Level-triggered like <see cref="RouteController"/>: any change to NetworkPolicies, Pods or Namespaces (or
/// a pod attached here) schedules one compile of the node's table and one nft transaction carrying the
/// difference from what was applied (the whole table every two minutes, to repair drift). Bursts
/// collapse into one sync; a failed sync is retried. An invalid policy is reported and left out whole.
/// </summary>
/// <remarks>
/// A local pod whose Pod object the informer has not shown yet stays fail closed: with a real API server the
/// object exists before the kubelet calls CNI, so the informer is only lagging. When the store itself has no
/// such Pod (a runtime passing Kubernetes arguments without an API object), waiting cannot help; the pod is
/// then enforced as a pod with no labels in its namespace, so namespace-wide policies (default deny) still
/// apply, until a Pod object appears.
/// </remarks>
internal sealed class PolicyController(IReadOnlyList<Informer> policies, IReadOnlyList<Informer> context, Informer pods, Informer namespaces,
    Informer nodes, Informer serviceAccounts, NodeAllocator ipam, PolicyDataplane dataplane, IResourceStore store)
{
    private static readonly TimeSpan FullResyncInterval = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _reported = [];
    private readonly NodePolicyCompiler _compiler = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _unlisted = new(StringComparer.Ordinal);
    private IReadOnlySet<string> _applied = new HashSet<string>();
    private TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Start(CancellationToken ct)
    {
        foreach (var informer in policies.Concat(context))
        {
            informer.Changed += Kick;
        }
        pods.Changed += Kick;
        nodes.Changed += Kick;
        namespaces.Changed += Kick;
        serviceAccounts.Changed += Kick;
        _ = Task.Run(() => LoopAsync(ct), CancellationToken.None);
    }

    /// <summary>Schedules a sync; cheap and safe from any thread.</summary>
    public void Kick()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A sync is already pending; it will see this change too.
        }
    }

    /// <summary>
    /// Waits until an applied table dispatches <paramref name="hostVeth"/> (until then its packets are dropped).
    /// False when <paramref name="timeout"/> passed first, e.g. because the informer has not shown the Pod yet.
    /// </summary>
    public async Task<bool> WaitForVethAsync(string hostVeth, string podNamespace, string podName, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            if (podNamespace.Length > 0 && pods.Get(PodKey(podNamespace, podName)) is null
                && await store.GetAsync(PodKey(podNamespace, podName), deadline.Token) is null)
            {
                // Not lagging: the store has no such Pod, and waiting for one cannot help.
                _unlisted[$"{podNamespace}/{podName}"] = true;
                Log.Warn($"policy: pod {podNamespace}/{podName} has no Pod object; enforcing it as a pod without labels");
            }
            while (true)
            {
                Task next;
                lock (_gate)
                {
                    if (_applied.Contains(hostVeth))
                    {
                        return true;
                    }
                    next = _synced.Task;
                }
                Kick();
                await next.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>One compile and apply; throws when nft rejects the table.</summary>
    public async Task SyncAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var local = LocalPods();
        var podObjects = pods.Items;
        var policyObjects = policies.SelectMany(i => i.Items).ToList();
        var (compiled, rejected) = _compiler.Compile(policyObjects, namespaces.Items, podObjects, local, StandIns(podObjects, local),
            context.SelectMany(i => i.Items), nodes.Items, serviceAccounts.Items);
        foreach (var bad in rejected)
        {
            // Report each version of a bad object once; it is skipped whole until it is fixed.
            if (_reported.Add($"{bad.Policy.Key}@{bad.Policy.Metadata.ResourceVersion}"))
            {
                Log.Warn($"policy: skipping {bad.Policy.Key}: {bad.Error.Message}");
            }
        }
        foreach (var (policy, warning) in _compiler.Warnings)
        {
            if (_reported.Add($"{policy.Key}@{policy.Metadata.ResourceVersion}:{warning}"))
            {
                Log.Warn($"policy: {policy.Key}: {warning}");
            }
        }
        var applied = await dataplane.ApplyAsync(compiled, ct);
        lock (_gate)
        {
            _applied = compiled.DispatchedVeths;
            var done = _synced;
            _synced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
        }
        if (applied != ApplyKind.None)
        {
            var ms = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            Log.Info($"policy: applied {policyObjects.Count} policy object(s) for {compiled.DispatchedVeths.Count} local pod(s) ({applied.ToString().ToLowerInvariant()}) in {ms:F1} ms");
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!await _signal.WaitAsync(FullResyncInterval, ct))
                {
                    // Incremental updates trust that the kernel still holds what we applied; now and then
                    // send the whole table so a hand edit or a flushed ruleset does not outlive the interval.
                    dataplane.Resync();
                }
                await SyncAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.Error($"policy sync failed: {e.Message}; retrying in 1 s");
                await Task.Delay(1000, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                Kick();
            }
        }
    }

    private static ResourceKey PodKey(string ns, string name) => new(ResourceType.Pod.Group, ResourceType.Pod.Kind, ns, name);

    /// <summary>Pods without a Pod object in the store, enforced as pods without labels (see the class remarks).</summary>
    private List<PodInfo> StandIns(IReadOnlyList<Resource> podObjects, IReadOnlyCollection<LocalPod> local)
    {
        var standIns = new List<PodInfo>();
        foreach (var id in _unlisted.Keys)
        {
            var pod = local.FirstOrDefault(p => p.Id == id);
            if (pod is null || podObjects.Any(p => p.Metadata.Namespace == pod.Namespace && p.Metadata.Name == pod.Name))
            {
                // Deleted, or the Pod object appeared: from now on the object decides.
                _unlisted.TryRemove(id, out _);
                continue;
            }
            standIns.Add(new PodInfo(pod.Namespace, pod.Name, new Dictionary<string, string>(), pod.Addresses, []));
        }
        return standIns;
    }

    private List<LocalPod> LocalPods() => [.. ipam.Allocations.Select(a =>
        new LocalPod(a.PodNamespace, a.PodName, KernelOwnership.HostVethName(a.ContainerId, a.IfName), a.Addresses))];
}
