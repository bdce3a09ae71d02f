using Weft.Model;

namespace Weft.Cli.Output;

/// <summary>kubectl's columns for pods, nodes and namespaces, with Weft's wide columns.</summary>
internal static class BuiltInColumns
{
    private const string None = "<none>";

    public static IReadOnlyList<Column> Pod { get; } =
    [
        Column.Name,
        new("READY", (r, _) => PodReady(new PodView(r))),
        new("STATUS", (r, _) => PodStatus(new PodView(r))),
        new("RESTARTS", (r, _) => new PodView(r).ContainerStatuses.Sum(s => s.RestartCount).ToString()),
        Column.Age,
        new("IP", (r, _) => new PodView(r).PodIPs.FirstOrDefault() ?? None, WideOnly: true),
        new("NODE", (r, _) => new PodView(r).NodeName ?? None, WideOnly: true),
        new("BANDWIDTH", (r, _) => Bandwidth(r), WideOnly: true),
    ];

    /// <summary>
    /// What the node agent reports in force (its <c>weft.dev/Bandwidth</c> condition: "in:20M,out:50M", or
    /// "netem:not-enforced"); before the agent has reported, what the annotations ask, marked with "?".
    /// </summary>
    private static string Bandwidth(Resource pod)
    {
        var condition = (pod.Status?["conditions"] as System.Text.Json.Nodes.JsonArray)?
            .FirstOrDefault(c => c?["type"]?.GetValue<string>() == Weft.Qos.QosText.ConditionType);
        if (condition?["message"]?.GetValue<string>() is { } reported)
        {
            // The message is "summary; why", the summary alone fits a column.
            var cut = reported.IndexOf(';', StringComparison.Ordinal);
            var summary = cut < 0 ? reported : reported[..cut];
            return condition["reason"]?.GetValue<string>() == "InvalidAnnotation" ? summary + ",edit-rejected" : summary;
        }
        try
        {
            var intent = Weft.Qos.QosAnnotations.Parse(pod.Metadata.Annotations);
            return intent.IsEmpty ? None : Weft.Qos.QosText.Summary(intent) + "?";
        }
        catch (Weft.Qos.QosAnnotationException e)
        {
            return $"invalid:{e.Annotation}";
        }
    }

    public static IReadOnlyList<Column> Node { get; } =
    [
        Column.Name,
        new("STATUS", (r, _) => NodeStatus(new NodeView(r))),
        new("ROLES", (r, _) => new NodeView(r).Roles is { Count: > 0 } roles ? string.Join(",", roles) : None),
        Column.Age,
        new("VERSION", (r, _) => new NodeView(r).KubeletVersion ?? None),
        new("INTERNAL-IP", (r, _) => new NodeView(r).InternalIP?.ToString() ?? None, WideOnly: true),
        new("POD-CIDRS", (r, _) => new NodeView(r).PodCIDRs is { Count: > 0 } cidrs ? string.Join(",", cidrs) : None, WideOnly: true),
    ];

    public static IReadOnlyList<Column> Namespace { get; } =
    [
        Column.Name,
        new("STATUS", (r, _) => new NamespaceView(r).Phase),
        Column.Age,
    ];

    // Without container statuses (lab pods have no real containers) the Ready condition speaks for all.
    private static string PodReady(PodView pod)
    {
        var total = pod.Containers.Count;
        var statuses = pod.ContainerStatuses;
        var ready = statuses.Count > 0 ? statuses.Count(s => s.Ready) : pod.Ready ? total : 0;
        return $"{ready}/{total}";
    }

    private static string PodStatus(PodView pod) =>
        pod.IsTerminating ? "Terminating" : pod.Reason ?? pod.Phase ?? "Pending";

    private static string NodeStatus(NodeView node)
    {
        var status = node.ReadyStatus switch
        {
            "True" => "Ready",
            "False" => "NotReady",
            _ => "Unknown",
        };
        return node.Unschedulable ? status + ",SchedulingDisabled" : status;
    }
}
