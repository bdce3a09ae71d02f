using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Policy.Calico;

/// <summary>Readers over the untyped spec: a value of the wrong type reads as null, and the caller reports it.</summary>
internal static class CalicoJson
{
    public static string? Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    /// <summary>Any JSON number as a double, whatever CLR type backs the node (YAML gives long or double, JSON a JsonElement).</summary>
    public static double? Number(JsonNode? node)
    {
        if (!IsNumber(node))
        {
            return null;
        }
        var v = (JsonValue)node!;
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

    /// <summary>A whole number, or null for anything else (3.5, "3", true).</summary>
    public static long? Integer(JsonNode? node) =>
        Number(node) is { } d && Math.Floor(d) == d && Math.Abs(d) < 9e15 ? (long)d : null;

    public static bool Bool(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>True when the field is present and not an empty string, list or object (Go's "has and non-empty").</summary>
    public static bool Present(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => Text(node) is not "",
    };
}
