using System.Text.Json.Nodes;
using CsCheck;

namespace Weft.Model.Tests;

/// <summary>Whatever JSON the writer is given, reading its YAML back gives the same JSON.</summary>
public sealed class YamlRoundTripPropertyTests
{
    // Characters that matter to YAML: indicators, quotes, whitespace, digits and letters of true/null/yes.
    private static readonly Gen<string> TrickyString =
        Gen.String[Gen.Char["ab:- #'\"\n\t{}[]*&!|>%@`,?~019.exnulTFYo_\\ü"], 0, 10];

    private static readonly Gen<JsonNode?> Scalar = Gen.OneOf(
        TrickyString.Select(s => (JsonNode?)JsonValue.Create(s)),
        Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
        Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
        Gen.Bool.Select(_ => (JsonNode?)null));

    private static Gen<JsonNode?> Node(int depth) => depth == 0
        ? Scalar
        : Gen.OneOf(
            Scalar,
            Node(depth - 1).Array[0, 4].Select(items => (JsonNode?)new JsonArray(items)),
            Gen.Select(Key, Node(depth - 1)).Array[0, 4].Select(ToObject));

    // Keys with line breaks make YamlDotNet write "? key" forms its own parser misreads; Kubernetes has none.
    private static readonly Gen<string> Key = TrickyString.Select(s => s.Replace('\n', ' '));

    private static JsonNode? ToObject((string Key, JsonNode? Value)[] pairs)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in pairs)
        {
            obj[key] = value;
        }
        return obj;
    }

    [Fact]
    public void Yaml_written_reads_back_to_the_same_json()
    {
        Gen.Select(Key, Node(3)).Array[0, 5].Select(ToObject).Sample(node =>
        {
            var yaml = ManifestWriter.ToYaml(node);
            JsonNode? back;
            try
            {
                back = Assert.Single(YamlDocuments.Read(new StringReader(yaml), "property"));
            }
            catch (ManifestException e)
            {
                throw new InvalidOperationException($"{e.Message}\n{node?.ToJsonString()}\n---\n{yaml}", e);
            }
            Assert.True(JsonNode.DeepEquals(node, back), $"{node?.ToJsonString()}\n---\n{yaml}\n---\n{back?.ToJsonString()}");
        }, iter: 3000);
    }
}
