using System.Text.Json.Nodes;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>Writes model selectors in each target's syntax: Kubernetes label selectors and Calico expressions.</summary>
internal static class SelectorWriter
{
    /// <summary>Why the selector is no Kubernetes label selector, or null when it is one.</summary>
    public static string? KubernetesProblem(Selector selector)
    {
        if (LabelAtoms.Conjunction(selector) is not { } atoms)
        {
            return $"selector {LabelAtoms.Text(selector)} needs OR or NOT, which a Kubernetes label selector cannot say";
        }
        return atoms.FirstOrDefault(a => !a.IsKubernetes) is { } odd
            ? $"selector test {odd} has no Kubernetes label selector operator"
            : null;
    }

    /// <summary>A Kubernetes label selector object ({} for all); the selector must pass <see cref="KubernetesProblem"/>.</summary>
    public static JsonObject Kubernetes(Selector selector) => Kubernetes(LabelAtoms.Conjunction(selector) ?? []);

    public static JsonObject Kubernetes(IReadOnlyList<LabelAtom> atoms)
    {
        var selector = LabelAtoms.ToLabelSelector(atoms);
        var result = new JsonObject();
        if (selector.MatchLabels.Count > 0)
        {
            result["matchLabels"] = new JsonObject(selector.MatchLabels.Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));
        }
        if (selector.MatchExpressions.Count > 0)
        {
            result["matchExpressions"] = new JsonArray([.. selector.MatchExpressions.Select(e =>
            {
                var item = new JsonObject { ["key"] = e.Key, ["operator"] = e.Operator.ToString() };
                if (e.Values.Count > 0)
                {
                    item["values"] = new JsonArray([.. e.Values.Select(v => (JsonNode?)v)]);
                }
                return (JsonNode)item;
            })]);
        }
        return result;
    }

    /// <summary>The selector in Calico's expression language ("all()" for all), or null when a value holds both quote characters.</summary>
    public static string? Calico(Selector selector)
    {
        if (LabelAtoms.Conjunction(selector) is { } atoms)
        {
            if (atoms.Count == 0)
            {
                return "all()";
            }
            var parts = atoms.Select(Calico).ToList();
            return parts.Any(p => p is null) ? null : string.Join(" && ", parts);
        }
        List<string?> inner;
        switch (selector)
        {
            case OrSelector o:
                inner = [.. o.Parts.Select(Calico)];
                return inner.Any(p => p is null) ? null : "(" + string.Join(" || ", inner) + ")";
            case AndSelector a:
                inner = [.. a.Parts.Select(Calico)];
                return inner.Any(p => p is null) ? null : "(" + string.Join(" && ", inner) + ")";
            case NotSelector { Inner: AllSelector }:
                return "!all()";
            case NotSelector n:
                return Calico(n.Inner) is { } text ? $"!({text})" : null;
            default:
                return null;
        }
    }

    private static string? Calico(LabelAtom atom)
    {
        var values = atom.Values.Select(Quote).ToList();
        if (values.Any(v => v is null))
        {
            return null;
        }
        return atom.Operator switch
        {
            SelectorOperator.Exists => $"has({atom.Key})",
            SelectorOperator.NotExists => $"!has({atom.Key})",
            SelectorOperator.In when values.Count == 1 => $"{atom.Key} == {values[0]}",
            SelectorOperator.NotIn when values.Count == 1 => $"{atom.Key} != {values[0]}",
            SelectorOperator.In => $"{atom.Key} in {{{string.Join(", ", values)}}}",
            SelectorOperator.NotIn => $"{atom.Key} not in {{{string.Join(", ", values)}}}",
            SelectorOperator.Contains => $"{atom.Key} contains {values[0]}",
            SelectorOperator.StartsWith => $"{atom.Key} starts with {values[0]}",
            _ => $"{atom.Key} ends with {values[0]}",
        };
    }

    /// <summary>Calico strings have no escapes: single quotes unless the value holds one.</summary>
    private static string? Quote(string value) =>
        !value.Contains('\'', StringComparison.Ordinal) ? $"'{value}'"
        : !value.Contains('"', StringComparison.Ordinal) ? $"\"{value}\""
        : null;
}
