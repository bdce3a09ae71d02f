using Weft.Dataplane.Policy;
using Weft.Linux.Nftables;
using Weft.Model;
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

    [Fact]
    public void Source_ports_and_source_port_exclusions_reach_the_rule_named_ports_included()
    {
        var calico = Weft.Policy.PolicyDialects.Compile(ResourceJson.Parse("""
            {"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"namespace":"x","name":"src"},
             "spec":{"selector":"all()","ingress":[
               {"action":"Deny","protocol":"TCP","source":{"notPorts":[22]}},
               {"action":"Allow","protocol":"TCP","source":{"ports":["1000:2000"]},"destination":{"ports":["http"]}}]}}
            """), Weft.Policy.PolicyContext.Empty);
        var chain = PolicyCompiler.Compile(calico, Snapshot(), Locals).Table.Chains["in-x-a"].Rules;
        // Not "meta l4proto != tcp": that never matches a TCP rule, so the Deny would never be enforced.
        Assert.Contains(chain, r => r.StartsWith("meta l4proto tcp th sport != 22 ", StringComparison.Ordinal) && r.Contains("drop", StringComparison.Ordinal));
        // x/a's http is port 80.
        Assert.Contains(chain, r => r.StartsWith("meta l4proto tcp th dport 80 th sport 1000-2000 ", StringComparison.Ordinal));
    }
}
