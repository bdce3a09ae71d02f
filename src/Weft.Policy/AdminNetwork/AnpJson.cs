using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.AdminNetwork;

/// <summary>Field readers that report in the CRD schema's terms (required, minItems, maxItems, minimum, maximum).</summary>
internal static class AnpJson
{
    public static string? Text(JsonNode? node) => Weft.Model.JsonRead.String(node);

    /// <summary>An integral number whatever CLR type backs the node (YAML gives long, JSON a JsonElement).</summary>
    public static long? Integer(JsonNode? node) => Weft.Model.JsonRead.Integer(node);

    /// <summary>A list with the schema's item bounds; null when absent (YAML null counts as absent).</summary>
    public static IReadOnlyList<JsonNode?>? List(FieldErrorList errors, JsonNode? node, string path, int min, int max)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonArray array)
        {
            errors.Invalid(path, node, "must be a list");
            return [];
        }
        if (array.Count < min)
        {
            errors.Invalid(path, array.Count, $"should have at least {min} items");
        }
        if (array.Count > max)
        {
            errors.Add(path, $"Too many: {array.Count}: must have at most {max} items");
        }
        return [.. array];
    }

    /// <summary>A required integer in [min, max]; null (and an error) when absent, not an integer or out of range.</summary>
    public static long? Bounded(FieldErrorList errors, JsonNode? node, string path, long min, long max)
    {
        if (node is null)
        {
            errors.Required(path);
            return null;
        }
        if (Integer(node) is not { } value)
        {
            errors.Invalid(path, node, "must be an integer");
            return null;
        }
        if (value < min)
        {
            errors.Invalid(path, value, $"should be greater than or equal to {min}");
            return null;
        }
        if (value > max)
        {
            errors.Invalid(path, value, $"should be less than or equal to {max}");
            return null;
        }
        return value;
    }

    /// <summary>
    /// The one field set among <paramref name="fields"/> (the schema's minProperties = maxProperties = 1), or null
    /// after reporting none or several. Fields holding null count as absent, as the API server drops them.
    /// </summary>
    public static string? OneOf(FieldErrorList errors, JsonObject obj, string path, IReadOnlyList<string> fields)
    {
        var set = fields.Where(f => obj[f] is not null).ToList();
        if (set.Count == 1)
        {
            return set[0];
        }
        if (set.Count == 0)
        {
            errors.Required(path, $"exactly one of {string.Join(", ", fields)} must be set");
        }
        else
        {
            errors.Forbidden(path, $"only one of {string.Join(", ", fields)} may be set, found {string.Join(", ", set)}");
        }
        return null;
    }

    /// <summary>The node as an object, or null after reporting that it is not one.</summary>
    public static JsonObject? Object(FieldErrorList errors, JsonNode? node, string path)
    {
        if (node is JsonObject obj)
        {
            return obj;
        }
        if (node is null)
        {
            errors.Required(path);
        }
        else
        {
            errors.Invalid(path, node, "must be an object");
        }
        return null;
    }
}
