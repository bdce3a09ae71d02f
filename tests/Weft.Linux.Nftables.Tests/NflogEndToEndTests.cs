using System.Net;
using System.Net.Sockets;
using Weft.Linux.Netlink;

namespace Weft.Linux.Nftables.Tests;

/// <summary>
/// Two namespaces joined by a veth: a set of denied sources drops and logs a TCP connect, the
/// NFLOG record names the rule, and removing the source from the set (incrementally) opens the path.
/// </summary>
public class NflogEndToEndTests
{
    private const ushort Group = 23;
    private const int Port = 8080;
    private static readonly IPAddress ServerIp = IPAddress.Parse("10.252.0.1"), ClientIp = IPAddress.Parse("10.252.0.2");

    [Fact]
    public async Task DeniedConnectIsLoggedWithItsPrefixAndRemovingTheSourceLetsItThrough()
    {
        using var server = new NftNamespace();
        using var client = new NftNamespace();
        int serverIndex = ConnectWithVeth(server, client);
        var previous = DenyFrom(ClientIp);
        await server.Nft.ApplyAsync(NftRenderer.Full(previous));

        using var nflog = server.Ns.Run(() => NflogListener.Open(Group));
        using var listener = server.Ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(ServerIp, Port));
        listener.Listen();

        Assert.False(await TryConnect(client, TimeSpan.FromMilliseconds(500)));
        var record = nflog.Read(TimeSpan.FromSeconds(5));

        Assert.NotNull(record);
        Assert.Equal("weft-deny ", record.Prefix);
        Assert.Equal(Group, record.Group);
        Assert.Equal(ClientIp, record.Source);
        Assert.Equal(ServerIp, record.Destination);
        Assert.Equal((byte)ProtocolType.Tcp, record.Protocol);
        Assert.Equal((ushort)Port, record.DestinationPort);
        Assert.Equal(serverIndex, record.InIfIndex);
        Assert.Equal(1, record.Hook); // NF_INET_LOCAL_IN
        var deny = Assert.Single((await server.Nft.ListTableAsync())!.RulesWithComment("deny-listed"));
        Assert.True(deny.Packets >= 1);

        var desired = previous.Clone();
        desired.Sets["denied-v4"].Remove(ClientIp.ToString());
        await server.Nft.ApplyAsync(NftRenderer.Incremental(previous, desired));

        Assert.True(await TryConnect(client, TimeSpan.FromSeconds(5)));
    }

    private static NftTable DenyFrom(IPAddress source)
    {
        var model = new NftTable();
        model.AddSet("denied-v4", "ipv4_addr").Add(source.ToString());
        model.AddChain("weft-input", new NftBaseChain("filter", "input", 0))
            .Add($"ip saddr @denied-v4 tcp dport {Port} log group {Group} prefix \"weft-deny \" counter drop comment \"deny-listed\"");
        return model;
    }

    // Returns the server-side interface index.
    private static int ConnectWithVeth(NftNamespace server, NftNamespace client)
    {
        using var serverLink = server.Ns.Run(RtNetlink.Open);
        using var clientLink = client.Ns.Run(RtNetlink.Open);
        string serverEnd = server.Name + "s", clientEnd = server.Name + "c";
        serverLink.CreateVeth(serverEnd, clientEnd, client.Ns.Handle, 1500);
        int s = serverLink.GetLink(serverEnd)!.Index, c = clientLink.GetLink(clientEnd)!.Index;
        serverLink.AddAddress(s, ServerIp, 30);
        clientLink.AddAddress(c, ClientIp, 30);
        serverLink.SetUp(s);
        clientLink.SetUp(c);
        return s;
    }

    private static async Task<bool> TryConnect(NftNamespace client, TimeSpan timeout)
    {
        using var socket = client.Ns.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(ServerIp, Port), cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
