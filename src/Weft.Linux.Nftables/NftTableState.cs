namespace Weft.Linux.Nftables;

/// <summary>
/// What the kernel holds in Weft's table, as read by <see cref="NftRunner.ListTableAsync"/>.
/// Elements are normalized text: "10.0.0.1", "10.0.0.0/8 . 80-90", map elements "veth1 : jump pod-a"
/// (interface names unquoted).
/// </summary>
public sealed record NftTableState(
    string Name,
    IReadOnlyList<string> Chains,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Sets,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Maps,
    IReadOnlyList<NftRuleState> Rules)
{
    /// <summary>The names present, for <see cref="NftRenderer.Full"/>.</summary>
    public NftInventory Inventory => new(
        Chains.ToHashSet(StringComparer.Ordinal),
        Sets.Keys.ToHashSet(StringComparer.Ordinal),
        Maps.Keys.ToHashSet(StringComparer.Ordinal));

    /// <summary>The rules whose comment is <paramref name="comment"/>.</summary>
    public IEnumerable<NftRuleState> RulesWithComment(string comment) => Rules.Where(r => r.Comment == comment);
}

/// <summary>One rule as listed: its chain, kernel handle, comment and counter (zero without a counter).</summary>
public sealed record NftRuleState(string Chain, long Handle, string? Comment, bool HasCounter, ulong Packets, ulong Bytes);
