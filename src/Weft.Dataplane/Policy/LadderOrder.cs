using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>The evaluation order of the model (<see cref="RuleOrder"/>'s, and total): tier (band, rank, name), policy order, policy, direction, rule index.</summary>
internal sealed class LadderOrder : IComparer<PolicyRule>
{
    public static LadderOrder Instance { get; } = new();

    public int Compare(PolicyRule? x, PolicyRule? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }
        var c = RuleOrder.ComparePolicies(x, y);
        c = c != 0 ? c : x.Direction.CompareTo(y.Direction);
        return c != 0 ? c : x.Id.Index.CompareTo(y.Id.Index);
    }

    /// <summary>Two sequences each in ladder order, merged into one.</summary>
    public static List<PolicyRule> Merge(IEnumerable<PolicyRule> a, IEnumerable<PolicyRule> b)
    {
        var merged = new List<PolicyRule>();
        using var x = a.GetEnumerator();
        using var y = b.GetEnumerator();
        bool hasX = x.MoveNext(), hasY = y.MoveNext();
        while (hasX || hasY)
        {
            if (hasX && (!hasY || Instance.Compare(x.Current, y.Current) <= 0))
            {
                merged.Add(x.Current);
                hasX = x.MoveNext();
            }
            else
            {
                merged.Add(y.Current);
                hasY = y.MoveNext();
            }
        }
        return merged;
    }
}
