namespace Weft.Linux.Nftables.Tests;

/// <summary>Small models shared by the golden and kernel tests.</summary>
internal static class SampleTables
{
    /// <summary>A forward base chain dispatching per interface through a verdict map to a pod chain.</summary>
    public static NftTable Policy(string table = "weft")
    {
        var model = new NftTable(table);
        model.AddSet("peers-v4", "ipv4_addr").Add("10.0.0.2").Add("10.0.0.1");
        model.AddSet("peer-ports", "ipv4_addr . inet_service", NftSetFlags.Interval).Add("10.0.0.0/8 . 80-90");
        model.AddMap("pod-dispatch", "ifname", "verdict").Add("\"veth-b\"", "jump pod-b").Add("\"veth-a\"", "jump pod-a");
        model.AddChain("pod-a").Add("ip saddr @peers-v4 counter accept comment \"allow-a\"").Add("counter drop comment \"deny-a\"");
        model.AddChain("pod-b").Add("ip saddr . tcp dport @peer-ports counter accept comment \"allow-b\"");
        model.AddChain("weft-forward", new NftBaseChain("filter", "forward", 0))
            .Add("ct state established,related accept")
            .Add("oifname vmap @pod-dispatch");
        return model;
    }
}
