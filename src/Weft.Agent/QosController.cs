using System.Collections.Concurrent;
using Weft.Dataplane;
using Weft.Ipam;
using Weft.Model;
using Weft.Qos;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Keeps each local pod's bandwidth limits (Kubernetes and Kube-OVN annotations) on its veth: set at ADD,
/// and level-triggered afterwards, so editing or removing an annotation on a running pod changes the
/// limit in place. The pod end of the veth needs the pod's netns path, known from ADD; after an agent
/// restart, pods added before it get updates for the traffic into them only until they are re-added.
/// </summary>
internal sealed class QosController(Informer pods, NodeAllocator ipam, PodShaping shaping)
{
    private SyncLoop? _loop;
    private readonly ConcurrentDictionary<(string, string), string> _netns = new();
    private readonly ConcurrentDictionary<(string, string), QosIntent> _applied = new();
    private readonly HashSet<string> _reported = [];

    public void Start(CancellationToken ct)
    {
        _loop = new SyncLoop("qos", Sync);
        pods.Changed += _loop.Kick;
        _loop.Start(ct);
    }

    /// <summary>The pod's limits as its annotations ask; throws <see cref="QosAnnotationException"/> on a bad value.</summary>
    public static QosIntent Desired(Resource? pod) => pod is null ? QosIntent.None : QosAnnotations.Parse(pod.Metadata.Annotations);

    /// <summary>Applies <paramref name="intent"/> to a pod attached just now and remembers where its netns is.</summary>
    public void Attach(string containerId, string ifName, string netnsPath, QosIntent intent)
    {
        var key = (containerId, ifName);
        _netns[key] = netnsPath;
        if (!intent.IsEmpty)
        {
            Apply(key, intent);
        }
    }

    public void Forget(string containerId, string ifName)
    {
        _netns.TryRemove((containerId, ifName), out _);
        _applied.TryRemove((containerId, ifName), out _);
    }

    private void Sync()
    {
        foreach (var a in ipam.Allocations)
        {
            var key = (a.ContainerId, a.IfName);
            if (a.PodName.Length == 0 || !_netns.ContainsKey(key))
            {
                continue;
            }
            var pod = pods.Get(new ResourceKey("", "Pod", a.PodNamespace, a.PodName));
            QosIntent desired;
            try
            {
                desired = Desired(pod);
            }
            catch (QosAnnotationException e)
            {
                // Keep the limits in force and say why once per object version.
                if (_reported.Add($"{a.PodNamespace}/{a.PodName}@{pod?.Metadata.ResourceVersion}"))
                {
                    Log.Warn($"qos: pod {a.PodNamespace}/{a.PodName}: {e.Message}; limits unchanged");
                }
                continue;
            }
            var applied = _applied.GetValueOrDefault(key, QosIntent.None);
            if (desired == applied)
            {
                continue;
            }
            try
            {
                Apply(key, desired);
            }
            catch (DataplaneException e)
            {
                // The pod is going away (its veth or netns is gone); its DEL forgets it.
                Log.Warn($"qos: pod {a.PodNamespace}/{a.PodName}: {e.Message}");
                _applied[key] = desired;
            }
        }
    }

    private void Apply((string ContainerId, string IfName) key, QosIntent intent)
    {
        var host = KernelOwnership.HostVethName(key.ContainerId, key.IfName);
        shaping.Apply(host, _netns[key], key.IfName, Limit(intent.IngressBps, intent.IngressBurstBytes), Limit(intent.EgressBps, intent.EgressBurstBytes));
        _applied[key] = intent;
        Log.Info($"qos: {host}: ingress {intent.IngressBps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} bit/s, egress {intent.EgressBps?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} bit/s");
        if (intent.Netem is not null)
        {
            Log.Warn($"qos: {host}: latency/jitter/loss annotations are not enforced yet");
        }
    }

    private static RateLimit? Limit(long? bps, long? burst) => bps is { } b ? new RateLimit(b, burst ?? QosIntent.DefaultBurstBytes(b)) : null;
}
