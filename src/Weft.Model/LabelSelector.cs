using System.Text.Json.Nodes;

namespace Weft.Model;

public enum LabelOperator
{
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// <summary>One matchExpressions entry. Values is empty for Exists and DoesNotExist.</summary>
public sealed class LabelRequirement
{
    /// <exception cref="ArgumentException">In/NotIn without values, or Exists/DoesNotExist with values.</exception>
    public LabelRequirement(string key, LabelOperator op, IEnumerable<string>? values = null)
    {
        var list = values?.ToList() ?? [];
        var needsValues = op is LabelOperator.In or LabelOperator.NotIn;
        if (needsValues && list.Count == 0)
        {
            throw new ArgumentException($"label requirement '{key}': operator {op} needs at least one value", nameof(values));
        }
        if (!needsValues && list.Count > 0)
        {
            throw new ArgumentException($"label requirement '{key}': operator {op} takes no values", nameof(values));
        }
        Key = key;
        Operator = op;
        Values = list;
    }

    public string Key { get; }
    public LabelOperator Operator { get; }
    public IReadOnlyList<string> Values { get; }

    /// <summary>NotIn and DoesNotExist match objects that lack the key, as in Kubernetes.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.In => has && Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            _ => false,
        };
    }

    /// <summary>kubectl's selector syntax: "tier in (a,b)", "!debug", "env".</summary>
    public override string ToString() => Operator switch
    {
        LabelOperator.In => $"{Key} in ({string.Join(",", Values)})",
        LabelOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        LabelOperator.Exists => Key,
        _ => "!" + Key,
    };
}

/// <summary>
/// A Kubernetes label selector: all matchLabels and all matchExpressions must hold.
/// An empty selector matches every object.
/// </summary>
public sealed class LabelSelector
{
    public LabelSelector(IReadOnlyDictionary<string, string>? matchLabels = null, IEnumerable<LabelRequirement>? matchExpressions = null)
    {
        MatchLabels = new Dictionary<string, string>(matchLabels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        MatchExpressions = matchExpressions?.ToList() ?? [];
    }

    /// <summary>The empty selector.</summary>
    public static LabelSelector Everything { get; } = new();

    public IReadOnlyDictionary<string, string> MatchLabels { get; }
    public IReadOnlyList<LabelRequirement> MatchExpressions { get; }
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) =>
        MatchLabels.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value)
        && MatchExpressions.All(r => r.Matches(labels));

    /// <summary>
    /// Reads {matchLabels, matchExpressions}. A null node reads as the empty selector; callers for which
    /// an absent selector means something else (e.g. NetworkPolicy peers) must check for null first.
    /// Numbers and booleans in matchLabels and values are read as their text, like labels.
    /// </summary>
    /// <param name="node">The selector object.</param>
    /// <param name="path">Field path used in error messages, e.g. "spec.podSelector".</param>
    /// <exception cref="FormatException">A field has the wrong type or an unknown operator; the message names it.</exception>
    public static LabelSelector Parse(JsonNode? node, string path = "selector")
    {
        if (node is null)
        {
            return Everything;
        }
        if (node is not JsonObject obj)
        {
            throw new FormatException($"{path}: must be an object");
        }
        var matchLabels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (obj["matchLabels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                matchLabels[key] = JsonRead.ScalarText(value) ?? throw new FormatException($"{path}.matchLabels.{key}: must be a string");
            }
        }
        else if (obj["matchLabels"] is not null)
        {
            throw new FormatException($"{path}.matchLabels: must be an object");
        }

        var expressions = new List<LabelRequirement>();
        if (obj["matchExpressions"] is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                expressions.Add(ParseRequirement(list[i], $"{path}.matchExpressions[{i}]"));
            }
        }
        else if (obj["matchExpressions"] is not null)
        {
            throw new FormatException($"{path}.matchExpressions: must be a list");
        }
        return new LabelSelector(matchLabels, expressions);
    }

    /// <summary>kubectl's selector syntax, e.g. "app=web,tier in (a,b),!debug"; "" for the empty selector.</summary>
    public override string ToString() =>
        string.Join(",", MatchLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")
            .Concat(MatchExpressions.Select(e => e.ToString())));

    private static LabelRequirement ParseRequirement(JsonNode? node, string path)
    {
        if (node is not JsonObject obj)
        {
            throw new FormatException($"{path}: must be an object");
        }
        var key = JsonRead.String(obj["key"]);
        if (string.IsNullOrEmpty(key))
        {
            throw new FormatException($"{path}.key: Required value");
        }
        var opText = JsonRead.String(obj["operator"]);
        LabelOperator op = opText switch
        {
            "In" => LabelOperator.In,
            "NotIn" => LabelOperator.NotIn,
            "Exists" => LabelOperator.Exists,
            "DoesNotExist" => LabelOperator.DoesNotExist,
            _ => throw new FormatException(
                $"{path}.operator: Unsupported value: \"{opText}\": supported values: \"DoesNotExist\", \"Exists\", \"In\", \"NotIn\""),
        };
        var values = new List<string>();
        if (obj["values"] is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                values.Add(JsonRead.ScalarText(array[i]) ?? throw new FormatException($"{path}.values[{i}]: must be a string"));
            }
        }
        else if (obj["values"] is not null)
        {
            throw new FormatException($"{path}.values: must be a list");
        }
        try
        {
            return new LabelRequirement(key, op, values);
        }
        catch (ArgumentException e)
        {
            var why = op is LabelOperator.In or LabelOperator.NotIn
                ? "must be specified when operator is In or NotIn"
                : "may not be specified when operator is Exists or DoesNotExist";
            throw new FormatException($"{path}.values: Invalid value: {why}", e);
        }
    }
}
