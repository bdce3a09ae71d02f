using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// What the previous compile made, each piece with the inputs it was made from, so the next compile reuses
/// what did not change as the same instance: the incremental renderer skips it by reference. It holds peer
/// sets (inputs: the peer, and the names and pod-list instances of the namespaces it covered), the cluster
/// entity's sets (<see cref="ClusterAddressSets"/>), each local pod's chains (<see cref="PodChains"/>) and the
/// ladder of the last policy set. Keep one per node and pass it to every <see cref="PolicyCompiler.Compile"/>;
/// not thread-safe.
/// </summary>
public sealed class CompileMemo
{
    private Dictionary<string, (object[] Inputs, NftSet Set)> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, (object[] Inputs, NftSet Set)> _current = new(StringComparer.Ordinal);
    private Dictionary<string, PeerSets> _previousPeers = new(StringComparer.Ordinal);
    private Dictionary<string, PeerSets> _currentPeers = new(StringComparer.Ordinal);
    private Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private Dictionary<string, string> _usedNames = new(StringComparer.Ordinal);
    private Dictionary<string, PodChains> _previousPods = new(StringComparer.Ordinal);
    private Dictionary<string, PodChains> _currentPods = new(StringComparer.Ordinal);
    private (PolicySet Policies, List<PolicyRule> Ordered, NamespaceLadders Ladders)? _ladders;
    private Dictionary<string, (NamespaceInfo Info, IReadOnlyList<PodInfo> Pods)> _seen = new(StringComparer.Ordinal);
    private bool _relabelled = true;
    private readonly HashSet<string> _repopulated = new(StringComparer.Ordinal);

    /// <summary>The cluster entity's sets, carried from compile to compile.</summary>
    internal ClusterAddressSets Cluster { get; } = new();

    /// <summary>Starts a compile: what the last one made becomes reusable, the rest is forgotten.</summary>
    internal void Begin(Selection selection)
    {
        (_previous, _current) = (_current, new(StringComparer.Ordinal));
        (_previousPeers, _currentPeers) = (_currentPeers, new(StringComparer.Ordinal));
        (_previousPods, _currentPods) = (_currentPods, new(StringComparer.Ordinal));
        Cluster.Begin();
        if (_usedNames.Count > 0)
        {
            (_names, _usedNames) = (_usedNames, new(StringComparer.Ordinal));
        }
        Observe(selection);
    }

    /// <summary>
    /// Notes which namespaces have a new pod-list instance, and whether any namespace came, went or changed its
    /// labels (which can change what a namespace selector covers). Most changes touch one namespace's pods, so a
    /// peer set can then be checked against that one name instead of being resolved.
    /// </summary>
    private void Observe(Selection selection)
    {
        var seen = new Dictionary<string, (NamespaceInfo, IReadOnlyList<PodInfo>)>(_seen.Count, StringComparer.Ordinal);
        _repopulated.Clear();
        _relabelled = false;
        foreach (var ns in selection.NamespaceNames)
        {
            var (info, pods) = seen[ns] = (selection.Namespace(ns), selection.PodsIn(ns));
            if (!_seen.TryGetValue(ns, out var old))
            {
                _relabelled = true;
                _repopulated.Add(ns);
                continue;
            }
            _relabelled |= !SameLabels(old.Info, info);
            if (!ReferenceEquals(old.Pods, pods))
            {
                _repopulated.Add(ns);
            }
        }
        _relabelled |= _seen.Keys.Any(ns => !seen.ContainsKey(ns));
        _seen = seen;
    }

    /// <summary>A pod peer's two sets and the namespaces they were resolved from.</summary>
    internal sealed record PeerSets(PodPeer Peer, string[] Covered, NftSet V4, NftSet V6);

    /// <summary>
    /// The previous compile's sets of a pod peer (keyed by the IPv4 set's name) when the peer is the same and no
    /// namespace it covers changed its pods; <paramref name="covered"/> is asked only when namespaces were relabelled.
    /// </summary>
    internal PeerSets? ReusePeerSets(string name, PodPeer peer, Func<IEnumerable<string>> covered)
    {
        if (!_previousPeers.TryGetValue(name, out var sets) || !Equals(sets.Peer, peer)
            || (_relabelled && !covered().SequenceEqual(sets.Covered, StringComparer.Ordinal))
            || (_repopulated.Count > 0 && sets.Covered.Any(_repopulated.Contains)))
        {
            return null;
        }
        return _currentPeers[name] = sets;
    }

    internal void RememberPeerSets(string name, PeerSets sets) => _currentPeers[name] = sets;

    internal NftSet? Reuse(string name, object[] inputs)
    {
        if (_previous.TryGetValue(name, out var entry) && SameInputs(entry.Inputs, inputs))
        {
            _current[name] = entry;
            return entry.Set;
        }
        return null;
    }

    internal void Remember(string name, object[] inputs, NftSet set) => _current[name] = (inputs, set);

    /// <summary>Names and peers compare by value; snapshot parts (pod lists, nodes) by instance.</summary>
    internal static bool SameInputs(object[] a, object[] b)
    {
        if (a.Length != b.Length)
        {
            return false;
        }
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] is string || a[i] is Peer ? !Equals(a[i], b[i]) : !ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Same labels; a namespace without an object gets a new (equal) instance in every snapshot.</summary>
    internal static bool SameLabels(NamespaceInfo a, NamespaceInfo b) => ReferenceEquals(a, b)
        || (a.Labels.Count == b.Labels.Count && a.Labels.All(l => b.Labels.TryGetValue(l.Key, out var v) && v == l.Value));

    /// <summary>The previous compile's chains of the pod behind <paramref name="veth"/> if <paramref name="fits"/>, else null.</summary>
    internal PodChains? ReusePod(string veth, Func<PodChains, bool> fits) =>
        _previousPods.TryGetValue(veth, out var chains) && fits(chains) ? chains : null;

    internal void RememberPod(string veth, PodChains chains) => _currentPods[veth] = chains;

    /// <summary>
    /// The per-namespace ladders: kept while the policy set is the same instance (so are their lists). After a
    /// change, the previous order is kept for the rules still there and only the new rules are sorted in.
    /// </summary>
    internal NamespaceLadders Ladders(PolicySet policies)
    {
        if (_ladders is { } kept && ReferenceEquals(kept.Policies, policies))
        {
            return kept.Ladders;
        }
        List<PolicyRule> ordered;
        if (_ladders is { } previous)
        {
            var now = new HashSet<PolicyRule>(policies.Rules, ReferenceEqualityComparer.Instance);
            var before = new HashSet<PolicyRule>(previous.Ordered, ReferenceEqualityComparer.Instance);
            var added = policies.Rules.Where(r => !before.Contains(r)).Order(LadderOrder.Instance);
            ordered = LadderOrder.Merge(previous.Ordered.Where(now.Contains), added);
        }
        else
        {
            ordered = [.. policies.Rules.Order(LadderOrder.Instance)];
        }
        var ladders = new NamespaceLadders(ordered, policies.Isolations);
        _ladders = (policies, ordered, ladders);
        return ladders;
    }

    /// <summary>Set names cost a hash each; they depend only on their key, so they are kept while used.</summary>
    internal string Name(string key, Func<string> make)
    {
        if (!_names.TryGetValue(key, out var name))
        {
            _names[key] = name = make();
        }
        _usedNames[key] = name;
        return name;
    }
}
