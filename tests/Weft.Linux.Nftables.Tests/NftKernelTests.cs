using Weft.Linux.Netlink;

namespace Weft.Linux.Nftables.Tests;

/// <summary>Scripts applied by the real nft to the kernel, inside throwaway namespaces.</summary>
public class NftKernelTests
{
    [Fact]
    public async Task FullSyncListsBackWithElementsRulesAndCounters()
    {
        using var ns = new NftNamespace();
        var model = SampleTables.Policy();

        await ns.Nft.ApplyAsync(NftRenderer.Full(model));
        var state = await ns.Nft.ListTableAsync();

        Assert.NotNull(state);
        Assert.Equal(["pod-a", "pod-b", "weft-forward"], state.Chains.Order(StringComparer.Ordinal));
        Assert.Equal(["10.0.0.1", "10.0.0.2"], state.Sets["peers-v4"]);
        Assert.Equal(["10.0.0.0/8 . 80-90"], state.Sets["peer-ports"]);
        Assert.Equal(["veth-a : jump pod-a", "veth-b : jump pod-b"], state.Maps["pod-dispatch"]);
        var deny = Assert.Single(state.RulesWithComment("deny-a"));
        Assert.Equal("pod-a", deny.Chain);
        Assert.True(deny.HasCounter);
        Assert.Equal(0UL, deny.Packets);
        Assert.Equal(5, state.Rules.Count);
    }

    [Fact]
    public async Task CountersCountPackets()
    {
        using var ns = new NftNamespace();
        var model = new NftTable();
        model.AddChain("weft-output", new NftBaseChain("filter", "output", 0))
            .Add("ip daddr 127.0.0.1 udp dport 9 counter comment \"to-discard\"");
        await ns.Nft.ApplyAsync(NftRenderer.Full(model));

        ns.Ns.Run(() =>
        {
            // lo starts down in a new namespace.
            using (var netlink = RtNetlink.Open())
            {
                netlink.SetUp(netlink.GetLink("lo")!.Index);
            }

            using var udp = new System.Net.Sockets.UdpClient();
            udp.Send(new byte[10], 10, "127.0.0.1", 9);
            udp.Send(new byte[10], 10, "127.0.0.1", 9);
        });
        var rule = Assert.Single((await ns.Nft.ListTableAsync())!.RulesWithComment("to-discard"));

        Assert.Equal(2UL, rule.Packets);
        Assert.Equal(2UL * (20 + 8 + 10), rule.Bytes);
    }

    [Fact]
    public async Task ReapplyingTheSameFullSyncChangesNothing()
    {
        using var ns = new NftNamespace();
        await ns.Nft.ApplyAsync(NftRenderer.Full(SampleTables.Policy()));
        var first = await ns.Nft.ListTableAsync();

        await ns.Nft.ApplyAsync(NftRenderer.Full(SampleTables.Policy(), first!.Inventory));
        var second = await ns.Nft.ListTableAsync();

        Assert.Equal(first.Chains.Order(StringComparer.Ordinal), second!.Chains.Order(StringComparer.Ordinal));
        Assert.Equal(first.Sets.Keys, second.Sets.Keys);
        Assert.All(first.Sets, s => Assert.Equal(s.Value, second.Sets[s.Key]));
        Assert.All(first.Maps, m => Assert.Equal(m.Value, second.Maps[m.Key]));
        Assert.Equal(first.Rules.Select(r => (r.Chain, r.Comment)), second.Rules.Select(r => (r.Chain, r.Comment)));
    }

    [Fact]
    public async Task FullSyncDeletesStaleChainsAndSetsInTheSameTransaction()
    {
        using var ns = new NftNamespace();
        await ns.Nft.ApplyAsync(NftRenderer.Full(SampleTables.Policy()));
        var smaller = SampleTables.Policy();
        smaller.RemoveChain("pod-b");
        smaller.RemoveSet("peer-ports");
        smaller.Sets["pod-dispatch"].Remove("\"veth-b\"");

        await ns.Nft.ApplyAsync(NftRenderer.Full(smaller, (await ns.Nft.ListTableAsync())!.Inventory));
        var state = await ns.Nft.ListTableAsync();

        Assert.DoesNotContain("pod-b", state!.Chains);
        Assert.False(state.Sets.ContainsKey("peer-ports"));
        Assert.Equal(["veth-a : jump pod-a"], state.Maps["pod-dispatch"]);
    }

    [Fact]
    public async Task IncrementalUpdateAddsAndDeletesElements()
    {
        using var ns = new NftNamespace();
        var previous = SampleTables.Policy();
        await ns.Nft.ApplyAsync(NftRenderer.Full(previous));
        var desired = previous.Clone();
        desired.Sets["peers-v4"].Remove("10.0.0.1");
        desired.Sets["peers-v4"].Add("10.0.0.9");

        string script = NftRenderer.Incremental(previous, desired);
        await ns.Nft.ApplyAsync(script);
        var state = await ns.Nft.ListTableAsync();

        Assert.Equal("delete element inet weft peers-v4 { 10.0.0.1 }\nadd element inet weft peers-v4 { 10.0.0.9 }\n", script);
        Assert.Equal(["10.0.0.2", "10.0.0.9"], state!.Sets["peers-v4"]);
    }

    [Fact]
    public async Task AFailingScriptLeavesThePreviousRulesetUntouched()
    {
        using var ns = new NftNamespace();
        await ns.Nft.ApplyAsync(NftRenderer.Full(SampleTables.Policy()));
        var before = await ns.Nft.ListTableAsync();
        var broken = SampleTables.Policy();
        broken.Sets["peers-v4"].Add("10.0.0.77");
        broken.RemoveChain("pod-b");
        broken.Sets["pod-dispatch"].Remove("\"veth-b\"");
        broken.Chains["pod-a"].Add("counter drop comment \"x\" this-is-not-nft");
        string script = NftRenderer.Full(broken, before!.Inventory);

        var error = await Assert.ThrowsAsync<NftException>(() => ns.Nft.ApplyAsync(script));
        var after = await ns.Nft.ListTableAsync();

        Assert.Equal("add rule inet weft pod-a counter drop comment \"x\" this-is-not-nft", error.Line);
        Assert.Equal(script.Split('\n').ToList().IndexOf(error.Line!) + 1, error.LineNumber);
        Assert.Contains("syntax error", error.StandardError, StringComparison.Ordinal);
        Assert.Contains("pod-b", after!.Chains);
        Assert.Equal(before.Sets["peers-v4"], after.Sets["peers-v4"]);
        Assert.Equal(before.Maps["pod-dispatch"], after.Maps["pod-dispatch"]);
        Assert.Equal(before.Rules.Count, after.Rules.Count);
    }

    [Fact]
    public async Task ARunnerActsInTheNamespaceItWasMadeInWhicheverThreadCallsIt()
    {
        using var ns = new NftNamespace(table: "wt" + Guid.NewGuid().ToString("N")[..10]);
        var model = new NftTable(ns.Nft.Table);
        model.AddChain("only-here").Add("counter accept");

        // A fresh thread is in the process's (root) namespace.
        await Task.Factory.StartNew(() => ns.Nft.ApplyAsync(NftRenderer.Full(model)).GetAwaiter().GetResult(), TaskCreationOptions.LongRunning);

        // Checked with the nft CLI, independently of libnftables: in the test namespace, not in the root one.
        Assert.Contains($"table inet {ns.Nft.Table}", Cli(ns.Ns.StartProcess), StringComparison.Ordinal);
        Assert.DoesNotContain($"table inet {ns.Nft.Table}", Cli(System.Diagnostics.Process.Start), StringComparison.Ordinal);
    }

    private static string Cli(Func<System.Diagnostics.ProcessStartInfo, System.Diagnostics.Process?> start)
    {
        using var nft = start(new System.Diagnostics.ProcessStartInfo("nft", "list tables") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = nft.StandardOutput.ReadToEnd();
        nft.WaitForExit();
        return output;
    }

    [Fact]
    public async Task DeleteTableIsIdempotentAndLeavesOtherTablesAlone()
    {
        using var ns = new NftNamespace();
        var foreign = ns.Other("wt-foreign");
        var foreignModel = new NftTable("wt-foreign");
        foreignModel.AddChain("keep-me").Add("counter accept");
        await foreign.ApplyAsync(NftRenderer.Full(foreignModel));
        await ns.Nft.ApplyAsync(NftRenderer.Full(SampleTables.Policy()));

        await ns.Nft.DeleteTableAsync();
        await ns.Nft.DeleteTableAsync();

        Assert.Null(await ns.Nft.ListTableAsync());
        Assert.Equal(["keep-me"], (await foreign.ListTableAsync())!.Chains);
    }

    [Fact]
    public async Task ScriptsForAnotherTableAreRefusedBeforeNftRuns()
    {
        using var ns = new NftNamespace();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ns.Nft.ApplyAsync("add table inet weft\nadd table inet other\n"));

        Assert.Contains("line 2", error.Message, StringComparison.Ordinal);
        Assert.Null(await ns.Other("other").ListTableAsync());
    }
}
