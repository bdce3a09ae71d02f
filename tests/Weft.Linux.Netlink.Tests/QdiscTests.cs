using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using Weft.Linux.Interop;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// A root token bucket filter set through netlink shapes real TCP (iperf3) across a veth pair to its rate,
/// takes a new rate on a live link, and is gone after its delete. Listed qdiscs report the tbf rate and the netem
/// delay; a tbf goes under a class; netem is set, or refused with ENOENT on a kernel built without it.
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

    private const uint Root = 0xFFFFFFFF, ClassOneOne = 0x00010001, HandleTen = 0x000A0000;

    [Theory]
    [InlineData(20_000_000UL)]
    [InlineData(40_000_000_000UL)] // 5e9 bytes/s: above 32 bits, so it travels and comes back as TCA_TBF_RATE64
    public void A_root_tbf_is_listed_with_the_rate_it_was_given(ulong bitsPerSecond)
    {
        using var ns = TestNetns.Create();
        int link = CreateVeth(ns);

        ns.Netlink.ReplaceTbf(link, bitsPerSecond, 25_000, 250_000);

        var tbf = Assert.Single(ns.Netlink.ListQdiscs(link), q => q.IsRoot);
        Assert.Equal(("tbf", bitsPerSecond, (long?)null), (tbf.Kind, tbf.RateBitsPerSecond, tbf.DelayNs));
    }

    [Fact]
    public void A_tbf_goes_under_a_class_with_the_handle_it_was_given()
    {
        // netem may be missing (it is on the development kernel), so an htb class made by tc is the parent here.
        using var ns = TestNetns.Create();
        int link = CreateVeth(ns);
        string name = ns.Name + "a";
        Tc(ns, "qdisc", "add", "dev", name, "root", "handle", "1:", "htb");
        Tc(ns, "class", "add", "dev", name, "parent", "1:", "classid", "1:1", "htb", "rate", "100mbit");

        ns.Netlink.ReplaceTbf(link, 20_000_000, 25_000, 250_000, parent: ClassOneOne, handle: HandleTen);

        var child = Assert.Single(ns.Netlink.ListQdiscs(link), q => q.Kind == "tbf");
        Assert.Equal((HandleTen, ClassOneOne, 20_000_000UL), (child.Handle, child.Parent, child.RateBitsPerSecond));
        Assert.Equal("htb", Assert.Single(ns.Netlink.ListQdiscs(link), q => q.IsRoot).Kind);
    }

    [Fact]
    public void Netem_is_the_root_with_a_tbf_child_or_refused_with_ENOENT_leaving_the_root_as_it_was()
    {
        using var ns = TestNetns.Create();
        int link = CreateVeth(ns);
        ns.Netlink.ReplaceTbf(link, 20_000_000, 25_000, 250_000);
        var options = new NetemOptions(DelayNs: 3_000_000, JitterNs: 1_000_000, LossPercent: 20, LimitPackets: 1000);

        NetlinkException? refused = null;
        try
        {
            ns.Netlink.ReplaceNetem(link, options);
        }
        catch (NetlinkException e)
        {
            refused = e;
        }

        if (refused is not null)
        {
            Assert.False(KernelBuiltWithNetem(), $"the kernel has sch_netem built in, yet refused: {refused.Message}");
            Assert.Equal(Errno.ENOENT, refused.Errno);
            var root = Assert.Single(ns.Netlink.ListQdiscs(link), q => q.IsRoot);
            Assert.Equal(("tbf", 20_000_000UL), (root.Kind, root.RateBitsPerSecond));
            output.WriteLine($"netem is absent on this kernel: {refused.Message}; the root tbf is unchanged");
            return;
        }

        var netem = Assert.Single(ns.Netlink.ListQdiscs(link), q => q.IsRoot);
        Assert.Equal(("netem", 0x00010000u, 3_000_000L), (netem.Kind, netem.Handle, netem.DelayNs));

        ns.Netlink.ReplaceTbf(link, 20_000_000, 25_000, 250_000, parent: ClassOneOne, handle: HandleTen);

        var child = Assert.Single(ns.Netlink.ListQdiscs(link), q => q.Kind == "tbf");
        Assert.Equal((HandleTen, ClassOneOne, 20_000_000UL), (child.Handle, child.Parent, child.RateBitsPerSecond));
        output.WriteLine("netem is present on this kernel: root netem 1: with tbf 10: under 1:1");
    }

    [Fact]
    public void Netem_options_out_of_range_are_refused_naming_the_field()
    {
        var valid = new NetemOptions(0, 0, 100, 1);

        Assert.Equal("LossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => valid with { LossPercent = 100.5 }).ParamName);
        Assert.Equal("LossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => new NetemOptions(0, 0, double.NaN, 1)).ParamName);
        Assert.Equal("LossPercent", Assert.Throws<ArgumentOutOfRangeException>(() => new NetemOptions(0, 0, -1, 1)).ParamName);
        Assert.Equal("DelayNs", Assert.Throws<ArgumentOutOfRangeException>(() => new NetemOptions(-1, 0, 0, 1)).ParamName);
        Assert.Equal("JitterNs", Assert.Throws<ArgumentOutOfRangeException>(() => valid with { JitterNs = -1 }).ParamName);
        Assert.Equal("LimitPackets", Assert.Throws<ArgumentOutOfRangeException>(() => new NetemOptions(0, 0, 0, 0)).ParamName);
    }

    /// <summary>A veth pair whose ends both stay in <paramref name="ns"/>; returns the first end's index.</summary>
    private static int CreateVeth(TestNetns ns)
    {
        ns.Netlink.CreateVeth(ns.Name + "a", ns.Name + "b", null, 1500);
        return ns.Netlink.GetLink(ns.Name + "a")!.Index;
    }

    private static void Tc(TestNetns ns, params string[] args)
    {
        using var tc = ns.Ns.StartProcess(new ProcessStartInfo("tc", args) { RedirectStandardError = true, UseShellExecute = false });
        string error = tc.StandardError.ReadToEnd();
        tc.WaitForExit();
        Assert.True(tc.ExitCode == 0, $"tc {string.Join(' ', args)}: {error}");
    }

    /// <summary>True only when /proc/config.gz says netem is built in; a module may simply be unavailable.</summary>
    private static bool KernelBuiltWithNetem()
    {
        if (!File.Exists("/proc/config.gz"))
        {
            return false;
        }

        using var reader = new StreamReader(new GZipStream(File.OpenRead("/proc/config.gz"), CompressionMode.Decompress));
        return reader.ReadToEnd().Contains("CONFIG_NET_SCH_NETEM=y\n", StringComparison.Ordinal);
    }
}
