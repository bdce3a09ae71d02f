using System.Net;
using Weft.Linux.Netns;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// A root token bucket filter set through netlink shapes real TCP (iperf3) across a veth pair to its rate,
/// takes a new rate on a live link, and is gone after its delete.
/// </summary>
public class QdiscTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void A_tbf_shapes_tcp_to_its_rate_changes_live_and_deletes()
    {
        using var server = TestNetns.Create();
        using var client = TestNetns.Create();
        string serverEnd = server.Name + "s", clientEnd = server.Name + "c";
        server.Netlink.CreateVeth(serverEnd, clientEnd, client.Ns.Handle, 1500);
        int s = server.Netlink.GetLink(serverEnd)!.Index, c = client.Netlink.GetLink(clientEnd)!.Index;
        server.Netlink.AddAddress(s, IPAddress.Parse("10.252.0.1"), 30, noDad: true);
        client.Netlink.AddAddress(c, IPAddress.Parse("10.252.0.2"), 30, noDad: true);
        server.Netlink.SetUp(s);
        client.Netlink.SetUp(c);
        server.Netlink.SetUp(server.Netlink.GetLink("lo")!.Index);

        foreach (var mbit in new[] { 20UL, 50UL })
        {
            // The client's side sends: shape what leaves it. 10 ms of burst, 100 ms of queue.
            var bps = mbit * 1_000_000;
            client.Netlink.ReplaceTbf(c, bps, (uint)Math.Max(bps / 8 / 100, 3028), (uint)(bps / 8 / 10));
            var tbf = Assert.Single(client.Netlink.ListQdiscs(c), q => q.IsRoot);
            Assert.Equal("tbf", tbf.Kind);
            var measured = Weft.TestKit.Iperf.Measure(client.Ns, server.Ns, "10.252.0.1");
            output.WriteLine($"tbf {mbit} Mbit/s: iperf3 measured {measured / 1e6:F2} Mbit/s ({measured / bps:P1})");
            Assert.InRange(measured, bps * 0.90, bps * 1.05);
        }

        Assert.True(client.Netlink.DeleteRootQdisc(c));
        Assert.DoesNotContain(client.Netlink.ListQdiscs(c), q => q.Kind == "tbf");
        Assert.True(Weft.TestKit.Iperf.Measure(client.Ns, server.Ns, "10.252.0.1") > 500_000_000, "without the tbf the veth runs far above 50 Mbit/s");
    }
}
