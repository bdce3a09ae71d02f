namespace Weft.Policy.Ir;

/// <summary>The other end of a connection a rule matches (source for ingress, destination for egress). A rule's peers are ORed.</summary>
public abstract record Peer;

/// <summary>Anything: every pod, node and external address (Kubernetes empty or absent from/to).</summary>
public sealed record AnyPeer : Peer
{
    public override string ToString() => "any";
}

/// <summary>Pods matching a selector in a namespace scope. Never matches addresses outside the cluster.</summary>
public sealed record PodPeer(Selector Pods, NamespaceScope Namespaces) : Peer
{
    public override string ToString() => $"pods [{Pods}] in {Namespaces}";
}

/// <summary>
/// Addresses inside <see cref="Cidr"/> but in none of <see cref="Except"/>. Matches pod addresses too.
/// <see cref="MatchesClusterIPs"/> says whether it applies before service translation (ANP networks) or after (K8s, Cilium).
/// </summary>
public sealed record IpBlockPeer(Cidr Cidr, IReadOnlyList<Cidr> Except, bool MatchesClusterIPs = false) : Peer
{
    /// <summary>
    /// Matches only addresses that are neither pods nor nodes (Cilium CIDR rules: cluster endpoints carry identities
    /// and are never matched by CIDR).
    /// </summary>
    public bool OutsideClusterOnly { get; init; }

    public bool Matches(System.Net.IPAddress address) => Cidr.Contains(address) && !Except.Any(e => e.Contains(address));

    public override string ToString() => Except.Count == 0 ? $"ipBlock {Cidr}" : $"ipBlock {Cidr} except {string.Join(", ", Except)}";
}

/// <summary>Reserved identities (Cilium entities, ANP/Antrea equivalents).</summary>
public enum Entity
{
    All,
    None,
    World,
    WorldV4,
    WorldV6,
    Cluster,
    ClusterMesh,
    Host,
    RemoteNode,
    KubeApiserver,
    Ingress,
    Init,
    Health,
    Unmanaged,
}

/// <summary>A reserved identity such as "world" or "cluster".</summary>
public sealed record EntityPeer(Entity Entity) : Peer
{
    public override string ToString() => $"entity {Entity}";
}

/// <summary>Nodes (their addresses) whose labels match.</summary>
public sealed record NodePeer(Selector Nodes) : Peer
{
    public override string ToString() => $"nodes [{Nodes}]";
}

/// <summary>How an FQDN pattern's wildcards read; each dialect has its own.</summary>
public enum FqdnFlavor
{
    Exact,
    CiliumPattern,
    AntreaGlob,
    AnpDomain,
}

/// <summary>Destinations whose DNS name matches; needs observed DNS answers to resolve.</summary>
public sealed record FqdnPeer(string Pattern, FqdnFlavor Flavor) : Peer
{
    public override string ToString() => $"fqdn {Pattern}";
}

/// <summary>
/// Whatever <see cref="Inner"/> does not match, external addresses included (Calico notNets and notSelector:
/// a negated peer also matches endpoints Weft does not manage).
/// </summary>
public sealed record NotPeer(Peer Inner) : Peer
{
    public override string ToString() => $"not ({Inner})";
}
