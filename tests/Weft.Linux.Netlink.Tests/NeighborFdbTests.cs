using System.Net;
using System.Net.Sockets;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Neighbours, VXLAN and FDB against the real kernel, in throwaway namespaces.</summary>
public class NeighborFdbTests
{
    [Fact]
    public void NeighboursV4AndV6()
    {
        using var t = TestNetns.Create();
        t.Netlink.CreateVeth(t.Name + "a", t.Name + "b", null, 1500);
        int a = t.Netlink.GetLink(t.Name + "a")!.Index;
        var v4 = IPAddress.Parse("10.9.0.5");
        var v6 = IPAddress.Parse("fd00:9::5");

        t.Netlink.ReplaceNeighbor(a, v4, TestNetns.Mac(5));
        t.Netlink.ReplaceNeighbor(a, v6, TestNetns.Mac(6));
        t.Netlink.ReplaceNeighbor(a, v4, TestNetns.Mac(7));

        var all = t.Netlink.ListNeighbors(a);
        Assert.Equal(2, all.Count);
        var n4 = Assert.Single(all, n => n.Address.Equals(v4));
        Assert.True(n4.IsPermanent);
        Assert.Equal(TestNetns.Mac(7), n4.Mac);
        var only6 = Assert.Single(t.Netlink.ListNeighbors(a, AddressFamily.InterNetworkV6));
        Assert.Equal((v6, a), (only6.Address, only6.IfIndex));
        Assert.Equal(TestNetns.Mac(6), only6.Mac);

        Assert.True(t.Netlink.DeleteNeighbor(a, v4));
        Assert.False(t.Netlink.DeleteNeighbor(a, v4));
        Assert.True(t.Netlink.DeleteNeighbor(a, v6));
        Assert.Empty(t.Netlink.ListNeighbors(a));
    }

    [Fact]
    public void VxlanWithoutLearningPlusFdbNeighbourAndRoute()
    {
        using var node = TestNetns.Create();
        using var peer = TestNetns.Create();
        string underlay = node.Name + "u", vxlan = node.Name + "v";
        node.Netlink.CreateVeth(underlay, node.Name + "w", peer.Ns.Handle, 1500);
        int u = node.Netlink.GetLink(underlay)!.Index;
        node.Netlink.SetUp(u);
        var local = IPAddress.Parse("192.168.77.1");
        node.Netlink.AddAddress(u, local, 24);

        node.Netlink.CreateVxlan(vxlan, 4242, local, u, 4789, 1450, TestNetns.Mac(0x10), learning: false);

        var vx = node.Netlink.GetLink(vxlan)!;
        Assert.Equal(("vxlan", 1450), (vx.Kind, vx.Mtu));
        Assert.Equal(TestNetns.Mac(0x10), vx.Mac);
        Assert.Equal(new VxlanInfo(4242, 4789, local, false, u), vx.Vxlan);
        node.Netlink.SetUp(vx.Index);

        // The three entries per remote node of a static VXLAN overlay: FDB, neighbour, route.
        byte[] remoteVtepMac = TestNetns.Mac(0x20);
        var remoteOverlay = IPAddress.Parse("10.244.5.0");
        node.Netlink.ReplaceFdb(vx.Index, remoteVtepMac, IPAddress.Parse("192.168.77.2"));
        node.Netlink.ReplaceFdb(vx.Index, remoteVtepMac, IPAddress.Parse("192.168.77.3"));
        node.Netlink.ReplaceNeighbor(vx.Index, remoteOverlay, remoteVtepMac);
        node.Netlink.ReplaceRoute(new RouteSpec(IPNetwork.Parse("10.244.5.0/24"), remoteOverlay, vx.Index, 99, RouteScope.Universe, OnLink: true));

        var fdb = Assert.Single(node.Netlink.ListFdb(vx.Index), f => f.Mac.AsSpan().SequenceEqual(remoteVtepMac));
        Assert.Equal(IPAddress.Parse("192.168.77.3"), fdb.Remote);
        Assert.True(fdb.IsPermanent);
        Assert.Equal(remoteVtepMac, Assert.Single(node.Netlink.ListNeighbors(vx.Index, AddressFamily.InterNetwork)).Mac);
        Assert.Single(node.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: 99));

        Assert.True(node.Netlink.DeleteFdb(vx.Index, remoteVtepMac, IPAddress.Parse("192.168.77.3")));
        Assert.False(node.Netlink.DeleteFdb(vx.Index, remoteVtepMac, IPAddress.Parse("192.168.77.3")));
        Assert.DoesNotContain(node.Netlink.ListFdb(vx.Index), f => f.Mac.AsSpan().SequenceEqual(remoteVtepMac));
    }

    [Fact]
    public void AppendFdbKeepsSeveralRemotesForTheFloodingEntry()
    {
        using var t = TestNetns.Create();
        t.Netlink.CreateVxlan(t.Name + "v", 77, IPAddress.Parse("192.168.78.1"), 0, 4789, 1450, TestNetns.Mac(0x30), learning: false);
        int vx = t.Netlink.GetLink(t.Name + "v")!.Index;
        byte[] flood = new byte[6];

        t.Netlink.AppendFdb(vx, flood, IPAddress.Parse("192.168.78.2"));
        t.Netlink.AppendFdb(vx, flood, IPAddress.Parse("192.168.78.3"));

        var remotes = t.Netlink.ListFdb(vx).Where(f => f.Mac.AsSpan().SequenceEqual(flood)).Select(f => f.Remote!.ToString()).Order().ToList();
        Assert.Equal(["192.168.78.2", "192.168.78.3"], remotes);
    }
}
