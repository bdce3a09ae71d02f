using System.Diagnostics;
using Weft.Linux.Nftables;

namespace Weft.Dataplane.Policy;

/// <summary>
/// Applies compiled policy to the kernel, one full nft transaction per call, stale objects of the previous
/// table removed in the same transaction. Remembers what it applied: an unchanged table costs no nft run.
/// After a failure it forgets, so the next apply reads the kernel's inventory first. Not thread-safe:
/// one caller (the policy controller's loop) at a time.
/// </summary>
public sealed class PolicyDataplane(string table = "weft", Func<ProcessStartInfo, Process>? starter = null)
{
    private readonly NftRunner _nft = new(table, starter);
    private NftTable? _applied;
    private string? _appliedContent;

    /// <summary>The table name.</summary>
    public string Table => _nft.Table;

    /// <summary>Applies <paramref name="compiled"/>; returns false when it equals what is already applied.</summary>
    /// <exception cref="NftException">nft rejected the script; the kernel keeps the previous table.</exception>
    public async Task<bool> ApplyAsync(CompiledPolicy compiled, CancellationToken ct = default)
    {
        if (compiled.Table.Name != _nft.Table)
        {
            throw new ArgumentException($"compiled table '{compiled.Table.Name}' is not this dataplane's table '{_nft.Table}'", nameof(compiled));
        }
        // The script without stale deletions describes the content alone.
        var content = NftRenderer.Full(compiled.Table);
        if (_applied is not null && content == _appliedContent)
        {
            return false;
        }
        var script = _applied is null
            ? NftRenderer.Full(compiled.Table, (await _nft.ListTableAsync(ct))?.Inventory)
            : NftRenderer.Full(compiled.Table, _applied);
        try
        {
            await _nft.ApplyAsync(script, ct);
        }
        catch
        {
            _applied = null;
            _appliedContent = null;
            throw;
        }
        _applied = compiled.Table.Clone();
        _appliedContent = content;
        return true;
    }
}
