using System.Runtime.CompilerServices;
using Weft.Model;

namespace Weft.Policy.Evaluation;

/// <summary>
/// Builds snapshot after snapshot from the current objects (an informer's cache), converting only objects it
/// has not seen and reusing the pod list of every namespace whose pods are all unchanged. Consumers (the
/// node's policy compiler) can then tell an unchanged namespace by reference and skip re-resolving it.
/// Objects must not be modified after they are passed in (informer objects are replaced, never edited).
/// </summary>
public sealed class SnapshotBuilder
{
    private readonly ConditionalWeakTable<Resource, PodInfo> _pods = new();
    private readonly ConditionalWeakTable<Resource, NamespaceInfo> _namespaces = new();
    private Dictionary<string, (List<PodInfo> Arrived, IReadOnlyList<PodInfo> Sorted)> _lists = new(StringComparer.Ordinal);

    /// <summary>A snapshot of <paramref name="namespaces"/>, <paramref name="pods"/> and <paramref name="extraPods"/> (pods known without an object).</summary>
    public ClusterSnapshot Build(IEnumerable<Resource> namespaces, IEnumerable<Resource> pods, IEnumerable<PodInfo>? extraPods = null, IEnumerable<NodeInfo>? nodes = null)
    {
        var nsInfos = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var r in namespaces)
        {
            var info = _namespaces.GetValue(r, static r => { var v = new NamespaceView(r); return new NamespaceInfo(v.Name, v.Labels); });
            nsInfos[info.Name] = info;
        }

        var arrived = new Dictionary<string, List<PodInfo>>(StringComparer.Ordinal);
        foreach (var pod in pods.Select(r => _pods.GetValue(r, ClusterSnapshot.FromPod)).Concat(extraPods ?? []))
        {
            if (!arrived.TryGetValue(pod.Namespace, out var list))
            {
                arrived[pod.Namespace] = list = [];
            }
            list.Add(pod);
        }

        var next = new Dictionary<string, (List<PodInfo>, IReadOnlyList<PodInfo>)>(StringComparer.Ordinal);
        var sorted = new Dictionary<string, IReadOnlyList<PodInfo>>(StringComparer.Ordinal);
        foreach (var (ns, list) in arrived)
        {
            // The same pods arriving in the same order (the informer keeps it) means the same sorted list.
            var same = _lists.TryGetValue(ns, out var previous) && previous.Arrived.Count == list.Count
                && previous.Arrived.Zip(list).All(x => ReferenceEquals(x.First, x.Second));
            var result = same ? previous.Sorted : [.. list.OrderBy(p => p.Name, StringComparer.Ordinal)];
            next[ns] = (list, result);
            sorted[ns] = result;
        }
        _lists = next;
        return new ClusterSnapshot(nsInfos, sorted, [.. nodes ?? []]);
    }
}
