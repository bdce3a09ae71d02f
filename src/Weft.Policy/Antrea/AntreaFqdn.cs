namespace Weft.Policy.Antrea;

/// <summary>
/// Antrea's fqdn patterns: an exact name, or a glob where '*' stands for any text, dots included, and the whole
/// name must match. So "*foo.com" matches "foo.com", "a.b.foo.com" and also "notfoo.com". Case and a trailing
/// dot do not matter. For a DNS-aware dataplane; the reference evaluator matches no FQDN peer.
/// </summary>
public static class AntreaFqdn
{
    /// <summary>Only letters, digits, '-', '.' and '*', as Antrea's webhook allows.</summary>
    public static bool IsValidPattern(string pattern) =>
        pattern.Length > 0 && pattern.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '*');

    public static bool Matches(string pattern, string name)
    {
        var p = Normalise(pattern);
        var n = Normalise(name);
        // Greedy glob with backtracking to the last '*': linear enough for DNS names.
        int pi = 0, ni = 0, star = -1, resume = 0;
        while (ni < n.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                resume = ni;
            }
            else if (pi < p.Length && p[pi] == n[ni])
            {
                pi++;
                ni++;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ni = ++resume;
            }
            else
            {
                return false;
            }
        }
        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }
        return pi == p.Length;
    }

    private static string Normalise(string name) => name.TrimEnd('.').ToLowerInvariant();
}
