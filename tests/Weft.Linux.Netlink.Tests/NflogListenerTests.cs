using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Weft.Linux.Netlink.Tests;

/// <summary>A real nft log rule on loopback inside a throwaway namespace feeds the listener.</summary>
public class NflogListenerTests
{
    private const ushort Group = 41;

    [Fact]
    public async Task ReadAllAsyncYieldsLoggedUdpPackets()
    {
        using var ns = TestNetns.Create();
        ns.Netlink.SetUp(ns.Netlink.GetLink("lo")!.Index);
        string table = ns.Name + "-log";
        await Nft(ns, $$"""
            add table inet {{table}}
            add chain inet {{table}} wt-out { type filter hook output priority 0; }
            add rule inet {{table}} wt-out udp dport 9 log group {{Group}} prefix "wt-udp"
            """);
        using var listener = ns.Ns.Run(() => NflogListener.Open(Group));
        using var udp = ns.Ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.SendTo(new byte[4], new IPEndPoint(IPAddress.Loopback, 9));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        NflogRecord? record = null;
        await foreach (var r in listener.ReadAllAsync(timeout.Token))
        {
            record = r;
            break;
        }

        Assert.NotNull(record);
        Assert.Equal("wt-udp", record.Prefix);
        Assert.Equal((byte)17, record.Protocol);
        Assert.Equal(IPAddress.Loopback, record.Destination);
        Assert.Equal((ushort)9, record.DestinationPort);
        Assert.Equal(3, record.Hook); // NF_INET_LOCAL_OUT
        Assert.True(record.OutIfIndex > 0);
    }

    [Fact]
    public void ReadReturnsNullWhenNothingIsLogged()
    {
        using var ns = TestNetns.Create();
        using var listener = ns.Ns.Run(() => NflogListener.Open(Group));

        Assert.Null(listener.Read(TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void ASecondListenerOnTheSameGroupIsRefused()
    {
        using var ns = TestNetns.Create();
        using var first = ns.Ns.Run(() => NflogListener.Open(Group));

        var error = Assert.Throws<NetlinkException>(() => ns.Ns.Run(() => NflogListener.Open(Group)));

        // The kernel answers EPERM when another socket owns the group instance.
        Assert.Equal("EPERM", error.ErrnoName);
        Assert.Contains($"group {Group}", error.Message, StringComparison.Ordinal);
    }

    private static async Task Nft(TestNetns ns, string script)
    {
        var psi = new ProcessStartInfo("nft") { RedirectStandardInput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add("-");
        using var process = ns.Ns.StartProcess(psi);
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        string stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, stderr);
    }
}
