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
            var rules = _rules.GetValueOrDefault(ns, []).Concat(_anyNamespace).OrderBy(r => r.Order).Select(r => r.Rule).ToList();
            var isolations = _isolations.GetValueOrDefault(ns, []).Concat(_anyIsolation).ToList();
            _narrowed[ns] = result = (rules, isolations);
        }
        return result;
    }

    private static List<T> Bucket<T>(Dictionary<string, List<T>> named, List<T> any, Subject subject)
    {
        if (subject is not PodSubject { Namespaces: InNamespace n })
        {
            return any;
        }
        if (!named.TryGetValue(n.Name, out var list))
        {
            named[n.Name] = list = [];
        }
        return list;
    }
}
