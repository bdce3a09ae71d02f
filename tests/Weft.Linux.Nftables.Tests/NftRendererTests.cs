namespace Weft.Linux.Nftables.Tests;

/// <summary>Golden text for the scripts: what nft receives, byte for byte.</summary>
public class NftRendererTests
{
    [Fact]
    public void FullSyncCreatesFlushesDeletesStaleObjectsAndRedefinesInOrder()
    {
        var existing = new NftInventory(
            new HashSet<string> { "pod-a", "pod-old" }, new HashSet<string> { "peers-v4", "old-peers" }, new HashSet<string> { "pod-dispatch" });

        string script = NftRenderer.Full(SampleTables.Policy(), existing);

        Assert.Equal(
            """
            add table inet weft
            flush table inet weft
            delete set inet weft old-peers
            flush set inet weft peers-v4
            flush map inet weft pod-dispatch
            delete chain inet weft pod-old
            add set inet weft peer-ports { type ipv4_addr . inet_service; flags interval; }
            add set inet weft peers-v4 { type ipv4_addr; }
            add map inet weft pod-dispatch { type ifname : verdict; }
            add chain inet weft pod-a
            add chain inet weft pod-b
            add chain inet weft weft-forward { type filter hook forward priority 0; policy accept; }
            add element inet weft peer-ports { 10.0.0.0/8 . 80-90 }
            add element inet weft peers-v4 { 10.0.0.1, 10.0.0.2 }
            add element inet weft pod-dispatch { "veth-a" : jump pod-a, "veth-b" : jump pod-b }
            add rule inet weft pod-a ip saddr @peers-v4 counter accept comment "allow-a"
            add rule inet weft pod-a counter drop comment "deny-a"
            add rule inet weft pod-b ip saddr . tcp dport @peer-ports counter accept comment "allow-b"
            add rule inet weft weft-forward ct state established,related accept
            add rule inet weft weft-forward oifname vmap @pod-dispatch

            """.ReplaceLineEndings("\n"),
            script);
    }

    [Fact]
    public void FullSyncIsDeterministic()
    {
        Assert.Equal(NftRenderer.Full(SampleTables.Policy()), NftRenderer.Full(SampleTables.Policy()));
    }

    [Fact]
    public void IncrementalContainsOnlyTheChange()
    {
        var previous = SampleTables.Policy();
        var desired = previous.Clone();
        desired.Sets["peers-v4"].Remove("10.0.0.1");
        desired.Sets["peers-v4"].Add("10.0.0.3");
        desired.Sets["pod-dispatch"].Remove("\"veth-b\"");
        desired.Sets["pod-dispatch"].Add("\"veth-a\"", "drop");
        desired.RemoveChain("pod-b");
        desired.AddChain("pod-c").Add("counter accept comment \"allow-c\"");
        desired.Sets["pod-dispatch"].Add("\"veth-c\"", "jump pod-c");

        string script = NftRenderer.Incremental(previous, desired);

        Assert.Equal(
            """
            add chain inet weft pod-c
            flush chain inet weft pod-b
            delete element inet weft peers-v4 { 10.0.0.1 }
            add element inet weft peers-v4 { 10.0.0.3 }
            delete element inet weft pod-dispatch { "veth-a", "veth-b" }
            add element inet weft pod-dispatch { "veth-a" : drop, "veth-c" : jump pod-c }
            add rule inet weft pod-c counter accept comment "allow-c"
            delete chain inet weft pod-b

            """.ReplaceLineEndings("\n"),
            script);
    }

    [Fact]
    public void ADerivedSetSendsJustWhatItChangedAndLeavesItsSourceAlone()
    {
        var previous = SampleTables.Policy();
        var desired = SampleTables.Policy();
        desired.RemoveSet("peers-v4");
        var source = previous.Sets["peers-v4"];
        var derived = desired.AddExisting(source.Derive(["10.0.0.1", "10.9.9.9"], ["10.0.0.3", "10.0.0.2"]));

        Assert.Same(source, derived.DerivedFrom);
        Assert.Equal(["10.0.0.2", "10.0.0.3"], derived.Elements.Keys);
        Assert.Equal(["10.0.0.1", "10.0.0.2"], source.Elements.Keys);
        // Only what really changed: 10.9.9.9 was never there, and 10.0.0.2 already was.
        Assert.Equal(
            """
            delete element inet weft peers-v4 { 10.0.0.1 }
            add element inet weft peers-v4 { 10.0.0.3 }

            """.ReplaceLineEndings("\n"),
            NftRenderer.Incremental(previous, desired));
    }

    [Fact]
    public void ADerivedSetAgainstAnotherPreviousSetIsComparedInFull()
    {
        var previous = SampleTables.Policy();
        var other = SampleTables.Policy();
        var desired = SampleTables.Policy();
        desired.RemoveSet("peers-v4");
        // Derived from a set the kernel never got: its remembered change would be wrong here.
        desired.AddExisting(other.Sets["peers-v4"].Derive(["10.0.0.1"], []));
        previous.Sets["peers-v4"].Add("10.0.0.7");

        Assert.Equal(
            """
            delete element inet weft peers-v4 { 10.0.0.1, 10.0.0.7 }

            """.ReplaceLineEndings("\n"),
            NftRenderer.Incremental(previous, desired));
    }

    [Fact]
    public void AReusedChainIsNotSentAgain()
    {
        var previous = SampleTables.Policy();
        var desired = SampleTables.Policy();
        desired.RemoveChain("pod-b");
        desired.AddExisting(previous.Chains["pod-b"]);

        Assert.Equal("", NftRenderer.Incremental(previous, desired));
        Assert.Throws<ArgumentException>(() => desired.AddExisting(previous.Chains["pod-b"]));
    }

    [Fact]
    public void IncrementalWithoutChangeIsEmpty()
    {
        Assert.Equal("", NftRenderer.Incremental(SampleTables.Policy(), SampleTables.Policy()));
    }

    [Fact]
    public void IncrementalRefillsAChangedChainOnly()
    {
        var previous = SampleTables.Policy();
        var desired = SampleTables.Policy();
        desired.Chains["pod-b"].Add("counter drop comment \"deny-b\"");

        Assert.Equal(
            """
            flush chain inet weft pod-b
            add rule inet weft pod-b ip saddr . tcp dport @peer-ports counter accept comment "allow-b"
            add rule inet weft pod-b counter drop comment "deny-b"

            """.ReplaceLineEndings("\n"),
            NftRenderer.Incremental(previous, desired));
    }

    [Fact]
    public void IncrementalFallsBackToFullWhenASetChangesType()
    {
        var previous = SampleTables.Policy();
        var desired = new NftTable();
        desired.AddSet("peers-v4", "ipv4_addr", NftSetFlags.Interval).Add("10.0.0.0/24");

        string script = NftRenderer.Incremental(previous, desired);

        Assert.StartsWith("add table inet weft\nflush table inet weft\n", script, StringComparison.Ordinal);
        Assert.Contains("delete chain inet weft pod-a\n", script, StringComparison.Ordinal);
        Assert.Contains("add set inet weft peers-v4 { type ipv4_addr; flags interval; }\n", script, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "pod", "default/web-1" }, "pod-default-web-1")]
    [InlineData(new[] { "fwd" }, "fwd-")]
    [InlineData(new[] { "9lives" }, "w-9lives")]
    public void NamesAreReadableAndNeverKeywords(string[] parts, string expected)
    {
        Assert.Equal(expected, NftNames.Make(parts));
        Assert.True(NftNames.IsValid(expected));
    }

    [Fact]
    public void LongNamesAreTruncatedWithAHashThatKeepsThemDistinct()
    {
        string a = NftNames.Make("pod", new string('x', 100) + "a"), b = NftNames.Make("pod", new string('x', 100) + "b");

        Assert.Equal(NftNames.MaxLength, a.Length);
        Assert.NotEqual(a, b);
        Assert.StartsWith("pod-xxxx", a, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fwd")]
    [InlineData("Pod-A")]
    [InlineData("pod a")]
    public void InvalidNamesAreRejectedWithTheName(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => new NftTable().AddChain(name));
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiLineRulesAreRejected()
    {
        var chain = new NftTable().AddChain("pod-a");
        Assert.Throws<ArgumentException>(() => chain.Add("accept\ndelete table inet other"));
    }
}
