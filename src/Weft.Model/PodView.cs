using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>A container as Weft sees it: its name, image and declared ports.</summary>
public sealed record ContainerInfo(string Name, string? Image, IReadOnlyList<ContainerPortInfo> Ports);

/// <summary>One entry of a container's ports; Protocol defaults to "TCP" as in Kubernetes.</summary>
public sealed record ContainerPortInfo(string? Name, int ContainerPort, string Protocol, int? HostPort);

/// <summary>One entry of status.containerStatuses.</summary>
public sealed record ContainerStatusInfo(string Name, bool Ready, int RestartCount);

/// <summary>
/// Read-only typed view over a Pod resource. Every property reads the resource when asked, so the
/// view follows later changes to it. Fields of the wrong type read as absent; <see cref="Validation"/>
/// reports them.
/// </summary>
public sealed class PodView
{
    /// <exception cref="ArgumentException">The resource is not a Pod.</exception>
    public PodView(Resource pod)
    {
        if (pod.Kind != "Pod")
        {
            throw new ArgumentException($"{pod}: expected kind Pod, got {pod.Kind}", nameof(pod));
        }
        Resource = pod;
    }

    public Resource Resource { get; }

    /// <summary>metadata.namespace, or "default" when it is not set (as kubectl assumes).</summary>
    public string Namespace => Resource.Metadata.Namespace ?? "default";

    public string Name => Resource.Metadata.Name;
    public string? Uid => Resource.Metadata.Uid;
    public IReadOnlyDictionary<string, string> Labels => Resource.Metadata.Labels;
    public IReadOnlyDictionary<string, string> Annotations => Resource.Metadata.Annotations;
    public IReadOnlyList<OwnerReference> OwnerReferences => Resource.Metadata.OwnerReferences;

    /// <summary>spec.nodeName: the node the pod is bound to, or null before scheduling.</summary>
    public string? NodeName => JsonRead.String(Resource.Spec?["nodeName"]);

    public bool HostNetwork => JsonRead.Bool(Resource.Spec?["hostNetwork"]) ?? false;

    /// <summary>spec.serviceAccountName (or the deprecated spec.serviceAccount); "default", as admission sets it, when neither is.</summary>
    public string ServiceAccountName =>
        JsonRead.String(Resource.Spec?["serviceAccountName"]) is { Length: > 0 } name ? name
        : JsonRead.String(Resource.Spec?["serviceAccount"]) is { Length: > 0 } old ? old
        : "default";

    public IReadOnlyList<ContainerInfo> Containers =>
        JsonRead.Objects(Resource.Spec?["containers"]).Select(ReadContainer).ToList();

    /// <summary>status.phase (Pending, Running, Succeeded, Failed, Unknown), or null when not set.</summary>
    public string? Phase => JsonRead.String(Resource.Status?["phase"]);

    /// <summary>status.reason, e.g. "Evicted"; null when not set.</summary>
    public string? Reason => JsonRead.String(Resource.Status?["reason"]);

    /// <summary>status.podIPs[].ip, falling back to status.podIP for objects written by older clients.</summary>
    public IReadOnlyList<string> PodIPs
    {
        get
        {
            var ips = JsonRead.Objects(Resource.Status?["podIPs"]).Select(o => JsonRead.String(o["ip"])).OfType<string>().ToList();
            if (ips.Count == 0 && JsonRead.String(Resource.Status?["podIP"]) is { Length: > 0 } single)
            {
                ips.Add(single);
            }
            return ips;
        }
    }

    /// <summary>True when the Ready condition is "True".</summary>
    public bool Ready => JsonRead.ConditionStatus(Resource.Status, "Ready") == "True";

    public IReadOnlyList<ContainerStatusInfo> ContainerStatuses =>
        JsonRead.Objects(Resource.Status?["containerStatuses"])
            .Select(s => new ContainerStatusInfo(
                JsonRead.String(s["name"]) ?? "",
                JsonRead.Bool(s["ready"]) ?? false,
                (int)(JsonRead.Integer(s["restartCount"]) ?? 0)))
            .ToList();

    public bool IsTerminating => Resource.Metadata.DeletionTimestamp is not null;

    /// <summary>Sets status.podIPs (and status.podIP to the first, as the API server keeps both).</summary>
    public static void SetPodIPs(Resource pod, IEnumerable<string> ips)
    {
        var list = ips.ToList();
        var status = EnsureStatus(pod);
        status["podIPs"] = new JsonArray(list.Select(ip => (JsonNode)new JsonObject { ["ip"] = ip }).ToArray());
        if (list.Count > 0)
        {
            status["podIP"] = list[0];
        }
        else
        {
            status.Remove("podIP");
        }
    }

    public static void SetPhase(Resource pod, string phase) => EnsureStatus(pod)["phase"] = phase;

    public static void SetNodeName(Resource pod, string nodeName)
    {
        pod.Spec ??= new JsonObject();
        pod.Spec["nodeName"] = nodeName;
    }

    /// <summary>
    /// Sets the Ready condition and marks every container ready or not (keeping restart counts),
    /// so that READY reads 1/1 for a lab pod that has no real containers.
    /// </summary>
    public static void SetReady(Resource pod, bool ready)
    {
        var status = EnsureStatus(pod);
        JsonRead.SetCondition(status, "Ready", ready);
        var restarts = JsonRead.Objects(status["containerStatuses"])
            .Where(s => JsonRead.String(s["name"]) is not null)
            .ToDictionary(s => JsonRead.String(s["name"])!, s => JsonRead.Integer(s["restartCount"]) ?? 0, StringComparer.Ordinal);
        var statuses = new JsonArray();
        foreach (var container in new PodView(pod).Containers)
        {
            statuses.Add((JsonNode)new JsonObject
            {
                ["name"] = container.Name,
                ["ready"] = ready,
                ["restartCount"] = restarts.GetValueOrDefault(container.Name),
            });
        }
        status["containerStatuses"] = statuses;
    }

    private static JsonObject EnsureStatus(Resource pod) => pod.Status ??= new JsonObject();

    private static ContainerInfo ReadContainer(JsonObject container) => new(
        JsonRead.String(container["name"]) ?? "",
        JsonRead.String(container["image"]),
        JsonRead.Objects(container["ports"]).Select(ReadPort).ToList());

    private static ContainerPortInfo ReadPort(JsonObject port)
    {
        var hostPort = JsonRead.Integer(port["hostPort"]);
        return new ContainerPortInfo(
            JsonRead.String(port["name"]),
            (int)Math.Clamp(JsonRead.Integer(port["containerPort"]) ?? 0, int.MinValue, int.MaxValue),
            JsonRead.String(port["protocol"]) ?? "TCP",
            hostPort is null or 0 ? null : (int)Math.Clamp(hostPort.Value, int.MinValue, int.MaxValue));
    }
}
