using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// Writes resources as YAML (block style) or indented JSON. Top-level keys come in the order
/// apiVersion, kind, metadata, spec, status, then the rest; nested keys keep their order.
/// One resource is written as itself, any other number as a "kind: List".
/// Returned text always ends with a newline.
/// </summary>
public static class ManifestWriter
{
    public static string ToYaml(Resource resource) => YamlWriter.Write(ToOrderedNode(resource));

    public static string ToYaml(IReadOnlyList<Resource> resources) => YamlWriter.Write(ToNode(resources));

    /// <summary>Any JSON node as YAML, with the same quoting rules as resources.</summary>
    public static string ToYaml(JsonNode? node) => YamlWriter.Write(node);

    public static string ToJson(Resource resource) => ToOrderedNode(resource).ToJsonString(JsonOutput) + "\n";

    public static string ToJson(IReadOnlyList<Resource> resources) => ToNode(resources).ToJsonString(JsonOutput) + "\n";

    /// <summary>One resource as its ordered object, several (or none) as a v1 List holding them.</summary>
    public static JsonObject ToNode(IReadOnlyList<Resource> resources)
    {
        if (resources.Count == 1)
        {
            return ToOrderedNode(resources[0]);
        }
        var items = new JsonArray();
        foreach (var resource in resources)
        {
            items.Add((JsonNode)ToOrderedNode(resource));
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "List",
            ["metadata"] = new JsonObject(),
            ["items"] = items,
        };
    }

    /// <summary>The resource in wire shape with keys in output order and empty metadata collections left out.</summary>
    public static JsonObject ToOrderedNode(Resource resource)
    {
        var wire = ResourceJson.ToNode(resource);
        var ordered = new JsonObject();
        foreach (var key in LeadingKeys)
        {
            if (wire.Remove(key, out var value))
            {
                ordered[key] = value;
            }
        }
        foreach (var key in wire.Select(p => p.Key).ToList())
        {
            wire.Remove(key, out var value);
            ordered[key] = value;
        }
        if (ordered["metadata"] is JsonObject meta)
        {
            PruneEmpty(meta);
        }
        return ordered;
    }

    // ObjectMeta always serializes its collections; kubectl leaves empty ones out, and so do we.
    private static void PruneEmpty(JsonObject meta)
    {
        foreach (var key in meta.Where(p => p.Value is JsonObject { Count: 0 } or JsonArray { Count: 0 }).Select(p => p.Key).ToList())
        {
            meta.Remove(key);
        }
    }

    private static readonly string[] LeadingKeys = ["apiVersion", "kind", "metadata", "spec", "status"];

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        IndentSize = 4,
        // Output is for people and files, not for embedding in HTML: keep '<', '&' and non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
