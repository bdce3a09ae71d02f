using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>The ladder order: tier (band, rank, name), policy order, policy (tie-break, then dialect and kind), rule index.</summary>
public sealed class RuleOrder : IComparer<PolicyRule>
{
    public static RuleOrder Instance { get; } = new();

    /// <summary>Tier units in evaluation order.</summary>
    public static IComparer<Tier> Tiers { get; } = Comparer<Tier>.Create(CompareTiers);

    public int Compare(PolicyRule? x, PolicyRule? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        var c = ComparePolicies(x, y);
        return c != 0 ? c : x.Id.Index.CompareTo(y.Id.Index);
    }

    /// <summary>Where two rules' policies stand on the ladder: tier, policy order, namespace/name, dialect and kind.</summary>
    public static int ComparePolicies(PolicyRule x, PolicyRule y)
    {
        var c = CompareTiers(x.Tier, y.Tier);
        c = c != 0 ? c : x.PolicyOrder.CompareTo(y.PolicyOrder);
        c = c != 0 ? c : string.CompareOrdinal(x.TieBreak, y.TieBreak);
        return c != 0 ? c : SamePlaceDifferentObject(x, y);
    }

    /// <summary>
    /// Policies of different dialects or kinds can share tier, order and namespace/name (a NetworkPolicy and a
    /// CiliumNetworkPolicy both named a/web): ordering them by dialect and kind keeps the order total, so every
    /// consumer (the evaluator, the compiler's merged ladder, a fresh sort) puts their rules alike.
    /// </summary>
    private static int SamePlaceDifferentObject(PolicyRule x, PolicyRule y)
    {
        var c = string.CompareOrdinal(x.Id.Policy.Dialect, y.Id.Policy.Dialect);
        return c != 0 ? c : string.CompareOrdinal(x.Id.Policy.Kind, y.Id.Policy.Kind);
    }

    private static int CompareTiers(Tier? x, Tier? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        var c = x.Band.CompareTo(y.Band);
        if (c == 0)
        {
            c = x.Rank.CompareTo(y.Rank);
        }
        return c == 0 ? string.CompareOrdinal(x.Name, y.Name) : c;
    }
}
