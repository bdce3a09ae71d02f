using System.Text.RegularExpressions;

namespace Weft.Policy.AdminNetwork;

/// <summary>
/// The `domainNames` peer syntax of AdminNetworkPolicy and ClusterNetworkPolicy: an exact name, or a `*.` prefix
/// that stands for one or more whole labels (never the apex). Names compare case-insensitively, with or without
/// the trailing dot.
/// </summary>
public static partial class AnpDomainNames
{
    /// <summary>True when the CRD's pattern accepts <paramref name="pattern"/>.</summary>
    public static bool IsValid(string pattern) => CrdPattern().IsMatch(pattern);

    /// <summary>Lower case with a trailing dot, the form every FQDN peer is kept in.</summary>
    public static string Normalize(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower.EndsWith('.') ? lower : lower + ".";
    }

    /// <summary>Does the DNS name <paramref name="name"/> match <paramref name="pattern"/>? `*.k8s.io` matches `a.k8s.io` and `a.b.k8s.io`, not `k8s.io`.</summary>
    public static bool Matches(string pattern, string name)
    {
        var p = Normalize(pattern);
        var n = Normalize(name);
        if (!p.StartsWith("*.", StringComparison.Ordinal))
        {
            return p == n;
        }
        // The suffix starts with '.', so whatever precedes it is one or more whole labels.
        var suffix = p[1..];
        return n.Length > suffix.Length && n.EndsWith(suffix, StringComparison.Ordinal);
    }

    // The CRD's own pattern. Its "A-z" ranges also admit [\]^_` — kept as is so that Weft accepts exactly what
    // the API server accepts. `\z` stands for RE2's `$` (end of text; .NET's `$` also matches before a final \n).
    [GeneratedRegex(@"^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?\z")]
    private static partial Regex CrdPattern();
}
