using System.Diagnostics;
using System.Net.Sockets;
using Weft.Linux.Interop;
using Weft.Linux.Netns;

namespace Weft.Linux.Netlink.Tests;

/// <summary>NetNamespace against the real kernel, in throwaway namespaces.</summary>
public class NetNamespaceTests
{
    [Fact]
    public void CreateListExistsDelete()
    {
        string name = TestNetns.UniqueName();
        try
        {
            using (var ns = NetNamespace.Create(name))
            {
                Assert.True(NetNamespace.Exists(name));
                Assert.Contains(name, NetNamespace.List());
                Assert.Equal($"/run/netns/{name}", NetNamespace.PathOf(name));
                Assert.Throws<IOException>(() => NetNamespace.Create(name));

                using var reopened = NetNamespace.Open(NetNamespace.PathOf(name));
                Assert.Equal(ns.Inode, reopened.Inode);
            }

            NetNamespace.Delete(name);
            Assert.False(NetNamespace.Exists(name));
            Assert.DoesNotContain(name, NetNamespace.List());
            NetNamespace.Delete(name);
        }
        finally
        {
            NetNamespace.Delete(name);
        }
    }

    [Fact]
    public void OpenRejectsWhatIsNotANetworkNamespace()
    {
        Assert.Throws<ArgumentException>(() => NetNamespace.Open("/proc/self/ns/uts"));
        var missing = Assert.Throws<SyscallException>(() => NetNamespace.Open("/run/netns/" + TestNetns.UniqueName()));
        Assert.Equal(Errno.ENOENT, missing.Errno);
        Assert.Throws<ArgumentException>(() => NetNamespace.PathOf("../etc"));
    }

    [Fact]
    public void RunExecutesOnADedicatedThreadInsideTheNamespace()
    {
        using var t = TestNetns.Create();
        string caller = TestNetns.CurrentThreadNamespace();
        int callerThread = Environment.CurrentManagedThreadId;

        var (inside, threadId, isPool, inode) = t.Ns.Run(() =>
        {
            using var current = NetNamespace.OpenCurrent();
            return (TestNetns.CurrentThreadNamespace(), Environment.CurrentManagedThreadId, Thread.CurrentThread.IsThreadPoolThread, current.Inode);
        });

        Assert.Equal($"net:[{t.Ns.Inode}]", inside);
        Assert.Equal(t.Ns.Inode, inode);
        Assert.NotEqual(caller, inside);
        Assert.NotEqual(callerThread, threadId);
        Assert.False(isPool);
        Assert.Equal(caller, TestNetns.CurrentThreadNamespace());
    }

    [Fact]
    public void RunRethrowsTheActionsException()
    {
        using var t = TestNetns.Create();

        var e = Assert.Throws<InvalidOperationException>(() => t.Ns.Run(() => throw new InvalidOperationException("from inside")));

        Assert.Equal("from inside", e.Message);
    }

    [Fact]
    public void HandleKeepsNamespaceUsableAfterDelete()
    {
        var t = TestNetns.Create();
        using var ns = NetNamespace.Open(t.Ns.Path);
        t.Dispose();

        Assert.False(NetNamespace.Exists(t.Name));
        Assert.Equal($"net:[{ns.Inode}]", ns.Run(TestNetns.CurrentThreadNamespace));
    }

    [Fact]
    public void StartProcessRunsTheChildInTheNamespaceAndLeavesNoThreadBehind()
    {
        using var t = TestNetns.Create();
        t.Netlink.CreateBridge(t.Name + "b");
        var psi = new ProcessStartInfo("sh", "-c \"readlink /proc/self/ns/net; cat /proc/net/dev\"") { RedirectStandardOutput = true };

        using var child = t.Ns.StartProcess(psi);
        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();

        Assert.Equal(0, child.ExitCode);
        Assert.StartsWith($"net:[{t.Ns.Inode}]", output);
        Assert.Contains(t.Name + "b:", output);
        // The throwaway thread has returned its result but may still be exiting; a leak would stay.
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (Directory.GetDirectories("/proc/self/task").Any(task => LinkOf(task) == $"net:[{t.Ns.Inode}]") && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(10);
        }
        Assert.DoesNotContain(Directory.GetDirectories("/proc/self/task"), task => LinkOf(task) == $"net:[{t.Ns.Inode}]");
    }

    [Fact]
    public void SysctlChangesTheNamespaceButNotTheRoot()
    {
        using var t = TestNetns.Create();
        foreach (var (key, file) in new[] { ("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward"), ("net.ipv6.conf.all.forwarding", "/proc/sys/net/ipv6/conf/all/forwarding") })
        {
            string rootBefore = File.ReadAllText(file).Trim();
            string wanted = rootBefore == "1" ? "0" : "1";

            t.Ns.WriteSysctl(key, wanted);

            Assert.Equal(wanted, t.Ns.ReadSysctl(key));
            Assert.Equal(rootBefore, File.ReadAllText(file).Trim());
        }

        Assert.Throws<ArgumentException>(() => t.Ns.ReadSysctl("kernel.hostname"));
        Assert.Throws<ArgumentException>(() => t.Ns.ReadSysctl("net.ipv4..ip_forward"));
    }

    [Fact]
    public void SocketCreatedInANamespaceSeesOnlyThatNamespacesAddresses()
    {
        using var t = TestNetns.Create();
        var address = System.Net.IPAddress.Parse("203.0.113.77");   // TEST-NET-3: never on the root namespace
        t.Netlink.CreateBridge(t.Name + "b");
        var bridge = t.Netlink.GetLink(t.Name + "b")!;
        t.Netlink.AddAddress(bridge.Index, address, 32);

        using var inside = t.Ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var outside = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        inside.Bind(new System.Net.IPEndPoint(address, 0));
        var e = Assert.Throws<SocketException>(() => outside.Bind(new System.Net.IPEndPoint(address, 0)));
        Assert.Equal(SocketError.AddressNotAvailable, e.SocketErrorCode);
    }

    private static string? LinkOf(string task)
    {
        try
        {
            return new FileInfo(task + "/ns/net").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
