using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Weft.Model;

/// <summary>
/// Turns a YAML stream into one JSON node per document, straight from parser events, so that the
/// scalar style (quoted or not) is still known when a value's type is decided.
/// </summary>
internal static class YamlDocuments
{
    private const string StrTag = "tag:yaml.org,2002:str";

    /// <summary>Documents in order; an empty document is returned as null so numbering stays as the user sees it.</summary>
    public static List<JsonNode?> Read(TextReader text, string origin)
    {
        var documents = new List<JsonNode?>();
        var parser = new Parser(text);
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                // Anchors are scoped to their document.
                var anchors = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
                documents.Add(ReadNode(parser, anchors));
                parser.Consume<DocumentEnd>();
            }
            parser.Consume<StreamEnd>();
        }
        catch (YamlException e)
        {
            // The failing document is the one after those read completely.
            throw new ManifestException(origin, documents.Count + 1,
                $"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {StripPosition(e.Message)}");
        }
        return documents;
    }

    private static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!anchors.TryGetValue(alias.Value.Value, out var target))
            {
                throw new YamlException(alias.Start, alias.End, $"unknown alias '*{alias.Value.Value}'");
            }
            return target?.DeepClone();
        }

        JsonNode? node;
        NodeEvent start;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            (node, start) = (ResolveScalar(scalar), scalar);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            (node, start) = (ReadSequence(parser, anchors), sequence);
        }
        else if (parser.TryConsume<MappingStart>(out var mapping))
        {
            (node, start) = (ReadMapping(parser, anchors), mapping);
        }
        else
        {
            var current = parser.Current!;
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        if (!start.Anchor.IsEmpty)
        {
            anchors[start.Anchor.Value] = node;
        }
        return node;
    }

    private static JsonArray ReadSequence(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        var array = new JsonArray();
        while (!parser.TryConsume<SequenceEnd>(out _))
        {
            array.Add(ReadNode(parser, anchors));
        }
        return array;
    }

    private static JsonObject ReadMapping(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        var obj = new JsonObject();
        var merges = new List<JsonNode?>();
        while (!parser.TryConsume<MappingEnd>(out _))
        {
            if (!parser.TryConsume<Scalar>(out var key))
            {
                var current = parser.Current!;
                throw new YamlException(current.Start, current.End, "mapping keys must be scalars");
            }
            var value = ReadNode(parser, anchors);
            if (key.Value == "<<" && key.Style == ScalarStyle.Plain)
            {
                merges.Add(value);
                continue;
            }
            if (obj.ContainsKey(key.Value))
            {
                throw new YamlException(key.Start, key.End, $"duplicate key '{key.Value}'");
            }
            obj[key.Value] = value;
        }
        foreach (var merge in merges)
        {
            ApplyMerge(obj, merge);
        }
        return obj;
    }

    // "<<: *base" (or a list of them) fills in keys the mapping does not set itself; go-yaml supports it.
    private static void ApplyMerge(JsonObject target, JsonNode? source)
    {
        var sources = source is JsonArray list ? list.ToList() : [source];
        foreach (var item in sources)
        {
            if (item is not JsonObject from)
            {
                throw new YamlException("a merge key '<<' must refer to a mapping or a list of mappings");
            }
            foreach (var (k, v) in from)
            {
                if (!target.ContainsKey(k))
                {
                    target[k] = v?.DeepClone();
                }
            }
        }
    }

    private static JsonNode? ResolveScalar(Scalar scalar)
    {
        var explicitString = !scalar.Tag.IsEmpty && (scalar.Tag.Value == StrTag || scalar.Tag.Value == "!");
        return scalar.Style == ScalarStyle.Plain && !explicitString
            ? YamlScalars.ResolvePlain(scalar.Value)
            : JsonValue.Create(scalar.Value);
    }

    // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: ...): "; we report the position ourselves.
    private static string StripPosition(string message)
    {
        var marker = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && marker >= 0 ? message[(marker + 3)..] : message;
    }
}
