using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// Reads resources from YAML or JSON manifests, the way kubectl apply -f does: multi-document YAML,
/// JSON arrays and streams, and List kinds are flattened into one list, in source order.
/// </summary>
public static class ManifestReader
{
    /// <summary>Origin name used for standard input.</summary>
    public const string StdinOrigin = "<stdin>";

    /// <summary>
    /// Reads a file, every *.yaml, *.yml and *.json file of a directory (sorted by name, not recursive),
    /// or standard input when <paramref name="path"/> is "-".
    /// </summary>
    /// <exception cref="ManifestException">The path is missing or a document is not a valid resource.</exception>
    public static IReadOnlyList<Resource> Read(string path)
    {
        if (path == "-")
        {
            return Read(Console.In, StdinOrigin);
        }
        if (Directory.Exists(path))
        {
            return ReadDirectory(path);
        }
        if (!File.Exists(path))
        {
            throw new ManifestException(path, 0, "no such file or directory");
        }
        var text = File.ReadAllText(path, Encoding.UTF8);
        return ReadText(text, path, SyntaxOf(path));
    }

    /// <summary>Reads manifests from text; YAML or JSON is detected from the content.</summary>
    public static IReadOnlyList<Resource> ReadText(string text, string origin = "<string>") =>
        ReadText(text, origin, ManifestSyntax.Detect);

    /// <summary>Reads manifests from a reader (e.g. standard input) to its end.</summary>
    public static IReadOnlyList<Resource> Read(TextReader reader, string origin) =>
        ReadText(reader.ReadToEnd(), origin, ManifestSyntax.Detect);

    private static List<Resource> ReadDirectory(string directory)
    {
        var files = Directory.EnumerateFiles(directory)
            .Where(f => SyntaxOf(f) != ManifestSyntax.Detect)
            .Order(StringComparer.Ordinal)
            .ToList();
        var resources = new List<Resource>();
        foreach (var file in files)
        {
            resources.AddRange(ReadText(File.ReadAllText(file, Encoding.UTF8), file, SyntaxOf(file)));
        }
        return resources;
    }

    private static List<Resource> ReadText(string text, string origin, ManifestSyntax syntax)
    {
        var documents = syntax switch
        {
            ManifestSyntax.Json => ReadJson(text, origin),
            ManifestSyntax.Yaml => YamlDocuments.Read(new StringReader(text), origin),
            _ => LooksLikeJson(text) ? ReadJsonOrYaml(text, origin) : YamlDocuments.Read(new StringReader(text), origin),
        };
        var resources = new List<Resource>();
        for (var i = 0; i < documents.Count; i++)
        {
            ManifestFlattener.Add(documents[i], new ManifestLocation(origin, i + 1, ""), resources);
        }
        return resources;
    }

    private static ManifestSyntax SyntaxOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => ManifestSyntax.Yaml,
        ".json" => ManifestSyntax.Json,
        _ => ManifestSyntax.Detect,
    };

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return trimmed.Length > 0 && (trimmed[0] == '{' || trimmed[0] == '[');
    }

    // "{a: b}" is YAML flow style, not JSON; try JSON first, and report its error if YAML fails too.
    private static List<JsonNode?> ReadJsonOrYaml(string text, string origin)
    {
        try
        {
            return ReadJson(text, origin);
        }
        catch (ManifestException jsonError)
        {
            try
            {
                return YamlDocuments.Read(new StringReader(text), origin);
            }
            catch (ManifestException)
            {
                throw jsonError;
            }
        }
    }

    /// <summary>A JSON file may hold several top-level values one after another; each is a document.</summary>
    private static List<JsonNode?> ReadJson(string text, string origin)
    {
        var documents = new List<JsonNode?>();
        var options = new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip };
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text), options);
        if (string.IsNullOrWhiteSpace(text))
        {
            return documents;
        }
        try
        {
            // Parse leaves the reader on the value's last token; Read moves to the next value, if any.
            do
            {
                documents.Add(JsonNode.Parse(ref reader));
            }
            while (reader.Read());
        }
        catch (JsonException e)
        {
            var detail = e.Message;
            var cut = detail.IndexOf(" LineNumber:", StringComparison.Ordinal);
            detail = cut >= 0 ? detail[..cut] : detail;
            throw new ManifestException(origin, documents.Count + 1,
                $"invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {detail}");
        }
        return documents;
    }
}

internal enum ManifestSyntax
{
    Detect,
    Yaml,
    Json,
}
