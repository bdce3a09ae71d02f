using System.Globalization;

namespace Weft.Qos;

/// <summary>The short form operators read in <c>weft get pods -o wide</c> and in the pod's condition: <c>in:20M,out:50M</c>.</summary>
public static class QosText
{
    /// <summary>The pod status condition type in which the agent reports a pod's limits (message: the summary, then why).</summary>
    public const string ConditionType = "weft.dev/Bandwidth";

    /// <summary>Limits and impairments of <paramref name="intent"/>; "unlimited" when it asks nothing.</summary>
    public static string Summary(QosIntent intent, bool netemEnforced = true)
    {
        var parts = new List<string>();
        if (intent.IngressBps is { } i)
        {
            parts.Add($"in:{Rate(i)}");
        }
        if (intent.EgressBps is { } o)
        {
            parts.Add($"out:{Rate(o)}");
        }
        if (intent.Netem is { } n)
        {
            parts.Add(netemEnforced ? $"netem:{Impairments(n)}" : "netem:not-enforced");
        }
        return parts.Count == 0 ? "unlimited" : string.Join(",", parts);
    }

    /// <summary>10000000 → "10M"; rates that are not whole units stay in bit/s.</summary>
    public static string Rate(long bps) => bps switch
    {
        >= 1_000_000_000 when bps % 1_000_000_000 == 0 => $"{bps / 1_000_000_000}G",
        >= 1_000_000 when bps % 1_000_000 == 0 => $"{bps / 1_000_000}M",
        >= 1_000 when bps % 1_000 == 0 => $"{bps / 1_000}k",
        _ => bps.ToString(CultureInfo.InvariantCulture),
    };

    private static string Impairments(Netem n)
    {
        var parts = new List<string>();
        if (n.LatencyMs is { } l)
        {
            parts.Add($"delay={l}ms");
        }
        if (n.JitterMs is { } j)
        {
            parts.Add($"jitter={j}ms");
        }
        if (n.LossPercent is { } p)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"loss={p}%"));
        }
        if (n.LimitPackets is { } q)
        {
            parts.Add($"limit={q}");
        }
        return string.Join("/", parts);
    }
}
