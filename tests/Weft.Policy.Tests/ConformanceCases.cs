using System.Net;
using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests;

/// <summary>Loads ../shared/conformance/k8s-netpol (model.json, cases.jsonl) and turns one state of a case into evaluator inputs.</summary>
internal static class ConformanceCases
{
    private static readonly Lazy<string> Dir = new(FindDir);
    private static readonly Lazy<Dictionary<string, JsonObject>> Cases = new(LoadCases);
    private static readonly Lazy<JsonObject> Model = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(Dir.Value, "model.json")))!);

    public static IEnumerable<string> Ids => Cases.Value.Keys;

    public static JsonObject Case(string id) => Cases.Value[id];

    /// <summary>The states to check in order: every step of a multi-step case, else the case itself.</summary>
    public static IReadOnlyList<JsonObject> States(JsonObject c) =>
        c["steps"] is JsonArray { Count: > 0 } steps ? [.. steps.Cast<JsonObject>()] : [c];

    /// <summary>The model's namespaces and pods with the state's label overrides applied (each override replaces the whole set).</summary>
    public static ClusterSnapshot Snapshot(JsonObject state)
    {
        var nsOverrides = state["namespaceLabels"] as JsonObject;
        var podOverrides = state["podLabels"] as JsonObject;
        var namespaces = Model.Value["namespaces"]!.AsArray().Select(n =>
        {
            var name = (string)n!["name"]!;
            return new NamespaceInfo(name, Labels(nsOverrides?[name] ?? n["labels"]));
        });
        var pods = Model.Value["pods"]!.AsArray().Select(p =>
        {
            var id = (string)p!["id"]!;
            var ports = p["containerPorts"]!.AsArray().Select(cp => new PodPort(
                (string?)cp!["name"], (int)cp["containerPort"]!, Protocols.Parse((string)cp["protocol"]!)!.Value));
            return new PodInfo((string)p["namespace"]!, (string)p["name"]!, Labels(podOverrides?[id] ?? p["labels"]),
                [IPAddress.Parse((string)p["ip"]!)], [.. ports]);
        });
        return new ClusterSnapshot(namespaces, pods);
    }

    public static IReadOnlyList<Resource> Policies(JsonObject state) =>
        [.. state["policies"]!.AsArray().Select(p => ResourceJson.FromNode((JsonObject)p!))];

    private static Dictionary<string, string> Labels(JsonNode? node) =>
        node!.AsObject().ToDictionary(kv => kv.Key, kv => (string)kv.Value!, StringComparer.Ordinal);

    private static Dictionary<string, JsonObject> LoadCases() =>
        File.ReadLines(Path.Combine(Dir.Value, "cases.jsonl"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => (JsonObject)JsonNode.Parse(l)!)
            .ToDictionary(c => (string)c["id"]!, StringComparer.Ordinal);

    private static string FindDir() => Weft.TestKit.SharedData.Dir("conformance", "k8s-netpol");
}
