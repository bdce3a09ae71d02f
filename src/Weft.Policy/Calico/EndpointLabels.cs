using Weft.Model;
using Weft.Policy.Ir;
using static Weft.Policy.Calico.SelectorAlgebra;

namespace Weft.Policy.Calico;

/// <summary>
/// The labels Calico gives a pod's workload endpoint, and how an expression over them becomes the model's
/// (namespace scope, pod selector) pairs. Besides the pod's own labels Calico adds
/// <c>projectcalico.org/namespace</c>, <c>projectcalico.org/orchestrator: k8s</c>, the namespace's labels
/// prefixed <c>pcns.</c> (with <c>pcns.projectcalico.org/name</c> = the namespace name) and service-account
/// labels (<c>projectcalico.org/serviceaccount</c>, <c>pcsa.*</c>), which map onto the model's reserved labels. Policy and rule selectors are combined
/// into one expression over that view, exactly as libcalico-go builds them, and only then split.
/// </summary>
internal static class EndpointLabels
{
    public const string NamespaceKey = "projectcalico.org/namespace";
    public const string OrchestratorKey = "projectcalico.org/orchestrator";
    public const string ServiceAccountKey = "projectcalico.org/serviceaccount";
    public const string NamespacePrefix = "pcns.";
    public const string ServiceAccountPrefix = "pcsa.";

    /// <summary>The label a namespace profile carries with the namespace name (selectable in namespaceSelector).</summary>
    public const string NameKey = "projectcalico.org/name";

    /// <summary>Distinct namespace tests one mixed expression may hold (it is expanded over their 2^n truth values).</summary>
    public const int MaxNamespaceTests = 12;

    private static readonly Dictionary<string, string> Orchestrator = new(StringComparer.Ordinal) { [OrchestratorKey] = "k8s" };

    /// <summary>A namespaceSelector as an endpoint expression: every key gets the pcns. prefix.</summary>
    public static Selector FromNamespaceSelector(Selector namespaces) =>
        Map(namespaces, e => e with { Key = NamespacePrefix + e.Key });

    /// <summary>The endpoint expression "in namespace <paramref name="ns"/>" that namespaced policies add.</summary>
    public static Selector InNamespace(string ns) => new LabelExpression(NamespaceKey, SelectorOperator.Equals, [ns]);

    /// <summary>
    /// The expression with Calico's service-account labels spelled as the model's reserved ones: the account's
    /// name (<c>projectcalico.org/serviceaccount</c>) and its object's labels (<c>pcsa.*</c>).
    /// </summary>
    public static Selector WithModelServiceAccount(Selector s) => Map(s, e =>
        e.Key == ServiceAccountKey ? e with { Key = ReservedLabels.ServiceAccount }
        : e.Key.StartsWith(ServiceAccountPrefix, StringComparison.Ordinal) ? e with { Key = ReservedLabels.ServiceAccountLabelPrefix + e.Key[ServiceAccountPrefix.Length..] }
        : e);

    /// <summary>A selector over ServiceAccount labels (serviceAccountSelector, serviceAccounts.selector) as a test of the pod.</summary>
    public static Selector FromServiceAccountSelector(Selector accounts) =>
        Map(accounts, e => e with { Key = ReservedLabels.ServiceAccountLabelPrefix + e.Key });

    /// <summary>One piece of a split expression: pods matching <see cref="Pods"/> in namespaces matching <see cref="Namespaces"/>.</summary>
    public sealed record Part(Selector Namespaces, Selector Pods);

    /// <summary>
    /// Splits an expression (service-account tests already removed) into parts whose namespace selectors
    /// partition the namespaces, so that a pod matches the expression exactly when it matches the pod selector of
    /// its namespace's part. Parts may have the pod selector "none"; they matter for complements.
    /// </summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxNamespaceTests"/> namespace tests are mixed with pod tests.</exception>
    public static IReadOnlyList<Part> Split(Selector expression)
    {
        var expr = FoldConstants(expression);
        var atoms = Leaves(expr).Where(IsNamespaceTest).DistinctBy(Key).ToList();
        if (atoms.Count == 0)
        {
            return [new Part(Selector.All, expr)];
        }
        if (Separate(expr) is var (namespaces, pods))
        {
            var ns = Map(namespaces, ToNamespaceLabels);
            return [new Part(ns, pods), new Part(Not(ns), None)];
        }
        if (atoms.Count > MaxNamespaceTests)
        {
            throw new ArgumentException($"combines more than {MaxNamespaceTests} namespace tests with pod label tests");
        }
        return Expand(expr, atoms);
    }

    /// <summary>Pod peers for an expression: every part that matches some pod.</summary>
    public static IEnumerable<PodPeer> Peers(Selector expression) =>
        Split(expression).Where(p => !IsNone(p.Pods) && !IsNone(p.Namespaces)).Select(p => new PodPeer(p.Pods, Scope(p.Namespaces)));

    /// <summary>Subjects for an expression; the parts are disjoint, so a pod is selected by at most one.</summary>
    public static IEnumerable<PodSubject> Subjects(Selector expression) =>
        Split(expression).Where(p => !IsNone(p.Pods) && !IsNone(p.Namespaces)).Select(p => new PodSubject(p.Pods, Scope(p.Namespaces)));

    /// <summary>
    /// Everything a Calico notSelector lets through: endpoints Weft does not manage (external addresses, nodes,
    /// host-network pods) and the pods the expression does not match.
    /// </summary>
    public static IEnumerable<Peer> Complement(Selector expression)
    {
        var parts = Split(expression);
        if (parts is [{ Namespaces: AllSelector } only])
        {
            return [new NotPeer(new PodPeer(only.Pods, new NamespacesMatching(Selector.All)))];
        }
        IEnumerable<Peer> pods = parts.Select(p => p with { Pods = Not(p.Pods) })
            .Where(p => !IsNone(p.Pods) && !IsNone(p.Namespaces))
            .Select(p => new PodPeer(p.Pods, Scope(p.Namespaces)));
        return pods.Prepend(NotAPod);
    }

    /// <summary>Any remote that is not a (non-host-network) pod.</summary>
    public static Peer NotAPod { get; } = new NotPeer(new PodPeer(Selector.All, new NamespacesMatching(Selector.All)));

    private static NamespaceScope Scope(Selector namespaces) => namespaces switch
    {
        AllSelector => new NamespacesMatching(Selector.All),
        LabelExpression { Key: NamespaceView.NameLabel, Operator: SelectorOperator.Equals } e => new InNamespace(e.Values[0]),
        _ => new NamespacesMatching(namespaces),
    };

    /// <summary>Tests with the same value for every pod: the orchestrator is k8s and every pod has a namespace.</summary>
    private static Selector FoldConstants(Selector s) => Map(s, e => e.Key switch
    {
        OrchestratorKey => e.Matches(Orchestrator) ? Selector.All : None,
        NamespaceKey when e.Operator == SelectorOperator.Exists => Selector.All,
        NamespaceKey when e.Operator == SelectorOperator.NotExists => None,
        _ => e,
    });

    private static bool IsNamespaceTest(LabelExpression e) =>
        e.Key == NamespaceKey || e.Key.StartsWith(NamespacePrefix, StringComparison.Ordinal);

    /// <summary>The same test over the namespace's own labels (its name is kubernetes.io/metadata.name there).</summary>
    private static Selector ToNamespaceLabels(LabelExpression e)
    {
        var key = e.Key == NamespaceKey ? NamespaceView.NameLabel : e.Key[NamespacePrefix.Length..];
        return e with { Key = key == NameKey ? NamespaceView.NameLabel : key };
    }

    /// <summary>The common shape "namespace tests AND pod tests" needs no expansion.</summary>
    private static (Selector Namespaces, Selector Pods)? Separate(Selector expr)
    {
        IReadOnlyList<Selector> parts = expr is AndSelector a ? a.Parts : [expr];
        var ns = parts.Where(p => Leaves(p).Any() && Leaves(p).All(IsNamespaceTest)).ToList();
        var pods = parts.Where(p => !Leaves(p).Any(IsNamespaceTest)).ToList();
        return ns.Count + pods.Count == parts.Count ? (And([.. ns]), And([.. pods])) : null;
    }

    /// <summary>
    /// Shannon expansion over the namespace tests: for each combination of their truth values, the pod selector
    /// that remains. Combinations leaving the same pod selector are merged into one part.
    /// </summary>
    private static List<Part> Expand(Selector expr, List<LabelExpression> atoms)
    {
        var index = atoms.Select((a, i) => (Key(a), i)).ToDictionary(x => x.Item1, x => x.i, StringComparer.Ordinal);
        var groups = new List<(Selector Pods, List<Selector> Cases)>();
        var combinations = 1 << atoms.Count;
        for (var mask = 0; mask < combinations; mask++)
        {
            var pods = Map(expr, e => index.TryGetValue(Key(e), out var i) ? ((mask >> i) & 1) == 1 ? Selector.All : None : e);
            var @case = And([.. atoms.Select((a, i) => ((mask >> i) & 1) == 1 ? ToNamespaceLabels(a) : Not(ToNamespaceLabels(a)))]);
            var group = groups.FindIndex(g => Key(g.Pods) == Key(pods));
            if (group < 0)
            {
                groups.Add((pods, [@case]));
            }
            else
            {
                groups[group].Cases.Add(@case);
            }
        }
        return [.. groups.Select(g => new Part(g.Cases.Count == combinations ? Selector.All : Or(g.Cases), g.Pods))];
    }
}
