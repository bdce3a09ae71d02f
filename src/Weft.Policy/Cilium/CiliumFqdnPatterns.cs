using System.Text;
using System.Text.RegularExpressions;

namespace Weft.Policy.Cilium;

/// <summary>
/// Cilium's DNS name syntax for toFQDNs and DNS rules: matchName is one exact name, matchPattern may hold `*`
/// (any run of `[-a-z0-9_]` inside one label), a lone `*` (every name) and a leading `**.` (one or more whole
/// labels). Names compare case-insensitively with a trailing dot, the form every FQDN peer is kept in.
/// </summary>
public static partial class CiliumFqdnPatterns
{
    private const string DnsChars = "[-a-z0-9_]";

    /// <summary>Longest name or pattern the CRD accepts.</summary>
    public const int MaxLength = 255;

    /// <summary>True when the CRD accepts <paramref name="name"/> as a matchName.</summary>
    public static bool IsValidName(string name) => name.Length <= MaxLength && NamePattern().IsMatch(name);

    /// <summary>True when the CRD accepts <paramref name="pattern"/> as a matchPattern.</summary>
    public static bool IsValidPattern(string pattern) => pattern.Length <= MaxLength && PatternPattern().IsMatch(pattern);

    /// <summary>Lower case with a trailing dot; a pattern made only of stars (match everything) stays as it is.</summary>
    public static string Normalize(string nameOrPattern)
    {
        var lower = nameOrPattern.Trim().ToLowerInvariant();
        return IsMatchAll(lower) || lower.EndsWith('.') ? lower : lower + ".";
    }

    /// <summary>Does the DNS name <paramref name="name"/> match the matchPattern <paramref name="pattern"/>?</summary>
    public static bool Matches(string pattern, string name)
    {
        var n = Normalize(name);
        var p = Normalize(pattern);
        if (IsMatchAll(p))
        {
            return n == "." || MatchAll().IsMatch(n);
        }
        return new Regex(ToRegex(p), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)).IsMatch(n);
    }

    private static bool IsMatchAll(string pattern) => StarsOnly().IsMatch(pattern);

    private static string ToRegex(string pattern)
    {
        var text = new StringBuilder("^");
        var rest = pattern;
        // A leading run of two or more stars and a dot stands for one or more whole labels.
        var stars = rest.TakeWhile(c => c == '*').Count();
        if (stars >= 2 && rest.Length > stars && rest[stars] == '.')
        {
            text.Append($"{DnsChars}+([.]{DnsChars}+)*[.]");
            rest = rest[(stars + 1)..];
        }
        for (var i = 0; i < rest.Length; i++)
        {
            switch (rest[i])
            {
                case '*':
                    while (i + 1 < rest.Length && rest[i + 1] == '*')
                    {
                        i++;
                    }
                    text.Append(DnsChars + "*");
                    break;
                case '.':
                    text.Append("[.]");
                    break;
                default:
                    text.Append(Regex.Escape(rest[i].ToString()));
                    break;
            }
        }
        return text.Append('$').ToString();
    }

    // The CRD's patterns; `\z` stands for RE2's `$` (.NET's `$` also matches before a final newline).
    [GeneratedRegex(@"^([-a-zA-Z0-9_]+[.]?)+\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^([-a-zA-Z0-9_*]+[.]?)+\z")]
    private static partial Regex PatternPattern();

    [GeneratedRegex(@"^([-a-z0-9_]+[.])+\z")]
    private static partial Regex MatchAll();

    [GeneratedRegex(@"^[*]+[.]?\z")]
    private static partial Regex StarsOnly();
}
