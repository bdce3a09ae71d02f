using System.Text;

namespace Weft.Linux.Nftables;

/// <summary>
/// Renders <see cref="NftTable"/> models into one <c>nft -f -</c> script, which nft applies as a
/// single atomic transaction. Output is deterministic: objects sorted by name, elements sorted
/// ordinally, rules in model order.
/// </summary>
public static class NftRenderer
{
    /// <summary>
    /// The whole table: create it if missing, flush every rule and every set/map it keeps, delete
    /// chains and sets that <paramref name="existing"/> lists but <paramref name="desired"/> does not,
    /// then define everything again. Counters restart because rules are re-added. A set, map or base
    /// chain cannot change its definition (type, flags, hook, priority) under the same name here:
    /// use <see cref="Full(NftTable, NftTable)"/>, which knows the old definitions, or a new name.
    /// </summary>
    /// <param name="desired">The wanted content.</param>
    /// <param name="existing">What the kernel holds now (from <see cref="NftTableState.Inventory"/>); null when unknown or empty.</param>
    public static string Full(NftTable desired, NftInventory? existing = null) => Full(desired, existing ?? NftInventory.Empty, []);

    /// <summary>
    /// Like <see cref="Full(NftTable, NftInventory?)"/>, with <paramref name="previous"/> (the last
    /// applied model) as what the kernel holds; objects whose definition changed are deleted and
    /// created again in the same transaction.
    /// </summary>
    public static string Full(NftTable desired, NftTable previous) => Full(desired, previous.Inventory, Redefined(previous, desired));

    private static HashSet<string> Redefined(NftTable previous, NftTable desired) =>
    [
        .. desired.Sets.Values.Where(s => previous.Sets.TryGetValue(s.Name, out var old) && !old.SameDefinition(s)).Select(s => s.Name),
        .. desired.Chains.Values.Where(c => previous.Chains.TryGetValue(c.Name, out var old) && old.Base != c.Base).Select(c => c.Name),
    ];

    private static string Full(NftTable desired, NftInventory existing, HashSet<string> redefined)
    {
        var script = new Script(desired.Name);
        script.Line("add", "table", "");
        script.Line("flush", "table", "");

        // "flush table" empties chains but not sets; stale maps are flushed before any stale chain
        // goes, because a verdict map element jumping to a chain keeps that chain referenced.
        foreach (var (name, keyword) in Existing(existing.Sets, "set").Concat(Existing(existing.Maps, "map")).OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            bool keep = desired.Sets.TryGetValue(name, out var kept) && kept.Keyword == keyword && !redefined.Contains(name);
            script.Line(keep ? "flush" : "delete", keyword, name);
        }

        // Base chains are never jump targets, so a redefined one can go and come back here.
        foreach (var name in existing.Chains.Where(c => !desired.Chains.ContainsKey(c) || redefined.Contains(c)).Order(StringComparer.Ordinal))
        {
            script.Line("delete", "chain", name);
        }

        foreach (var set in desired.Sets.Values)
        {
            script.DeclareSet(set);
        }

        foreach (var chain in desired.Chains.Values)
        {
            script.DeclareChain(chain);
        }

        foreach (var set in desired.Sets.Values)
        {
            script.Elements("add", set, set.Elements);
        }

        foreach (var chain in desired.Chains.Values)
        {
            script.Rules(chain);
        }

        return script.ToString();
    }

    /// <summary>
    /// Only the difference from <paramref name="previous"/> (what was last applied) to
    /// <paramref name="desired"/>: element adds and deletes, new objects, flush-and-refill of changed
    /// chains, deletion of removed objects. Empty when nothing changed. When a set, map or base chain
    /// changed its definition (type, flags, hook), this returns <see cref="Full"/> instead, because
    /// such objects cannot be altered in place.
    /// </summary>
    public static string Incremental(NftTable previous, NftTable desired)
    {
        if (previous.Name != desired.Name)
        {
            throw new ArgumentException($"previous table inet {previous.Name} and desired table inet {desired.Name} differ", nameof(desired));
        }

        if (Redefined(previous, desired).Count > 0)
        {
            return Full(desired, previous);
        }

        var script = new Script(desired.Name);
        var newSets = desired.Sets.Values.Where(s => !previous.Sets.ContainsKey(s.Name)).ToList();
        var newChains = desired.Chains.Values.Where(c => !previous.Chains.ContainsKey(c.Name)).ToList();
        var changedChains = desired.Chains.Values.Where(c => previous.Chains.TryGetValue(c.Name, out var old) && !old.SameContent(c)).ToList();
        var removedChains = previous.Chains.Keys.Where(c => !desired.Chains.ContainsKey(c)).ToList();
        var removedSets = previous.Sets.Values.Where(s => !desired.Sets.ContainsKey(s.Name)).ToList();

        // Declarations first: elements and rules below may refer to new chains and sets.
        newSets.ForEach(script.DeclareSet);
        newChains.ForEach(script.DeclareChain);

        // Flushing before element deletes drops rule references to removed sets and chains.
        foreach (var chain in changedChains.Select(c => c.Name).Concat(removedChains))
        {
            script.Line("flush", "chain", chain);
        }

        foreach (var set in desired.Sets.Values)
        {
            if (!previous.Sets.TryGetValue(set.Name, out var old))
            {
                script.Elements("add", set, set.Elements);
                continue;
            }

            if (ReferenceEquals(old, set))
            {
                continue;
            }

            if (ReferenceEquals(set.DerivedFrom, old))
            {
                script.Elements("delete", old, set.Delta.Removed.Select(k => new KeyValuePair<string, string?>(k, null)));
                script.Elements("add", set, set.Delta.Added.Select(k => new KeyValuePair<string, string?>(k, null)));
                continue;
            }

            // A map value that changed is a delete plus an add of the same key.
            var gone = old.Elements.Where(e => !set.Elements.TryGetValue(e.Key, out var v) || v != e.Value);
            var added = set.Elements.Where(e => !old.Elements.TryGetValue(e.Key, out var v) || v != e.Value);
            script.Elements("delete", old, gone);
            script.Elements("add", set, added);
        }

        foreach (var chain in newChains.Concat(changedChains))
        {
            script.Rules(chain);
        }

        foreach (var set in removedSets)
        {
            script.Line("delete", set.Keyword, set.Name);
        }

        foreach (var chain in removedChains)
        {
            script.Line("delete", "chain", chain);
        }

        return script.ToString();
    }

    private static IEnumerable<(string Name, string Keyword)> Existing(IEnumerable<string> names, string keyword) =>
        names.Select(n => (n, keyword));

    private sealed class Script(string table)
    {
        private readonly StringBuilder _text = new();

        /// <summary>One command on Weft's table: "VERB OBJECT inet TABLE REST".</summary>
        public void Line(string verb, string objectKind, string rest)
        {
            _text.Append(verb).Append(' ').Append(objectKind).Append(" inet ").Append(table);
            if (rest.Length > 0)
            {
                _text.Append(' ').Append(rest);
            }

            _text.Append('\n');
        }

        public void DeclareSet(NftSet set) => Line("add", set.Keyword, $"{set.Name} {set.Render()}");

        public void DeclareChain(NftChain chain) =>
            Line("add", "chain", chain.Base is null ? chain.Name : $"{chain.Name} {chain.Base.Render()}");

        public void Elements(string verb, NftSet set, IEnumerable<KeyValuePair<string, string?>> elements)
        {
            var items = elements.Select(e => set.IsMap && verb == "add" ? $"{e.Key} : {e.Value}" : e.Key).ToList();
            if (items.Count > 0)
            {
                Line(verb, "element", $"{set.Name} {{ {string.Join(", ", items)} }}");
            }
        }

        public void Rules(NftChain chain)
        {
            foreach (var rule in chain.Rules)
            {
                Line("add", "rule", $"{chain.Name} {rule}");
            }
        }

        public override string ToString() => _text.ToString();
    }
}
