using System.Net;
using Weft.Dataplane.Policy;
using Weft.Linux.Nftables;
using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Tests;

/// <summary>
/// The node compiler keeps pod chains, peer sets, the cluster entity's sets and the ladder between syncs. With
/// every dialect at once (tiers, Pass, entities, node peers, named ports resolved against other pods, CIDR
/// excepts), whatever the sequence of changes to pods, ports, namespaces, nodes, policies and tiers, its table
/// must equal a compile from scratch, and the difference it sends must turn the previous table into it.
/// </summary>
public class NodePolicyCompilerDialectTests
{
    private static readonly string[] Namespaces = ["x", "y", "z"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Reusing_between_syncs_gives_the_table_a_compile_from_scratch_gives(int seed)
    {
        var rng = new Random(seed);
        var world = new World(rng);
        var node = new NodePolicyCompiler();
        NftTable? previous = null;

        for (var step = 0; step < 60; step++)
        {
            var change = step == 0 ? "none" : world.Mutate();
            var locals = world.Locals();
            var (reused, rejected) = node.Compile(world.Policies, world.NamespaceObjects, world.Pods, locals, context: world.Context, nodes: world.Nodes);
            Assert.Empty(rejected);

            var context = new PolicyContext(world.Context);
            var models = PolicySet.Combine(world.Policies.Select(p => PolicyDialects.Compile(p, context)));
            var snapshot = ClusterSnapshot.FromResources([.. world.NamespaceObjects, .. world.Pods, .. world.Nodes]);
            var scratch = PolicyCompiler.Compile(models, snapshot, locals);

            var expected = NftRenderer.Full(scratch.Table);
            Assert.True(expected == NftRenderer.Full(reused.Table), $"seed {seed} step {step} after '{change}'");
            if (previous is not null)
            {
                // The difference sent to the kernel, replayed on the previous table, gives the new one.
                Assert.True(Replay(previous, NftRenderer.Incremental(previous, reused.Table)) == Contents(reused.Table), $"seed {seed} step {step}: difference after '{change}'");
            }
            previous = reused.Table;
        }
    }

    [Fact]
    public void A_pod_joining_sends_one_element_to_the_cluster_entity_set_and_no_rule()
    {
        var world = new World(new Random(7));
        var node = new NodePolicyCompiler();
        var before = node.Compile(world.Policies, world.NamespaceObjects, world.Pods, world.Locals(), context: world.Context, nodes: world.Nodes).Compiled.Table;

        world.Pods.Add(World.Pod("z", "joiner", "10.9.2.77", new() { ["app"] = "c" }, 80));
        var after = node.Compile(world.Policies, world.NamespaceObjects, world.Pods, world.Locals(), context: world.Context, nodes: world.Nodes).Compiled.Table;

        // Pods whose chains resolve named ports against the joiner's namespace get their chains made again (the
        // same text); the others keep theirs.
        Assert.Contains(after.Chains.Values, c => c.Name.StartsWith("in-", StringComparison.Ordinal) && ReferenceEquals(before.Chains[c.Name], c));
        var entity = after.Sets.Values.Single(s => s.Name.StartsWith("entity-cluster-v4", StringComparison.Ordinal));
        Assert.Same(before.Sets[entity.Name], entity.DerivedFrom);
        var script = NftRenderer.Incremental(before, after);
        Assert.Contains($"add element inet weft {entity.Name} {{ 10.9.2.77 }}", script, StringComparison.Ordinal);
        Assert.DoesNotContain("chain", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_named_policies_of_two_dialects_keep_the_order_a_fresh_sort_gives_after_an_edit()
    {
        List<Resource> namespaces = [ResourceJson.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}""")];
        List<Resource> pods = [World.Pod("x", "a", "10.9.0.1", new() { ["app"] = "a" }, 80), World.Pod("x", "b", "10.9.0.2", new() { ["tier"] = "db" }, 80)];
        Resource Cnp(int port) => ManifestReader.ReadText($"apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {{name: web, namespace: x}}\nspec:\n  endpointSelector: {{matchLabels: {{app: a}}}}\n  ingress:\n  - fromEndpoints: [{{matchLabels: {{tier: db}}}}]\n    toPorts: [{{ports: [{{port: \"{port}\", protocol: TCP}}]}}]\n")[0];
        var np = ManifestReader.ReadText("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web, namespace: x}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  ingress:\n  - ports: [{port: 81}]\n")[0];
        var node = new NodePolicyCompiler();
        List<Resource> policies = [Cnp(80), np];
        node.Compile(policies, namespaces, pods, World.LocalsOf(pods, "a"));

        policies[0] = Cnp(82);
        AssertSameAsScratch(node, policies, namespaces, pods, [], World.LocalsOf(pods, "a"), "after the CiliumNetworkPolicy's edit");
    }

    [Fact]
    public void A_cluster_set_of_one_family_not_asked_for_in_a_compile_still_follows_the_pods()
    {
        List<Resource> namespaces = [ResourceJson.Parse("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"}}""")];
        List<Resource> pods = [World.Pod("x", "a", "10.9.0.1", new() { ["app"] = "a" }, 80), World.Pod("x", "b", "10.9.0.2", new() { ["app"] = "b" }, 80)];
        var cluster = ManifestReader.ReadText("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: cluster, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {app: a}}\n  egress:\n  - toEntities: [cluster]\n")[0];
        // Asks for the IPv4 world set only (an IPv4 CIDR never matches cluster addresses in Cilium).
        var cidr = ManifestReader.ReadText("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: cidr, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {app: a}}\n  egress:\n  - toCIDR: [192.0.2.0/24]\n")[0];
        var node = new NodePolicyCompiler();
        var locals = World.LocalsOf(pods, "a");
        node.Compile([cluster, cidr], namespaces, pods, locals);

        pods.Add(World.Pod("x", "c", "10.9.0.3", new() { ["app"] = "c" }, 80));
        node.Compile([cidr], namespaces, pods, locals);
        AssertSameAsScratch(node, [cluster, cidr], namespaces, pods, [], locals, "after the IPv6 cluster set sat out a pod joining");
    }

    private static void AssertSameAsScratch(NodePolicyCompiler node, List<Resource> policies, List<Resource> namespaces, List<Resource> pods,
        List<Resource> nodes, List<LocalPod> locals, string when)
    {
        var (reused, rejected) = node.Compile(policies, namespaces, pods, locals, nodes: nodes);
        Assert.Empty(rejected);
        var models = PolicySet.Combine(policies.Select(p => PolicyDialects.Compile(p, PolicyContext.Empty)));
        var scratch = PolicyCompiler.Compile(models, ClusterSnapshot.FromResources([.. namespaces, .. pods, .. nodes]), locals);
        Assert.True(NftRenderer.Full(scratch.Table) == NftRenderer.Full(reused.Table), when);
    }

    /// <summary>Chains and set elements as text, the way nft would hold them after the script.</summary>
    private static string Contents(NftTable table) => string.Join('\n',
        table.Chains.Values.Select(c => $"chain {c.Name}: {string.Join(" ; ", c.Rules)}")
            .Concat(table.Sets.Values.Select(s => $"set {s.Name}: {string.Join(", ", s.Elements.Select(e => e.Value is null ? e.Key : $"{e.Key} : {e.Value}"))}")));

    /// <summary>Applies an incremental script to a copy of <paramref name="table"/> (the commands the renderer emits).</summary>
    private static string Replay(NftTable table, string script)
    {
        var copy = table.Clone();
        var chains = copy.Chains.ToDictionary(c => c.Key, c => c.Value.Rules.ToList());
        var sets = copy.Sets.ToDictionary(s => s.Key, s => new SortedDictionary<string, string?>(s.Value.Elements, StringComparer.Ordinal));
        foreach (var line in script.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var words = line.Split(' ', 6);
            var (verb, kind, name) = (words[0], words[1], words[4]);
            switch (verb, kind)
            {
                case ("add", "chain"):
                    chains[name] = [];
                    break;
                case ("flush", "chain"):
                    chains[name].Clear();
                    break;
                case ("delete", "chain"):
                    chains.Remove(name);
                    break;
                case ("add", "rule"):
                    chains[name].Add(line[(line.IndexOf(name, StringComparison.Ordinal) + name.Length + 1)..]);
                    break;
                case ("add", "set" or "map"):
                    sets[name] = new(StringComparer.Ordinal);
                    break;
                case ("delete", "set" or "map"):
                    sets.Remove(name);
                    break;
                case ("add" or "delete", "element"):
                    var body = line[(line.IndexOf('{') + 1)..line.LastIndexOf('}')];
                    foreach (var item in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var kv = item.Split(" : ", 2);
                        if (verb == "add")
                        {
                            sets[name][kv[0]] = kv.Length > 1 ? kv[1] : null;
                        }
                        else
                        {
                            sets[name].Remove(kv[0]);
                        }
                    }
                    break;
                default:
                    throw new InvalidOperationException($"unexpected command: {line}");
            }
        }
        return string.Join('\n',
            chains.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"chain {c.Key}: {string.Join(" ; ", c.Value)}")
                .Concat(sets.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => $"set {s.Key}: {string.Join(", ", s.Value.Select(e => e.Value is null ? e.Key : $"{e.Key} : {e.Value}"))}")));
    }

    /// <summary>A small cluster of every dialect's policies, and random changes to it.</summary>
    private sealed class World
    {
        private readonly Random _rng;
        private readonly Dictionary<string, string> _templates = Templates();
        private readonly Dictionary<string, int> _ports = [];

        public World(Random rng)
        {
            _rng = rng;
            NamespaceObjects = [.. Namespaces.Select(n => Namespace(n, NamespaceLabels()))];
            Pods = [.. Namespaces.SelectMany((n, i) => Enumerable.Range(0, 4).Select(j => Pod(n, $"p{j}", $"10.9.{i}.{j + 1}", PodLabels(), Port())))];
            Nodes = [Node("n1", "worker", "10.1.0.1"), Node("n2", "edge", "10.1.0.2")];
            foreach (var name in _templates.Keys)
            {
                _ports[name] = 8080;
            }
            Policies = [.. _templates.Keys.Select(Make)];
            Context = [Tier(100)];
        }

        public List<Resource> NamespaceObjects { get; }

        public List<Resource> Pods { get; }

        public List<Resource> Nodes { get; }

        public List<Resource> Policies { get; }

        public List<Resource> Context { get; }

        /// <summary>Pods p0 and p2 of each namespace run on this node.</summary>
        public List<LocalPod> Locals() => LocalsOf(Pods, "p0", "p2");

        /// <summary>The named pods as this node's attachments.</summary>
        public static List<LocalPod> LocalsOf(IEnumerable<Resource> pods, params string[] names) => [.. pods.Select(p => new PodView(p)).Where(p => names.Contains(p.Name))
            .Select(p => new LocalPod(p.Namespace, p.Name, "weft" + p.Namespace + p.Name, [.. p.PodIPs.Select(IPAddress.Parse)]))];

        public string Mutate()
        {
            switch (_rng.Next(9))
            {
                case 0:
                    {
                        var i = _rng.Next(Pods.Count);
                        var old = new PodView(Pods[i]);
                        Pods[i] = Pod(old.Namespace, old.Name, old.PodIPs[0], PodLabels(), Port());
                        return $"relabel/re-port pod {old.Namespace}/{old.Name}";
                    }
                case 1:
                    {
                        var ns = Namespaces[_rng.Next(3)];
                        var name = "n" + _rng.Next(1000);
                        if (Pods.Any(p => p.Metadata.Namespace == ns && p.Metadata.Name == name))
                        {
                            return "none";
                        }
                        Pods.Add(Pod(ns, name, $"10.9.8.{_rng.Next(1, 250)}", PodLabels(), Port()));
                        return $"add pod {ns}/{name}";
                    }
                case 2:
                    {
                        var gone = _rng.Next(Pods.Count);
                        var view = new PodView(Pods[gone]);
                        Pods.RemoveAt(gone);
                        return $"remove pod {view.Namespace}/{view.Name}";
                    }
                case 3:
                    {
                        var n = _rng.Next(NamespaceObjects.Count);
                        NamespaceObjects[n] = Namespace(NamespaceObjects[n].Metadata.Name, NamespaceLabels());
                        return $"relabel namespace {NamespaceObjects[n].Metadata.Name}";
                    }
                case 4:
                    {
                        var name = _templates.Keys.ElementAt(_rng.Next(_templates.Count));
                        _ports[name] = _ports[name] == 8080 ? 9090 : 8080;
                        var at = Policies.FindIndex(p => KeyOf(p) == name);
                        if (at >= 0)
                        {
                            Policies[at] = Make(name);
                        }
                        return $"edit policy {name}";
                    }
                case 5:
                    {
                        var name = _templates.Keys.ElementAt(_rng.Next(_templates.Count));
                        var at = Policies.FindIndex(p => KeyOf(p) == name);
                        if (at >= 0)
                        {
                            Policies.RemoveAt(at);
                            return $"delete policy {name}";
                        }
                        Policies.Add(Make(name));
                        return $"re-create policy {name}";
                    }
                case 6:
                    {
                        var i = _rng.Next(Nodes.Count);
                        var name = Nodes[i].Metadata.Name;
                        Nodes[i] = Node(name, _rng.Next(2) == 0 ? "worker" : "edge", $"10.1.0.{_rng.Next(1, 9)}");
                        return $"change node {name}";
                    }
                case 7:
                    Context[0] = Tier(_rng.Next(2) == 0 ? 100 : 300);
                    return "reorder the Calico tier";
                default:
                    return "none";
            }
        }

        /// <summary>"Kind/name": a NetworkPolicy and a CiliumNetworkPolicy share a name on purpose.</summary>
        private static string KeyOf(Resource policy) => $"{policy.Kind}/{policy.Metadata.Name}";

        private Resource Make(string name) => ManifestReader.ReadText(_templates[name].Replace("$PORT", _ports[name].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))[0];

        private Dictionary<string, string> PodLabels() => new()
        {
            ["app"] = new[] { "a", "b", "c" }[_rng.Next(3)],
            ["tier"] = new[] { "web", "db" }[_rng.Next(2)],
        };

        private Dictionary<string, string> NamespaceLabels() => new()
        {
            ["team"] = new[] { "red", "blue" }[_rng.Next(2)],
            ["env"] = new[] { "prod", "dev" }[_rng.Next(2)],
        };

        private int Port() => _rng.Next(2) == 0 ? 80 : 8080;

        private static Resource Tier(int order) => ResourceJson.Parse(
            "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"Tier\",\"metadata\":{\"name\":\"security\"},"
            + $"\"spec\":{{\"order\":{order},\"defaultAction\":\"Pass\"}}}}");

        private static Resource Namespace(string name, Dictionary<string, string> labels) => ResourceJson.Parse(
            $"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{name}\",\"labels\":{Json(labels)}}}}}");

        public static Resource Pod(string ns, string name, string ip, Dictionary<string, string> labels, int httpPort) => ResourceJson.Parse(
            $"{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"namespace\":\"{ns}\",\"name\":\"{name}\",\"labels\":{Json(labels)}}},"
            + $"\"spec\":{{\"nodeName\":\"n1\",\"containers\":[{{\"name\":\"c\",\"image\":\"i\",\"ports\":[{{\"name\":\"http\",\"containerPort\":{httpPort}}}]}}]}},"
            + $"\"status\":{{\"podIPs\":[{{\"ip\":\"{ip}\"}},{{\"ip\":\"{V6(ip)}\"}}]}}}}");

        /// <summary>Every pod is dual-stack: fd00:: plus its IPv4 address's last two bytes.</summary>
        private static string V6(string v4) => "fd00::" + string.Join(":", v4.Split('.').Skip(2));

        private static Resource Node(string name, string role, string address) => ResourceJson.Parse(
            $"{{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{{\"name\":\"{name}\",\"labels\":{{\"role\":\"{role}\"}}}},"
            + $"\"status\":{{\"addresses\":[{{\"type\":\"InternalIP\",\"address\":\"{address}\"}}]}}}}");

        private static string Json(Dictionary<string, string> labels) =>
            "{" + string.Join(",", labels.Select(l => $"\"{l.Key}\":\"{l.Value}\"")) + "}";

        /// <summary>One or two policies of each dialect, by name; $PORT is the port an edit moves.</summary>
        private static Dictionary<string, string> Templates() => new(StringComparer.Ordinal)
        {
            ["NetworkPolicy/np-web"] = """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: np-web, namespace: x}
                spec:
                  podSelector: {matchLabels: {app: a}}
                  policyTypes: [Ingress, Egress]
                  ingress:
                  - from: [{namespaceSelector: {matchLabels: {team: red}}, podSelector: {matchLabels: {tier: web}}}]
                    ports: [{port: http}, {port: $PORT}]
                  egress:
                  - to: [{podSelector: {}}]
                    ports: [{port: http}]
                  - to: [{namespaceSelector: {}}]
                    ports: [{protocol: UDP, port: 53}]
                """,
            ["AdminNetworkPolicy/anp-a"] = """
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: AdminNetworkPolicy
                metadata: {name: anp-a}
                spec:
                  priority: 10
                  subject: {namespaces: {matchLabels: {env: prod}}}
                  ingress:
                  - name: pass-red
                    action: Pass
                    from: [{namespaces: {matchLabels: {team: red}}}]
                  - name: deny-db
                    action: Deny
                    from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {tier: db}}}}]
                    ports: [{portNumber: {protocol: TCP, port: $PORT}}]
                  egress:
                  - name: nodes
                    action: Allow
                    to: [{nodes: {matchLabels: {role: worker}}}]
                  - name: nets
                    action: Deny
                    to: [{networks: [10.99.0.0/16]}]
                  - name: named
                    action: Allow
                    to: [{pods: {namespaceSelector: {matchLabels: {team: blue}}, podSelector: {}}}]
                    ports: [{namedPort: http}]
                """,
            ["BaselineAdminNetworkPolicy/default"] = """
                apiVersion: policy.networking.k8s.io/v1alpha1
                kind: BaselineAdminNetworkPolicy
                metadata: {name: default}
                spec:
                  subject: {namespaces: {}}
                  ingress:
                  - name: deny-blue
                    action: Deny
                    from: [{namespaces: {matchLabels: {team: blue}}}]
                    ports: [{portNumber: {protocol: TCP, port: $PORT}}]
                """,
            ["ClusterNetworkPolicy/acnp-a"] = """
                apiVersion: crd.antrea.io/v1beta1
                kind: ClusterNetworkPolicy
                metadata: {name: acnp-a}
                spec:
                  priority: 5
                  tier: securityops
                  appliedTo: [{podSelector: {matchLabels: {app: a}}}]
                  ingress:
                  - action: Reject
                    from: [{namespaceSelector: {matchLabels: {env: dev}}}]
                    ports: [{protocol: TCP, port: $PORT}]
                    enableLogging: true
                  - action: Allow
                    from: [{namespaces: {match: Self}}]
                  egress:
                  - action: Drop
                    to: [{ipBlock: {cidr: 10.9.0.0/16, except: [10.9.1.0/24]}}]
                    ports: [{protocol: TCP, port: $PORT}]
                """,
            ["NetworkPolicy/annp-b"] = """
                apiVersion: crd.antrea.io/v1beta1
                kind: NetworkPolicy
                metadata: {name: annp-b, namespace: y}
                spec:
                  priority: 3
                  tier: application
                  appliedTo: [{podSelector: {matchLabels: {tier: db}}}]
                  ingress:
                  - action: Pass
                    from: [{podSelector: {matchLabels: {app: b}}}]
                  - action: Drop
                    from: [{podSelector: {}}]
                    ports: [{protocol: TCP, port: $PORT}]
                """,
            ["GlobalNetworkPolicy/security.gnp-a"] = """
                apiVersion: projectcalico.org/v3
                kind: GlobalNetworkPolicy
                metadata: {name: security.gnp-a}
                spec:
                  tier: security
                  order: 10
                  selector: app == 'b' && has(tier)
                  types: [Ingress, Egress]
                  ingress:
                  - action: Log
                    source: {selector: "tier in {'web', 'db'}"}
                  - action: Allow
                    protocol: TCP
                    source: {namespaceSelector: team == 'red'}
                    destination: {ports: [http, $PORT]}
                  - action: Pass
                  egress:
                  - action: Deny
                    destination: {notNets: [10.9.0.0/16]}
                  - action: Allow
                    protocol: TCP
                    destination: {selector: app == 'c', ports: [http]}
                """,
            ["CiliumNetworkPolicy/cnp-a"] = """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: cnp-a, namespace: y}
                spec:
                  endpointSelector: {matchLabels: {tier: web}}
                  ingress:
                  - fromEntities: [cluster]
                    toPorts: [{ports: [{port: "$PORT", protocol: TCP}]}]
                  egress:
                  - toEntities: [world]
                  - toCIDRSet: [{cidr: 10.9.0.0/16, except: [10.9.2.0/24]}]
                  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": z}}]
                    toPorts: [{ports: [{port: "53", protocol: UDP}]}]
                  egressDeny:
                  - toEndpoints: [{matchLabels: {app: a}}]
                    toPorts: [{ports: [{port: "$PORT", protocol: TCP}]}]
                """,
            ["CiliumClusterwideNetworkPolicy/ccnp-b"] = """
                apiVersion: cilium.io/v2
                kind: CiliumClusterwideNetworkPolicy
                metadata: {name: ccnp-b}
                spec:
                  endpointSelector: {matchLabels: {app: b}}
                  ingress:
                  - fromEntities: [host, remote-node]
                  - fromEndpoints: [{matchLabels: {tier: db}}]
                    toPorts: [{ports: [{port: "$PORT", protocol: TCP}]}]
                """,
            // Same namespace and name as the NetworkPolicy np-web, in the same tier and order: the ladder must
            // order their rules alike however they arrived.
            ["CiliumNetworkPolicy/np-web"] = """
                apiVersion: cilium.io/v2
                kind: CiliumNetworkPolicy
                metadata: {name: np-web, namespace: x}
                spec:
                  endpointSelector: {matchLabels: {app: a}}
                  ingress:
                  - fromEndpoints: [{matchLabels: {tier: db}}]
                    toPorts: [{ports: [{port: "$PORT", protocol: TCP}]}]
                  egress:
                  - toEntities: [world-ipv4]
                  - toCIDR: [192.0.2.0/24]
                  - toEndpoints: [{}]
                    toPorts: [{ports: [{port: http}]}]
                """,
        };
    }
}
