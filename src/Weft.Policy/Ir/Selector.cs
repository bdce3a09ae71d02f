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

    /// <summary>Every label key the selector tests.</summary>
    public IEnumerable<string> Keys() => this switch
    {
        LabelMatch m => m.Selector.MatchLabels.Keys.Concat(m.Selector.MatchExpressions.Select(e => e.Key)),
        LabelExpression e => [e.Key],
        AndSelector a => a.Parts.SelectMany(p => p.Keys()),
        OrSelector o => o.Parts.SelectMany(p => p.Keys()),
        NotSelector n => n.Inner.Keys(),
        _ => [],
    };
}

/// <summary>
/// Labels the policy view gives every pod besides its own, for identities the dialects select pods by. Each
/// front end maps its own spelling onto them (Antrea <c>serviceAccount</c>, Cilium
/// <c>io.cilium.k8s.policy.serviceaccount</c>, Calico <c>projectcalico.org/serviceaccount</c> and
/// <c>serviceAccounts.names</c>; Calico <c>pcsa.*</c> for the account's labels). The pod's own labels of these
/// keys are dropped, so no pod can claim another identity by labelling itself.
/// </summary>
public static class ReservedLabels
{
    /// <summary>The name of the pod's service account (<c>spec.serviceAccountName</c>, "default" when unset).</summary>
    public const string ServiceAccount = "policy.weft.dev/serviceaccount";

    /// <summary>Prefix of the labels of the pod's ServiceAccount object (Calico's <c>pcsa.*</c>): key = prefix + label key.</summary>
    public const string ServiceAccountLabelPrefix = "sa.policy.weft.dev/";

    /// <summary>True for a key the policy view sets itself, whatever the pod's own labels say.</summary>
    public static bool IsReserved(string key) => key == ServiceAccount || key.StartsWith(ServiceAccountLabelPrefix, StringComparison.Ordinal);
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

/// <summary>The operators of Calico's selector language (a superset of a Kubernetes label selector's; not <c>Weft.Model.LabelOperator</c>).</summary>
public enum SelectorOperator
{
    /// <summary><c>k == "v"</c>: present and equal.</summary>
    Equals,

    /// <summary><c>k != "v"</c>: true when absent (Calico).</summary>
    NotEquals,

    /// <summary><c>k in {"a","b"}</c>: present and one of the values.</summary>
    In,

    /// <summary><c>k not in {"a","b"}</c>: true when absent.</summary>
    NotIn,

    /// <summary><c>has(k)</c>.</summary>
    Exists,

    /// <summary><c>!has(k)</c>.</summary>
    NotExists,

    /// <summary><c>k contains "s"</c>: present and the value contains the text.</summary>
    Contains,

    /// <summary><c>k starts with "s"</c>.</summary>
    StartsWith,

    /// <summary><c>k ends with "s"</c>.</summary>
    EndsWith,
}

/// <summary>One label test (Calico expressions; also usable for any dialect's equality tests).</summary>
public sealed record LabelExpression(string Key, SelectorOperator Operator, IReadOnlyList<string> Values) : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var present = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.Equals => present && value == Values[0],
            SelectorOperator.NotEquals => !present || value != Values[0],
            SelectorOperator.In => present && Values.Contains(value!),
            SelectorOperator.NotIn => !present || !Values.Contains(value!),
            SelectorOperator.Exists => present,
            SelectorOperator.NotExists => !present,
            SelectorOperator.Contains => present && value!.Contains(Values[0], StringComparison.Ordinal),
            SelectorOperator.StartsWith => present && value!.StartsWith(Values[0], StringComparison.Ordinal),
            SelectorOperator.EndsWith => present && value!.EndsWith(Values[0], StringComparison.Ordinal),
            _ => false,
        };
    }

    public override string ToString() => Operator switch
    {
        SelectorOperator.Exists => $"has({Key})",
        SelectorOperator.NotExists => $"!has({Key})",
        SelectorOperator.In or SelectorOperator.NotIn => $"{Key} {(Operator == SelectorOperator.In ? "in" : "not in")} {{{string.Join(",", Values.Select(v => $"'{v}'"))}}}",
        _ => $"{Key} {Operator switch { SelectorOperator.Equals => "==", SelectorOperator.NotEquals => "!=", SelectorOperator.Contains => "contains", SelectorOperator.StartsWith => "starts with", _ => "ends with" }} '{Values[0]}'",
    };
}
