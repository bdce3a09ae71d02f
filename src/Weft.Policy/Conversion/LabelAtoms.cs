using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// One label test in a normal form shared by every dialect: Calico's <c>==</c> is <see cref="SelectorOperator.In"/>
/// with one value and <c>!=</c> is <see cref="SelectorOperator.NotIn"/> (both hold for an absent key, like
/// Kubernetes NotIn), values sorted and distinct.
/// </summary>
internal sealed record LabelAtom(string Key, SelectorOperator Operator, IReadOnlyList<string> Values)
{
    public override string ToString() => Operator switch
    {
        SelectorOperator.Exists => $"has({Key})",
        SelectorOperator.NotExists => $"!has({Key})",
        SelectorOperator.In => $"{Key} in {{{string.Join(",", Values)}}}",
        SelectorOperator.NotIn => $"{Key} not in {{{string.Join(",", Values)}}}",
        SelectorOperator.Contains => $"{Key} contains '{Values[0]}'",
        SelectorOperator.StartsWith => $"{Key} starts with '{Values[0]}'",
        _ => $"{Key} ends with '{Values[0]}'",
    };

    public static LabelAtom Of(string key, SelectorOperator op, IEnumerable<string> values)
    {
        var list = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return op switch
        {
            SelectorOperator.Equals => new(key, SelectorOperator.In, list),
            SelectorOperator.NotEquals => new(key, SelectorOperator.NotIn, list),
            _ => new(key, op, list),
        };
    }

    /// <summary>The test that holds exactly when this one does not, when the language has it.</summary>
    public LabelAtom? Negated => Operator switch
    {
        SelectorOperator.In => this with { Operator = SelectorOperator.NotIn },
        SelectorOperator.NotIn => this with { Operator = SelectorOperator.In },
        SelectorOperator.Exists => this with { Operator = SelectorOperator.NotExists },
        SelectorOperator.NotExists => this with { Operator = SelectorOperator.Exists },
        _ => null,
    };

    /// <summary>Expressible as a Kubernetes label selector requirement.</summary>
    public bool IsKubernetes => Operator is SelectorOperator.In or SelectorOperator.NotIn or SelectorOperator.Exists or SelectorOperator.NotExists;
}

/// <summary>
/// Selectors as an AND of <see cref="LabelAtom"/>s where they are one (every Kubernetes selector is), and a stable
/// text for any selector so that two dialects' forms of the same selector compare equal.
/// </summary>
internal static class LabelAtoms
{
    /// <summary>The AND of label tests the selector is, or null when it needs OR or a NOT the tests cannot absorb.</summary>
    public static IReadOnlyList<LabelAtom>? Conjunction(Selector selector)
    {
        switch (selector)
        {
            case AllSelector:
                return [];
            case LabelMatch m:
                return Sorted(FromLabelSelector(m.Selector));
            case LabelExpression e:
                return [LabelAtom.Of(e.Key, e.Operator, e.Values)];
            case AndSelector a:
                var parts = a.Parts.Select(Conjunction).ToList();
                return parts.Any(p => p is null) ? null : Sorted(parts.SelectMany(p => p!));
            case NotSelector n when Conjunction(n.Inner) is [var only] && only.Negated is { } negated:
                return [negated];
            case OrSelector o when o.Parts.Count == 1:
                return Conjunction(o.Parts[0]);
            default:
                return null;
        }
    }

    /// <summary>A text equal for equal selectors of any dialect (AND of tests sorted; OR and NOT kept as shapes).</summary>
    public static string Text(Selector selector)
    {
        if (Conjunction(selector) is { } atoms)
        {
            return atoms.Count == 0 ? "all" : string.Join(" && ", atoms);
        }
        return selector switch
        {
            OrSelector o => "(" + string.Join(" || ", o.Parts.Select(Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + ")",
            AndSelector a => "(" + string.Join(" && ", a.Parts.Select(Text).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)) + ")",
            NotSelector { Inner: AllSelector } => "none",
            NotSelector n => "!(" + Text(n.Inner) + ")",
            _ => selector.ToString() ?? "",
        };
    }

    /// <summary>The atoms as a Kubernetes label selector: single-value In as matchLabels, the rest as matchExpressions.</summary>
    public static LabelSelector ToLabelSelector(IReadOnlyList<LabelAtom> atoms)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var expressions = new List<LabelRequirement>();
        foreach (var atom in atoms)
        {
            if (atom.Operator == SelectorOperator.In && atom.Values.Count == 1 && labels.TryAdd(atom.Key, atom.Values[0]))
            {
                continue;
            }
            expressions.Add(new LabelRequirement(atom.Key, atom.Operator switch
            {
                SelectorOperator.In => LabelOperator.In,
                SelectorOperator.NotIn => LabelOperator.NotIn,
                SelectorOperator.Exists => LabelOperator.Exists,
                _ => LabelOperator.DoesNotExist,
            }, atom.Values));
        }
        return new LabelSelector(labels, expressions);
    }

    private static IEnumerable<LabelAtom> FromLabelSelector(LabelSelector selector) =>
        selector.MatchLabels.Select(l => LabelAtom.Of(l.Key, SelectorOperator.In, [l.Value]))
            .Concat(selector.MatchExpressions.Select(r => LabelAtom.Of(r.Key, r.Operator switch
            {
                LabelOperator.In => SelectorOperator.In,
                LabelOperator.NotIn => SelectorOperator.NotIn,
                LabelOperator.Exists => SelectorOperator.Exists,
                _ => SelectorOperator.NotExists,
            }, r.Values)));

    private static List<LabelAtom> Sorted(IEnumerable<LabelAtom> atoms) =>
        [.. atoms.DistinctBy(a => a.ToString()).OrderBy(a => a.ToString(), StringComparer.Ordinal)];
}
