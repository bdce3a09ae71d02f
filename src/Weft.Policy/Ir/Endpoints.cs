namespace Weft.Policy.Ir;

/// <summary>Which namespaces a pod selector looks in.</summary>
public abstract record NamespaceScope;

/// <summary>One named namespace: the policy's own, for namespaced policies.</summary>
public sealed record InNamespace(string Name) : NamespaceScope
{
    public override string ToString() => $"namespace {Name}";
}

/// <summary>Namespaces whose labels (including kubernetes.io/metadata.name) match.</summary>
public sealed record NamespacesMatching(Selector Selector) : NamespaceScope
{
    public override string ToString() => $"namespaces [{Selector}]";
}

/// <summary>The namespace of the pod the rule is being evaluated for (Antrea and ANP "sameNamespace"/Self).</summary>
public sealed record SameNamespaceAsSubject : NamespaceScope
{
    public override string ToString() => "the subject's namespace";
}

/// <summary>The endpoints a rule or isolation fact applies to.</summary>
public abstract record Subject;

/// <summary>Pods matching <see cref="Pods"/> in the namespaces of <see cref="Namespaces"/>; host-network pods are never subjects.</summary>
public sealed record PodSubject(Selector Pods, NamespaceScope Namespaces) : Subject
{
    public override string ToString() => $"pods [{Pods}] in {Namespaces}";
}

/// <summary>
/// Namespaces that agree (<see cref="Same"/>) or disagree with the subject's namespace on every one of
/// <see cref="Keys"/> (ANP and Antrea sameLabels / notSameLabels).
/// </summary>
public sealed record NamespacesSharingLabels(IReadOnlyList<string> Keys, bool Same) : NamespaceScope
{
    /// <summary>Same: every key present on both with equal values; not same: the opposite.</summary>
    public bool Admits(IReadOnlyDictionary<string, string> candidate, IReadOnlyDictionary<string, string> subject)
    {
        var same = Keys.All(k => candidate.TryGetValue(k, out var a) && subject.TryGetValue(k, out var b) && a == b);
        return Same ? same : !same;
    }

    public override string ToString() => $"namespaces with {(Same ? "the same" : "different")} {string.Join(",", Keys)} as the subject's";
}
