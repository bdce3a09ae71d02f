using System.Text.Json.Nodes;

namespace Weft.Agent;

/// <summary>
/// Writes the CNI conflist once the agent can serve ADD; until then the runtime keeps the node
/// NotReady. Written to a dot-file and renamed, so a runtime watching the directory never reads half a file.
/// </summary>
internal static class ConflistWriter
{
    public const string FileName = "10-weft.conflist";

    public static void Write(AgentOptions o)
    {
        Directory.CreateDirectory(o.CniConfDir);
        // 1.0.0 is what Debian's podman and containerd can read back; newer runtimes pick from cniVersions.
        var conf = new JsonObject
        {
            ["cniVersion"] = "1.0.0",
            ["cniVersions"] = new JsonArray("0.3.1", "0.4.0", "1.0.0", "1.1.0"),
            ["name"] = "weft",
            ["plugins"] = new JsonArray(new JsonObject
            {
                ["type"] = "weft-cni",
                ["agentSocket"] = o.SocketPath,
                ["delQueueDir"] = o.DelQueueDir,
                // The runtime passes runtimeConfig.bandwidth; the Pod's annotations win when there is a Pod.
                ["capabilities"] = new JsonObject { ["bandwidth"] = true },
            }),
        };
        var path = Path.Combine(o.CniConfDir, FileName);
        var tmp = Path.Combine(o.CniConfDir, "." + FileName + ".tmp");
        File.WriteAllText(tmp, conf.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, path, overwrite: true);
    }
}
