using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Lab.Tests;

/// <summary>
/// One lab shaped like the ANP conformance model, shared by every case: two nodes, the five house namespaces, the
/// house pods (-0 on the first node, -1 on the second, as the model places them) and the hostNetwork centaurs
/// listening in their node's namespace. Holds the policies currently written, so each case writes only its delta.
/// </summary>
public sealed class AnpLabFixture : IAsyncLifetime
{
    private readonly Dictionary<ResourceKey, string> _written = [];

    public LabHandle Lab { get; private set; } = null!;

    /// <summary>"ns/pod" → the pod's IPv4 address as its status says (a hostNetwork pod's is its node's).</summary>
    public IReadOnlyDictionary<string, IPAddress> Ips { get; private set; } = null!;

    /// <summary>"ns/pod" → the network namespace the pod's sockets live in (a hostNetwork pod's is its node's).</summary>
    public IReadOnlyDictionary<string, string> Netns { get; private set; } = null!;

    /// <summary>"ns/pod" → the lab node it runs on.</summary>
    public IReadOnlyDictionary<string, string> NodeOf { get; private set; } = null!;

    public IReadOnlyList<string> NodeNetns => [.. Lab.Spec.NodeNames.Select(Lab.Paths.NodeNetns)];

    public IEnumerable<string> AgentLogs => Lab.Spec.NodeNames.Select(Lab.Paths.AgentLog);

    public async Task InitializeAsync()
    {
        var model = AnpLabCases.Model;
        var modelNodes = model["nodes"]!.AsArray().Select(n => n!.AsObject()).ToList();
        Lab = await LabHandle.UpAsync(nodes: modelNodes.Count);
        var nodes = modelNodes.Select((n, i) => ((string)n["name"]!, Lab.Spec.NodeNames[i])).ToDictionary(x => x.Item1, x => x.Item2);
        for (var i = 0; i < modelNodes.Count; i++)
        {
            await LabelNodeAsync(Lab.Spec.NodeNames[i], modelNodes[i]["labels"]!.AsObject());
        }
        foreach (var ns in model["namespaces"]!.AsArray())
        {
            await Lab.Store.CreateAsync(NamespaceView.Build((string)ns!["name"]!, Labels(ns["labels"]!)));
        }
        var pods = model["pods"]!.AsArray().Select(p => p!.AsObject()).ToList();
        foreach (var pod in pods)
        {
            await Lab.Store.CreateAsync(Pod(pod, nodes[(string)pod["node"]!]));
        }
        var running = await Lab.WaitRunningAsync(pods.Count);
        Ips = running.ToDictionary(p => $"{p.Namespace}/{p.Name}",
            p => p.PodIPs.Select(IPAddress.Parse).First(ip => ip.AddressFamily == AddressFamily.InterNetwork));
        NodeOf = running.ToDictionary(p => $"{p.Namespace}/{p.Name}", p => p.NodeName!);
        var sandboxes = LabController.Sandboxes(Lab.Paths).ToDictionary(s => $"{s.Namespace}/{s.Name}", s => s.NetnsName);
        Netns = running.ToDictionary(p => $"{p.Namespace}/{p.Name}",
            p => p.HostNetwork ? Lab.Paths.NodeNetns(p.NodeName!) : sandboxes[$"{p.Namespace}/{p.Name}"]);
    }

    public async Task DisposeAsync() => await Lab.DisposeAsync();

    /// <summary>
    /// Makes the store hold exactly <paramref name="policies"/>: deletes what is gone, updates what changed, creates
    /// what is new, then waits for the nodes' tables to settle. False when nothing had to be written.
    /// </summary>
    public async Task<bool> ApplyAsync(IReadOnlyList<JsonObject> policies)
    {
        var desired = policies.Select(p => (Resource: ResourceJson.FromNode((JsonObject)p.DeepClone()), Json: p.ToJsonString()))
            .ToDictionary(p => p.Resource.Key);
        var gone = _written.Keys.Where(k => !desired.ContainsKey(k)).ToList();
        var changed = desired.Where(kv => _written.GetValueOrDefault(kv.Key) != kv.Value.Json).Select(kv => kv.Key).ToList();
        if (gone.Count == 0 && changed.Count == 0)
        {
            return false;
        }
        var before = await AnpLabKernel.RulesAsync(NodeNetns);
        foreach (var key in gone)
        {
            await Lab.Store.DeleteAsync(key);
            _written.Remove(key);
        }
        foreach (var key in changed)
        {
            var (policy, text) = desired[key];
            if (await Lab.Store.GetAsync(key) is { } current)
            {
                policy.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
                await Lab.Store.UpdateAsync(policy);
            }
            else
            {
                await Lab.Store.CreateAsync(policy);
            }
            _written[key] = text;
        }
        await AnpLabKernel.WaitSettledAsync(NodeNetns, before, TimeSpan.FromSeconds(3));
        return true;
    }

    /// <summary>The lab's Node carries the model node's labels; its own hostname label stays (no case selects on it).</summary>
    private async Task LabelNodeAsync(string name, JsonObject labels)
    {
        var node = (await Lab.Store.GetAsync(new ResourceKey("", "Node", null, name)))!;
        var missing = labels.Where(l => l.Key != "kubernetes.io/hostname" && node.Metadata.Labels.GetValueOrDefault(l.Key) != (string)l.Value!).ToList();
        if (missing.Count > 0)
        {
            foreach (var (key, value) in missing)
            {
                node.Metadata.Labels[key] = (string)value!;
            }
            await Lab.Store.UpdateAsync(node);
        }
    }

    /// <summary>
    /// The model pod: its named ports as declared, and every other TCP/UDP port it listens on as an unnamed
    /// containerPort, because the lab workload serves exactly the pod's containerPorts (SCTP it cannot serve).
    /// </summary>
    private static Resource Pod(JsonObject pod, string node)
    {
        var ports = new JsonArray();
        var declared = new HashSet<(int, string)>();
        foreach (var p in pod["namedContainerPorts"]!.AsArray())
        {
            ports.Add(p!.DeepClone());
            declared.Add(((int)p["containerPort"]!, (string)p["protocol"]!));
        }
        foreach (var l in pod["listening"]!.AsArray())
        {
            var (port, protocol) = ((int)l!["port"]!, (string)l["protocol"]!);
            if (protocol != "SCTP" && declared.Add((port, protocol)))
            {
                ports.Add((JsonNode)new JsonObject { ["containerPort"] = port, ["protocol"] = protocol });
            }
        }
        return ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = pod["name"]!.DeepClone(),
                ["namespace"] = pod["namespace"]!.DeepClone(),
                ["labels"] = pod["labels"]!.DeepClone(),
            },
            ["spec"] = new JsonObject
            {
                ["nodeName"] = node,
                ["hostNetwork"] = pod["hostNetwork"]!.DeepClone(),
                ["containers"] = new JsonArray(new JsonObject { ["name"] = "serve", ["image"] = "weft/lab-workload", ["ports"] = ports }),
            },
        });
    }

    private static Dictionary<string, string> Labels(JsonNode labels) =>
        labels.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!, StringComparer.Ordinal);
}
