using System.Globalization;
using Weft.Model;

namespace Weft.Cli.Output;

/// <summary>
/// kubectl's AGE: precise when recent, coarser as time passes (45s, 3m12s, 25m, 5h2m, 2d, 3y10d).
/// The thresholds follow kubectl's so that columns read the same.
/// </summary>
public static class Age
{
    public static string Format(TimeSpan age)
    {
        var seconds = (long)Math.Floor(age.TotalSeconds);
        // A little clock skew between machines should not print a negative age.
        if (seconds < -1)
        {
            return "<invalid>";
        }
        if (seconds < 0)
        {
            return "0s";
        }
        if (seconds < 120)
        {
            return $"{seconds}s";
        }
        var minutes = seconds / 60;
        if (minutes < 10)
        {
            return seconds % 60 == 0 ? $"{minutes}m" : $"{minutes}m{seconds % 60}s";
        }
        if (minutes < 180)
        {
            return $"{minutes}m";
        }
        var hours = minutes / 60;
        if (hours < 8)
        {
            return minutes % 60 == 0 ? $"{hours}h" : $"{hours}h{minutes % 60}m";
        }
        if (hours < 48)
        {
            return $"{hours}h";
        }
        var days = hours / 24;
        if (hours < 24 * 8)
        {
            return hours % 24 == 0 ? $"{days}d" : $"{days}d{hours % 24}h";
        }
        if (days < 365 * 2)
        {
            return $"{days}d";
        }
        if (days < 365 * 8)
        {
            return days % 365 == 0 ? $"{days / 365}y" : $"{days / 365}y{days % 365}d";
        }
        return $"{days / 365}y";
    }

    /// <summary>Age of a resource from metadata.creationTimestamp; "&lt;unknown&gt;" when it is missing or unreadable.</summary>
    public static string Of(Resource resource, DateTimeOffset now) =>
        DateTimeOffset.TryParse(resource.Metadata.CreationTimestamp, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var created)
            ? Format(now - created)
            : "<unknown>";
}
