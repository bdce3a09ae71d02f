using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Weft.Dataplane.Policy;
using Weft.Linux.Netlink;
using Weft.Linux.Netns;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Dataplane.Tests.Cluster;

namespace Weft.Dataplane.Tests;

/// <summary>
/// The whole ladder in the kernel, with real TCP: an admin tier's Pass (to the next band and to the next tier),
/// Reject (a reset: refused at once), Deny (silence), a logged Allow that beats NetworkPolicy isolation, a Log
/// rule that decides nothing, and the developer tier's isolation. Each port's outcome is also what the reference
/// evaluator says, so the two cannot drift apart.
/// </summary>
public class TieredKernelTests
{
    private static readonly PolicyRef Admin = new("test", "AdminPolicy", null, "admin");
    private static readonly Tier First = new("first", Band.Admin, 10, TierDefault.None), Second = new("second", Band.Admin, 20, TierDefault.None);

    private static PolicyRule Rule(Tier tier, int index, RuleAction action, int port, PassTarget pass = PassTarget.NextTier, bool log = false) =>
        new(new RuleId(Admin, Direction.Ingress, index), tier, 1, action,
            new PodSubject(new LabelExpression("pod", SelectorOperator.Equals, ["b"]), new InNamespace("x")),
            [new PodPeer(new LabelExpression("pod", SelectorOperator.Equals, ["a"]), new InNamespace("x"))],
            [new PortMatch(L4Protocol.Tcp, new PortRange(port, port))])
        { PassTarget = pass, Log = log };

    private static PolicySet Ladder()
    {
        // NetworkPolicy isolates b's ingress and allows TCP 80 from a.
        var developer = Policies(Cluster.Policy("x", "b-80", """
            {"podSelector":{"matchLabels":{"pod":"b"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"pod":"a"}}}],"ports":[{"port":80}]}]}
            """));
        PolicyRule[] admin =
        [
            Rule(First, 0, RuleAction.Log, 80),
            Rule(First, 1, RuleAction.Pass, 80, PassTarget.EndOfBand),
            Rule(First, 2, RuleAction.Reject, 81),
            Rule(First, 3, RuleAction.Deny, 82),
            Rule(First, 4, RuleAction.Allow, 83, log: true),
            Rule(First, 5, RuleAction.Pass, 85),
            Rule(Second, 0, RuleAction.Deny, 85),
            Rule(Second, 1, RuleAction.Deny, 80),
        ];
        return PolicySet.Combine([developer, new PolicySet(admin, [])]);
    }

    [Fact]
    public async Task Pass_reject_deny_allow_and_log_behave_in_the_kernel_as_the_evaluator_says()
    {
        var tag = "wt" + RandomNumberGenerator.GetHexString(6, lowercase: true);
        string[] names = [tag + "n", tag + "a", tag + "b"];
        var created = new List<NetNamespace>();
        try
        {
            foreach (var name in names)
            {
                created.Add(NetNamespace.Create(name));
            }
            var (node, a, b) = (created[0], created[1], created[2]);
            node.WriteSysctl("net.ipv4.ip_forward", "1");
            using var dataplane = node.Run(() => new PolicyDataplane("weft"));
            using var rtnl = node.Run(RtNetlink.Open);
            var wiring = new PodNetwork(rtnl);
            var vethA = wiring.Attach(new PodAttachment(tag + "-a", "eth0", NetNamespace.PathOf(names[1]), [XA], 1500)).HostIfName;
            var vethB = wiring.Attach(new PodAttachment(tag + "-b", "eth0", NetNamespace.PathOf(names[2]), [XB], 1500)).HostIfName;
            int[] ports = [80, 81, 82, 83, 84, 85];
            var listeners = ports.Select(p => ListenOnXb(b, p)).ToList();
            var policies = Ladder();
            await dataplane.ApplyAsync(PolicyCompiler.Compile(policies, Snapshot(), [Local("x", "a", vethA, XA), Local("x", "b", vethB, XB)]));

            var evaluator = new PolicyEvaluator(Snapshot(), policies);
            var expected = new Dictionary<int, string> { [80] = "open", [81] = "refused", [82] = "silent", [83] = "open", [84] = "silent", [85] = "silent" };
            foreach (var port in ports)
            {
                var verdict = evaluator.Evaluate("x/a", "x/b", new Connection(L4Protocol.Tcp, port));
                var kernel = await Connect(a, XB, port);
                Assert.Equal(expected[port], kernel);
                Assert.Equal(verdict.Outcome switch { Outcome.Allow => "open", Outcome.Reject => "refused", _ => "silent" }, kernel);
            }
            listeners.ForEach(l => l.Dispose());
        }
        finally
        {
            RemoveNamespaces(created, names);
        }
    }


    /// <summary>"open", "refused" (a reset came back) or "silent" (nothing within 1 s: dropped).</summary>
    private static async Task<string> Connect(NetNamespace from, IPAddress to, int port)
    {
        using var socket = from.CreateSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(to, port), cancel.Token);
            return "open";
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return "refused";
        }
        catch (OperationCanceledException)
        {
            return "silent";
        }
    }
}
