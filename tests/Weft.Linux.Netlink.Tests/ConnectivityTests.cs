using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// A TCP connection across a veth pair between two throwaway namespaces, with the sockets made
/// by NetNamespace.CreateSocket: it only works if each socket really lives in its namespace.
/// </summary>
public class ConnectivityTests
{
    [Theory]
    [InlineData("10.251.0.1", "10.251.0.2", 30)]
    [InlineData("fd00:251::1", "fd00:251::2", 64)]
    public async Task TcpAcrossVethBetweenNamespaces(string serverIp, string clientIp, int prefix)
    {
        using var server = TestNetns.Create();
        using var client = TestNetns.Create();
        string serverEnd = server.Name + "s", clientEnd = server.Name + "c";
        server.Netlink.CreateVeth(serverEnd, clientEnd, client.Ns.Handle, 1500);
        int s = server.Netlink.GetLink(serverEnd)!.Index, c = client.Netlink.GetLink(clientEnd)!.Index;
        server.Netlink.AddAddress(s, IPAddress.Parse(serverIp), prefix, noDad: true);
        client.Netlink.AddAddress(c, IPAddress.Parse(clientIp), prefix, noDad: true);
        server.Netlink.SetUp(s);
        client.Netlink.SetUp(c);
        var family = IPAddress.Parse(serverIp).AddressFamily;

        using var listener = server.Ns.CreateSocket(family, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Parse(serverIp), 0));
        listener.Listen();
        using var connector = client.Ns.CreateSocket(family, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var accepting = listener.AcceptAsync(timeout.Token);
        await connector.ConnectAsync(listener.LocalEndPoint!, timeout.Token);
        using var accepted = await accepting;
        await connector.SendAsync(Encoding.ASCII.GetBytes("weft"), timeout.Token);
        var buffer = new byte[4];
        int received = await accepted.ReceiveAsync(buffer, timeout.Token);

        Assert.Equal("weft", Encoding.ASCII.GetString(buffer, 0, received));
        Assert.Equal(IPAddress.Parse(clientIp), ((IPEndPoint)accepted.RemoteEndPoint!).Address);
    }
}
