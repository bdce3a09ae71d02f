using System.Text.Json.Nodes;

namespace Weft.Linux.Nftables;

/// <summary>Reads the output of <c>nft -j list table inet NAME</c> with JsonNode (no reflection, AOT-safe).</summary>
internal static class NftJson
{
    public static NftTableState Parse(string table, string json)
    {
        var chains = new List<string>();
        var sets = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var maps = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var rules = new List<NftRuleState>();
        var items = JsonNode.Parse(json)?["nftables"]?.AsArray()
            ?? throw new FormatException($"nft -j list table inet {table}: no \"nftables\" array in the output");

        foreach (var item in items.OfType<JsonObject>())
        {
            if (item["chain"] is JsonObject chain)
            {
                chains.Add(Text(chain["name"]));
            }
            else if (item["set"] is JsonObject set)
            {
                sets[Text(set["name"])] = Elements(set["elem"], isMap: false);
            }
            else if (item["map"] is JsonObject map)
            {
                maps[Text(map["name"])] = Elements(map["elem"], isMap: true);
            }
            else if (item["rule"] is JsonObject rule)
            {
                rules.Add(Rule(rule));
            }
        }

        return new NftTableState(table, chains, sets, maps, rules);
    }

    private static NftRuleState Rule(JsonObject rule)
    {
        var counter = rule["expr"]?.AsArray().OfType<JsonObject>().Select(e => e["counter"]).OfType<JsonObject>().FirstOrDefault();
        return new NftRuleState(
            Text(rule["chain"]),
            rule["handle"]?.GetValue<long>() ?? 0,
            rule["comment"]?.GetValue<string>(),
            counter is not null,
            counter?["packets"]?.GetValue<ulong>() ?? 0,
            counter?["bytes"]?.GetValue<ulong>() ?? 0);
    }

    private static List<string> Elements(JsonNode? elem, bool isMap)
    {
        if (elem is not JsonArray array)
        {
            return [];
        }

        var result = array.Select(e => isMap && e is JsonArray pair ? $"{Value(pair[0])} : {Value(pair[1])}" : Value(e)).ToList();
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    // Renders one JSON expression back into nft's own syntax.
    private static string Value(JsonNode? node) => node switch
    {
        JsonValue v => v.ToString(),
        JsonArray a => string.Join(", ", a.Select(Value)),
        JsonObject o when o["elem"] is { } inner => Value(inner["val"] ?? inner),
        JsonObject o when o["prefix"] is JsonObject p => $"{Value(p["addr"])}/{Value(p["len"])}",
        JsonObject o when o["range"] is JsonArray r => $"{Value(r[0])}-{Value(r[1])}",
        JsonObject o when o["concat"] is JsonArray c => string.Join(" . ", c.Select(Value)),
        JsonObject o when o["jump"] is JsonObject j => $"jump {Value(j["target"])}",
        JsonObject o when o["goto"] is JsonObject g => $"goto {Value(g["target"])}",
        JsonObject o when o.Count == 1 => o.First().Key,
        null => "",
        _ => node.ToJsonString(),
    };

    private static string Text(JsonNode? node) =>
        node?.GetValue<string>() ?? throw new FormatException("nft JSON object without a name");
}
