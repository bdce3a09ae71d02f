using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>Which pods a subject or pod peer covers in a snapshot (same rules as the reference evaluator).</summary>
internal sealed class Selection(ClusterSnapshot cluster)
{
    private readonly Dictionary<string, List<string>> _matching = new(StringComparer.Ordinal);

    public bool Selects(Subject subject, PodInfo pod) => subject is PodSubject s
        && !pod.HostNetwork && s.Pods.Matches(pod.Labels) && InScope(s.Namespaces, pod.Namespace, pod.Namespace);

    public IEnumerable<PodInfo> PodsOf(PodPeer peer, string subjectNamespace) =>
        NamespacesOf(peer.Namespaces, subjectNamespace).SelectMany(cluster.PodsIn).Where(p => !p.HostNetwork && peer.Pods.Matches(p.Labels));

    /// <summary>Pods whose addresses a peer covers; used where a named port must be resolved per destination pod.</summary>
    public IEnumerable<PodInfo> PodsCoveredBy(Peer peer, string subjectNamespace) => peer switch
    {
        AnyPeer or EntityPeer { Entity: Entity.All or Entity.Cluster } => cluster.Pods.Where(p => !p.HostNetwork),
        PodPeer p => PodsOf(p, subjectNamespace),
        IpBlockPeer b => cluster.Pods.Where(p => !p.HostNetwork && p.Addresses.Any(b.Matches)),
        _ => [],
    };

    public IReadOnlyList<PodInfo> PodsIn(string ns) => cluster.PodsIn(ns);

    public IEnumerable<System.Net.IPAddress> NodeAddresses(NodePeer peer) =>
        cluster.Nodes.Where(n => peer.Nodes.Matches(n.Labels)).SelectMany(n => n.Addresses);

    /// <summary>The namespaces a scope covers, so pod selectors only look at those namespaces' pods.</summary>
    public IEnumerable<string> NamespacesOf(NamespaceScope scope, string subjectNamespace) => scope switch
    {
        InNamespace n => [n.Name],
        SameNamespaceAsSubject => [subjectNamespace],
        NamespacesMatching m => Matching(m.Selector),
        NamespacesSharingLabels s => cluster.NamespaceNames.Where(ns => InScope(s, ns, subjectNamespace)),
        _ => [],
    };

    /// <summary>
    /// The names and pod-list instances of the namespaces <see cref="PodsCoveredBy"/> looks at: what a named
    /// port's resolution depends on.
    /// </summary>
    public object[] CoveredLists(Peer peer, string subjectNamespace)
    {
        var namespaces = peer switch
        {
            AnyPeer or EntityPeer { Entity: Entity.All or Entity.Cluster } or IpBlockPeer => cluster.NamespaceNames,
            PodPeer p => NamespacesOf(p.Namespaces, subjectNamespace),
            _ => [],
        };
        return [.. namespaces.SelectMany(ns => new object[] { ns, cluster.PodsIn(ns) })];
    }

    public IReadOnlyList<string> NamespaceNames => cluster.NamespaceNames;

    public IReadOnlyList<NodeInfo> Nodes => cluster.Nodes;

    public NamespaceInfo Namespace(string name) => cluster.Namespace(name);

    /// <summary>Every pod and node address of the cluster (the "cluster" entity; "world" is the rest).</summary>
    public IEnumerable<System.Net.IPAddress> ClusterAddresses() =>
        cluster.Pods.SelectMany(p => p.Addresses).Concat(cluster.Nodes.SelectMany(n => n.Addresses)).Distinct();

    /// <summary>Namespaces a selector matches; policies repeat the same selector text, so each is evaluated once.</summary>
    private List<string> Matching(Selector selector)
    {
        var key = selector.ToString();
        if (!_matching.TryGetValue(key, out var names))
        {
            _matching[key] = names = [.. cluster.NamespaceNames.Where(ns => selector.Matches(cluster.Namespace(ns).Labels))];
        }
        return names;
    }

    private bool InScope(NamespaceScope scope, string candidate, string subjectNamespace) => scope switch
    {
        InNamespace n => n.Name == candidate,
        NamespacesMatching m => m.Selector.Matches(cluster.Namespace(candidate).Labels),
        SameNamespaceAsSubject => candidate == subjectNamespace,
        NamespacesSharingLabels s => s.Admits(cluster.Namespace(candidate).Labels, cluster.Namespace(subjectNamespace).Labels),
        _ => false,
    };
}
