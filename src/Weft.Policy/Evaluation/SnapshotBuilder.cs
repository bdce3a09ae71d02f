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
    // Each pod's view, with the ServiceAccount object (by key and instance) whose labels it took.
    private readonly RoundCache<Resource, (string AccountKey, Resource? Account, PodInfo Pod)> _pods = new();
    private readonly RoundCache<Resource, NamespaceInfo> _namespaces = new();
    private Dictionary<string, (IReadOnlyList<PodInfo> Arrived, IReadOnlyList<PodInfo> Sorted)> _lists = new(StringComparer.Ordinal);

    /// <summary>A snapshot of <paramref name="namespaces"/>, <paramref name="pods"/> and <paramref name="extraPods"/> (pods known without an object).</summary>
    /// <param name="serviceAccounts">ServiceAccount objects: their labels become the labels of the pods running as them.</param>
    public ClusterSnapshot Build(IEnumerable<Resource> namespaces, IEnumerable<Resource> pods, IEnumerable<PodInfo>? extraPods = null, IEnumerable<NodeInfo>? nodes = null,
        IEnumerable<Resource>? serviceAccounts = null)
    {
        _pods.NextRound();
        _namespaces.NextRound();
        var nsInfos = new Dictionary<string, NamespaceInfo>(StringComparer.Ordinal);
        foreach (var r in namespaces)
        {
            var info = _namespaces.Get(r, static r => { var v = new NamespaceView(r); return new NamespaceInfo(v.Name, v.Labels); });
            nsInfos[info.Name] = info;
        }

        // Pods arrive grouped by namespace, in the informer's order. A namespace whose pods arrive as the same
        // instances in the same order as last time keeps its sorted list, and no list is made for it.
        var arrivals = new Dictionary<string, Arrival>(StringComparer.Ordinal);
        Arrival? current = null;
        var accounts = ClusterSnapshot.AccountIndex(serviceAccounts ?? []);
        (string, Resource?, PodInfo) View(Resource pod)
        {
            var key = ClusterSnapshot.AccountKey(new PodView(pod));
            return (key, accounts.GetValueOrDefault(key), ClusterSnapshot.FromPod(pod, accounts));
        }
        PodInfo Current(Resource pod)
        {
            var view = _pods.Get(pod, View);
            if (!ReferenceEquals(view.Account, accounts.GetValueOrDefault(view.AccountKey)))
            {
                // Its ServiceAccount came, went or was relabelled.
                _pods.Put(pod, view = View(pod));
            }
            return view.Pod;
        }
        foreach (var pod in pods.Select(Current).Concat(extraPods ?? []))
        {
            if (current is null || !string.Equals(current.Namespace, pod.Namespace, StringComparison.Ordinal))
            {
                if (!arrivals.TryGetValue(pod.Namespace, out current))
                {
                    arrivals[pod.Namespace] = current = new Arrival(pod.Namespace, _lists.TryGetValue(pod.Namespace, out var last) ? last : null);
                }
            }
            current.Add(pod);
        }

        var next = new Dictionary<string, (IReadOnlyList<PodInfo> Arrived, IReadOnlyList<PodInfo> Sorted)>(arrivals.Count, StringComparer.Ordinal);
        var sorted = new Dictionary<string, IReadOnlyList<PodInfo>>(arrivals.Count, StringComparer.Ordinal);
        foreach (var (ns, arrival) in arrivals)
        {
            var result = next[ns] = arrival.Result();
            sorted[ns] = result.Sorted;
        }
        _lists = next;
        return new ClusterSnapshot(nsInfos, sorted, [.. nodes ?? []]);
    }

    /// <summary>One namespace's pods as they arrive, compared on the way with the previous build's arrival.</summary>
    private sealed class Arrival(string ns, (IReadOnlyList<PodInfo> Arrived, IReadOnlyList<PodInfo> Sorted)? previous)
    {
        private int _matched;
        private List<PodInfo>? _fresh;

        public string Namespace => ns;

        public void Add(PodInfo pod)
        {
            if (_fresh is null)
            {
                if (previous is { } p && _matched < p.Arrived.Count && ReferenceEquals(p.Arrived[_matched], pod))
                {
                    _matched++;
                    return;
                }
                _fresh = [.. previous?.Arrived.Take(_matched) ?? []];
            }
            _fresh.Add(pod);
        }

        /// <summary>The arrival and its list sorted by name: the previous ones when the same pods came in the same order.</summary>
        public (IReadOnlyList<PodInfo> Arrived, IReadOnlyList<PodInfo> Sorted) Result()
        {
            if (_fresh is null && previous is { } p && _matched == p.Arrived.Count)
            {
                return p;
            }
            var arrived = _fresh ?? [.. previous?.Arrived.Take(_matched) ?? []];
            return (arrived, [.. arrived.OrderBy(x => x.Name, StringComparer.Ordinal)]);
        }
    }
}
