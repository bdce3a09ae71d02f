using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Policy.Kubernetes;

/// <summary>Collects errors for one object in the API server's wording ("Invalid value: 70: must be …").</summary>
internal sealed class FieldErrorList(string objectRef)
{
    public List<ValidationError> List { get; } = [];

    public void Required(string field, string? why = null) => Add(field, why is null ? "Required value" : $"Required value: {why}");

    public void Invalid(string field, JsonNode? value, string why) => Add(field, $"Invalid value: {Show(value)}: {why}");

    public void Forbidden(string field, string why) => Add(field, $"Forbidden: {why}");

    public void Unsupported(string field, JsonNode? value, params string[] supported) =>
        Add(field, $"Unsupported value: {Show(value)}: supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    public void Add(string field, string detail) => List.Add(new ValidationError(objectRef, field, detail));

    /// <summary>A list field's items: none when absent, and an error (and none) when it is not a list.</summary>
    public IReadOnlyList<JsonNode?> Items(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                return [];
            case JsonArray array:
                return [.. array];
            default:
                Invalid(path, node, "must be a list");
                return [];
        }
    }

    /// <summary>Strings quoted, numbers bare, as the API server prints a rejected value.</summary>
    private static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "{…}",
        JsonArray => "[…]",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => $"\"{v.GetValue<string>()}\"",
        _ => value.ToJsonString(),
    };
}
