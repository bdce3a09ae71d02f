using System.Text.Json;

namespace Weft.Core.Cni;

/// <summary>
/// A CNI error as the runtime reads it: <c>{"cniVersion","code","msg","details"}</c> on stdout.
/// Codes 0–99 are reserved by the spec; 100+ are plugin specific.
/// </summary>
/// <param name="Code">Spec error code, one of <see cref="CniErrorCodes"/> or 100+.</param>
/// <param name="Msg">Short message; names the object and the field or value that is wrong.</param>
/// <param name="Details">Optional longer explanation.</param>
public sealed record CniError(int Code, string Msg, string? Details = null)
{
    /// <summary>The error in CNI wire form; <paramref name="cniVersion"/> is omitted when null.</summary>
    public string ToJson(string? cniVersion) =>
        JsonSerializer.Serialize(new ErrorWire { CniVersion = cniVersion, Code = Code, Msg = Msg, Details = string.IsNullOrEmpty(Details) ? null : Details },
            CniJsonContext.Output.ErrorWire);
}

/// <summary>The spec's error codes (0–99 reserved by the spec, 100+ plugin specific).</summary>
public static class CniErrorCodes
{
    /// <summary>Incompatible CNI version.</summary>
    public const int IncompatibleCniVersion = 1;

    /// <summary>Unsupported field in the network configuration.</summary>
    public const int UnsupportedField = 2;

    /// <summary>Container unknown or does not exist.</summary>
    public const int UnknownContainer = 3;

    /// <summary>Invalid or missing environment variables.</summary>
    public const int InvalidEnvironmentVariables = 4;

    /// <summary>I/O failure, e.g. reading stdin.</summary>
    public const int IoFailure = 5;

    /// <summary>Failed to decode content (bad JSON, bad version string).</summary>
    public const int DecodingFailure = 6;

    /// <summary>Invalid network configuration.</summary>
    public const int InvalidNetworkConfig = 7;

    /// <summary>Transient failure; the runtime should retry later.</summary>
    public const int TryAgainLater = 11;

    /// <summary>STATUS: the plugin cannot serve ADD.</summary>
    public const int NotAvailable = 50;

    /// <summary>STATUS: the plugin cannot serve ADD and existing containers may have degraded connectivity.</summary>
    public const int NotAvailableLimitedConnectivity = 51;

    /// <summary>Internal plugin error (libcni's generic code).</summary>
    public const int Internal = 999;
}

/// <summary>Carries a <see cref="CniError"/> to the edge where it is turned into a CNI reply.</summary>
public sealed class CniException(CniError error) : Exception(error.Msg)
{
    /// <summary>The error to report to the runtime.</summary>
    public CniError Error { get; } = error;
}
