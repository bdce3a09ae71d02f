using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Weft.Model;

/// <summary>
/// Type rules for unquoted YAML scalars, matching what Kubernetes gets after its YAML → JSON step
/// (YAML 1.2 core schema): true/false are booleans, null/~/empty is null, integers and floats are
/// numbers, everything else is a string. Quoted and block scalars are always strings.
/// </summary>
internal static partial class YamlScalars
{
    public static JsonNode? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        return TryNumber(text) ?? JsonValue.Create(text);
    }

    /// <summary>
    /// True when a string value must be quoted on output, because a plain scalar would be read back as
    /// something else. YAML 1.1 readers (yes/no, 1_000) are covered too, so other tools read it right.
    /// </summary>
    public static bool NeedsQuotes(string text) =>
        ResolvePlain(text) is not JsonValue v
        || v.GetValueKind() != System.Text.Json.JsonValueKind.String
        || Yaml11Booleans.Contains(text)
        || (text.Contains('_', StringComparison.Ordinal) && TryNumber(text.Replace("_", "", StringComparison.Ordinal)) is not null)
        || Sexagesimal().IsMatch(text);

    private static JsonNode? TryNumber(string text)
    {
        if (JsonNumber().IsMatch(text))
        {
            // Parsing the text keeps its exact digits (1.50 stays 1.50 when written back).
            return JsonNode.Parse(text);
        }
        if (DecimalInteger().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }
        if (OctalInteger().IsMatch(text))
        {
            try
            {
                return JsonValue.Create(Convert.ToInt64(text[2..], 8));
            }
            catch (OverflowException)
            {
                return null;
            }
        }
        if (YamlFloat().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
            && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }
        return null;
    }

    private static readonly HashSet<string> Yaml11Booleans = new(StringComparer.Ordinal)
    {
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    };

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?\z")]
    private static partial Regex JsonNumber();

    [GeneratedRegex(@"^[-+]?[0-9]+\z")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^0o[0-7]+\z")]
    private static partial Regex OctalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\z")]
    private static partial Regex YamlFloat();

    /// <summary>YAML 1.1 reads "80:90" (a Calico port range) as a base-60 number; every digits:digits form is quoted.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^[-+]?[0-9][0-9_]*(:[0-9]+)+(\.[0-9_]*)?$")]
    private static partial System.Text.RegularExpressions.Regex Sexagesimal();
}
