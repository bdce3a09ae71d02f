namespace Weft.Policy.Ir;

/// <summary>
/// Where each dialect's tiers sit on the one global ladder (policy-dialects.md §7.3), so that a cluster mixing
/// dialects has one precedence order. Ranks share one scale per band: in the admin band it is Antrea's tier
/// priority (1..252), with Calico's tier orders mapped around it; in the baseline band it is Calico's order.
/// </summary>
public static class Ladder
{
    /// <summary>Antrea's baseline tier priority: its tier lands in the baseline band, before BANP.</summary>
    public const int AntreaBaselinePriority = 253;

    /// <summary>ClusterNetworkPolicy tier Admin (v1alpha2) and Calico's kube-admin tier: rank 220, as Antrea places it.</summary>
    public static Tier ClusterNetworkPolicyAdmin { get; } = new("cnp-admin", Band.Admin, 220, TierDefault.None);

    /// <summary>AdminNetworkPolicy (v1alpha1): after every non-baseline Antrea tier, as Antrea's legacy placement.</summary>
    public static Tier AdminNetworkPolicy { get; } = new("anp", Band.Admin, 252.5, TierDefault.None);

    /// <summary>Cilium ingressDeny/egressDeny: a deny overrides every developer-band allow (row 6).</summary>
    public static Tier CiliumDeny { get; } = new("cilium-deny", Band.Developer, -1, TierDefault.None);

    /// <summary>BaselineAdminNetworkPolicy, ClusterNetworkPolicy Baseline and Calico's kube-baseline tier (order 10⁷).</summary>
    public static Tier BaselineAdminNetworkPolicy { get; } = new("banp", Band.Baseline, 10_000_000, TierDefault.None);

    /// <summary>
    /// An Antrea tier by priority: the baseline tier (253) goes to the baseline band, every other tier to the
    /// admin band at its priority (emergency 50, securityops 100, networkops 150, platform 200, application 250).
    /// </summary>
    public static Tier AntreaTier(string name, int priority) => priority >= AntreaBaselinePriority
        ? new Tier("antrea:" + name, Band.Baseline, priority, TierDefault.None)
        : new Tier("antrea:" + name, Band.Admin, priority, TierDefault.None);

    /// <summary>
    /// A Calico tier by its order (null = last): below 1000 in the admin band before ClusterNetworkPolicy Admin;
    /// up to 10⁶ in the admin band after AdminNetworkPolicy; from 10⁶ in the baseline band at its order. The
    /// "default" tier is <see cref="Tier.Developer"/> (its default action is Deny for the endpoints it applies to).
    /// </summary>
    public static Tier CalicoTier(string name, double? order, TierDefault defaultAction)
    {
        if (name == "default")
        {
            return Tier.Developer;
        }
        var o = order ?? double.PositiveInfinity;
        return o switch
        {
            < 1000 => new Tier("calico:" + name, Band.Admin, o / 1000 * 219, defaultAction),
            < 1_000_000 => new Tier("calico:" + name, Band.Admin, 253 + (o / 1_000_000), defaultAction),
            _ => new Tier("calico:" + name, Band.Baseline, o, defaultAction),
        };
    }
}
