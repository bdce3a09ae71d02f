using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// Reads ObjectMeta from JSON. Labels and annotations are map[string]string in Kubernetes, but YAML
/// written by hand often has "latency: 3" there; such numbers and booleans are read as their text.
/// </summary>
internal static class MetadataReader
{
    public static ObjectMeta Read(JsonNode? node)
    {
        if (node is null)
        {
            return new ObjectMeta();
        }
        if (node is not JsonObject obj)
        {
            throw new FormatException("field 'metadata' must be an object");
        }
        if (HasNonStringValues(obj["labels"]) || HasNonStringValues(obj["annotations"]))
        {
            obj = (JsonObject)obj.DeepClone();
            StringifyValues(obj, "labels");
            StringifyValues(obj, "annotations");
        }
        try
        {
            return obj.Deserialize(ModelJsonContext.Default.ObjectMeta) ?? new ObjectMeta();
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? "metadata." + p[2..] : "metadata";
            throw new FormatException($"field '{path}' has the wrong type");
        }
    }

    private static bool HasNonStringValues(JsonNode? map) =>
        map is JsonObject obj && obj.Any(p => JsonRead.String(p.Value) is null);

    private static void StringifyValues(JsonObject meta, string field)
    {
        if (meta[field] is not JsonObject map)
        {
            return;
        }
        foreach (var key in map.Select(p => p.Key).ToList())
        {
            var text = JsonRead.ScalarText(map[key])
                ?? throw new FormatException($"field 'metadata.{field}.{key}' must be a string, got {ManifestFlattener.Describe(map[key])}");
            map[key] = text;
        }
    }
}
