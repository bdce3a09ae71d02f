using Weft.Linux.Nftables;

namespace Weft.Dataplane.Policy;

/// <summary>
/// Peer sets of the previous compile, each with the inputs it was resolved from (the peer, and the names
/// and pod-list instances of the namespaces it covered). A set whose inputs are the same again is reused
/// as the same instance: no resolving, and the incremental renderer skips it by reference. Keep one per
/// node and pass it to every <see cref="PolicyCompiler.Compile"/>; not thread-safe.
/// </summary>
public sealed class CompileMemo
{
    private Dictionary<string, (object[] Inputs, NftSet Set)> _previous = new(StringComparer.Ordinal);
    private Dictionary<string, (object[] Inputs, NftSet Set)> _current = new(StringComparer.Ordinal);
    private Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private Dictionary<string, string> _usedNames = new(StringComparer.Ordinal);

    /// <summary>Starts a compile: what the last one made becomes reusable, the rest is forgotten.</summary>
    internal void Begin()
    {
        _previous = _current;
        _current = new(StringComparer.Ordinal);
        if (_usedNames.Count > 0)
        {
            (_names, _usedNames) = (_usedNames, new(StringComparer.Ordinal));
        }
    }

    internal NftSet? Reuse(string name, object[] inputs)
    {
        if (_previous.TryGetValue(name, out var entry) && entry.Inputs.Length == inputs.Length
            && entry.Inputs.Zip(inputs).All(x => x.First is string || x.First is Weft.Policy.Ir.Peer ? Equals(x.First, x.Second) : ReferenceEquals(x.First, x.Second)))
        {
            _current[name] = entry;
            return entry.Set;
        }
        return null;
    }

    internal void Remember(string name, object[] inputs, NftSet set) => _current[name] = (inputs, set);

    /// <summary>Set names cost a hash each; they depend only on their key, so they are kept while used.</summary>
    internal string Name(string key, Func<string> make)
    {
        if (!_names.TryGetValue(key, out var name))
        {
            _names[key] = name = make();
        }
        _usedNames[key] = name;
        return name;
    }
}
