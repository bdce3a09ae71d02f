using Weft.Dataplane.Policy;
using Weft.Linux.Nftables;
using static Weft.Dataplane.Tests.Cluster;

namespace Weft.Dataplane.Tests;

/// <summary>Golden scripts: the rendered table for a few NetworkPolicies, byte for byte.</summary>
public class PolicyCompilerTests
{
    private static readonly LocalPod[] Locals = [Local("x", "a", "weft00000000001", XA), Local("x", "b", "weft00000000002", XB)];

    private static string Render(params string[] policies) =>
        NftRenderer.Full(PolicyCompiler.Compile(Policies(policies), Snapshot(), Locals).Table);

    [Fact]
    public void WithoutPoliciesEveryKnownPodIsOpenAndUnknownVethsAreDropped()
    {
        Assert.Equal(Golden.NoPolicy, Render());
    }

    [Fact]
    public void DefaultDenyIngressLogsAndDrops()
    {
        Assert.Equal(Golden.DenyIngress, Render(Cluster.Policy("x", "deny", """{"podSelector":{}}""")));
    }

    [Fact]
    public void PodPeerNamedPortAndIpBlockWithExcept()
    {
        var ingress = Cluster.Policy("x", "web", """
            {"podSelector":{"matchLabels":{"pod":"a"}},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"y"}}}],"ports":[{"port":"http"}]}]}
            """);
        var egress = Cluster.Policy("x", "out", """
            {"podSelector":{"matchLabels":{"pod":"b"}},"policyTypes":["Egress"],"egress":[
              {"to":[{"podSelector":{}}],"ports":[{"port":"http"}]},
              {"to":[{"ipBlock":{"cidr":"192.168.0.0/16","except":["192.168.1.0/24"]}}],"ports":[{"protocol":"SCTP","port":9000,"endPort":9010}]}]}
            """);
        Assert.Equal(Golden.Mixed, Render(ingress, egress));
    }

    [Fact]
    public void LocalPodUnknownToTheSnapshotIsNotDispatched()
    {
        var compiled = PolicyCompiler.Compile(Policies(), Snapshot(), [.. Locals, Local("x", "new", "weft00000000003", XB)]);
        Assert.Equal(["weft00000000001", "weft00000000002"], compiled.DispatchedVeths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AllocationAddressesOverrideMissingPodIps()
    {
        var compiled = PolicyCompiler.Compile(
            Policies(Cluster.Policy("x", "from-x", """{"podSelector":{},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"ns":"x"}}}]}]}""")),
            Snapshot(xa: System.Net.IPAddress.Parse("10.99.99.99")), Locals);
        var set = compiled.Table.Sets.Values.Single(s => s.Name.StartsWith("from-x-in0-p0-v4-", StringComparison.Ordinal));
        Assert.Contains(XA.ToString(), set.Elements.Keys);
        Assert.DoesNotContain("10.99.99.99", set.Elements.Keys);
    }
}
