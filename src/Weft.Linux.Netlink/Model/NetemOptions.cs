namespace Weft.Linux.Netlink;

/// <summary>
/// What a netem qdisc emulates: a delay with uniform jitter (both in nanoseconds, not negative), random loss in
/// percent (0 to 100) and a queue of <paramref name="LimitPackets"/> (at least 1; tc's default is 1000).
/// Out-of-range values throw <see cref="ArgumentOutOfRangeException"/>, also through <c>with</c>.
/// </summary>
public sealed record NetemOptions(long DelayNs, long JitterNs, double LossPercent, uint LimitPackets)
{
    private readonly long _delayNs = NotNegative(DelayNs, nameof(DelayNs));
    private readonly long _jitterNs = NotNegative(JitterNs, nameof(JitterNs));
    private readonly double _lossPercent = Percent(LossPercent, nameof(LossPercent));
    private readonly uint _limitPackets = AtLeastOne(LimitPackets, nameof(LimitPackets));

    /// <summary>Added delay in nanoseconds.</summary>
    public long DelayNs { get => _delayNs; init => _delayNs = NotNegative(value, nameof(DelayNs)); }

    /// <summary>Random variation of the delay in nanoseconds (uniform: no distribution table is sent).</summary>
    public long JitterNs { get => _jitterNs; init => _jitterNs = NotNegative(value, nameof(JitterNs)); }

    /// <summary>Share of packets dropped at random, 0 to 100.</summary>
    public double LossPercent { get => _lossPercent; init => _lossPercent = Percent(value, nameof(LossPercent)); }

    /// <summary>Packets the netem queue holds before it drops.</summary>
    public uint LimitPackets { get => _limitPackets; init => _limitPackets = AtLeastOne(value, nameof(LimitPackets)); }

    private static long NotNegative(long value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value, name);
        return value;
    }

    // Written as a pattern so NaN is refused too.
    private static double Percent(double value, string name) => value is >= 0 and <= 100
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"netem {name} must be between 0 and 100");

    private static uint AtLeastOne(uint value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfZero(value, name);
        return value;
    }
}
