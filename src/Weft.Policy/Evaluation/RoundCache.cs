namespace Weft.Policy.Evaluation;

/// <summary>
/// Values derived from objects (by instance), kept while the objects keep being passed: a round keeps what it
/// was asked for, and the next round can reuse it; anything not asked for in a round is dropped after the next.
/// For informer objects, which are replaced on change and never edited. Chosen over ConditionalWeakTable: each
/// of its entries is a dependent handle that every garbage collection scans, and with the 10,000 pods of the
/// scale bench that made each gen0 collection of a node's compiler 4–11 ms instead of 2–3. Not thread-safe.
/// </summary>
public sealed class RoundCache<TKey, TValue>
    where TKey : class
{
    private Dictionary<TKey, TValue> _previous = new(ReferenceEqualityComparer.Instance);
    private Dictionary<TKey, TValue> _current = new(ReferenceEqualityComparer.Instance);

    /// <summary>Starts a round: the last round's values stay reusable through this one.</summary>
    public void NextRound()
    {
        (_previous, _current) = (_current, _previous);
        _current.Clear();
    }

    /// <summary>The value for <paramref name="key"/>: this or the last round's, else a new one from <paramref name="make"/>.</summary>
    public TValue Get(TKey key, Func<TKey, TValue> make)
    {
        if (!_current.TryGetValue(key, out var value))
        {
            _current[key] = value = _previous.TryGetValue(key, out var kept) ? kept : make(key);
        }
        return value;
    }

    /// <summary>Replaces this round's value for <paramref name="key"/> (what it was derived from besides the key changed).</summary>
    public void Put(TKey key, TValue value) => _current[key] = value;

    /// <summary>Forgets every value (what they were derived from changed meaning).</summary>
    public void Clear()
    {
        _previous.Clear();
        _current.Clear();
    }
}
