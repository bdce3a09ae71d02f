using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// Lenient readers over untyped JSON: a value of the wrong type reads as absent. Views use these;
/// <see cref="Validation"/> is where wrong types are reported.
/// </summary>
public static class JsonRead
{
    public static string? String(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool? Bool(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        }
        : null;

    /// <summary>An integral number, whatever CLR type backs the node.</summary>
    public static long? Integer(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (v.TryGetValue<JsonElement>(out var e) && e.TryGetInt64(out var fromElement))
        {
            return fromElement;
        }
        var d = v.TryGetValue<double>(out var dv) ? dv : v.TryGetValue<decimal>(out var m) ? (double)m : double.NaN;
        return double.IsFinite(d) && Math.Floor(d) == d && Math.Abs(d) < 9e15 ? (long)d : null;
    }

    /// <summary>Any number as a double, whatever CLR type backs the node (YAML gives long or double, parsed JSON a JsonElement).</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }
        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (v.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }
        return v.TryGetValue<JsonElement>(out var e) && e.TryGetDouble(out var fromElement) ? fromElement : null;
    }

    /// <summary>
    /// The text of a scalar as Kubernetes' map[string]string would want it: strings as they are,
    /// numbers and booleans as written (3 → "3"), null as "". Objects and lists have no text.
    /// </summary>
    public static string? ScalarText(JsonNode? node) => node switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v => v.ToJsonString(),
        _ => null,
    };

    public static IEnumerable<JsonObject> Objects(JsonNode? list) =>
        list is JsonArray array ? array.OfType<JsonObject>() : [];

    public static IReadOnlyList<string> Strings(JsonNode? list) =>
        list is JsonArray array ? array.Select(String).OfType<string>().ToList() : [];

    /// <summary>Walks nested objects by field name; null when any step is missing or not an object.</summary>
    public static JsonNode? At(JsonNode? node, params ReadOnlySpan<string> path)
    {
        foreach (var step in path)
        {
            node = node is JsonObject obj ? obj[step] : null;
        }
        return node;
    }

    /// <summary>The status ("True", "False", "Unknown") of the condition of the given type, or null.</summary>
    public static string? ConditionStatus(JsonObject? status, string type) =>
        Objects(status?["conditions"])
            .Where(c => String(c["type"]) == type)
            .Select(c => String(c["status"]))
            .FirstOrDefault();

    /// <summary>Sets (or adds) the condition of the given type, keeping any other conditions.</summary>
    public static void SetCondition(JsonObject status, string type, bool value)
    {
        if (status["conditions"] is not JsonArray conditions)
        {
            conditions = [];
            status["conditions"] = conditions;
        }
        var text = value ? "True" : "False";
        var existing = conditions.OfType<JsonObject>().FirstOrDefault(c => String(c["type"]) == type);
        if (existing is null)
        {
            conditions.Add((JsonNode)new JsonObject { ["type"] = type, ["status"] = text });
        }
        else
        {
            existing["status"] = text;
        }
    }
}
