using System.Globalization;
using System.Numerics;

namespace Weft.Qos;

/// <summary>Kubernetes resource quantities ("10M", "10Mi", "1.5G", "500k", "2e6") as whole numbers.</summary>
public static class Quantity
{
    private static readonly (string Suffix, BigInteger Factor)[] Suffixes =
    [
        ("Ki", BigInteger.Pow(2, 10)), ("Mi", BigInteger.Pow(2, 20)), ("Gi", BigInteger.Pow(2, 30)),
        ("Ti", BigInteger.Pow(2, 40)), ("Pi", BigInteger.Pow(2, 50)), ("Ei", BigInteger.Pow(2, 60)),
        ("k", BigInteger.Pow(10, 3)), ("M", BigInteger.Pow(10, 6)), ("G", BigInteger.Pow(10, 9)),
        ("T", BigInteger.Pow(10, 12)), ("P", BigInteger.Pow(10, 15)), ("E", BigInteger.Pow(10, 18)),
    ];

    /// <summary>The value rounded up to a whole number (as Kubernetes does for bandwidth); null when it is not a quantity.</summary>
    public static BigInteger? TryParse(string text)
    {
        text = text.Trim();
        var factor = BigInteger.One;
        foreach (var (suffix, f) in Suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal))
            {
                factor = f;
                text = text[..^suffix.Length];
                break;
            }
        }
        if (text.Length == 0 || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number) || number < 0)
        {
            return null;
        }
        // Whole part times the factor, plus the fraction scaled and rounded up.
        var whole = new BigInteger(decimal.Truncate(number));
        var fraction = number - decimal.Truncate(number);
        var scaled = whole * factor;
        if (fraction > 0)
        {
            var digits = fraction.Scale;
            var numerator = new BigInteger(fraction * (decimal)Math.Pow(10, digits));
            var denominator = BigInteger.Pow(10, digits);
            scaled += (numerator * factor + denominator - 1) / denominator;
        }
        return scaled;
    }
}
