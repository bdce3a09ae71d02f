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

    public ClusterSnapshot(IEnumerable<NamespaceInfo> namespaces, IEnumerable<PodInfo> pods, IEnumerable<NodeInfo>? nodes = null)
    {
        _namespaces = namespaces.ToDictionary(n => n.Name, StringComparer.Ordinal);
        Pods = [.. pods.OrderBy(p => p.Id, StringComparer.Ordinal)];
        Nodes = [.. nodes ?? []];
    }

    /// <summary>Pods sorted by "namespace/name".</summary>
    public IReadOnlyList<PodInfo> Pods { get; }

    public IReadOnlyList<NodeInfo> Nodes { get; }

    public IEnumerable<NamespaceInfo> Namespaces => _namespaces.Values;

    public NamespaceInfo Namespace(string name) =>
        _namespaces.TryGetValue(name, out var ns)
            ? ns
            : new NamespaceInfo(name, new Dictionary<string, string>(StringComparer.Ordinal) { [NamespaceView.NameLabel] = name });

    /// <summary>The pod "namespace/name", or null.</summary>
    public PodInfo? FindPod(string id) => Pods.FirstOrDefault(p => p.Id == id);

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
