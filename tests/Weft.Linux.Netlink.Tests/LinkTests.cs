using System.Net;
using Weft.Linux.Interop;

namespace Weft.Linux.Netlink.Tests;

/// <summary>Link operations against the real kernel, in throwaway namespaces.</summary>
public class LinkTests
{
    [Fact]
    public void VethPeerIsCreatedDirectlyInTheOtherNamespace()
    {
        using var host = TestNetns.Create();
        using var pod = TestNetns.Create();
        string hostEnd = host.Name + "h", podEnd = host.Name + "p";

        host.Netlink.CreateVeth(hostEnd, podEnd, pod.Ns.Handle, 1400, TestNetns.Mac(1), TestNetns.Mac(2));

        var h = host.Netlink.GetLink(hostEnd)!;
        var p = pod.Netlink.GetLink(podEnd)!;
        Assert.Equal(("veth", 1400, false), (h.Kind, h.Mtu, h.IsUp));
        Assert.Equal(TestNetns.Mac(1), h.Mac);
        Assert.Equal(("veth", 1400), (p.Kind, p.Mtu));
        Assert.Equal(TestNetns.Mac(2), p.Mac);
        Assert.Equal(p.Index, h.PeerIndex);
        Assert.Equal(h.Index, p.PeerIndex);
        Assert.NotNull(h.PeerNetnsId);
        Assert.Null(host.Netlink.GetLink(podEnd));
        Assert.Null(pod.Netlink.GetLink(hostEnd));
        Assert.Equal(hostEnd, host.Netlink.GetLink(h.Index)!.Name);
        Assert.Contains(host.Netlink.ListLinks(), l => l.Name == hostEnd && l.Index == h.Index);
        Assert.Contains(pod.Netlink.ListLinks(), l => l.Name == "lo" && l.Kind is null);
    }

    [Fact]
    public void CreatingAnExistingLinkNamesOperationObjectAndErrno()
    {
        using var t = TestNetns.Create();
        string name = t.Name + "a";
        t.Netlink.CreateVeth(name, t.Name + "b", null, 1500);

        var e = Assert.Throws<NetlinkException>(() => t.Netlink.CreateVeth(name, t.Name + "c", null, 1500));

        Assert.Equal(Errno.EEXIST, e.Errno);
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.StartsWith($"RTM_NEWLINK veth {name} peer {t.Name}c: File exists (EEXIST)", e.Message);
    }

    [Fact]
    public void SetUpMtuMacRenameAndDelete()
    {
        using var t = TestNetns.Create();
        string a = t.Name + "a", b = t.Name + "b", renamed = t.Name + "r";
        t.Netlink.CreateVeth(a, b, null, 1500);
        int ia = t.Netlink.GetLink(a)!.Index, ib = t.Netlink.GetLink(b)!.Index;

        t.Netlink.SetMtu(ia, 1280);
        t.Netlink.SetMac(ia, TestNetns.Mac(9));
        t.Netlink.Rename(ia, renamed);
        t.Netlink.SetUp(ia);
        t.Netlink.SetUp(ia);

        var link = t.Netlink.GetLink(renamed)!;
        Assert.Equal((ia, 1280, true), (link.Index, link.Mtu, link.IsUp));
        Assert.Equal(TestNetns.Mac(9), link.Mac);
        Assert.Null(t.Netlink.GetLink(a));
        t.Netlink.SetDown(ia);
        Assert.False(t.Netlink.GetLink(ia)!.IsUp);

        Assert.True(t.Netlink.DeleteLink(renamed));
        Assert.False(t.Netlink.DeleteLink(renamed));
        Assert.False(t.Netlink.DeleteLink(ib));
        Assert.Null(t.Netlink.GetLink(b));
        Assert.Null(t.Netlink.GetLink(ia));
    }

    [Fact]
    public void InvalidArgumentsAreRejectedBeforeTheKernel()
    {
        using var t = TestNetns.Create();

        Assert.Throws<ArgumentException>(() => t.Netlink.CreateBridge("name-longer-than-15"));
        Assert.Throws<ArgumentException>(() => t.Netlink.CreateVeth("a", "b", null, 1500, mac: [1, 2, 3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Netlink.SetMtu(1, 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Netlink.CreateVxlan("v", 0, IPAddress.Loopback, 0, 4789, 1450, TestNetns.Mac(1), false));
    }

    [Fact]
    public void BridgeAndMaster()
    {
        using var t = TestNetns.Create();
        string bridge = t.Name + "br", port = t.Name + "a";
        t.Netlink.CreateBridge(bridge);
        t.Netlink.CreateVeth(port, t.Name + "b", null, 1500);
        var br = t.Netlink.GetLink(bridge)!;
        int portIndex = t.Netlink.GetLink(port)!.Index;

        t.Netlink.SetMaster(portIndex, br.Index);
        Assert.Equal("bridge", br.Kind);
        Assert.Equal(br.Index, t.Netlink.GetLink(portIndex)!.MasterIndex);

        t.Netlink.SetMaster(portIndex, 0);
        Assert.Equal(0, t.Netlink.GetLink(portIndex)!.MasterIndex);
    }

    [Fact]
    public void MoveToNetns()
    {
        using var a = TestNetns.Create();
        using var b = TestNetns.Create();
        string name = a.Name + "m";
        a.Netlink.CreateVeth(name, a.Name + "n", null, 1500);

        a.Netlink.MoveToNetns(a.Netlink.GetLink(name)!.Index, b.Ns.Handle);

        Assert.Null(a.Netlink.GetLink(name));
        Assert.Equal("veth", b.Netlink.GetLink(name)!.Kind);

        // Bridges are pinned to their namespace; the kernel's extended ack explains why.
        a.Netlink.CreateBridge(a.Name + "br");
        var e = Assert.Throws<NetlinkException>(() => a.Netlink.MoveToNetns(a.Netlink.GetLink(a.Name + "br")!.Index, b.Ns.Handle));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.False(string.IsNullOrEmpty(e.KernelMessage));
    }

    [Fact]
    public void OneSocketServesConcurrentCallers()
    {
        using var t = TestNetns.Create();
        string[] names = [.. Enumerable.Range(0, 8).Select(i => $"{t.Name}{i}")];

        Parallel.ForEach(names, new ParallelOptions { MaxDegreeOfParallelism = 8 }, name =>
        {
            t.Netlink.CreateBridge(name);
            for (int i = 0; i < 20; i++)
            {
                Assert.Equal(name, t.Netlink.GetLink(name)!.Name);
                Assert.Contains(t.Netlink.ListLinks(), l => l.Name == name);
            }
        });

        Assert.Equal(names.Length, t.Netlink.ListLinks().Count(l => l.Kind == "bridge"));
    }
}
