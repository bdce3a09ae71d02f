using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Weft.Model;

/// <summary>Emits JSON nodes as block-style YAML that reads back to the same types.</summary>
internal static class YamlWriter
{
    public static string Write(JsonNode? root)
    {
        var text = new StringWriter { NewLine = "\n" };
        // A huge best width keeps long strings (certificates, JSON in annotations) on one line.
        var emitter = new Emitter(text, 2, int.MaxValue);
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(emitter, root);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        var yaml = text.ToString();
        return yaml.EndsWith('\n') ? yaml : yaml + "\n";
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var objStyle = obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block;
                emitter.Emit(new MappingStart(AnchorName.Empty, TagName.Empty, true, objStyle));
                foreach (var (key, value) in obj)
                {
                    EmitKey(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                var arrayStyle = array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block;
                emitter.Emit(new SequenceStart(AnchorName.Empty, TagName.Empty, true, arrayStyle));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                EmitString(emitter, value.GetValue<string>());
                break;
            case JsonValue value:
                EmitPlain(emitter, value.ToJsonString());
                break;
            default:
                EmitPlain(emitter, "null");
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        var style = IsPlainSafe(text) ? ScalarStyle.Plain
            : text.Contains('\n', StringComparison.Ordinal) && !NeedsEscapes(text) ? ScalarStyle.Literal
            : ScalarStyle.DoubleQuoted;
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, style, true, true));
    }

    // A block scalar as key needs the "? " form, whose value YamlDotNet's own parser then misreads.
    private static void EmitKey(IEmitter emitter, string key) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, key,
            IsPlainSafe(key) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, true, true));

    /// <summary>
    /// Whether a string can be written unquoted and still read back as the same string. Deliberately
    /// narrower than YAML allows (YamlDotNet's own check lets through text its parser rejects):
    /// names, paths, IPs, CIDRs, images, comma lists and sentences pass; anything odd is quoted.
    /// </summary>
    internal static bool IsPlainSafe(string text)
    {
        if (text.Length == 0 || YamlScalars.NeedsQuotes(text) || text[0] == ' ' || text[^1] == ' ' || text[^1] == ':')
        {
            return false;
        }
        var first = text[0];
        var firstOk = char.IsAsciiLetterOrDigit(first) || first is '.' or '/' or '_' or '<' or '(' or '=' or '$' or '^' or '+'
            || (first == '-' && text.Length > 1 && char.IsAsciiLetterOrDigit(text[1]));
        return firstOk
            && text.All(c => char.IsAsciiLetterOrDigit(c) || PlainInner.Contains(c))
            && !text.Contains(": ", StringComparison.Ordinal)
            && !text.Contains(" #", StringComparison.Ordinal);
    }

    // Literal blocks cannot hold control characters or only line breaks, and lines ending in spaces
    // come out in forms that do not read back.
    private static bool NeedsEscapes(string text) =>
        text.Any(c => char.IsControl(c) && c != '\n') || string.IsNullOrWhiteSpace(text)
        || text.Split('\n').Any(line => line.EndsWith(' '));

    // No '*', '&', '!' or '%' inside: YamlDotNet's parser misreads e.g. "a *b: 1" (YAML allows it).
    private const string PlainInner = " -._/:=+,@()<>~^$";

    private static void EmitPlain(IEmitter emitter, string text) =>
        emitter.Emit(new Scalar(AnchorName.Empty, TagName.Empty, text, ScalarStyle.Plain, true, false));
}
