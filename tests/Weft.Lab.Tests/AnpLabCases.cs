using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Weft.Lab.Tests;

/// <summary>
/// The AdminNetworkPolicy conformance suite as data (../shared/conformance/anp: model.json, cases.jsonl),
/// read for the lab: each case's policies with the podIPDependent networks rebuilt from the lab's real pod IPs.
/// </summary>
internal static partial class AnpLabCases
{
    private static readonly Lazy<string> Dir = new(() => Weft.TestKit.SharedData.Dir("conformance", "anp"));
    private static readonly Lazy<JsonObject> LazyModel = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Dir.Value, "model.json")))!);
    private static readonly Lazy<List<JsonObject>> Cases = new(() =>
        [.. File.ReadLines(Path.Combine(Dir.Value, "cases.jsonl")).Where(l => l.Trim().Length > 0).Select(l => (JsonObject)JsonNode.Parse(l)!)]);

    public static JsonObject Model => LazyModel.Value;

    /// <summary>Case ids in file order: upstream order, so consecutive cases of one test differ by its edits only.</summary>
    public static IEnumerable<string> Ids => Cases.Value.Select(c => (string)c["id"]!);

    public static IEnumerable<JsonObject> All => Cases.Value;

    public static JsonObject Case(string id) => Cases.Value.Single(c => (string)c["id"]! == id);

    /// <summary>The probe's port: upstream's HostNetworkPorts[i] when it says so, else the port as written.</summary>
    public static int Port(JsonNode probe) =>
        probe["portFromHostNetworkPorts"] is { } index
            ? (int)Model["hostNetworkPorts"]![(int)index]!
            : (int)probe["port"]!;

    /// <summary>The case's policy objects (copies), with every podIPDependent network taken from <paramref name="podIps"/> ("ns/pod" → IP).</summary>
    public static List<JsonObject> Policies(JsonObject c, IReadOnlyDictionary<string, IPAddress> podIps)
    {
        var policies = c["policies"]!.AsArray().Select(p => (JsonObject)p!.DeepClone()).ToList();
        if (c["podIPDependent"] is JsonArray dependent)
        {
            RebuildPodIpNetworks(policies, [.. dependent.Select(d => (string)d!)], podIps);
        }
        return policies;
    }

    /// <summary>
    /// Entries read "networks[i] = podIP(ns/pod) + '/32' (IPv6: /128)": they describe the one networks list of
    /// host prefixes that upstream fills from real pod IPs at run time; that list is found and rewritten.
    /// </summary>
    private static void RebuildPodIpNetworks(List<JsonObject> policies, IReadOnlyList<string> entries, IReadOnlyDictionary<string, IPAddress> podIps)
    {
        var parsed = entries.Select(e => DependentEntry().Match(e)).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, $"unexpected podIPDependent entry: {m.Value}"));
        var lists = policies
            .SelectMany(p => (p["spec"]?["egress"] as JsonArray ?? []).OfType<JsonObject>())
            .SelectMany(rule => (rule["to"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(peer => peer["networks"] as JsonArray)
            .OfType<JsonArray>()
            .Where(n => n.Count == parsed.Count && n.All(x => ((string)x!).EndsWith("/32", StringComparison.Ordinal) || ((string)x!).EndsWith("/128", StringComparison.Ordinal)))
            .ToList();
        var networks = Assert.Single(lists);
        foreach (var m in parsed)
        {
            var address = podIps[m.Groups["pod"].Value];
            var bits = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            networks[int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture)] = $"{address}/{bits}";
        }
    }

    [GeneratedRegex(@"^networks\[(?<index>\d+)\] = podIP\((?<pod>[^)]+)\) \+ '/32'")]
    private static partial Regex DependentEntry();
}
