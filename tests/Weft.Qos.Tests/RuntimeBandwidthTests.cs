namespace Weft.Qos.Tests;

public sealed class RuntimeBandwidthTests
{
    [Fact]
    public void Rates_pass_through_and_the_runtimes_unset_burst_becomes_the_small_default()
    {
        var intent = RuntimeBandwidth.ToIntent(10_000_000, RuntimeBandwidth.UnsetBurstBits, 50_000_000, null);
        Assert.Equal((10_000_000L, 50_000_000L), (intent.IngressBps!.Value, intent.EgressBps!.Value));
        Assert.Equal(QosIntent.DefaultBurstBytes(10_000_000), intent.IngressBurstBytes);
        Assert.Equal(QosIntent.DefaultBurstBytes(50_000_000), intent.EgressBurstBytes);
        Assert.Null(intent.Netem);
    }

    [Fact]
    public void A_burst_given_in_bits_becomes_bytes_but_never_less_than_two_frames()
    {
        Assert.Equal(100_000, RuntimeBandwidth.ToIntent(10_000_000, 800_000, null, null).IngressBurstBytes);
        Assert.Equal(QosIntent.MinBurstBytes, RuntimeBandwidth.ToIntent(null, null, 10_000_000, 8).EgressBurstBytes);
    }

    [Fact]
    public void No_rate_or_a_zero_rate_means_unlimited()
    {
        Assert.Same(QosIntent.None, RuntimeBandwidth.ToIntent(null, null, null, null));
        Assert.Same(QosIntent.None, RuntimeBandwidth.ToIntent(0, 123, 0, null));
    }

    [Theory]
    [InlineData(500UL, "runtimeConfig.bandwidth.ingressRate")]
    [InlineData(2_000_000_000_000_000UL, "runtimeConfig.bandwidth.ingressRate")]
    public void A_rate_outside_1k_to_1P_names_the_field(ulong rate, string field)
    {
        var e = Assert.Throws<QosAnnotationException>(() => RuntimeBandwidth.ToIntent(rate, null, null, null));
        Assert.Equal(field, e.Annotation);
        Assert.StartsWith(field + ": '", e.Message, StringComparison.Ordinal);
        Assert.Contains("outside 1k..1P", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_is_the_short_form_of_limits_and_impairments()
    {
        var intent = new QosIntent(3_000_000, 1_500_000_000, null, null, new Netem(3, null, 20, null));
        Assert.Equal("in:3M,out:1500M,netem:delay=3ms/loss=20%", QosText.Summary(intent));
        Assert.Equal("in:3M,out:1500M,netem:not-enforced", QosText.Summary(intent, netemEnforced: false));
        Assert.Equal("unlimited", QosText.Summary(QosIntent.None));
        Assert.Equal(("2G", "1500k", "1234"), (QosText.Rate(2_000_000_000), QosText.Rate(1_500_000), QosText.Rate(1234)));
    }
}
