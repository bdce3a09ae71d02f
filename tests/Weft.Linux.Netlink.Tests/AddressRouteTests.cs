using System.Net;
using System.Net.Sockets;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Addresses and routes against the real kernel, in throwaway namespaces.</summary>
public class AddressRouteTests
{
    private const byte WeftProto = 99;

    /// <summary>A veth pair inside <paramref name="t"/>, both ends up; returns the first end's index.</summary>
    private static int UpLink(TestNetns t)
    {
        t.Netlink.CreateVeth(t.Name + "a", t.Name + "b", null, 1500);
        int a = t.Netlink.GetLink(t.Name + "a")!.Index;
        t.Netlink.SetUp(a);
        t.Netlink.SetUp(t.Netlink.GetLink(t.Name + "b")!.Index);
        return a;
    }

    [Fact]
    public void AddressesV4AndV6()
    {
        using var t = TestNetns.Create();
        int a = UpLink(t);
        var v4 = IPAddress.Parse("10.9.0.1");
        var v6 = IPAddress.Parse("fd00:9::1");

        t.Netlink.AddAddress(a, v4, 24);
        t.Netlink.AddAddress(a, v4, 24);
        t.Netlink.AddAddress(a, v6, 64, noDad: true);
        t.Netlink.AddAddress(a, v6, 64, noDad: true);

        var listed = t.Netlink.ListAddresses(a);
        var got4 = Assert.Single(listed, x => x.Address.Equals(v4));
        var got6 = Assert.Single(listed, x => x.Address.Equals(v6));
        Assert.Equal((a, 24, (byte)0), (got4.IfIndex, got4.PrefixLength, got4.Scope));
        Assert.Equal(64, got6.PrefixLength);
        Assert.False(got6.IsTentative);
        Assert.All(listed, x => Assert.Equal(a, x.IfIndex));
        Assert.Contains(t.Netlink.ListAddresses(), x => x.Address.Equals(v6));

        Assert.True(t.Netlink.DeleteAddress(a, v4, 24));
        Assert.False(t.Netlink.DeleteAddress(a, v4, 24));
        Assert.True(t.Netlink.DeleteAddress(a, v6, 64));
        Assert.DoesNotContain(t.Netlink.ListAddresses(a), x => x.Address.Equals(v4) || x.Address.Equals(v6));
    }

    [Fact]
    public void IPv4RoutesWithProtocolOnLinkReplaceAndDelete()
    {
        using var t = TestNetns.Create();
        int a = UpLink(t);

        // The kernel checks an onlink gateway against the main table, which a fresh namespace
        // only gets with its first IPv4 route; an interface address provides one.
        t.Netlink.AddAddress(a, IPAddress.Parse("10.9.0.1"), 24);
        var spec = new RouteSpec(IPNetwork.Parse("10.99.0.0/24"), IPAddress.Parse("192.168.55.1"), a, WeftProto, RouteScope.Universe, OnLink: true);

        t.Netlink.ReplaceRoute(spec);
        t.Netlink.ReplaceRoute(spec);
        var route = Assert.Single(t.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: WeftProto));
        Assert.Equal(new RouteInfo(spec.Destination, spec.Gateway, a, WeftProto, RouteScope.Universe, 254, true, null, null, RouteType.Unicast), route);
        Assert.Empty(t.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: WeftProto + 1));
        Assert.Single(t.Netlink.ListRoutes(AddressFamily.InterNetwork, table: 254, protocol: WeftProto));

        t.Netlink.ReplaceRoute(spec with { Gateway = IPAddress.Parse("192.168.55.2") });
        Assert.Equal(IPAddress.Parse("192.168.55.2"), Assert.Single(t.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: WeftProto)).Gateway);

        var direct = new RouteSpec(IPNetwork.Parse("10.98.0.0/16"), null, a, WeftProto, RouteScope.Link, OnLink: false, Table: 1000, Metric: 50);
        t.Netlink.ReplaceRoute(direct);
        var inTable = Assert.Single(t.Netlink.ListRoutes(AddressFamily.InterNetwork, table: 1000));
        Assert.Equal((RouteScope.Link, 50u, 1000u, (IPAddress?)null), (inTable.Scope, inTable.Metric!.Value, inTable.Table, inTable.Gateway));

        Assert.True(t.Netlink.DeleteRoute(spec with { Gateway = IPAddress.Parse("192.168.55.2") }));
        Assert.False(t.Netlink.DeleteRoute(spec));
        Assert.True(t.Netlink.DeleteRoute(direct));
        Assert.False(t.Netlink.DeleteRoute(direct));
        Assert.Empty(t.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: WeftProto));
    }

    [Fact]
    public void IPv6RouteWithOnLinkGateway()
    {
        using var t = TestNetns.Create();
        int a = UpLink(t);
        var spec = new RouteSpec(IPNetwork.Parse("fd00:99::/64"), IPAddress.Parse("fd00:55::1"), a, WeftProto, RouteScope.Universe, OnLink: true, Metric: 100);

        t.Netlink.ReplaceRoute(spec);
        t.Netlink.ReplaceRoute(spec);

        var route = Assert.Single(t.Netlink.ListRoutes(AddressFamily.InterNetworkV6, protocol: WeftProto));
        Assert.Equal((spec.Destination, spec.Gateway, a, true, 100u), (route.Destination, route.Gateway, route.OutIfIndex!.Value, route.OnLink, route.Metric!.Value));
        Assert.Empty(t.Netlink.ListRoutes(AddressFamily.InterNetwork, protocol: WeftProto));
        Assert.True(t.Netlink.DeleteRoute(spec));
        Assert.False(t.Netlink.DeleteRoute(spec));
    }

    [Fact]
    public void PodStyleDefaultRoutesViaOnLinkGatewayWithHostAddresses()
    {
        using var t = TestNetns.Create();
        int a = UpLink(t);
        t.Netlink.AddAddress(a, IPAddress.Parse("10.244.0.7"), 32, noDad: true);
        t.Netlink.AddAddress(a, IPAddress.Parse("fd00:244::7"), 128, noDad: true);
        var gw4 = IPAddress.Parse("169.254.1.1");
        var gw6 = IPAddress.Parse("fe80::1");

        t.Netlink.ReplaceNeighbor(a, gw4, TestNetns.Mac(1));
        t.Netlink.ReplaceRoute(new RouteSpec(new IPNetwork(IPAddress.Any, 0), gw4, a, WeftProto, RouteScope.Universe, OnLink: true));
        t.Netlink.ReplaceRoute(new RouteSpec(new IPNetwork(IPAddress.IPv6Any, 0), gw6, a, WeftProto, RouteScope.Universe, OnLink: true));

        var both = t.Netlink.ListRoutes(AddressFamily.Unspecified, protocol: WeftProto);
        Assert.Equal(2, both.Count);
        Assert.Contains(both, r => r.Destination == new IPNetwork(IPAddress.Any, 0) && gw4.Equals(r.Gateway));
        Assert.Contains(both, r => r.Destination == new IPNetwork(IPAddress.IPv6Any, 0) && gw6.Equals(r.Gateway));
    }

    [Fact]
    public void RouteArgumentsAreChecked()
    {
        using var t = TestNetns.Create();
        var mixed = new RouteSpec(IPNetwork.Parse("10.0.0.0/8"), IPAddress.Parse("fd00::1"), null, WeftProto, RouteScope.Universe, OnLink: false);

        Assert.Throws<ArgumentException>(() => t.Netlink.ReplaceRoute(mixed));
        var e = Assert.Throws<NetlinkException>(() => t.Netlink.ReplaceRoute(mixed with { Gateway = IPAddress.Parse("10.0.0.1"), OutIfIndex = 9999 }));
        Assert.Contains("RTM_NEWROUTE Unicast 10.0.0.0/8 via 10.0.0.1 ifindex 9999", e.Message);
    }
}
