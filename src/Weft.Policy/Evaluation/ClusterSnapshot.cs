using System.Net;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>A namespace and its labels (always including kubernetes.io/metadata.name).</summary>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>A container port as named ports see it.</summary>
public sealed record PodPort(string? Name, int Port, L4Protocol Protocol);

/// <summary>A pod as policy sees it.</summary>
public sealed record PodInfo(
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyList<PodPort> Ports,
    bool HostNetwork = false)
{
    /// <summary>"namespace/name".</summary>
    public string Id => $"{Namespace}/{Name}";

    public override string ToString() => Id;
}

/// <summary>A node as policy sees it: labels and addresses.</summary>
public sealed record NodeInfo(string Name, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<IPAddress> Addresses);

/// <summary>
/// The cluster state policies are evaluated against. Pods whose namespace has no Namespace object get a
/// namespace with only the kubernetes.io/metadata.name label, as the API server would have created it.
/// </summary>
public sealed class ClusterSnapshot
{
    private readonly Dictionary<string, NamespaceInfo> _namespaces;
    private readonly Dictionary<string, PodInfo> _byId;
    private readonly Dictionary<string, List<PodInfo>> _byNamespace;

    public ClusterSnapshot(IEnumerable<NamespaceInfo> namespaces, IEnumerable<PodInfo> pods, IEnumerable<NodeInfo>? nodes = null)
        : this(namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal), [.. pods.OrderBy(p => p.Id, StringComparer.Ordinal)], [.. nodes ?? []])
    {
    }

    private ClusterSnapshot(Dictionary<string, NamespaceInfo> namespaces, List<PodInfo> sortedPods, List<NodeInfo> nodes)
    {
        _namespaces = namespaces;
        Pods = sortedPods;
        Nodes = nodes;
        // Selectors look up pods by namespace far more often than across the cluster: index once.
        _byId = new Dictionary<string, PodInfo>(sortedPods.Count, StringComparer.Ordinal);
        _byNamespace = new Dictionary<string, List<PodInfo>>(StringComparer.Ordinal);
        foreach (var pod in sortedPods)
        {
            _byId.TryAdd(pod.Id, pod);
            if (!_byNamespace.TryGetValue(pod.Namespace, out var list))
            {
                _byNamespace[pod.Namespace] = list = [];
            }
            list.Add(pod);
        }
    }

    /// <summary>Pods sorted by "namespace/name".</summary>
    public IReadOnlyList<PodInfo> Pods { get; }

    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    /// <summary>Every namespace that has a Namespace object or a pod, sorted.</summary>
    public IEnumerable<string> NamespaceNames => _namespaces.Keys.Union(_byNamespace.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal);

    public NamespaceInfo Namespace(string name) =>
        _namespaces.TryGetValue(name, out var ns)
            ? ns
            : new NamespaceInfo(name, new Dictionary<string, string>(StringComparer.Ordinal) { [NamespaceView.NameLabel] = name });

    /// <summary>The pod "namespace/name", or null.</summary>
    public PodInfo? FindPod(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The pods of one namespace, sorted by name.</summary>
    public IReadOnlyList<PodInfo> PodsIn(string ns) => _byNamespace.TryGetValue(ns, out var list) ? list : [];

    /// <summary>The same snapshot with some pods' addresses replaced (pod id → addresses); order and indexes kept.</summary>
    public ClusterSnapshot WithAddresses(IReadOnlyDictionary<string, List<IPAddress>> addresses) => addresses.Count == 0
        ? this
        : new ClusterSnapshot(_namespaces, [.. Pods.Select(p => addresses.TryGetValue(p.Id, out var a) ? p with { Addresses = a } : p)], [.. Nodes]);

    /// <summary>The non-host-network pod that owns the address, or null.</summary>
    public PodInfo? FindPod(IPAddress address) => Pods.FirstOrDefault(p => !p.HostNetwork && p.Addresses.Contains(address));

    /// <summary>Builds a snapshot from Namespace, Pod and Node resources; other kinds are ignored.</summary>
    public static ClusterSnapshot FromResources(IEnumerable<Resource> resources)
    {
        var namespaces = new List<NamespaceInfo>();
        var pods = new List<PodInfo>();
        var nodes = new List<NodeInfo>();
        foreach (var r in resources)
        {
            switch (r.Kind)
            {
                case "Namespace":
                    var ns = new NamespaceView(r);
                    namespaces.Add(new NamespaceInfo(ns.Name, ns.Labels));
                    break;
                case "Pod":
                    pods.Add(FromPod(new PodView(r)));
                    break;
                case "Node":
                    var node = new NodeView(r);
                    nodes.Add(new NodeInfo(node.Name, node.Labels, node.InternalIPs));
                    break;
                default:
                    break;
            }
        }
        return new ClusterSnapshot(namespaces, pods, nodes);
    }

    private static PodInfo FromPod(PodView pod)
    {
        var addresses = pod.PodIPs.Select(ip => IPAddress.TryParse(ip, out var a) ? a : null).OfType<IPAddress>().ToList();
        var ports = pod.Containers.SelectMany(c => c.Ports)
            .Select(p => new PodPort(p.Name, p.ContainerPort, Protocols.Parse(p.Protocol) ?? L4Protocol.Tcp))
            .ToList();
        return new PodInfo(pod.Namespace, pod.Name, pod.Labels, addresses, ports, pod.HostNetwork);
    }
}
