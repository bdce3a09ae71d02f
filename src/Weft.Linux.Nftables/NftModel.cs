namespace Weft.Linux.Nftables;

/// <summary>Set and map flags that matter to Weft.</summary>
[Flags]
public enum NftSetFlags
{
    /// <summary>Exact-match elements.</summary>
    None = 0,

    /// <summary>Prefixes and ranges ("10.0.0.0/8", "80-90"), required for CIDR peers and port ranges.</summary>
    Interval = 1,

    /// <summary>Elements may carry a timeout.</summary>
    Timeout = 2,
}

/// <summary>What makes a chain a base chain: its netfilter hook, e.g. ("filter", "forward", 0, "accept").</summary>
public sealed record NftBaseChain(string Type, string Hook, int Priority, string Policy = "accept")
{
    internal string Render() => $"{{ type {Type} hook {Hook} priority {Priority}; policy {Policy}; }}";
}

/// <summary>A chain and its rules, in order. Each rule is one line of nft rule syntax.</summary>
public sealed class NftChain
{
    private readonly List<string> _rules = [];

    internal NftChain(string name, NftBaseChain? baseChain)
    {
        Name = NftNames.Check(name, "chain");
        Base = baseChain;
    }

    /// <summary>The chain name.</summary>
    public string Name { get; }

    /// <summary>The hook definition, or null for a regular (jump target) chain.</summary>
    public NftBaseChain? Base { get; }

    /// <summary>The rules in evaluation order.</summary>
    public IReadOnlyList<string> Rules => _rules;

    /// <summary>Appends a rule such as <c>ip saddr @peers counter drop comment "p1"</c>.</summary>
    public NftChain Add(string rule)
    {
        if (string.IsNullOrWhiteSpace(rule) || rule.Contains('\n', StringComparison.Ordinal) || rule.Contains('\r', StringComparison.Ordinal))
        {
            throw new ArgumentException($"rule for chain {Name} must be one non-empty line: '{rule}'", nameof(rule));
        }

        _rules.Add(rule.Trim());
        return this;
    }

    internal bool SameContent(NftChain other) =>
        ReferenceEquals(this, other) || (Base == other.Base && _rules.SequenceEqual(other._rules, StringComparer.Ordinal));

    internal NftChain Clone()
    {
        var copy = new NftChain(Name, Base);
        copy._rules.AddRange(_rules);
        return copy;
    }
}

/// <summary>
/// A named set (no <see cref="DataType"/>) or map (with one, e.g. "verdict"). Keys and values are nft
/// syntax: "10.0.0.1", "10.0.0.0/8 . 80-90", "\"veth1\"" (quote interface names), "jump pod-a".
/// </summary>
public sealed class NftSet
{
    internal NftSet(string name, string keyType, string? dataType, NftSetFlags flags)
    {
        Name = NftNames.Check(name, "set");
        KeyType = keyType;
        DataType = dataType;
        Flags = flags;
        Elements = new(StringComparer.Ordinal);
    }

    // Copying a sorted dictionary into a new one copies its tree (linear); adding the keys one by one would sort them again.
    private NftSet(NftSet other)
        : this(other.Name, other.KeyType, other.DataType, other.Flags)
    {
        Elements = new(other.Elements, StringComparer.Ordinal);
    }

    /// <summary>The set or map name.</summary>
    public string Name { get; }

    /// <summary>The key type, e.g. "ipv4_addr" or "ipv4_addr . inet_service".</summary>
    public string KeyType { get; }

    /// <summary>The value type of a map ("verdict", "ipv4_addr", ...); null for a set.</summary>
    public string? DataType { get; }

    /// <summary>Flags such as <see cref="NftSetFlags.Interval"/>.</summary>
    public NftSetFlags Flags { get; }

    /// <summary>True for a map.</summary>
    public bool IsMap => DataType is not null;

    /// <summary>Elements by key; the value is null in a set and the mapped value in a map. Sorted for stable output.</summary>
    public SortedDictionary<string, string?> Elements { get; }

    /// <summary>Adds a set element.</summary>
    public NftSet Add(string key)
    {
        if (IsMap)
        {
            throw new InvalidOperationException($"map {Name} needs a value for element '{key}'");
        }

        Elements[CheckElement(key)] = null;
        return this;
    }

    /// <summary>Adds or replaces a map element.</summary>
    public NftSet Add(string key, string value)
    {
        if (!IsMap)
        {
            throw new InvalidOperationException($"set {Name} holds keys only, got value '{value}' for '{key}'");
        }

        Elements[CheckElement(key)] = CheckElement(value);
        return this;
    }

    /// <summary>Removes an element; false if it was not there.</summary>
    public bool Remove(string key) => Elements.Remove(key);

    /// <summary>The set this one was derived from with <see cref="Derive"/>, while something still holds it; else null.</summary>
    /// <remarks>Weak: a strong link would keep every earlier generation of the set alive.</remarks>
    public NftSet? DerivedFrom => _derivedFrom is not null && _derivedFrom.TryGetTarget(out var from) ? from : null;

    private WeakReference<NftSet>? _derivedFrom;

    /// <summary>What <see cref="Derive"/> removed from and added to <see cref="DerivedFrom"/>.</summary>
    internal (List<string> Removed, List<string> Added) Delta { get; private set; } = ([], []);

    /// <summary>
    /// A new set of this name and type: this set's elements without <paramref name="removed"/> and with
    /// <paramref name="added"/>. It remembers the change, so a renderer whose previous table holds this very
    /// instance sends just that, instead of comparing every element (a set of every pod of the cluster
    /// changes by one address when a pod joins). This set is not changed.
    /// </summary>
    public NftSet Derive(IEnumerable<string> removed, IEnumerable<string> added)
    {
        if (IsMap)
        {
            throw new InvalidOperationException($"map {Name} cannot be derived; only sets");
        }

        var copy = Clone();
        var gone = removed.Where(copy.Elements.Remove).ToList();
        var fresh = new List<string>();
        foreach (var key in added.Select(CheckElement))
        {
            if (copy.Elements.TryAdd(key, null))
            {
                fresh.Add(key);
            }
        }

        copy._derivedFrom = new WeakReference<NftSet>(this);
        copy.Delta = (gone, fresh);
        return copy;
    }

    internal string Keyword => IsMap ? "map" : "set";

    internal bool SameDefinition(NftSet other) => KeyType == other.KeyType && DataType == other.DataType && Flags == other.Flags;

    internal string Render()
    {
        string type = IsMap ? $"{KeyType} : {DataType}" : KeyType;
        var flags = new List<string>();
        if (Flags.HasFlag(NftSetFlags.Interval))
        {
            flags.Add("interval");
        }

        if (Flags.HasFlag(NftSetFlags.Timeout))
        {
            flags.Add("timeout");
        }

        return flags.Count == 0 ? $"{{ type {type}; }}" : $"{{ type {type}; flags {string.Join(", ", flags)}; }}";
    }

    internal NftSet Clone() => new(this);

    private string CheckElement(string text) =>
        string.IsNullOrWhiteSpace(text) || text.IndexOfAny(['\n', '\r', ',', '{', '}']) >= 0
            ? throw new ArgumentException($"element '{text}' of {Keyword} {Name} must be one item of nft syntax (no newline, ',' or braces)", nameof(text))
            : text.Trim();
}

/// <summary>The chain, set and map names present in a table, used to delete stale objects in a full sync.</summary>
public sealed record NftInventory(IReadOnlySet<string> Chains, IReadOnlySet<string> Sets, IReadOnlySet<string> Maps)
{
    /// <summary>An empty table (or none).</summary>
    public static NftInventory Empty { get; } = new(new HashSet<string>(), new HashSet<string>(), new HashSet<string>());
}
