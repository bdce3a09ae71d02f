namespace Weft.Bench;

internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }
        var rank = p / 100 * (sorted.Count - 1);
        var lo = (int)Math.Floor(rank);
        var hi = (int)Math.Ceiling(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);

    /// <summary>"0.83 (0.79–0.88)": the median ratio over the repetitions and its range.</summary>
    public static string RatioRange(IReadOnlyList<double> ratios) =>
        $"{Median(ratios):0.00} ({ratios.Min():0.00}–{ratios.Max():0.00})";
}
