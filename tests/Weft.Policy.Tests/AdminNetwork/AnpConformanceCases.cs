using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>
/// Loads ../shared/conformance/anp (model.json, cases.jsonl): the upstream network-policy-api v1alpha1 suite as
/// data. Builds the snapshot (namespaces, pods with named ports, host-network pods, nodes) and each case's policies,
/// with the podIPDependent CIDRs rebuilt from the model's pod IPs.
/// </summary>
internal static partial class AnpConformanceCases
{
    private static readonly Lazy<string> Dir = new(() => Weft.TestKit.SharedData.Dir("conformance", "anp"));
    private static readonly Lazy<JsonObject> Model = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Dir.Value, "model.json")))!);
    private static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(() =>
        File.ReadLines(Path.Combine(Dir.Value, "cases.jsonl"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => (JsonObject)JsonNode.Parse(l)!)
            .ToDictionary(c => (string)c["id"]!, StringComparer.Ordinal));
    private static readonly Lazy<ClusterSnapshot> Cluster = new(BuildSnapshot);

    public static IEnumerable<string> Ids => Cases.Value.Keys;

    public static JsonObject Case(string id) => Cases.Value[id];

    /// <summary>The model cluster; no case changes labels, so one snapshot serves them all.</summary>
    public static ClusterSnapshot Snapshot() => Cluster.Value;

    /// <summary>The case's policy objects, with every podIPDependent network rebuilt from the model's pod IPs.</summary>
    public static IReadOnlyList<Resource> Policies(JsonObject c)
    {
        var policies = c["policies"]!.AsArray().Select(p => (JsonObject)p!.DeepClone()).ToList();
        if (c["podIPDependent"] is JsonArray dependent)
        {
            RebuildPodIpNetworks(policies, [.. dependent.Select(d => (string)d!)]);
        }
        return [.. policies.Select(ResourceJson.FromNode)];
    }

    /// <summary>The probe's port: upstream's HostNetworkPorts[i] when it says so, else the port as written.</summary>
    public static int Port(JsonObject probe) =>
        probe["portFromHostNetworkPorts"] is { } index
            ? (int)Model.Value["hostNetworkPorts"]![(int)index]!
            : (int)probe["port"]!;

    /// <summary>
    /// Entries read "networks[i] = podIP(ns/pod) + '/32' (IPv6: /128)". They describe the one networks list of
    /// host prefixes that upstream fills from real pod IPs at run time; that list is found and rewritten here.
    /// </summary>
    private static void RebuildPodIpNetworks(List<JsonObject> policies, IReadOnlyList<string> entries)
    {
        var parsed = entries.Select(e => DependentEntry().Match(e)).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, $"unexpected podIPDependent entry: {m.Value}"));
        var lists = policies
            .SelectMany(p => (p["spec"]?["egress"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(rule => (rule["to"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(peer => peer["networks"] as JsonArray)
            .OfType<JsonArray>()
            .Where(n => n.Count == parsed.Count && n.All(c => ((string)c!).EndsWith("/32", StringComparison.Ordinal) || ((string)c!).EndsWith("/128", StringComparison.Ordinal)))
            .ToList();
        var networks = Assert.Single(lists);
        foreach (var m in parsed)
        {
            var address = PodAddress(m.Groups["pod"].Value);
            var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            networks[int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)] = $"{address}/{bits}";
        }
    }

    private static IPAddress PodAddress(string id) =>
        IPAddress.Parse((string)Model.Value["pods"]!.AsArray().Single(p => (string)p!["id"]! == id)!["ip"]!);

    private static ClusterSnapshot BuildSnapshot()
    {
        var namespaces = Model.Value["namespaces"]!.AsArray().Select(n => new NamespaceInfo((string)n!["name"]!, Labels(n["labels"])));
        var pods = Model.Value["pods"]!.AsArray().Select(p => new PodInfo(
            (string)p!["namespace"]!,
            (string)p["name"]!,
            Labels(p["labels"]),
            [IPAddress.Parse((string)p["ip"]!)],
            [.. p["namedContainerPorts"]!.AsArray().Select(cp => new PodPort(
                (string?)cp!["name"], (int)cp["containerPort"]!, Protocols.Parse((string)cp["protocol"]!)!.Value))],
            HostNetwork: (bool)p["hostNetwork"]!));
        var nodes = Model.Value["nodes"]!.AsArray().Select(n => new NodeInfo(
            (string)n!["name"]!, Labels(n["labels"]), [IPAddress.Parse((string)n["ip"]!)]));
        return new ClusterSnapshot(namespaces, pods, nodes);
    }

    private static Dictionary<string, string> Labels(JsonNode? node) =>
        node!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal);

    [GeneratedRegex(@"^networks\[(?<index>\d+)\] = podIP\((?<pod>[^)]+)\) \+ '/32'")]
    private static partial Regex DependentEntry();
}
