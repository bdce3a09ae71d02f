using Weft.Policy.Ir;

namespace Weft.Policy.Calico;

/// <summary>Rewriting and constant folding over IR selectors; "nothing" is <c>!(all)</c>.</summary>
internal static class SelectorAlgebra
{
    public static Selector None { get; } = new NotSelector(Selector.All);

    public static bool IsNone(Selector s) => s is NotSelector { Inner: AllSelector };

    public static bool IsAll(Selector s) => s is AllSelector;

    public static Selector And(params Selector[] parts) => Simplify(new AndSelector(parts));

    public static Selector Or(IEnumerable<Selector> parts) => Simplify(new OrSelector([.. parts]));

    public static Selector Not(Selector s) => Simplify(new NotSelector(s));

    /// <summary>Replaces each label test by what <paramref name="leaf"/> returns, then folds constants.</summary>
    public static Selector Map(Selector s, Func<LabelExpression, Selector> leaf) => Simplify(MapRaw(s, leaf));

    /// <summary>Every label test in the expression, in order of appearance.</summary>
    public static IEnumerable<LabelExpression> Leaves(Selector s) => s switch
    {
        LabelExpression e => [e],
        AndSelector a => a.Parts.SelectMany(Leaves),
        OrSelector o => o.Parts.SelectMany(Leaves),
        NotSelector n => Leaves(n.Inner),
        _ => [],
    };

    public static Selector Simplify(Selector s)
    {
        switch (s)
        {
            case AndSelector a:
                var all = Flatten<AndSelector>(a.Parts.Select(Simplify), x => x.Parts).Where(p => !IsAll(p)).ToList();
                return all.Any(IsNone) ? None : all.Count switch
                {
                    0 => Selector.All,
                    1 => all[0],
                    _ => new AndSelector(Distinct(all)),
                };
            case OrSelector o:
                var any = Flatten<OrSelector>(o.Parts.Select(Simplify), x => x.Parts).Where(p => !IsNone(p)).ToList();
                return any.Any(IsAll) ? Selector.All : any.Count switch
                {
                    0 => None,
                    1 => any[0],
                    _ => new OrSelector(Distinct(any)),
                };
            case NotSelector n:
                return Simplify(n.Inner) switch
                {
                    AllSelector => None,
                    NotSelector inner => inner.Inner,
                    LabelExpression { Operator: SelectorOperator.Exists } e => e with { Operator = SelectorOperator.NotExists },
                    LabelExpression { Operator: SelectorOperator.NotExists } e => e with { Operator = SelectorOperator.Exists },
                    var inner => new NotSelector(inner),
                };
            default:
                return s;
        }
    }

    /// <summary>Stable text of a selector, for grouping and de-duplication (records compare lists by reference).</summary>
    public static string Key(Selector s) => s.ToString() ?? "";

    private static Selector MapRaw(Selector s, Func<LabelExpression, Selector> leaf) => s switch
    {
        LabelExpression e => leaf(e),
        AndSelector a => new AndSelector([.. a.Parts.Select(p => MapRaw(p, leaf))]),
        OrSelector o => new OrSelector([.. o.Parts.Select(p => MapRaw(p, leaf))]),
        NotSelector n => new NotSelector(MapRaw(n.Inner, leaf)),
        _ => s,
    };

    private static IEnumerable<Selector> Flatten<T>(IEnumerable<Selector> parts, Func<T, IEnumerable<Selector>> children)
        where T : Selector =>
        parts.SelectMany(p => p is T t ? children(t) : [p]);

    private static List<Selector> Distinct(List<Selector> parts) =>
        [.. parts.GroupBy(Key, StringComparer.Ordinal).Select(g => g.First())];
}
