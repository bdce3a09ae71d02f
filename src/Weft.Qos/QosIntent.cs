namespace Weft.Qos;

/// <summary>netem impairments (Kube-OVN latency, jitter, loss, limit); null fields are unset.</summary>
public sealed record Netem(int? LatencyMs, int? JitterMs, double? LossPercent, int? LimitPackets);

/// <summary>
/// What a pod asks of traffic shaping, whichever annotation said it. Directions are seen from the pod:
/// ingress is traffic into the pod, egress traffic out of it. Rates in bit/s, bursts in bytes.
/// </summary>
public sealed record QosIntent(long? IngressBps, long? EgressBps, long? IngressBurstBytes, long? EgressBurstBytes, Netem? Netem)
{
    public static QosIntent None { get; } = new(null, null, null, null, null);

    public bool IsEmpty => IngressBps is null && EgressBps is null && Netem is null;

    /// <summary>
    /// The token-bucket depth used when none is given: 10 ms worth of the rate, at least two full-size frames.
    /// Enough for the shaper to keep the rate, small enough that a burst cannot run far above the limit
    /// (a large default burst is what makes some plugins' limits look broken in the first second).
    /// </summary>
    public static long DefaultBurstBytes(long bitsPerSecond) => Math.Max(bitsPerSecond / 8 / 100, MinBurstBytes);

    /// <summary>Two full-size Ethernet frames: a smaller bucket could never pass a full frame.</summary>
    public const long MinBurstBytes = 2 * 1514;
}

/// <summary>
/// A QoS setting Weft cannot honour; the message names the annotation (or, for the CNI capability, the
/// <c>runtimeConfig</c> field) and the value.
/// </summary>
public sealed class QosAnnotationException(string annotation, string value, string problem)
    : Exception($"{(annotation.StartsWith("runtimeConfig.", StringComparison.Ordinal) ? "" : "annotation ")}{annotation}: '{value}' {problem}")
{
    /// <summary>The annotation key, or the <c>runtimeConfig.bandwidth.*</c> field.</summary>
    public string Annotation { get; } = annotation;

    public string Value { get; } = value;
}
