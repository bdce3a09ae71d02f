namespace Weft.Policy.Ir;

/// <summary>An L7 condition. The reference evaluator decides at L4 only; dataplanes hand these to a proxy.</summary>
public abstract record L7Matcher;

/// <summary>An L7 matcher kept as its source text until an L7 engine exists (e.g. Kind "http", Spec a JSON object).</summary>
public sealed record OpaqueL7(string Kind, string Spec) : L7Matcher;

/// <summary>
/// One rule of the unified model. Ordering: tier (band, rank, name), then <see cref="PolicyOrder"/>, then the policy
/// (<see cref="TieBreak"/>), then <see cref="RuleId.Index"/>. Peers are ORed and an empty list matches nothing;
/// ports are ORed and an empty list matches every protocol and port.
/// </summary>
public sealed record PolicyRule(
    RuleId Id,
    Tier Tier,
    double PolicyOrder,
    RuleAction Action,
    Subject Subject,
    IReadOnlyList<Peer> Peers,
    IReadOnlyList<PortMatch> Ports)
{
    public Direction Direction => Id.Direction;

    /// <summary>For Pass rules only.</summary>
    public PassTarget PassTarget { get; init; } = PassTarget.NextTier;

    /// <summary>
    /// Member of an unordered allow-list (Kubernetes NetworkPolicy, Cilium allows): all such rules at the same
    /// position that match are reported together as the reason, since none of them outranks another.
    /// </summary>
    public bool IsUnionAllow { get; init; }

    /// <summary>Report every connection this rule decides (Antrea enableLogging, Cilium log).</summary>
    public bool Log { get; init; }

    public string? LogLabel { get; init; }

    public IReadOnlyList<L7Matcher> L7 { get; init; } = [];

    /// <summary>Connections matching any of these are not matched by the rule (Calico notPorts, notProtocol, notICMP).</summary>
    public IReadOnlyList<PortMatch> NotPorts { get; init; } = [];

    /// <summary>Deterministic order between policies at the same PolicyOrder: namespace/name.</summary>
    public string TieBreak => $"{Id.Policy.Namespace}/{Id.Policy.Name}";
}

/// <summary>
/// A policy selects <see cref="Subject"/> for <see cref="Direction"/> in <see cref="Tier"/>, which makes the tier's
/// default action apply to it (Kubernetes policyTypes). Kept apart from rules because a policy with no rules
/// (default deny) still isolates.
/// </summary>
public sealed record Isolation(PolicyRef Policy, Tier Tier, Direction Direction, Subject Subject);

/// <summary>Everything the evaluator and the dataplane need: rules and isolation facts, from any number of policies.</summary>
public sealed record PolicySet(IReadOnlyList<PolicyRule> Rules, IReadOnlyList<Isolation> Isolations)
{
    public static PolicySet Empty { get; } = new([], []);

    /// <summary>
    /// What a valid policy asks that Weft does not enforce yet (e.g. Cilium L7 rules), each naming the object
    /// and field. Shown to the user; never silently dropped.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static PolicySet Combine(IEnumerable<PolicySet> sets)
    {
        var list = sets.ToList();
        return new([.. list.SelectMany(s => s.Rules)], [.. list.SelectMany(s => s.Isolations)]) { Warnings = [.. list.SelectMany(s => s.Warnings)] };
    }
}
