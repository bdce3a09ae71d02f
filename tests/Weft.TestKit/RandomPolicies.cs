using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.TestKit;

/// <summary>
/// Random small clusters and random valid NetworkPolicies over a tiny label alphabet, so selectors match
/// some pods and miss others often. Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public sealed class RandomPolicies(Random rng)
{
    private static readonly string[] Keys = ["a", "b"];
    private static readonly string[] Values = ["1", "2"];

    public Dictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in Keys)
        {
            if (rng.NextDouble() < 0.6)
            {
                labels[key] = Pick(Values);
            }
        }
        return labels;
    }

    public Resource Namespace(string name, Dictionary<string, string> labels) => ResourceJson.FromNode(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = ToJson(labels) },
    });

    public Resource Policy(string ns, string name)
    {
        var types = Pick(new[] { "Ingress", "Egress", "Both", "Absent" });
        var spec = new JsonObject { ["podSelector"] = Selector() };
        if (types is "Ingress" or "Both" or "Absent")
        {
            spec["ingress"] = Rules("from");
        }
        if (types is "Egress" or "Both" || (types == "Absent" && rng.NextDouble() < 0.5))
        {
            spec["egress"] = Rules("to");
        }
        if (types != "Absent")
        {
            spec["policyTypes"] = types == "Both" ? new JsonArray("Ingress", "Egress") : new JsonArray(types);
        }
        return ResourceJson.FromNode(new JsonObject
        {
            ["apiVersion"] = "networking.k8s.io/v1",
            ["kind"] = "NetworkPolicy",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["spec"] = spec,
        });
    }

    /// <summary>0–2 rules; each with absent, empty (1 in 8 each) or 1–2 peers, and no ports or one of 80/81.</summary>
    private JsonArray Rules(string peersField)
    {
        var rules = new JsonArray();
        for (var i = rng.Next(3); i > 0; i--)
        {
            var rule = new JsonObject();
            // Absent or empty peers allow everyone; keep them rare so most rounds deny something.
            switch (rng.Next(8))
            {
                case 0:
                    break;
                case 1:
                    rule[peersField] = new JsonArray();
                    break;
                default:
                    var peers = new JsonArray();
                    for (var p = rng.Next(1, 3); p > 0; p--)
                    {
                        peers.Add((JsonNode)Peer());
                    }
                    rule[peersField] = peers;
                    break;
            }
            if (rng.NextDouble() < 0.5)
            {
                rule["ports"] = new JsonArray(new JsonObject { ["protocol"] = "TCP", ["port"] = Pick(new[] { 80, 81 }) });
            }
            rules.Add((JsonNode)rule);
        }
        return rules;
    }

    private JsonObject Peer() => rng.Next(3) switch
    {
        0 => new JsonObject { ["podSelector"] = Selector() },
        1 => new JsonObject { ["namespaceSelector"] = Selector() },
        _ => new JsonObject { ["namespaceSelector"] = Selector(), ["podSelector"] = Selector() },
    };

    /// <summary>Empty, matchLabels with one pair, or one matchExpression of any operator.</summary>
    private JsonObject Selector()
    {
        switch (rng.Next(3))
        {
            case 0:
                return [];
            case 1:
                return new JsonObject { ["matchLabels"] = new JsonObject { [Pick(Keys)] = Pick(Values) } };
            default:
                var op = Pick(new[] { "In", "NotIn", "Exists", "DoesNotExist" });
                var expr = new JsonObject { ["key"] = Pick(Keys), ["operator"] = op };
                if (op is "In" or "NotIn")
                {
                    expr["values"] = rng.NextDouble() < 0.5 ? new JsonArray(Pick(Values)) : new JsonArray("1", "2");
                }
                return new JsonObject { ["matchExpressions"] = new JsonArray(expr) };
        }
    }

    public static JsonObject ToJson(Dictionary<string, string> labels)
    {
        var o = new JsonObject();
        foreach (var (k, v) in labels)
        {
            o[k] = v;
        }
        return o;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[rng.Next(items.Count)];
}
