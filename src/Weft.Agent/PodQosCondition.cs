using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Qos;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// The agent's report on a pod's bandwidth limits, as a pod status condition of its own type (the kubelet
/// keeps condition types it does not own): what is in force, and what is not and why. <c>weft get pods -o
/// wide</c> and <c>kubectl describe pod</c> show it.
/// </summary>
internal sealed record PodQosCondition(bool Enforced, string Reason, string Message)
{
    public const string Type = QosText.ConditionType;

    /// <summary>Writes <paramref name="wanted"/> (or removes the condition when null) unless the pod already says so.</summary>
    public static async Task EnsureAsync(IResourceStore store, ResourceKey pod, PodQosCondition? wanted, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var cur = await store.GetAsync(pod, ct);
            if (cur is null || cur.Metadata.DeletionTimestamp is not null || Current(cur) == wanted)
            {
                return;
            }
            var status = cur.Status as JsonObject ?? [];
            var conditions = new JsonArray([.. (status["conditions"] as JsonArray ?? []).Where(c => c?["type"]?.GetValue<string>() != Type).Select(c => c?.DeepClone())]);
            if (wanted is not null)
            {
                conditions.Add((JsonNode)new JsonObject
                {
                    ["type"] = Type,
                    ["status"] = wanted.Enforced ? "True" : "False",
                    ["reason"] = wanted.Reason,
                    ["message"] = wanted.Message,
                    ["lastTransitionTime"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
                });
            }
            status["conditions"] = conditions;
            cur.Status = status;
            try
            {
                await store.UpdateAsync(cur, ct);
                return;
            }
            catch (ConflictException)
            {
                // Someone else (the kubelet) wrote the pod meanwhile; read it again.
            }
        }
    }

    /// <summary>The condition as the pod carries it now, or null.</summary>
    public static PodQosCondition? Current(Resource? pod)
    {
        var c = (pod?.Status?["conditions"] as JsonArray)?.FirstOrDefault(c => c?["type"]?.GetValue<string>() == Type);
        return c is null ? null : new PodQosCondition(
            c["status"]?.GetValue<string>() == "True", c["reason"]?.GetValue<string>() ?? "", c["message"]?.GetValue<string>() ?? "");
    }
}
