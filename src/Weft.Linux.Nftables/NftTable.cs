namespace Weft.Linux.Nftables;

/// <summary>
/// The desired content of Weft's one table (family inet): chains, sets and maps. Plain data; render
/// it with <see cref="NftRenderer"/>. Not thread-safe.
/// </summary>
public sealed class NftTable
{
    private readonly SortedDictionary<string, NftChain> _chains = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, NftSet> _sets = new(StringComparer.Ordinal);

    /// <summary>Creates an empty model of table inet <paramref name="name"/>.</summary>
    public NftTable(string name = "weft")
    {
        Name = NftRunner.CheckTableName(name);
    }

    /// <summary>The table name (family inet).</summary>
    public string Name { get; }

    /// <summary>Chains by name.</summary>
    public IReadOnlyDictionary<string, NftChain> Chains => _chains;

    /// <summary>Sets and maps by name (they share one namespace in nft).</summary>
    public IReadOnlyDictionary<string, NftSet> Sets => _sets;

    /// <summary>The names this model defines.</summary>
    public NftInventory Inventory => new(
        _chains.Keys.ToHashSet(StringComparer.Ordinal),
        _sets.Values.Where(s => !s.IsMap).Select(s => s.Name).ToHashSet(StringComparer.Ordinal),
        _sets.Values.Where(s => s.IsMap).Select(s => s.Name).ToHashSet(StringComparer.Ordinal));

    /// <summary>Adds a chain; a base chain when <paramref name="baseChain"/> is given.</summary>
    public NftChain AddChain(string name, NftBaseChain? baseChain = null)
    {
        var chain = new NftChain(name, baseChain);
        if (!_chains.TryAdd(name, chain))
        {
            throw new ArgumentException($"chain {name} already exists in table inet {Name}", nameof(name));
        }

        return chain;
    }

    /// <summary>Adds a set of <paramref name="type"/>, e.g. "ipv4_addr . inet_service".</summary>
    public NftSet AddSet(string name, string type, NftSetFlags flags = NftSetFlags.None) => AddSetOrMap(new NftSet(name, type, null, flags));

    /// <summary>Adds a map from <paramref name="keyType"/> to <paramref name="dataType"/> (e.g. "ifname" to "verdict").</summary>
    public NftSet AddMap(string name, string keyType, string dataType, NftSetFlags flags = NftSetFlags.None) =>
        AddSetOrMap(new NftSet(name, keyType, dataType, flags));

    /// <summary>
    /// Adds a set or map made for another table, as the same instance (no copy): a compiler reuses a set whose
    /// inputs did not change, and <see cref="NftRenderer.Incremental"/> skips a set that is the same instance
    /// in both tables. Neither table may change the set afterwards.
    /// </summary>
    public NftSet AddExisting(NftSet set) => AddSetOrMap(set);

    /// <summary>
    /// Adds a chain made for another table, as the same instance (no copy): a compiler reuses the chains of a
    /// pod whose inputs did not change, and <see cref="NftRenderer.Incremental"/> skips them by reference.
    /// Neither table may change the chain afterwards.
    /// </summary>
    public NftChain AddExisting(NftChain chain)
    {
        if (!_chains.TryAdd(chain.Name, chain))
        {
            throw new ArgumentException($"chain {chain.Name} already exists in table inet {Name}", nameof(chain));
        }

        return chain;
    }

    /// <summary>Removes a chain; false if absent.</summary>
    public bool RemoveChain(string name) => _chains.Remove(name);

    /// <summary>Removes a set or map; false if absent.</summary>
    public bool RemoveSet(string name) => _sets.Remove(name);

    /// <summary>A deep copy, e.g. to keep as "previous" for the next incremental update.</summary>
    public NftTable Clone()
    {
        var copy = new NftTable(Name);
        foreach (var chain in _chains.Values)
        {
            copy._chains.Add(chain.Name, chain.Clone());
        }

        foreach (var set in _sets.Values)
        {
            copy._sets.Add(set.Name, set.Clone());
        }

        return copy;
    }

    private NftSet AddSetOrMap(NftSet set)
    {
        if (!_sets.TryAdd(set.Name, set))
        {
            throw new ArgumentException($"set or map {set.Name} already exists in table inet {Name}", nameof(set));
        }

        return set;
    }
}
