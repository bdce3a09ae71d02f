using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Weft.Dataplane.Policy;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Linux.Nftables;
using static Weft.Dataplane.Tests.Cluster;

namespace Weft.Dataplane.Tests;

/// <summary>
/// A throwaway "node" namespace with pods wired exactly as the agent wires them (PodNetwork): the compiled
/// table lets an allowed TCP connect through, stops a denied one and an unconfigured veth, and opens up
/// when the policy goes away.
/// </summary>
public class PolicyKernelTests
{
    private static readonly TimeSpan Denied = TimeSpan.FromMilliseconds(400), Allowed = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task AllowedConnectPassesDeniedDoesNotAndRemovingThePolicyOpensIt()
    {
        var tag = "wt" + RandomNumberGenerator.GetHexString(6, lowercase: true);
        string[] names = [tag + "n", tag + "a", tag + "b", tag + "c"];
        var created = new List<NetNamespace>();
        try
        {
            foreach (var name in names)
            {
                created.Add(NetNamespace.Create(name));
            }
            var (node, a, b, c) = (created[0], created[1], created[2], created[3]);
            node.WriteSysctl("net.ipv4.ip_forward", "1");
            using var nft = node.Run(() => new NftRunner("weft"));
            using var dataplane = node.Run(() => new PolicyDataplane("weft"));
            using var rtnl = node.Run(RtNetlink.Open);
            var wiring = new PodNetwork(rtnl);
            var vethA = wiring.Attach(new PodAttachment(tag + "-a", "eth0", NetNamespace.PathOf(names[1]), [XA], 1500)).HostIfName;
            var vethB = wiring.Attach(new PodAttachment(tag + "-b", "eth0", NetNamespace.PathOf(names[2]), [XB], 1500)).HostIfName;
            var unknown = IPAddress.Parse("10.77.0.3");
            wiring.Attach(new PodAttachment(tag + "-c", "eth0", NetNamespace.PathOf(names[3]), [unknown], 1500));
            using var l80 = ListenOnXb(b, 80);
            using var l81 = ListenOnXb(b, 81);
            LocalPod[] locals = [Local("x", "a", vethA, XA), Local("x", "b", vethB, XB)];

            var policy = Policies(Cluster.Policy("x", "b-from-a", """
                {"podSelector":{"matchLabels":{"pod":"b"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"pod":"a"}}}],"ports":[{"port":80}]}]}
                """));
            Assert.Equal(ApplyKind.Full, await dataplane.ApplyAsync(PolicyCompiler.Compile(policy, Snapshot(), locals)));
            Assert.Equal(ApplyKind.None, await dataplane.ApplyAsync(PolicyCompiler.Compile(policy, Snapshot(), locals)));

            Assert.True(await Connects(a, XB, 80, Allowed));
            Assert.False(await Connects(a, XB, 81, Denied));
            var drops = (await nft.ListTableAsync())!.RulesWithComment("isolated ingress: NetworkPolicy x/b-from-a");
            Assert.True(Assert.Single(drops).Packets >= 1);

            Assert.Equal(ApplyKind.Incremental, await dataplane.ApplyAsync(PolicyCompiler.Compile(Weft.Policy.Ir.PolicySet.Empty, Snapshot(), locals)));

            Assert.True(await Connects(a, XB, 81, Allowed));
            Assert.False(await Connects(c, XB, 81, Denied));

            // Someone else removes our table: the difference no longer applies, so the dataplane sends it whole.
            await nft.DeleteTableAsync();
            Assert.Equal(ApplyKind.Full, await dataplane.ApplyAsync(PolicyCompiler.Compile(policy, Snapshot(), locals)));
            Assert.False(await Connects(a, XB, 81, Denied));
            Assert.True(await Connects(a, XB, 80, Allowed));
        }
        finally
        {
            RemoveNamespaces(created, names);
        }
    }


    private static async Task<bool> Connects(NetNamespace from, IPAddress to, int port, TimeSpan timeout)
    {
        using var socket = from.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(to, port), cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
