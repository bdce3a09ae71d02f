using System.Globalization;
using System.Text.Json.Nodes;
using Weft.Qos;

namespace Weft.Agent;

/// <summary>
/// What the QoS controller must remember of an ADD to change a pod's limits later: its netns, and what to apply
/// while no Pod object is known (<paramref name="Fallback"/>: the capability values, or what the annotations
/// asked at ADD, so that a Pod the informer has not seen yet keeps its limits).
/// </summary>
internal sealed record QosAttachment(string ContainerId, string IfName, string Netns, QosIntent Fallback);

/// <summary>
/// One small file per attachment under the agent's state directory, so an agent restarted under running pods
/// can still reach the pod end of their veths (the netns path is known only from ADD). Written at ADD with
/// a rename; losing one costs only live updates of that pod's egress limit.
/// </summary>
internal sealed class QosAttachments(string stateDir)
{
    private readonly string _dir = Path.Combine(stateDir, "qos");

    public void Save(QosAttachment a)
    {
        Directory.CreateDirectory(_dir);
        var json = new JsonObject
        {
            ["containerId"] = a.ContainerId,
            ["ifName"] = a.IfName,
            ["netns"] = a.Netns,
            ["ingressBps"] = a.Fallback.IngressBps,
            ["ingressBurstBytes"] = a.Fallback.IngressBurstBytes,
            ["egressBps"] = a.Fallback.EgressBps,
            ["egressBurstBytes"] = a.Fallback.EgressBurstBytes,
        };
        var path = PathOf(a.ContainerId, a.IfName);
        File.WriteAllText(path + ".tmp", json.ToJsonString());
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public void Delete(string containerId, string ifName) => File.Delete(PathOf(containerId, ifName));

    /// <summary>Every saved attachment; unreadable files are reported and skipped.</summary>
    public IReadOnlyList<QosAttachment> Load()
    {
        if (!Directory.Exists(_dir))
        {
            return [];
        }
        var found = new List<QosAttachment>();
        foreach (var file in Directory.GetFiles(_dir, "*.json"))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(file)) is JsonObject j
                    && j["containerId"]?.GetValue<string>() is { } id && j["ifName"]?.GetValue<string>() is { } ifName
                    && j["netns"]?.GetValue<string>() is { } netns)
                {
                    long? Get(string k) => j[k]?.GetValue<long>();
                    var fallback = Get("ingressBps") is null && Get("egressBps") is null
                        ? QosIntent.None
                        : new QosIntent(Get("ingressBps"), Get("egressBps"), Get("ingressBurstBytes"), Get("egressBurstBytes"), null);
                    found.Add(new QosAttachment(id, ifName, netns, fallback));
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidOperationException or FormatException)
            {
                Log.Warn($"qos: skipping unreadable {file}: {e.Message}");
                continue;
            }
            Log.Warn($"qos: skipping {file}: it lacks containerId, ifName or netns");
        }
        return found;
    }

    // Container ids are [A-Za-z0-9_.-] (the CNI spec); the separator cannot occur in an interface name.
    private string PathOf(string containerId, string ifName) => Path.Combine(_dir, string.Create(CultureInfo.InvariantCulture, $"{containerId}@{ifName}.json"));
}
