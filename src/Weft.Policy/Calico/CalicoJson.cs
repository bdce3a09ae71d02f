using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Policy.Calico;

/// <summary>Readers over the untyped spec: a value of the wrong type reads as null, and the caller reports it.</summary>
internal static class CalicoJson
{
    public static string? Text(JsonNode? node) => JsonRead.String(node);

    public static bool IsNumber(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;

    public static double? Number(JsonNode? node) => JsonRead.Number(node);

    /// <summary>A whole number, or null for anything else (3.5, "3", true).</summary>
    public static long? Integer(JsonNode? node) => JsonRead.Integer(node);

    public static bool Bool(JsonNode? node) => JsonRead.Bool(node) == true;

    /// <summary>True when the field is present and not an empty string, list or object (Go's "has and non-empty").</summary>
    public static bool Present(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        _ => Text(node) is not "",
    };
}
