namespace Weft.Policy.Ir;

/// <summary>Traffic direction as seen from the policy's subject: Ingress is decided at the destination, Egress at the source.</summary>
public enum Direction
{
    Ingress,
    Egress,
}

/// <summary>
/// The source object a rule or isolation fact came from, e.g. ("k8s", "NetworkPolicy", "x", "allow-80").
/// Namespace is null for cluster-scoped kinds (AdminNetworkPolicy, GlobalNetworkPolicy).
/// </summary>
public sealed record PolicyRef(string Dialect, string Kind, string? Namespace, string Name)
{
    /// <summary>"NetworkPolicy x/allow-80", "AdminNetworkPolicy deny-all", "NetworkPolicy.projectcalico.org x/web".</summary>
    public override string ToString() => Namespace is null ? $"{ShownKind} {Name}" : $"{ShownKind} {Namespace}/{Name}";

    /// <summary>
    /// The kind as people read it. Kinds that two dialects share get the API group of the one that is not the
    /// usual reading, as kubectl writes kind.group: a Calico or Antrea NetworkPolicy and a Kubernetes one of the
    /// same name must not read alike in drop records and explanations.
    /// </summary>
    public string ShownKind => (Dialect, Kind) switch
    {
        ("antrea", "NetworkPolicy") => "NetworkPolicy.crd.antrea.io",
        ("calico", "NetworkPolicy") => "NetworkPolicy.projectcalico.org",
        ("anp", "ClusterNetworkPolicy") => "ClusterNetworkPolicy.policy.networking.k8s.io",
        _ => Kind,
    };
}

/// <summary>
/// Stable identity of one rule: its policy, direction and position in the source list, plus the rule's own
/// name when the dialect has one. The same object and rule always give the same id, so counters and logs
/// can be keyed on <see cref="Key"/>.
/// </summary>
public sealed record RuleId(PolicyRef Policy, Direction Direction, int Index, string? Name = null)
{
    /// <summary>Machine key, e.g. "k8s:NetworkPolicy/x/allow-80:ingress[0]".</summary>
    public string Key =>
        $"{Policy.Dialect}:{Policy.Kind}/{(Policy.Namespace is null ? "" : Policy.Namespace + "/")}{Policy.Name}:{Section}[{Index}]";

    /// <summary>Human form, e.g. "NetworkPolicy x/allow-80 ingress[0]" or "… egress[2] \"block-dns\"".</summary>
    public override string ToString() => $"{Policy} {Section}[{Index}]" + (Name is null ? "" : $" \"{Name}\"");

    private string Section => Direction == Direction.Ingress ? "ingress" : "egress";
}
