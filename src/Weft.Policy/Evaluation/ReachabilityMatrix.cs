using System.Text.Json.Nodes;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>Who reaches whom on one port and protocol; rows are sources, columns destinations, keys "namespace/pod".</summary>
public sealed record ReachabilityMatrix(int Port, L4Protocol Protocol, IReadOnlyDictionary<string, IReadOnlyDictionary<string, bool>> Matrix)
{
    public int Reachable => Matrix.Values.Sum(r => r.Values.Count(v => v));
    public int Total => Matrix.Values.Sum(r => r.Count);

    /// <summary>The shape `weft lab probe -o json` prints: {"port":80,"protocol":"TCP","matrix":{"ns/from":{"ns/to":true}}}.</summary>
    public JsonObject ToJson()
    {
        var matrix = new JsonObject();
        foreach (var (from, row) in Matrix.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var cells = new JsonObject();
            foreach (var (to, ok) in row.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                cells[to] = ok;
            }
            matrix[from] = cells;
        }
        return new JsonObject { ["port"] = Port, ["protocol"] = Protocols.Name(Protocol), ["matrix"] = matrix };
    }
}
