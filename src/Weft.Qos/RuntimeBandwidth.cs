using System.Globalization;

namespace Weft.Qos;

/// <summary>
/// The CNI <c>bandwidth</c> runtime capability (rates in bit/s, bursts in bits), as container runtimes send
/// it. containerd and CRI-O fill in a burst the user never chose (2^32-1 bits, about 512 MiB), which is the
/// "huge first second" problem; such a burst, like an absent or zero one, means Weft's default.
/// </summary>
public static class RuntimeBandwidth
{
    /// <summary>The burst go-cni sends when none was set; anything at or above it counts as unset.</summary>
    public const ulong UnsetBurstBits = uint.MaxValue;

    private const ulong Min = 1_000;
    private const ulong Max = 1_000_000_000_000_000;

    /// <exception cref="QosAnnotationException">A rate outside 1k..1P bit/s; the field is named.</exception>
    public static QosIntent ToIntent(ulong? ingressRate, ulong? ingressBurstBits, ulong? egressRate, ulong? egressBurstBits)
    {
        var ingress = Rate("runtimeConfig.bandwidth.ingressRate", ingressRate);
        var egress = Rate("runtimeConfig.bandwidth.egressRate", egressRate);
        return ingress is null && egress is null
            ? QosIntent.None
            : new QosIntent(ingress, egress, Burst(ingress, ingressBurstBits), Burst(egress, egressBurstBits), null);
    }

    private static long? Rate(string field, ulong? rate) => rate switch
    {
        null or 0 => null,
        < Min or > Max => throw new QosAnnotationException(field, rate.Value.ToString(CultureInfo.InvariantCulture), "is outside 1k..1P bit/s"),
        _ => (long)rate.Value,
    };

    private static long? Burst(long? rate, ulong? bits) => rate switch
    {
        null => null,
        _ when bits is null or 0 or >= UnsetBurstBits => QosIntent.DefaultBurstBytes(rate.Value),
        _ => Math.Max((long)(bits.Value / 8), QosIntent.MinBurstBytes),
    };
}
