using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Cilium;

/// <summary>
/// What one policy object is compiled with: where errors and warnings go, and the namespace the policy lives in
/// (null for a CiliumClusterwideNetworkPolicy).
/// </summary>
internal sealed class CiliumScope(string objectRef, string? policyNamespace, PolicyContext context)
{
    public string ObjectRef { get; } = objectRef;

    /// <summary>The CNP's namespace; null for a CCNP, whose selectors span every namespace.</summary>
    public string? Namespace { get; } = policyNamespace;

    public PolicyContext Context { get; } = context;

    public FieldErrorList Errors { get; } = new(objectRef);

    public List<string> Warnings { get; } = [];

    /// <summary>Something valid that Weft does not (fully) enforce, worded like an error: object, field, what.</summary>
    public void Warn(string field, string what)
    {
        var text = $"{ObjectRef}: {field}: {what}";
        if (!Warnings.Contains(text))
        {
            Warnings.Add(text);
        }
    }

    /// <summary>A list field: null when absent (or null), its items when a list, an error and null otherwise.</summary>
    public IReadOnlyList<JsonNode?>? List(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonArray array:
                return [.. array];
            default:
                Errors.Invalid(path, node, "must be a list");
                return null;
        }
    }

    /// <summary>An object field: null when absent, the object when it is one, an error and null otherwise.</summary>
    public JsonObject? Object(JsonNode? node, string path)
    {
        if (node is null or JsonObject)
        {
            return node as JsonObject;
        }
        Errors.Invalid(path, node, "must be an object");
        return null;
    }

    /// <summary>A string field: null when absent, an error when not a string.</summary>
    public string? String(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        if (CiliumJson.Text(node) is { } text)
        {
            return text;
        }
        Errors.Invalid(path, node, "must be a string");
        return null;
    }
}

/// <summary>Readers over untyped JSON that do not report anything.</summary>
internal static class CiliumJson
{
    public static string? Text(JsonNode? node) => Weft.Model.JsonRead.String(node);

    public static bool? Bool(JsonNode? node) => Weft.Model.JsonRead.Bool(node);

    /// <summary>An integral number whatever CLR type backs the node (YAML gives long, JSON a JsonElement).</summary>
    public static long? Integer(JsonNode? node) => Weft.Model.JsonRead.Integer(node);

    /// <summary>A list present in the object with at least one item.</summary>
    public static bool HasItems(JsonObject obj, string field) => obj[field] is JsonArray { Count: > 0 };
}
