namespace Weft.Policy.Ir;

/// <summary>The coarse bands of the global precedence ladder, evaluated in this order.</summary>
public enum Band
{
    Admin,
    Developer,
    Baseline,
    Default,
}

/// <summary>What a tier does for an endpoint it applies to when none of its rules decided.</summary>
public enum TierDefault
{
    /// <summary>Fall through to the next tier.</summary>
    None,

    /// <summary>Deny (NetworkPolicy isolation: a selected pod only gets what some rule allows).</summary>
    Deny,

    /// <summary>Go on to the next tier explicitly (Calico tiers with defaultAction Pass).</summary>
    Pass,
}

/// <summary>
/// One tier unit of the ladder. Units are ordered by band, then rank, then name. The default action applies
/// only when an <see cref="Isolation"/> fact of this tier selects the endpoint for the direction.
/// </summary>
public sealed record Tier(string Name, Band Band, double Rank, TierDefault Default)
{
    /// <summary>
    /// The developer tier that holds every Kubernetes NetworkPolicy rule as one unordered allow-list (ladder row 7).
    /// Cilium allow rules and Calico's default tier land here too.
    /// </summary>
    public static Tier Developer { get; } = new("default", Band.Developer, 0, TierDefault.Deny);
}
