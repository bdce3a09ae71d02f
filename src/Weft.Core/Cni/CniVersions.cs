using System.Text.Json;

namespace Weft.Core.Cni;

/// <summary>The CNI spec versions Weft speaks and which verbs each allows.</summary>
public static class CniVersions
{
    /// <summary>The newest spec version; the canonical result shape.</summary>
    public const string Latest = "1.1.0";

    /// <summary>What a config without <c>cniVersion</c> means (spec).</summary>
    public const string Default = "0.1.0";

    /// <summary>Every version Weft accepts in a config and can answer in, oldest first.</summary>
    public static IReadOnlyList<string> Supported { get; } = ["0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"];

    /// <summary>True when <paramref name="version"/> exactly matches a supported version (libcni has no "nearest").</summary>
    public static bool IsSupported(string? version) => version is not null && Supported.Contains(version);

    /// <summary>True for <c>MAJOR.MINOR.PATCH</c> with decimal parts.</summary>
    public static bool IsWellFormed(string? version) => TryParts(version, out _);

    /// <summary>Numeric comparison of two well-formed versions.</summary>
    /// <exception cref="ArgumentException">Either version is not MAJOR.MINOR.PATCH.</exception>
    public static int Compare(string a, string b)
    {
        if (!TryParts(a, out var pa))
        {
            throw new ArgumentException($"version \"{a}\" is not MAJOR.MINOR.PATCH", nameof(a));
        }

        if (!TryParts(b, out var pb))
        {
            throw new ArgumentException($"version \"{b}\" is not MAJOR.MINOR.PATCH", nameof(b));
        }

        return pa.CompareTo(pb);
    }

    /// <summary>The oldest spec version that defines <paramref name="command"/>.</summary>
    public static string MinimumFor(CniCommand command) => command switch
    {
        CniCommand.Check => "0.4.0",
        CniCommand.Status or CniCommand.Gc => "1.1.0",
        _ => Default,
    };

    /// <summary>
    /// Checks a config version for <paramref name="command"/>: a malformed version gives code 6,
    /// an unsupported one or one too old for the verb gives code 1 "incompatible CNI versions".
    /// </summary>
    /// <returns>Null when compatible.</returns>
    public static CniError? CheckCompatible(string configVersion, CniCommand command)
    {
        if (!IsWellFormed(configVersion))
        {
            return new CniError(CniErrorCodes.DecodingFailure, $"invalid cniVersion \"{configVersion}\"", "cniVersion must be MAJOR.MINOR.PATCH, e.g. \"1.0.0\"");
        }

        if (!IsSupported(configVersion))
        {
            return new CniError(CniErrorCodes.IncompatibleCniVersion, "incompatible CNI versions",
                $"config is \"{configVersion}\", plugin supports {FormatList(Supported)}");
        }

        var minimum = MinimumFor(command);
        if (Compare(configVersion, minimum) < 0)
        {
            var allowed = Supported.Where(v => Compare(v, minimum) >= 0).ToList();
            return new CniError(CniErrorCodes.IncompatibleCniVersion, "incompatible CNI versions",
                $"config is \"{configVersion}\", {command.ToWire()} needs one of {FormatList(allowed)}");
        }

        return null;
    }

    /// <summary>The VERSION reply: echoes <paramref name="askedVersion"/> when supported, else <see cref="Latest"/>.</summary>
    public static string VersionInfoJson(string? askedVersion) =>
        JsonSerializer.Serialize(new VersionInfoWire { CniVersion = IsSupported(askedVersion) ? askedVersion! : Latest, SupportedVersions = [.. Supported] },
            CniJsonContext.Output.VersionInfoWire);

    // Go's %q of a []string, which is what libcni prints in its details.
    private static string FormatList(IEnumerable<string> versions) => "[" + string.Join(' ', versions.Select(v => $"\"{v}\"")) + "]";

    private static bool TryParts(string? version, out (int Major, int Minor, int Patch) parts)
    {
        parts = default;
        if (version is null)
        {
            return false;
        }

        var pieces = version.Split('.');
        if (pieces.Length != 3 || !pieces.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)) ||
            !int.TryParse(pieces[0], out var major) || !int.TryParse(pieces[1], out var minor) || !int.TryParse(pieces[2], out var patch))
        {
            return false;
        }

        parts = (major, minor, patch);
        return true;
    }
}
