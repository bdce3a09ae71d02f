namespace Weft.Cli;

/// <summary>
/// kubectl-style arguments: positional words, `--flag value`, `--flag=value`, `-n value`, repeatable
/// flags, and everything after `--` kept verbatim (for `lab exec`).
/// </summary>
public sealed class Args
{
    private readonly Dictionary<string, List<string>> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];
    public List<string> Rest { get; } = [];

    private static readonly HashSet<string> Switches = ["A", "all-namespaces", "follow", "wait", "keep", "help", "h"];

    public static Args Parse(IEnumerable<string> argv)
    {
        var a = new Args();
        var list = argv.ToList();
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i];
            if (s == "--")
            {
                a.Rest.AddRange(list.Skip(i + 1));
                break;
            }
            if (s.StartsWith('-') && s.Length > 1)
            {
                var name = s.TrimStart('-');
                string value;
                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    value = name[(eq + 1)..];
                    name = name[..eq];
                }
                else if (Switches.Contains(name))
                {
                    value = "true";
                }
                else if (i + 1 < list.Count)
                {
                    value = list[++i];
                }
                else
                {
                    throw new ArgumentException($"flag {s} needs a value");
                }
                if (!a._flags.TryGetValue(name, out var values))
                {
                    a._flags[name] = values = [];
                }
                values.Add(value);
            }
            else
            {
                a.Positional.Add(s);
            }
        }
        return a;
    }

    public string? Get(params string[] names)
    {
        foreach (var n in names)
        {
            _used.Add(n);
            if (_flags.TryGetValue(n, out var v))
            {
                return v[^1];
            }
        }
        return null;
    }

    public IReadOnlyList<string> All(params string[] names)
    {
        var result = new List<string>();
        foreach (var n in names)
        {
            _used.Add(n);
            if (_flags.TryGetValue(n, out var v))
            {
                result.AddRange(v);
            }
        }
        return result;
    }

    public bool Has(params string[] names) => Get(names) is "true";

    public int GetInt(string name, int def)
    {
        var v = Get(name);
        if (v is null)
        {
            return def;
        }
        return int.TryParse(v, out var n) ? n : throw new ArgumentException($"--{name}: '{v}' is not a whole number");
    }

    /// <summary>Flags given but never asked for: a typo should fail, not be ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = _flags.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown flag(s): {string.Join(", ", unknown.Select(u => (u.Length == 1 ? "-" : "--") + u))}");
        }
    }
}
