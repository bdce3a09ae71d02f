using System.Text.Json.Nodes;
using CsCheck;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Tests;

/// <summary>Random NetworkPolicies over the conformance cluster: properties every answer must have.</summary>
public class PropertyTests
{
    private static readonly Gen<JsonNode> PodSel = Gen.OneOf("{}", "{\"matchLabels\":{\"pod\":\"a\"}}", "{\"matchLabels\":{\"pod\":\"b\"}}")
        .Select(s => JsonNode.Parse(s)!);

    private static readonly Gen<JsonNode> NsSel = Gen.OneOf("{}", "{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"y\"}}")
        .Select(s => JsonNode.Parse(s)!);

    private static readonly Gen<JsonNode> Peer = Gen.OneOf<JsonNode>(
        PodSel.Select(p => (JsonNode)new JsonObject { ["podSelector"] = p }),
        NsSel.Select(n => (JsonNode)new JsonObject { ["namespaceSelector"] = n }),
        Gen.Select(PodSel, NsSel, (p, n) => (JsonNode)new JsonObject { ["podSelector"] = p, ["namespaceSelector"] = n }),
        Gen.OneOf("10.244.1.0/24", "10.244.0.0/16").Select(c => (JsonNode)new JsonObject { ["ipBlock"] = new JsonObject { ["cidr"] = c } }));

    private static readonly Gen<JsonNode> Port = Gen.OneOf<JsonNode>(
        Gen.OneOf(80, 81).Select(p => (JsonNode)new JsonObject { ["port"] = p }),
        Gen.OneOf("serve-80-tcp", "serve-81-udp").Select(n => (JsonNode)new JsonObject { ["port"] = n, ["protocol"] = n.EndsWith("udp") ? "UDP" : "TCP" }),
        Gen.Const(() => (JsonNode)new JsonObject { ["port"] = 80, ["endPort"] = 81 }));

    private static Gen<JsonNode> Rule(string peerField) =>
        Gen.Select(Peer.Array[0, 2], Port.Array[0, 2], (peers, ports) =>
        {
            var rule = new JsonObject();
            if (peers.Length > 0)
            {
                rule[peerField] = new JsonArray(peers);
            }
            if (ports.Length > 0)
            {
                rule["ports"] = new JsonArray(ports);
            }
            return (JsonNode)rule;
        });

    private static readonly Gen<Resource> Policy = Gen.Select(
        Gen.OneOf("x", "y"), PodSel, Rule("from").Array[0, 2], Rule("to").Array[0, 2], Gen.Int[0, 3], Gen.Int[0, 1_000_000],
        (ns, sel, ingress, egress, types, id) => ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = NetworkPolicies.ApiVersion,
            ["kind"] = NetworkPolicies.Kind,
            ["metadata"] = new JsonObject { ["name"] = $"p{id}", ["namespace"] = ns },
            ["spec"] = new JsonObject
            {
                ["podSelector"] = sel,
                ["ingress"] = new JsonArray(ingress),
                ["egress"] = new JsonArray(egress),
                ["policyTypes"] = types switch
                {
                    0 => null,
                    1 => new JsonArray("Ingress"),
                    2 => new JsonArray("Egress"),
                    _ => new JsonArray("Ingress", "Egress"),
                },
            },
        }));

    private static readonly ClusterSnapshot Cluster = ConformanceCases.Snapshot(new JsonObject());

    [Fact]
    public void Policy_order_never_matters_and_the_diagonal_is_always_allowed()
    {
        Policy.Array[0, 4].Sample(policies =>
        {
            var forward = new PolicyEvaluator(Cluster, NetworkPolicies.CompileAll(policies)).Matrix(new Connection(L4Protocol.Tcp, 80));
            var backward = new PolicyEvaluator(Cluster, NetworkPolicies.CompileAll(policies.Reverse())).Matrix(new Connection(L4Protocol.Tcp, 80));
            Assert.Equal(forward.ToJson().ToJsonString(), backward.ToJson().ToJsonString());
            Assert.All(forward.Matrix, row => Assert.True(row.Value[row.Key]));
        }, iter: 200);
    }

    [Fact]
    public void Every_denial_is_explained_by_isolation_and_every_allow_of_an_isolated_pod_by_a_rule()
    {
        Policy.Array[1, 4].Sample(policies =>
        {
            var e = new PolicyEvaluator(Cluster, NetworkPolicies.CompileAll(policies));
            foreach (var from in Cluster.Pods)
            {
                foreach (var to in Cluster.Pods.Where(p => p != from))
                {
                    var v = e.Evaluate(Endpoint.Of(from), Endpoint.Of(to), new Connection(L4Protocol.Udp, 81));
                    foreach (var d in new[] { v.Egress, v.Ingress })
                    {
                        Assert.Equal(d.Allowed, d.Reason != Reason.IsolatedNoRuleMatched);
                        Assert.Equal(d.Reason == Reason.RuleMatched, d.DecidingRules.Count > 0);
                        Assert.Equal(d.Reason == Reason.NotIsolated, d.SelectingPolicies.Count == 0);
                    }
                }
            }
        }, iter: 100);
    }
}
