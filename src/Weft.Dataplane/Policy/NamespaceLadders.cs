using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// The ladder narrowed to the rules and isolations that can select pods of one namespace: most subjects name
/// their namespace (every NetworkPolicy), so a pod's chain need not test the whole cluster's rules.
/// </summary>
internal sealed class NamespaceLadders
{
    private readonly Dictionary<string, List<(int Order, PolicyRule Rule)>> _rules = new(StringComparer.Ordinal);
    private readonly List<(int Order, PolicyRule Rule)> _anyNamespace = [];
    private readonly Dictionary<string, List<Isolation>> _isolations = new(StringComparer.Ordinal);
    private readonly List<Isolation> _anyIsolation = [];
    private readonly Dictionary<string, (List<PolicyRule>, List<Isolation>)> _narrowed = new(StringComparer.Ordinal);

    /// <param name="ladder">Rules in ladder order.</param>
    public NamespaceLadders(IReadOnlyList<PolicyRule> ladder, IReadOnlyList<Isolation> isolations)
    {
        for (var i = 0; i < ladder.Count; i++)
        {
            Bucket(_rules, _anyNamespace, ladder[i].Subject).Add((i, ladder[i]));
        }
        foreach (var isolation in isolations)
        {
            Bucket(_isolations, _anyIsolation, isolation.Subject).Add(isolation);
        }
    }

    /// <summary>The rules (in ladder order) and isolations that may apply to a pod of <paramref name="ns"/>.</summary>
    public (List<PolicyRule> Rules, List<Isolation> Isolations) For(string ns)
    {
        if (!_narrowed.TryGetValue(ns, out var result))
        {
            var rules = Merge(_rules.GetValueOrDefault(ns, []), _anyNamespace);
            var isolations = _isolations.GetValueOrDefault(ns, []).Concat(_anyIsolation).ToList();
            _narrowed[ns] = result = (rules, isolations);
        }
        return result;
    }

    /// <summary>Both lists are in ladder order already: merge them rather than sort.</summary>
    private static List<PolicyRule> Merge(List<(int Order, PolicyRule Rule)> a, List<(int Order, PolicyRule Rule)> b)
    {
        var merged = new List<PolicyRule>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            merged.Add(j == b.Count || (i < a.Count && a[i].Order < b[j].Order) ? a[i++].Rule : b[j++].Rule);
        }
        return merged;
    }

    private static List<T> Bucket<T>(Dictionary<string, List<T>> named, List<T> any, Subject subject)
    {
        var ns = subject switch
        {
            PodSubject { Namespaces: InNamespace n } => n.Name,
            PodSubject { Namespaces: NamespacesMatching m } => PinnedNamespace(m.Selector),
            _ => null,
        };
        if (ns is null)
        {
            return any;
        }
        if (!named.TryGetValue(ns, out var list))
        {
            named[ns] = list = [];
        }
        return list;
    }

    /// <summary>
    /// The one namespace a selector can match when it requires its name label (cluster-scoped dialects pin a
    /// namespace this way), else null. Only narrows where to look: each pod is still tested against the subject.
    /// </summary>
    private static string? PinnedNamespace(Selector selector) => selector switch
    {
        LabelMatch { Selector.MatchLabels: var labels } when labels.TryGetValue(NameLabel, out var name) => name,
        LabelExpression { Key: NameLabel, Operator: SelectorOperator.Equals } e => e.Values[0],
        AndSelector and => and.Parts.Select(PinnedNamespace).FirstOrDefault(n => n is not null),
        _ => null,
    };

    private const string NameLabel = "kubernetes.io/metadata.name";
}
