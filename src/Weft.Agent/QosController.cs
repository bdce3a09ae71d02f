using System.Collections.Concurrent;
using Weft.Dataplane;
using Weft.Ipam;
using Weft.Model;
using Weft.Qos;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Keeps each local pod's bandwidth limits on its veth: set at ADD, and level-triggered afterwards, so editing
/// or removing an annotation on a running pod changes the limit in place. The Pod object's annotations are
/// the truth when there is one (containerd derives the CNI <c>bandwidth</c> capability from them, so they
/// agree at ADD and only the annotations can change later); the capability serves pods without a Pod object.
/// Each pod's status carries a <see cref="PodQosCondition"/> saying what is in force and what is not.
/// </summary>
internal sealed class QosController(Informer pods, NodeAllocator ipam, PodShaping shaping, IResourceStore store, QosAttachments saved)
{
    private SyncLoop? _loop;
    private readonly ConcurrentDictionary<(string, string), QosAttachment> _attached = new();

    /// <summary>What is in the kernel per attachment; absent means unknown (after a restart), so the next sync sets it.</summary>
    private readonly ConcurrentDictionary<(string, string), (QosIntent Intent, string? Problem)> _applied = new();

    public void Start(CancellationToken ct)
    {
        foreach (var a in saved.Load())
        {
            _attached[(a.ContainerId, a.IfName)] = a;
        }
        _loop = new SyncLoop("qos", () => Sync(ct));
        pods.Changed += _loop.Kick;
        _loop.Start(ct);
        _loop.Kick();
    }

    /// <summary>What the pod asks: its annotations when it has a Pod object, else <paramref name="fallback"/>.</summary>
    /// <exception cref="QosAnnotationException">An annotation has a bad value.</exception>
    public static QosIntent Desired(Resource? pod, QosIntent fallback) => pod is null ? fallback : QosAnnotations.Parse(pod.Metadata.Annotations);

    /// <summary>Applies <paramref name="intent"/> to a pod attached just now and remembers how to reach it.</summary>
    public void Attach(QosAttachment attachment, QosIntent intent)
    {
        var key = (attachment.ContainerId, attachment.IfName);
        saved.Save(attachment);
        _attached[key] = attachment;
        Apply(attachment, intent);
        _loop?.Kick();
    }

    public void Forget(string containerId, string ifName)
    {
        _attached.TryRemove((containerId, ifName), out _);
        _applied.TryRemove((containerId, ifName), out _);
        saved.Delete(containerId, ifName);
    }

    private void Sync(CancellationToken ct)
    {
        var reports = new List<(ResourceKey Pod, PodQosCondition? Condition)>();
        var allocations = ipam.Allocations;
        var live = allocations.Select(a => (a.ContainerId, a.IfName)).ToHashSet();
        foreach (var gone in _attached.Keys.Where(k => !live.Contains(k)).ToList())
        {
            // Left by an agent that stopped between a DEL's teardown and its bookkeeping.
            Forget(gone.Item1, gone.Item2);
        }
        foreach (var a in allocations)
        {
            if (!_attached.TryGetValue((a.ContainerId, a.IfName), out var attachment))
            {
                continue;
            }
            var pod = a.PodName.Length == 0 ? null : pods.Get(new ResourceKey("", "Pod", a.PodNamespace, a.PodName));
            QosIntent desired;
            PodQosCondition? invalid = null;
            try
            {
                desired = Desired(pod, attachment.Fallback);
            }
            catch (QosAnnotationException e)
            {
                // Keep the limits in force and say why on the pod.
                desired = _applied.TryGetValue((a.ContainerId, a.IfName), out var inForce) ? inForce.Intent : QosIntent.None;
                invalid = new PodQosCondition(false, "InvalidAnnotation", $"{QosText.Summary(desired)}; {e.Message}; the limits in force are unchanged");
            }
            if (!_applied.TryGetValue((a.ContainerId, a.IfName), out var applied) || applied.Intent != desired)
            {
                try
                {
                    applied = Apply(attachment, desired);
                }
                catch (DataplaneException e)
                {
                    // The pod is going away (its veth or netns is gone); its DEL forgets it.
                    Log.Warn($"qos: pod {a.PodNamespace}/{a.PodName}: {e.Message}");
                    continue;
                }
            }
            if (pod is not null)
            {
                var wanted = invalid ?? Report(applied.Intent, applied.Problem);
                if (PodQosCondition.Current(pod) != wanted)
                {
                    reports.Add((pod.Key, wanted));
                }
            }
        }
        foreach (var (key, condition) in reports)
        {
            // The loop's own thread: waiting here keeps writes in order and retries them on the next run.
            PodQosCondition.EnsureAsync(store, key, condition, ct).GetAwaiter().GetResult();
        }
    }

    private static PodQosCondition? Report(QosIntent intent, string? problem) => (intent.IsEmpty, problem) switch
    {
        (true, _) => null,
        (false, null) => new PodQosCondition(true, "Applied", QosText.Summary(intent)),
        _ => new PodQosCondition(false, "NetemNotSupported", $"{QosText.Summary(intent, netemEnforced: false)}; latency/jitter/loss not enforced: {problem}"),
    };

    private (QosIntent Intent, string? Problem) Apply(QosAttachment a, QosIntent intent)
    {
        var host = KernelOwnership.HostVethName(a.ContainerId, a.IfName);
        var problem = shaping.Apply(host, a.Netns, a.IfName, Limit(intent.IngressBps, intent.IngressBurstBytes), Limit(intent.EgressBps, intent.EgressBurstBytes), Impair(intent.Netem));
        var applied = (intent, problem);
        _applied[(a.ContainerId, a.IfName)] = applied;
        if (!intent.IsEmpty)
        {
            Log.Info($"qos: {host}: {QosText.Summary(intent, problem is null)}{(problem is null ? "" : "; " + problem)}");
        }
        return applied;
    }

    private static RateLimit? Limit(long? bps, long? burst) => bps is { } b ? new RateLimit(b, burst ?? QosIntent.DefaultBurstBytes(b)) : null;

    /// <summary>Kube-OVN's units: ms, percent, packets; netem's own default queue is 1000 packets.</summary>
    private static Impairment? Impair(Netem? n) => n is null ? null : new Impairment(
        (n.LatencyMs ?? 0) * 1_000_000L, (n.JitterMs ?? 0) * 1_000_000L, n.LossPercent ?? 0, (uint)(n.LimitPackets ?? 1000));
}
