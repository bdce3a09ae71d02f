using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Where a node came from: "pods.yaml document 2" plus a path inside it such as "items[3]".</summary>
internal readonly record struct ManifestLocation(string Origin, int Document, string Path)
{
    public ManifestLocation Child(string step) => this with { Path = Path + step };

    public ManifestException Error(string detail) =>
        new(Origin, Document, Path.Length == 0 ? detail : $"{Path}: {detail}");
}

/// <summary>Turns parsed documents into resources: arrays and List kinds are opened up, recursively.</summary>
internal static class ManifestFlattener
{
    public static void Add(JsonNode? node, ManifestLocation at, List<Resource> output)
    {
        switch (node)
        {
            case null:
                return; // an empty document, as kubectl skips it
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Add(array[i], at.Child($"[{i}]"), output);
                }
                return;
            case JsonObject obj when IsList(obj):
                AddListItems(obj, at, output);
                return;
            case JsonObject obj:
                output.Add(ToResource(obj, at));
                return;
            default:
                throw at.Error($"expected an object, got {Describe(node)}");
        }
    }

    private static bool IsList(JsonObject obj) =>
        JsonRead.String(obj["kind"]) is { } kind
        && (kind == "List" || (kind.EndsWith("List", StringComparison.Ordinal) && obj["items"] is JsonArray));

    private static void AddListItems(JsonObject list, ManifestLocation at, List<Resource> output)
    {
        if (list["items"] is not JsonArray items)
        {
            if (list["items"] is null)
            {
                return; // "items: null" or absent is an empty list
            }
            throw at.Error("field 'items' must be a list");
        }

        // Typed lists (PodList) from the API server leave kind and apiVersion off their items.
        var listKind = JsonRead.String(list["kind"])!;
        var itemKind = listKind == "List" ? null : listKind[..^"List".Length];
        var apiVersion = JsonRead.String(list["apiVersion"]);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (itemKind is not null && item is JsonObject obj)
            {
                obj = (JsonObject)obj.DeepClone();
                if (!obj.ContainsKey("kind"))
                {
                    obj["kind"] = itemKind;
                }
                if (!obj.ContainsKey("apiVersion") && apiVersion is not null)
                {
                    obj["apiVersion"] = apiVersion;
                }
                item = obj;
            }
            Add(item, at.Child($"items[{i}]"), output);
        }
    }

    private static Resource ToResource(JsonObject obj, ManifestLocation at)
    {
        RequireString(obj, "apiVersion", at);
        RequireString(obj, "kind", at);
        if (obj["metadata"] is { } meta && meta is not JsonObject)
        {
            throw at.Error($"field 'metadata' must be an object, got {Describe(meta)}");
        }
        try
        {
            return ResourceJson.FromNode(obj);
        }
        catch (FormatException e)
        {
            throw at.Error(e.Message);
        }
    }

    private static void RequireString(JsonObject obj, string field, ManifestLocation at)
    {
        var value = obj[field];
        if (value is null || (JsonRead.String(value) is { Length: 0 }))
        {
            throw at.Error($"field '{field}' is required");
        }
        if (JsonRead.String(value) is null)
        {
            throw at.Error($"field '{field}' must be a string, got {Describe(value)}");
        }
    }

    internal static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "a list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => $"the string {v.ToJsonString()}",
            JsonValueKind.Number => $"the number {v.ToJsonString()}",
            _ => $"the value {v.ToJsonString()}",
        },
        _ => "an unknown node",
    };
}
