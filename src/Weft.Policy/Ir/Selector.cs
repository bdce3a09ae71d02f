using Weft.Model;

namespace Weft.Policy.Ir;

/// <summary>
/// A boolean expression over an object's labels. Every dialect's selector syntax compiles to these cases;
/// Kubernetes label selectors are <see cref="LabelMatch"/>, Calico's expression language adds And/Or/Not.
/// </summary>
public abstract record Selector
{
    /// <summary>Matches every object.</summary>
    public static Selector All { get; } = new AllSelector();

    /// <summary>The empty Kubernetes selector becomes <see cref="All"/>, so printing and comparing stay simple.</summary>
    public static Selector From(LabelSelector selector) => selector.IsEmpty ? All : new LabelMatch(selector);

    public abstract bool Matches(IReadOnlyDictionary<string, string> labels);
}

/// <summary>Every object.</summary>
public sealed record AllSelector : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => true;

    public override string ToString() => "all";
}

/// <summary>A Kubernetes label selector (matchLabels and matchExpressions).</summary>
public sealed record LabelMatch(LabelSelector Selector) : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => Selector.Matches(labels);

    public override string ToString() => Selector.ToString();
}

/// <summary>Every part holds.</summary>
public sealed record AndSelector(IReadOnlyList<Selector> Parts) : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => Parts.All(p => p.Matches(labels));

    public override string ToString() => "(" + string.Join(" && ", Parts) + ")";
}

/// <summary>Some part holds.</summary>
public sealed record OrSelector(IReadOnlyList<Selector> Parts) : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => Parts.Any(p => p.Matches(labels));

    public override string ToString() => "(" + string.Join(" || ", Parts) + ")";
}

/// <summary>The inner selector does not hold.</summary>
public sealed record NotSelector(Selector Inner) : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => !Inner.Matches(labels);

    public override string ToString() => $"!({Inner})";
}
