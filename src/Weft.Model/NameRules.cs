using System.Text.RegularExpressions;

namespace Weft.Model;

/// <summary>The name syntaxes Kubernetes uses for object names, label keys and values, and port names.</summary>
public static partial class NameRules
{
    /// <summary>RFC 1123 label: at most 63 of a-z, 0-9, '-', alphanumeric at both ends (namespace, container names).</summary>
    public static bool IsDns1123Label(string value) => value.Length is > 0 and <= 63 && Dns1123Label().IsMatch(value);

    /// <summary>RFC 1123 subdomain: at most 253, dot-separated labels (pod and node names, label key prefixes).</summary>
    public static bool IsDns1123Subdomain(string value) =>
        value.Length is > 0 and <= 253 && Dns1123Subdomain().IsMatch(value);

    /// <summary>Label and annotation keys: [prefix/]name, prefix a DNS subdomain, name at most 63 characters.</summary>
    public static bool IsQualifiedName(string value)
    {
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && !IsDns1123Subdomain(value[..slash]))
        {
            return false;
        }
        var name = slash < 0 ? value : value[(slash + 1)..];
        return name.Length is > 0 and <= 63 && QualifiedNamePart().IsMatch(name);
    }

    /// <summary>Label values: empty, or at most 63 alphanumerics, '-', '_', '.', alphanumeric at both ends.</summary>
    public static bool IsLabelValue(string value) =>
        value.Length == 0 || (value.Length <= 63 && QualifiedNamePart().IsMatch(value));

    /// <summary>IANA_SVC_NAME (RFC 6335): at most 15 of a-z, 0-9, '-', with a letter, no '-' at the ends or twice in a row.</summary>
    public static bool IsIanaServiceName(string value) =>
        value.Length is > 0 and <= 15
        && Dns1123Label().IsMatch(value)
        && value.Any(char.IsAsciiLetterLower)
        && !value.Contains("--", StringComparison.Ordinal);

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\z")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\z")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex(@"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\z")]
    private static partial Regex QualifiedNamePart();
}
