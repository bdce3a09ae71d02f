using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Weft.Model;

/// <summary>Reads and writes <see cref="Resource"/> in the Kubernetes wire shape.</summary>
public static class ResourceJson
{
    public static string Serialize(Resource obj, bool indented = false) =>
        ToNode(obj).ToJsonString(indented ? Indented : Compact);

    public static JsonObject ToNode(Resource obj)
    {
        var node = new JsonObject
        {
            ["apiVersion"] = obj.ApiVersion,
            ["kind"] = obj.Kind,
            ["metadata"] = JsonSerializer.SerializeToNode(obj.Metadata, ModelJsonContext.Default.ObjectMeta),
        };
        foreach (var (k, v) in obj.Body)
        {
            node[k] = v?.DeepClone();
        }
        return node;
    }

    public static Resource Parse(string json) =>
        FromNode(JsonNode.Parse(json) as JsonObject ?? throw new FormatException("expected a JSON object"));

    public static Resource Parse(ReadOnlySpan<byte> utf8) =>
        FromNode(JsonNode.Parse(utf8) as JsonObject ?? throw new FormatException("expected a JSON object"));

    /// <summary>Builds a resource from a JSON object; names the missing field when it is not one.</summary>
    public static Resource FromNode(JsonObject node)
    {
        // Read leniently: a non-string apiVersion or kind is reported as missing, not as a cast error.
        var apiVersion = JsonRead.String(node["apiVersion"]);
        var kind = JsonRead.String(node["kind"]);
        var meta = MetadataReader.Read(node["metadata"]);
        var what = meta.Name.Length > 0 ? $"object '{meta.Name}'" : "object";
        if (string.IsNullOrEmpty(apiVersion))
        {
            throw new FormatException($"{what}: field 'apiVersion' is required");
        }
        if (string.IsNullOrEmpty(kind))
        {
            throw new FormatException($"{what}: field 'kind' is required");
        }
        var body = new JsonObject();
        foreach (var (k, v) in node)
        {
            if (k is "apiVersion" or "kind" or "metadata")
            {
                continue;
            }
            body[k] = v?.DeepClone();
        }
        return new Resource { ApiVersion = apiVersion, Kind = kind, Metadata = meta, Body = body };
    }

    private static readonly JsonSerializerOptions Compact = new();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(ObjectMeta))]
internal sealed partial class ModelJsonContext : JsonSerializerContext;
