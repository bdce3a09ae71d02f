using System.Net;
using System.Text.Json.Nodes;
using Weft.Dataplane.Policy;
using Weft.Linux.Nftables;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Kubernetes;
using Weft.TestKit;

namespace Weft.Dataplane.Tests;

/// <summary>
/// The node compiler reuses, between syncs, what it derived from objects that did not change. Whatever the
/// sequence of changes, its table must equal the one a compile from scratch makes of the same objects.
/// </summary>
public class NodePolicyCompilerTests
{
    private static readonly string[] Namespaces = ["x", "y", "z"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Reusing_between_syncs_gives_the_table_a_compile_from_scratch_gives(int seed)
    {
        var rng = new Random(seed);
        var gen = new RandomPolicies(rng);
        var namespaces = Namespaces.Select(n => gen.Namespace(n, gen.Labels())).ToList();
        var pods = Namespaces.SelectMany((n, i) => Enumerable.Range(0, 4).Select(j => Pod(n, $"p{j}", $"10.9.{i}.{j + 1}", gen.Labels()))).ToList();
        var policies = Enumerable.Range(0, 4).Select(k => gen.Policy(Namespaces[k % 3], $"np{k}")).ToList();
        var node = new NodePolicyCompiler();
        CompiledPolicy? previous = null;

        for (var step = 0; step < 40; step++)
        {
            var change = step == 0 ? "none" : Mutate(rng, gen, namespaces, pods, policies);
            var locals = pods.Select(p => new PodView(p)).Where(p => p.Name is "p0" or "p2")
                .Select(p => new LocalPod(p.Namespace, p.Name, "weft" + p.Namespace + p.Name, [.. p.PodIPs.Select(IPAddress.Parse)])).ToList();
            if (step % 7 == 3 && locals.Count > 0)
            {
                // The allocation knows an address the API does not show yet.
                locals[0] = locals[0] with { Addresses = [IPAddress.Parse("10.9.9.9")] };
            }

            var (reused, _) = node.Compile(policies, namespaces, pods, locals);
            var scratch = PolicyCompiler.Compile(NetworkPolicies.CompileAll(policies), ClusterSnapshot.FromResources(namespaces.Concat(pods)), locals);

            Assert.True(NftRenderer.Full(scratch.Table) == NftRenderer.Full(reused.Table), $"seed {seed} step {step} after '{change}'");
            Assert.Equal(scratch.DispatchedVeths.Order(), reused.DispatchedVeths.Order());
            previous = reused;
        }

        // Nothing changed: every pod peer set is the previous instance, and there is nothing to send.
        var again = node.Compile(policies, namespaces, pods, pods.Select(p => new PodView(p)).Where(p => p.Name is "p0" or "p2")
            .Select(p => new LocalPod(p.Namespace, p.Name, "weft" + p.Namespace + p.Name, [.. p.PodIPs.Select(IPAddress.Parse)])).ToList()).Compiled;
        var podSets = again.Table.Sets.Values.Where(s => s.KeyType is "ipv4_addr" or "ipv6_addr" && s.Flags == NftSetFlags.None).ToList();
        Assert.All(podSets, s => Assert.Same(previous!.Table.Sets[s.Name], s));
    }

    [Fact]
    public void A_pod_joining_an_existing_selector_is_one_set_element_add()
    {
        var gen = new RandomPolicies(new Random(1));
        List<Resource> namespaces = [gen.Namespace("x", [])];
        List<Resource> pods = [Pod("x", "a", "10.9.0.1", new() { ["pod"] = "a" }), Pod("x", "b", "10.9.0.2", new() { ["pod"] = "b" })];
        List<Resource> policies = [ResourceJson.Parse(Cluster.Policy("x", "a-from-b", """
            {"podSelector":{"matchLabels":{"pod":"a"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"pod":"b"}}}]}]}
            """))];
        LocalPod[] locals = [new("x", "a", "weftxa", [IPAddress.Parse("10.9.0.1")])];
        var node = new NodePolicyCompiler();
        var before = node.Compile(policies, namespaces, pods, locals).Compiled;

        pods.Add(Pod("x", "b2", "10.9.0.3", new() { ["pod"] = "b" }));
        var after = node.Compile(policies, namespaces, pods, locals).Compiled;

        var script = NftRenderer.Incremental(before.Table, after.Table).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var add = Assert.Single(script);
        Assert.Matches(@"^add element inet weft a-from-b-in0-p0-v4-[0-9a-f]+ \{ 10\.9\.0\.3 \}$", add);
    }

    private static string Mutate(Random rng, RandomPolicies gen, List<Resource> namespaces, List<Resource> pods, List<Resource> policies)
    {
        switch (rng.Next(6))
        {
            case 0:
                var i = rng.Next(pods.Count);
                var old = new PodView(pods[i]);
                pods[i] = Pod(old.Namespace, old.Name, old.PodIPs[0], gen.Labels());
                return $"relabel pod {old.Namespace}/{old.Name}";
            case 1:
                var ns = Namespaces[rng.Next(3)];
                var name = "n" + rng.Next(1000);
                pods.Add(Pod(ns, name, $"10.9.{8}.{rng.Next(1, 250)}", gen.Labels()));
                return $"add pod {ns}/{name}";
            case 2:
                if (pods.Count > 1)
                {
                    var gone = rng.Next(pods.Count);
                    var view = new PodView(pods[gone]);
                    pods.RemoveAt(gone);
                    return $"remove pod {view.Namespace}/{view.Name}";
                }
                return "none";
            case 3:
                var k = rng.Next(policies.Count);
                var policy = policies[k];
                policies[k] = gen.Policy(policy.Metadata.Namespace!, policy.Metadata.Name);
                return $"rewrite policy {policy.Metadata.Name}";
            case 4:
                var n = rng.Next(namespaces.Count);
                namespaces[n] = gen.Namespace(namespaces[n].Metadata.Name, gen.Labels());
                return $"relabel namespace {namespaces[n].Metadata.Name}";
            default:
                policies.Add(gen.Policy(Namespaces[rng.Next(3)], "extra" + policies.Count));
                return "add policy";
        }
    }

    private static Resource Pod(string ns, string name, string ip, Dictionary<string, string> labels) => ResourceJson.FromNode(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["namespace"] = ns, ["name"] = name, ["labels"] = RandomPolicies.ToJson(labels) },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c", ["image"] = "i" }) },
        ["status"] = new JsonObject { ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = ip }) },
    });
}
