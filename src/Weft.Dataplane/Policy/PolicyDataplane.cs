using Weft.Linux.Interop;
using Weft.Linux.Nftables;

namespace Weft.Dataplane.Policy;

/// <summary>What one apply sent to the kernel.</summary>
public enum ApplyKind
{
    /// <summary>Nothing changed; nft did not run.</summary>
    None,

    /// <summary>Only the difference from the previous table (set elements, changed chains).</summary>
    Incremental,

    /// <summary>The whole table, stale objects removed in the same transaction.</summary>
    Full,
}

/// <summary>
/// Applies compiled policy to the kernel, one nft transaction per call. It remembers what it applied, so
/// later calls send only the difference (a pod joining a selector is a set-element add). The first call,
/// a call after <see cref="Resync"/>, and a difference the kernel refuses (someone changed our table) send
/// the whole table against the kernel's inventory instead. The applied table is kept as it is, not copied:
/// callers must not change a compiled table after applying it. Not thread-safe: one caller at a time.
/// Acts in the network namespace of <paramref name="context"/>, or without one, of the constructing thread.
/// </summary>
public sealed class PolicyDataplane(string table = "weft", NftablesContext? context = null) : IDisposable
{
    private readonly NftRunner _nft = new(table, context);
    private NftTable? _applied;

    /// <summary>The table name.</summary>
    public string Table => _nft.Table;

    /// <summary>Makes the next apply a full one, repairing whatever changed the kernel's copy since.</summary>
    public void Resync() => _applied = null;

    /// <summary>Applies <paramref name="compiled"/>; says whether it sent nothing, a difference, or the whole table.</summary>
    /// <exception cref="NftException">nft rejected the full table; the kernel keeps the previous one.</exception>
    public async Task<ApplyKind> ApplyAsync(CompiledPolicy compiled, CancellationToken ct = default)
    {
        if (compiled.Table.Name != _nft.Table)
        {
            throw new ArgumentException($"compiled table '{compiled.Table.Name}' is not this dataplane's table '{_nft.Table}'", nameof(compiled));
        }
        if (_applied is { } previous)
        {
            var difference = NftRenderer.Incremental(previous, compiled.Table);
            if (difference.Length == 0)
            {
                return ApplyKind.None;
            }
            try
            {
                await _nft.ApplyAsync(difference, ct);
                _applied = compiled.Table;
                return ApplyKind.Incremental;
            }
            catch (NftException)
            {
                // The kernel no longer holds what we applied; fall through to a full sync from its inventory.
                _applied = null;
            }
        }
        var script = NftRenderer.Full(compiled.Table, (await _nft.ListTableAsync(ct))?.Inventory);
        await _nft.ApplyAsync(script, ct);
        _applied = compiled.Table;
        return ApplyKind.Full;
    }

    public void Dispose() => _nft.Dispose();
}
