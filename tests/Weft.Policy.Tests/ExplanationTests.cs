using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>The human explanation names the verdict, the selecting policies and the deciding rule ids.</summary>
public class ExplanationTests
{
    private static readonly Connection Tcp80 = new(L4Protocol.Tcp, 80);

    private static PolicyEvaluator Cluster() => With(
        NetPol("podSelector: {}\npolicyTypes: [Ingress]", "deny-all")
        + "---\n" + NetPol("podSelector: {matchLabels: {app: a}}\ningress:\n- from: [{namespaceSelector: {matchLabels: {team: blue}}}]\n  ports: [{port: 80}]", "from-y"));

    [Fact]
    public void An_allowed_connection_names_the_rule_that_allowed_it()
    {
        var text = Explanation.Format(Cluster().Evaluate("y/b", "x/a", Tcp80));
        Assert.StartsWith("ALLOWED: y/b -> x/a TCP/80\n", text);
        Assert.Contains("egress at y/b: allowed\n  not isolated: no policy selects y/b for egress", text);
        Assert.Contains("ingress at x/a: allowed\n  selected by: NetworkPolicy x/deny-all, NetworkPolicy x/from-y", text);
        Assert.Contains("allowed by rule k8s:NetworkPolicy/x/from-y:ingress[0]", text);
        Assert.Contains("from: pods [all] in namespaces [team=blue]", text);
        Assert.Contains("ports: TCP/80", text);
    }

    [Fact]
    public void A_denied_connection_says_isolation_denied_it()
    {
        var v = Cluster().Evaluate("x/b", "x/a", Tcp80);
        Assert.Equal(Reason.IsolatedNoRuleMatched, v.Ingress.Reason);
        var text = Explanation.Format(v);
        Assert.StartsWith("DENIED: x/b -> x/a TCP/80\n", text);
        Assert.Contains("ingress at x/a: denied", text);
        Assert.Contains("denied by isolation (default deny of tier \"default\")", text);
    }

    [Fact]
    public void External_destinations_and_self_traffic_are_explained()
    {
        var e = Cluster();
        Assert.Contains("192.0.2.1 is not a pod", Explanation.Format(e.Evaluate("x/a", "192.0.2.1", Tcp80)));
        Assert.Contains("a pod may always reach itself", Explanation.Format(e.Evaluate("x/a", "x/a", Tcp80)));
    }

    [Fact]
    public void Union_allows_report_every_matching_rule()
    {
        var e = With(NetPol("podSelector: {}\ningress: [{}]", "one") + "---\n" + NetPol("podSelector: {}\ningress: [{ports: [{port: 80}]}]", "two"));
        var rules = e.Evaluate("y/a", "x/a", Tcp80).Ingress.DecidingRules.Select(r => r.Id.Key).ToList();
        Assert.Equal(["k8s:NetworkPolicy/x/one:ingress[0]", "k8s:NetworkPolicy/x/two:ingress[0]"], rules);
    }

    [Fact]
    public void Unknown_pods_are_rejected_with_their_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Cluster().Evaluate("x/nope", "x/a", Tcp80));
        Assert.Contains("x/nope", e.Message);
    }
}
