using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Lab.Tests;

internal static class TestPods
{
    public static Resource Pod(string ns, string name, string? node, int[] ports, Dictionary<string, string>? labels = null, string? serviceAccount = null)
    {
        var spec = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject
            {
                ["name"] = "serve",
                ["image"] = "weft/lab-workload",
                ["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)new JsonObject { ["containerPort"] = p })]),
            }),
        };
        if (node is not null)
        {
            spec["nodeName"] = node;
        }
        if (serviceAccount is not null)
        {
            spec["serviceAccountName"] = serviceAccount;
        }
        return new Resource
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? new() { ["app"] = name } },
            Body = new JsonObject { ["spec"] = spec },
        };
    }
}
