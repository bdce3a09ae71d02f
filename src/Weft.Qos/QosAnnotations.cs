using System.Globalization;
using System.Numerics;

namespace Weft.Qos;

/// <summary>
/// Reads bandwidth and impairment annotations into one <see cref="QosIntent"/>: Kubernetes'
/// <c>kubernetes.io/ingress-bandwidth</c> / <c>egress-bandwidth</c> (quantities in bit/s, 1k..1P as the kubelet
/// accepts) and Kube-OVN's <c>ingress_rate</c> / <c>egress_rate</c> (integer Mbit/s) and netem fields.
/// </summary>
/// <remarks>
/// When both dialects limit one direction, the Kubernetes annotation wins (it is the one the kubelet and
/// the CNI bandwidth capability also carry); the Kube-OVN value is ignored for that direction.
/// </remarks>
public static class QosAnnotations
{
    public const string Ingress = "kubernetes.io/ingress-bandwidth";
    public const string Egress = "kubernetes.io/egress-bandwidth";
    public const string OvnIngress = "ovn.kubernetes.io/ingress_rate";
    public const string OvnEgress = "ovn.kubernetes.io/egress_rate";
    public const string OvnLatency = "ovn.kubernetes.io/latency";
    public const string OvnJitter = "ovn.kubernetes.io/jitter";
    public const string OvnLoss = "ovn.kubernetes.io/loss";
    public const string OvnLimit = "ovn.kubernetes.io/limit";

    private static readonly BigInteger Min = 1_000;
    private static readonly BigInteger Max = BigInteger.Pow(10, 15);

    /// <exception cref="QosAnnotationException">A value is unparsable or out of range.</exception>
    public static QosIntent Parse(IReadOnlyDictionary<string, string> annotations)
    {
        var ingress = Bandwidth(annotations, Ingress) ?? OvnRate(annotations, OvnIngress);
        var egress = Bandwidth(annotations, Egress) ?? OvnRate(annotations, OvnEgress);
        var netem = Impairments(annotations);
        return ingress is null && egress is null && netem is null
            ? QosIntent.None
            : new QosIntent(ingress, egress, ingress is { } i ? QosIntent.DefaultBurstBytes(i) : null, egress is { } e ? QosIntent.DefaultBurstBytes(e) : null, netem);
    }

    private static long? Bandwidth(IReadOnlyDictionary<string, string> annotations, string key)
    {
        if (!annotations.TryGetValue(key, out var text))
        {
            return null;
        }
        var value = Quantity.TryParse(text) ?? throw new QosAnnotationException(key, text, "is not a quantity of bit/s such as 10M or 1Gi");
        return value < Min || value > Max
            ? throw new QosAnnotationException(key, text, "is outside 1k..1P bit/s")
            : (long)value;
    }

    private static long? OvnRate(IReadOnlyDictionary<string, string> annotations, string key)
    {
        if (!annotations.TryGetValue(key, out var text))
        {
            return null;
        }
        if (!int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var mbit))
        {
            throw new QosAnnotationException(key, text, "is not a whole number of Mbit/s (Kube-OVN takes integers only)");
        }
        return mbit == 0 ? null : mbit * 1_000_000L;
    }

    private static Netem? Impairments(IReadOnlyDictionary<string, string> annotations)
    {
        var latency = WholeOrUnset(annotations, OvnLatency, "ms");
        var jitter = WholeOrUnset(annotations, OvnJitter, "ms");
        var limit = WholeOrUnset(annotations, OvnLimit, "packets");
        double? loss = null;
        if (annotations.TryGetValue(OvnLoss, out var text))
        {
            if (!double.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent) || double.IsNaN(percent))
            {
                throw new QosAnnotationException(OvnLoss, text, "is not a percentage such as 0.5");
            }
            if (percent > 100)
            {
                throw new QosAnnotationException(OvnLoss, text, "is above 100 %");
            }
            loss = percent > 0 ? percent : null;
        }
        if (jitter is not null && latency is null)
        {
            throw new QosAnnotationException(OvnJitter, annotations[OvnJitter], $"needs {OvnLatency}");
        }
        return latency is null && jitter is null && loss is null && limit is null ? null : new Netem(latency, jitter, loss, limit);
    }

    /// <summary>Kube-OVN: an integer; zero or negative means unset.</summary>
    private static int? WholeOrUnset(IReadOnlyDictionary<string, string> annotations, string key, string unit)
    {
        if (!annotations.TryGetValue(key, out var text))
        {
            return null;
        }
        return int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? (value > 0 ? value : null)
            : throw new QosAnnotationException(key, text, $"is not a whole number of {unit}");
    }
}
