using System.Net;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>A namespace and its labels (always including kubernetes.io/metadata.name).</summary>
public sealed record NamespaceInfo(string Name, IReadOnlyDictionary<string, string> Labels);

/// <summary>A container port as named ports see it.</summary>
public sealed record PodPort(string? Name, int Port, L4Protocol Protocol);

/// <summary>A pod as policy sees it: its labels include the <see cref="ReservedLabels"/>.</summary>
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
    private readonly IReadOnlyDictionary<string, NamespaceInfo> _namespaces;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<PodInfo>> _byNamespace;
    private readonly Lazy<IReadOnlyList<PodInfo>> _pods;
    private readonly Lazy<IReadOnlyList<string>> _namespaceNames;

    public ClusterSnapshot(IEnumerable<NamespaceInfo> namespaces, IEnumerable<PodInfo> pods, IEnumerable<NodeInfo>? nodes = null)
        : this(namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal), ByNamespace(pods), [.. nodes ?? []])
    {
    }

    /// <summary>
    /// From pods already grouped per namespace, each list sorted by name. The lists are kept as given, so a
    /// caller that reuses the list of an unchanged namespace lets consumers recognise it by reference.
    /// </summary>
    public ClusterSnapshot(IReadOnlyDictionary<string, NamespaceInfo> namespaces, IReadOnlyDictionary<string, IReadOnlyList<PodInfo>> podsByNamespace, IReadOnlyList<NodeInfo> nodes)
    {
        _namespaces = namespaces;
        _byNamespace = podsByNamespace;
        Nodes = nodes;
        _pods = new(() => [.. _byNamespace.Values.SelectMany(p => p).OrderBy(p => p.Id, StringComparer.Ordinal)]);
        _namespaceNames = new(() => [.. _namespaces.Keys.Union(_byNamespace.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }

    /// <summary>Pods sorted by "namespace/name".</summary>
    public IReadOnlyList<PodInfo> Pods => _pods.Value;

    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    /// <summary>Every namespace that has a Namespace object or a pod, sorted.</summary>
    public IReadOnlyList<string> NamespaceNames => _namespaceNames.Value;

    public NamespaceInfo Namespace(string name) =>
        _namespaces.TryGetValue(name, out var ns)
            ? ns
            : new NamespaceInfo(name, new Dictionary<string, string>(StringComparer.Ordinal) { [NamespaceView.NameLabel] = name });

    /// <summary>The pod "namespace/name", or null.</summary>
    public PodInfo? FindPod(string id)
    {
        var slash = id.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? null : PodsIn(id[..slash]).FirstOrDefault(p => p.Name == id[(slash + 1)..]);
    }

    /// <summary>The pods of one namespace, sorted by name. Selectors look pods up by namespace far more often than across the cluster.</summary>
    public IReadOnlyList<PodInfo> PodsIn(string ns) => _byNamespace.TryGetValue(ns, out var list) ? list : [];

    /// <summary>
    /// The same snapshot with some pods' addresses replaced (pod id → addresses). Only namespaces where an
    /// address really changes get a new pod list.
    /// </summary>
    public ClusterSnapshot WithAddresses(IReadOnlyDictionary<string, List<IPAddress>> addresses)
    {
        var changed = addresses.Where(a => FindPod(a.Key) is { } pod && !pod.Addresses.SequenceEqual(a.Value))
            .Select(a => a.Key[..a.Key.IndexOf('/', StringComparison.Ordinal)]).ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0)
        {
            return this;
        }
        var lists = _byNamespace.ToDictionary(kv => kv.Key, kv => changed.Contains(kv.Key)
            ? [.. kv.Value.Select(p => addresses.TryGetValue(p.Id, out var a) ? p with { Addresses = a } : p)]
            : kv.Value, StringComparer.Ordinal);
        return new ClusterSnapshot(_namespaces, lists, Nodes);
    }

    /// <summary>Groups pods per namespace, each group sorted by name.</summary>
    public static Dictionary<string, IReadOnlyList<PodInfo>> ByNamespace(IEnumerable<PodInfo> pods) =>
        pods.GroupBy(p => p.Namespace, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<PodInfo>)[.. g.OrderBy(p => p.Name, StringComparer.Ordinal)], StringComparer.Ordinal);

    /// <summary>The non-host-network pod that owns the address, or null.</summary>
    public PodInfo? FindPod(IPAddress address) => Pods.FirstOrDefault(p => !p.HostNetwork && p.Addresses.Contains(address));

    /// <summary>Builds a snapshot from Namespace, Pod, Node and ServiceAccount resources; other kinds are ignored.</summary>
    public static ClusterSnapshot FromResources(IEnumerable<Resource> resources)
    {
        var namespaces = new List<NamespaceInfo>();
        var pods = new List<Resource>();
        var nodes = new List<NodeInfo>();
        var accounts = new List<Resource>();
        foreach (var r in resources)
        {
            switch (r.Kind)
            {
                case "Namespace":
                    var ns = new NamespaceView(r);
                    namespaces.Add(new NamespaceInfo(ns.Name, ns.Labels));
                    break;
                case "Pod":
                    pods.Add(r);
                    break;
                case "Node":
                    nodes.Add(FromNode(r));
                    break;
                case "ServiceAccount":
                    accounts.Add(r);
                    break;
                default:
                    break;
            }
        }
        var byName = AccountIndex(accounts);
        return new ClusterSnapshot(namespaces, pods.Select(p => FromPod(p, byName)), nodes);
    }

    /// <summary>ServiceAccount objects by "namespace/name", the key <see cref="AccountKey"/> gives a pod.</summary>
    public static Dictionary<string, Resource> AccountIndex(IEnumerable<Resource> accounts)
    {
        var index = new Dictionary<string, Resource>(StringComparer.Ordinal);
        foreach (var account in accounts)
        {
            index[$"{account.Metadata.Namespace ?? "default"}/{account.Metadata.Name}"] = account;
        }
        return index;
    }

    /// <summary>"namespace/account" of the ServiceAccount the pod runs as.</summary>
    public static string AccountKey(PodView pod) => $"{pod.Namespace}/{pod.ServiceAccountName}";

    /// <summary>
    /// The pod as policy sees it. Its labels get the <see cref="ReservedLabels"/>: the account's name and, when
    /// <paramref name="accounts"/> holds its ServiceAccount object, that object's labels. The pod's own labels
    /// of reserved keys are dropped.
    /// </summary>
    public static PodInfo FromPod(Resource pod, IReadOnlyDictionary<string, Resource>? accounts = null)
    {
        var view = new PodView(pod);
        var addresses = view.PodIPs.Select(ip => IPAddress.TryParse(ip, out var a) ? a : null).OfType<IPAddress>().ToList();
        var ports = view.Containers.SelectMany(c => c.Ports)
            .Select(p => new PodPort(p.Name, p.ContainerPort, Protocols.Parse(p.Protocol) ?? L4Protocol.Tcp))
            .ToList();
        var labels = view.Labels.Where(l => !ReservedLabels.IsReserved(l.Key)).ToDictionary(StringComparer.Ordinal);
        labels[ReservedLabels.ServiceAccount] = view.ServiceAccountName;
        if (accounts is not null && accounts.TryGetValue(AccountKey(view), out var account))
        {
            foreach (var (key, value) in account.Metadata.Labels)
            {
                labels[ReservedLabels.ServiceAccountLabelPrefix + key] = value;
            }
        }
        return new PodInfo(view.Namespace, view.Name, labels, addresses, ports, view.HostNetwork);
    }

    /// <summary>A node with every IP of its status.addresses (AdminNetworkPolicy node peers match them all).</summary>
    public static NodeInfo FromNode(Resource node)
    {
        var view = new NodeView(node);
        return new NodeInfo(view.Name, view.Labels, view.IPs);
    }
}
