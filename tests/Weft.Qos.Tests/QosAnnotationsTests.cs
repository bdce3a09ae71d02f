namespace Weft.Qos.Tests;

/// <summary>Bandwidth and impairment annotations, with the cases of policy-dialects.md §8 (54, 55).</summary>
public class QosAnnotationsTests
{
    [Theory]
    [InlineData("10M", 10_000_000L)]
    [InlineData("10Mi", 10_485_760L)]
    [InlineData("1.5G", 1_500_000_000L)]
    [InlineData("500k", 500_000L)]
    [InlineData("2e6", 2_000_000L)]
    [InlineData("1P", 1_000_000_000_000_000L)]
    public void Kubernetes_quantities_are_bits_per_second(string text, long bps)
    {
        var intent = QosAnnotations.Parse(new Dictionary<string, string> { [QosAnnotations.Ingress] = text, [QosAnnotations.Egress] = text });
        Assert.Equal(bps, intent.IngressBps);
        Assert.Equal(bps, intent.EgressBps);
        Assert.Equal(QosIntent.DefaultBurstBytes(bps), intent.IngressBurstBytes);
    }

    [Theory]
    [InlineData(QosAnnotations.Egress, "500", "outside 1k..1P")]
    [InlineData(QosAnnotations.Egress, "2P", "outside 1k..1P")]
    [InlineData(QosAnnotations.Ingress, "ten megs", "not a quantity")]
    [InlineData(QosAnnotations.Ingress, "-10M", "not a quantity")]
    [InlineData(QosAnnotations.OvnEgress, "1.5", "whole number of Mbit/s")]
    [InlineData(QosAnnotations.OvnLatency, "fast", "whole number of ms")]
    [InlineData(QosAnnotations.OvnLoss, "150", "above 100")]
    [InlineData(QosAnnotations.OvnLoss, "lots", "percentage")]
    public void Bad_values_name_the_annotation_and_the_value(string key, string value, string problem)
    {
        var e = Assert.Throws<QosAnnotationException>(() => QosAnnotations.Parse(new Dictionary<string, string> { [key] = value }));
        Assert.Equal(key, e.Annotation);
        Assert.Contains($"'{value}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kube_ovn_rates_are_mbits_and_kubernetes_wins_for_the_same_direction()
    {
        var intent = QosAnnotations.Parse(new Dictionary<string, string>
        {
            [QosAnnotations.OvnEgress] = "10",
            [QosAnnotations.OvnIngress] = "20",
            [QosAnnotations.Ingress] = "5M",
        });
        Assert.Equal(10_000_000L, intent.EgressBps);
        Assert.Equal(5_000_000L, intent.IngressBps);
        Assert.Null(QosAnnotations.Parse(new Dictionary<string, string> { [QosAnnotations.OvnEgress] = "0" }).EgressBps);
    }

    [Fact]
    public void Netem_fields_parse_and_zero_or_negative_means_unset()
    {
        var intent = QosAnnotations.Parse(new Dictionary<string, string>
        {
            [QosAnnotations.OvnLatency] = "100",
            [QosAnnotations.OvnJitter] = "10",
            [QosAnnotations.OvnLoss] = "0.5",
            [QosAnnotations.OvnLimit] = "-1",
        });
        Assert.Equal(new Netem(100, 10, 0.5, null), intent.Netem);
        Assert.Same(QosIntent.None, QosAnnotations.Parse(new Dictionary<string, string> { [QosAnnotations.OvnLatency] = "0", [QosAnnotations.OvnLoss] = "0" }));
        var e = Assert.Throws<QosAnnotationException>(() => QosAnnotations.Parse(new Dictionary<string, string> { [QosAnnotations.OvnJitter] = "10" }));
        Assert.Contains("needs ovn.kubernetes.io/latency", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_burst_is_ten_milliseconds_of_the_rate_but_at_least_two_frames()
    {
        Assert.Equal(250_000L, QosIntent.DefaultBurstBytes(200_000_000));
        Assert.Equal(3028L, QosIntent.DefaultBurstBytes(1_000_000));
    }
}
