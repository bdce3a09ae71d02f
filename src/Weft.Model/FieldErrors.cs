using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Collects validation errors for one object, worded like the API server's field errors.</summary>
internal sealed class FieldErrors(string objectRef)
{
    public List<ValidationError> List { get; } = [];

    public void Required(string field) => Add(field, "Required value");

    public void Invalid(string field, JsonNode? value, string why) => Add(field, $"Invalid value: {Show(value)}: {why}");

    public void Invalid(string field, string value, string why) => Invalid(field, JsonValue.Create(value), why);

    public void Unsupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        Add(field, $"Unsupported value: {Show(value)}: supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");

    public void Duplicate(string field, string value) => Add(field, $"Duplicate value: {Show(JsonValue.Create(value))}");

    public void Add(string field, string detail) => List.Add(new ValidationError(objectRef, field, detail));

    /// <summary>Strings quoted, numbers bare, as Kubernetes prints a bad value.</summary>
    private static string Show(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "{…}",
        JsonArray => "[…]",
        _ => value.ToJsonString(Readable),
    };

    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
