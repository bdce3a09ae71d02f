using System.Net.Sockets;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>Subject, peer and port matching against a snapshot.</summary>
internal sealed class PeerMatcher(ClusterSnapshot cluster)
{
    public bool Subject(Subject subject, PodInfo pod) => subject switch
    {
        PodSubject s => !pod.HostNetwork && s.Pods.Matches(pod.Labels) && Scope(s.Namespaces, pod.Namespace, pod.Namespace),
        _ => false,
    };

    /// <summary>Does <paramref name="peer"/> cover <paramref name="remote"/>, for a rule evaluated at <paramref name="subject"/>?</summary>
    public bool Peer(Peer peer, PodInfo subject, Endpoint remote) => peer switch
    {
        AnyPeer => true,
        PodPeer p => remote.Pod is { HostNetwork: false } pod && p.Pods.Matches(pod.Labels) && Scope(p.Namespaces, pod.Namespace, subject.Namespace),
        IpBlockPeer b => remote.Address is { } a && b.Matches(a) && (!b.OutsideClusterOnly || (remote.Pod is null && !IsNode(remote))),
        NodePeer n => remote.Address is { } a && cluster.Nodes.Any(node => node.Addresses.Contains(a) && n.Nodes.Matches(node.Labels)),
        EntityPeer e => Entity(e.Entity, remote),
        NotPeer n => !Peer(n.Inner, subject, remote),
        // FQDN peers need observed DNS answers, which a static snapshot does not have.
        _ => false,
    };

    /// <summary>Named ports resolve against the destination pod (name, protocol and number must all agree).</summary>
    public static bool Port(PortMatch match, Endpoint destination, Connection connection)
    {
        var protocolOk = match.Protocol switch
        {
            L4Protocol.Any => true,
            L4Protocol.AnyPorted => connection.Protocol is L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp,
            _ => match.Protocol == connection.Protocol,
        };
        if (!protocolOk)
        {
            return false;
        }
        if (match.SourcePorts is { } sources && (connection.SourcePort is not { } source || !sources.Contains(source)))
        {
            return false;
        }
        if (match.NamedPort is { } name)
        {
            return destination.Pod is { } pod
                && pod.Ports.Any(p => p.Name == name && p.Protocol == connection.Protocol && p.Port == connection.Port);
        }
        if (match.Ports is { } range && !range.Contains(connection.Port))
        {
            return false;
        }
        return match.Icmp is not { } icmp
            || ((icmp.Type is null || icmp.Type == connection.IcmpType) && (icmp.Code is null || icmp.Code == connection.IcmpCode));
    }

    private bool Scope(NamespaceScope scope, string candidate, string subjectNamespace) => scope switch
    {
        InNamespace n => n.Name == candidate,
        NamespacesMatching m => m.Selector.Matches(cluster.Namespace(candidate).Labels),
        SameNamespaceAsSubject => candidate == subjectNamespace,
        NamespacesSharingLabels s => s.Admits(cluster.Namespace(candidate).Labels, cluster.Namespace(subjectNamespace).Labels),
        _ => false,
    };

    private bool IsNode(Endpoint e) => e.Address is { } a && cluster.Nodes.Any(n => n.Addresses.Contains(a));

    // Host and RemoteNode are not told apart: the snapshot does not say which node a pod runs on.
    private bool Entity(Entity entity, Endpoint remote) => entity switch
    {
        Ir.Entity.All => true,
        Ir.Entity.World => remote.Pod is null && !IsNode(remote),
        Ir.Entity.WorldV4 => remote.Pod is null && !IsNode(remote) && remote.Address?.AddressFamily == AddressFamily.InterNetwork,
        Ir.Entity.WorldV6 => remote.Pod is null && !IsNode(remote) && remote.Address?.AddressFamily == AddressFamily.InterNetworkV6,
        Ir.Entity.Cluster => remote.Pod is not null || IsNode(remote),
        Ir.Entity.Host or Ir.Entity.RemoteNode => IsNode(remote),
        _ => false,
    };
}
