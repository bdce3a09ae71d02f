namespace Weft.Linux.Nftables.Tests;

/// <summary>Incremental and redefining updates accepted by the real nft and kernel.</summary>
public class NftKernelUpdateTests
{
    [Fact]
    public async Task IncrementalUpdateReplacesMapValuesAndDeletesAReferencedChain()
    {
        using var ns = new NftNamespace();
        var previous = SampleTables.Policy();
        await ns.Nft.ApplyAsync(NftRenderer.Full(previous));
        var desired = previous.Clone();
        desired.Sets["pod-dispatch"].Remove("\"veth-b\"");
        desired.Sets["pod-dispatch"].Add("\"veth-a\"", "drop");
        desired.RemoveChain("pod-b");
        desired.AddChain("pod-c").Add("counter accept comment \"allow-c\"");
        desired.Sets["pod-dispatch"].Add("\"veth-c\"", "jump pod-c");

        await ns.Nft.ApplyAsync(NftRenderer.Incremental(previous, desired));
        var state = await ns.Nft.ListTableAsync();

        Assert.Equal(["pod-a", "pod-c", "weft-forward"], state!.Chains.Order(StringComparer.Ordinal));
        Assert.Equal(["veth-a : drop", "veth-c : jump pod-c"], state.Maps["pod-dispatch"]);
        Assert.Single(state.RulesWithComment("allow-c"));
    }

    [Fact]
    public async Task FullSyncAgainstThePreviousModelRecreatesRedefinedObjects()
    {
        using var ns = new NftNamespace();
        var previous = SampleTables.Policy();
        await ns.Nft.ApplyAsync(NftRenderer.Full(previous));
        var desired = new NftTable();
        desired.AddSet("peers-v4", "ipv4_addr", NftSetFlags.Interval).Add("10.9.0.0/16");
        desired.AddChain("weft-forward", new NftBaseChain("filter", "forward", 10, "drop"))
            .Add("ip saddr @peers-v4 counter accept comment \"allow-range\"");

        await ns.Nft.ApplyAsync(NftRenderer.Incremental(previous, desired));
        var state = await ns.Nft.ListTableAsync();

        Assert.Equal(["weft-forward"], state!.Chains);
        Assert.Equal(["10.9.0.0/16"], state.Sets["peers-v4"]);
        Assert.Empty(state.Maps);
        Assert.Single(state.RulesWithComment("allow-range"));
    }
}
