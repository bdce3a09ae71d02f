using Weft.Policy.Evaluation;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>Who a NetworkPolicy selects and which peers it admits: empty vs absent selectors, AND vs OR, isolation per direction.</summary>
public class SelectionSemanticsTests
{
    [Fact]
    public void No_policy_means_not_isolated_and_everything_is_allowed()
    {
        var e = With("");
        Assert.True(e.Allowed("x/a", "y/b"));
        var v = e.Evaluate("x/a", "y/b", new Connection(Ir.L4Protocol.Tcp, 80));
        Assert.Equal(Reason.NotIsolated, v.Egress.Reason);
        Assert.Equal(Reason.NotIsolated, v.Ingress.Reason);
    }

    [Fact]
    public void Empty_pod_selector_isolates_every_pod_of_the_policy_namespace_only()
    {
        var e = With(NetPol("podSelector: {}\npolicyTypes: [Ingress]"));
        Assert.False(e.Allowed("y/a", "x/a"));
        Assert.False(e.Allowed("y/a", "x/b"));
        Assert.True(e.Allowed("x/a", "y/b"));
    }

    [Fact]
    public void Absent_pod_selector_reads_as_empty()
    {
        var e = With(NetPol("policyTypes: [Ingress]"));
        Assert.False(e.Allowed("y/a", "x/a"));
        Assert.False(e.Allowed("y/a", "x/b"));
    }

    [Fact]
    public void A_pod_may_always_reach_itself_even_under_deny_all()
    {
        var e = With(NetPol("podSelector: {}\npolicyTypes: [Ingress, Egress]"));
        Assert.True(e.Allowed("x/a", "x/a"));
        Assert.True(e.Allowed("x/a", "10.0.1.1"));
        Assert.False(e.Allowed("x/a", "x/b"));
    }

    [Fact]
    public void Pod_selector_peer_alone_means_pods_of_the_policy_namespace()
    {
        var e = With(NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{podSelector: {matchLabels: {app: b}}}]"));
        Assert.True(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("y/b", "x/b"), "x/b is not selected");
    }

    [Fact]
    public void Empty_namespace_selector_means_every_pod_in_the_cluster_but_not_external_addresses()
    {
        var e = With(NetPol("podSelector: {}\ningress:\n- from: [{namespaceSelector: {}}]"));
        Assert.True(e.Allowed("y/b", "x/a"));
        Assert.True(e.Allowed("x/b", "x/a"));
        var fromOutside = e.Evaluate(e.Resolve("192.0.2.9"), e.Resolve("x/a"), new Connection(Ir.L4Protocol.Tcp, 80));
        Assert.False(fromOutside.Allowed);
    }

    [Fact]
    public void Namespace_selector_matches_namespace_labels_including_the_automatic_name_label()
    {
        var byLabel = With(NetPol("podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]"));
        Assert.True(byLabel.Allowed("y/a", "x/a"));
        Assert.False(byLabel.Allowed("x/b", "x/a"));
        var byName = With(NetPol("podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: y}}}]"));
        Assert.True(byName.Allowed("y/b", "x/a"));
    }

    [Fact]
    public void Pod_and_namespace_selector_in_one_peer_is_an_AND_in_two_peers_an_OR()
    {
        var and = With(NetPol("""
            podSelector: {}
            ingress:
            - from:
              - namespaceSelector: {matchLabels: {team: blue}}
                podSelector: {matchLabels: {app: a}}
            """));
        Assert.True(and.Allowed("y/a", "x/b"));
        Assert.False(and.Allowed("y/b", "x/b"));
        Assert.False(and.Allowed("x/a", "x/b"));

        var or = With(NetPol("""
            podSelector: {}
            ingress:
            - from:
              - namespaceSelector: {matchLabels: {team: blue}}
              - podSelector: {matchLabels: {app: a}}
            """));
        Assert.True(or.Allowed("y/b", "x/b"));
        Assert.True(or.Allowed("x/a", "x/b"));
        Assert.False(or.Allowed("x/b", "x/a"));
    }

    [Fact]
    public void Empty_or_absent_from_means_all_sources_external_included()
    {
        foreach (var rule in new[] { "- {}", "- from: []" })
        {
            var e = With(NetPol("podSelector: {}\ningress:\n" + rule));
            Assert.True(e.Allowed("y/a", "x/a"), rule);
            Assert.True(e.Evaluate(e.Resolve("192.0.2.9"), e.Resolve("x/a"), new Connection(Ir.L4Protocol.Sctp, 9)).Allowed, rule);
        }
    }

    [Fact]
    public void Multiple_policies_combine_as_a_union()
    {
        var e = With(NetPol("podSelector: {}\npolicyTypes: [Ingress]", "deny")
            + "---\n" + NetPol("podSelector: {}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]", "from-y")
            + "---\n" + NetPol("podSelector: {}\ningress:\n- from: [{podSelector: {matchLabels: {app: b}}}]", "from-b"));
        Assert.True(e.Allowed("y/a", "x/a"));
        Assert.True(e.Allowed("x/b", "x/a"));
        Assert.False(e.Allowed("x/a", "x/b"));
        var v = e.Evaluate("y/b", "x/a", new Connection(Ir.L4Protocol.Tcp, 80));
        Assert.Equal(3, v.Ingress.SelectingPolicies.Count);
    }

    [Fact]
    public void Isolation_is_per_direction()
    {
        var ingressOnly = With(NetPol("podSelector: {matchLabels: {app: a}}\npolicyTypes: [Ingress]"));
        Assert.True(ingressOnly.Allowed("x/a", "y/a"), "egress of x/a stays open");
        Assert.False(ingressOnly.Allowed("y/a", "x/a"));

        var egressOnly = With(NetPol("podSelector: {matchLabels: {app: a}}\npolicyTypes: [Egress]"));
        Assert.False(egressOnly.Allowed("x/a", "y/a"));
        Assert.True(egressOnly.Allowed("y/a", "x/a"), "ingress of x/a stays open");
    }
}
