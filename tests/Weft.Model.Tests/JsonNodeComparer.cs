using System.Text.Json.Nodes;

namespace Weft.Model.Tests;

internal sealed class JsonNodeComparer : IEqualityComparer<JsonNode?>
{
    public static readonly JsonNodeComparer Instance = new();

    public bool Equals(JsonNode? x, JsonNode? y) => JsonNode.DeepEquals(x, y);

    public int GetHashCode(JsonNode? obj) => 0;
}
