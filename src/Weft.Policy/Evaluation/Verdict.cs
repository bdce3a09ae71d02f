using System.Net;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>One end of a connection: a pod, or an address that belongs to no pod.</summary>
public sealed record Endpoint(PodInfo? Pod, IPAddress? Address)
{
    public static Endpoint Of(PodInfo pod) => new(pod, pod.Addresses.FirstOrDefault());

    public override string ToString() => Pod?.Id ?? Address?.ToString() ?? "?";
}

/// <summary>The connection being asked about. Port is the destination port (0 for portless protocols).</summary>
public sealed record Connection(L4Protocol Protocol, int Port)
{
    public int? IcmpType { get; init; }
    public int? IcmpCode { get; init; }

    /// <summary>
    /// The source port when the question names one. Null is the ephemeral port a client picks, which no
    /// source-port condition (Calico <c>source.ports</c>, Antrea <c>sourcePort</c>) is taken to match.
    /// </summary>
    public int? SourcePort { get; init; }

    public override string ToString() => $"{Protocols.Name(Protocol)}/{Port}" + (SourcePort is { } s ? $" from port {s}" : "");
}

public enum Outcome
{
    Allow,
    Deny,
    Reject,
}

/// <summary>Why a direction ended the way it did.</summary>
public enum Reason
{
    /// <summary>That end is not a pod, so nothing is enforced there.</summary>
    NotAPod,

    /// <summary>A pod reaching itself is always allowed.</summary>
    SelfTraffic,

    /// <summary>No policy selects the pod for this direction and no rule matched.</summary>
    NotIsolated,

    /// <summary>A rule matched and decided.</summary>
    RuleMatched,

    /// <summary>Policies select the pod (isolation) and no rule allowed the connection: the tier's default denied it.</summary>
    IsolatedNoRuleMatched,

    /// <summary>Every tier passed or was not applicable and no isolation applied: the end-of-ladder default.</summary>
    EndOfLadder,
}

/// <summary>
/// The decision of one direction at one endpoint: the outcome, why, the rules that decided (several when they are
/// union allow-list members), the policies that select the endpoint in this direction, and rules that logged it.
/// </summary>
public sealed record DirectionVerdict(
    Direction Direction,
    Endpoint Endpoint,
    Outcome Outcome,
    Reason Reason,
    IReadOnlyList<PolicyRule> DecidingRules,
    IReadOnlyList<PolicyRef> SelectingPolicies,
    IReadOnlyList<PolicyRule> LoggedBy)
{
    /// <summary>The tier whose default decided (for <see cref="Reason.IsolatedNoRuleMatched"/>).</summary>
    public Tier? DefaultOf { get; init; }

    /// <summary>The walk down the ladder: each tier that applied, what matched in it, where a Pass went.</summary>
    public IReadOnlyList<LadderStep> Steps { get; init; } = [];

    public bool Allowed => Outcome == Outcome.Allow;
}

/// <summary>The full answer: allowed only when egress at the source and ingress at the destination both allow.</summary>
public sealed record Verdict(Endpoint From, Endpoint To, Connection Connection, DirectionVerdict Egress, DirectionVerdict Ingress)
{
    public bool Allowed => Egress.Allowed && Ingress.Allowed;

    public Outcome Outcome => !Egress.Allowed ? Egress.Outcome : Ingress.Outcome;
}

/// <summary>What happened in one tier of the walk.</summary>
public enum StepKind
{
    /// <summary>A rule matched and decided the direction.</summary>
    Decided,

    /// <summary>A rule matched and passed: to the next tier, or to the end of the band.</summary>
    Passed,

    /// <summary>A rule matched, logged, and evaluation went on.</summary>
    Logged,

    /// <summary>No rule of the tier matched; evaluation went on.</summary>
    NoMatch,

    /// <summary>No rule matched and the tier's default (isolation) decided.</summary>
    TierDefault,

    /// <summary>The tier was skipped: an earlier Pass went to the end of its band.</summary>
    Skipped,
}

/// <summary>One step of the ladder walk.</summary>
public sealed record LadderStep(Tier Tier, StepKind Kind, PolicyRule? Rule = null);
