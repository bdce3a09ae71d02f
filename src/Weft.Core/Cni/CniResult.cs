using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Weft.Core.Cni;

/// <summary>
/// An ADD result in the canonical (1.1.0) shape. <see cref="ToJson"/> renders it in any supported
/// version and <see cref="TryParse(string, out CniResult?, out CniError?, string)"/> reads any of them.
/// </summary>
public sealed class CniResult
{
    /// <summary>Every interface created, host side included; container ones carry <c>sandbox</c>.</summary>
    public List<CniInterface> Interfaces { get; set; } = [];

    /// <summary>Assigned addresses.</summary>
    public List<CniIpConfig> Ips { get; set; } = [];

    /// <summary>Routes installed in the container.</summary>
    public List<CniRoute> Routes { get; set; } = [];

    /// <summary>DNS settings; left out of the JSON when empty.</summary>
    public CniDns? Dns { get; set; }

    /// <summary>
    /// The result as JSON in <paramref name="cniVersion"/>: 1.x as is; 0.3.x/0.4.0 with
    /// <c>ips[].version</c> and without interface <c>mtu/socketPath/pciID</c>; 0.1.0/0.2.0 as
    /// <c>ip4</c>/<c>ip6</c> holding the first address of each family and that family's routes.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="cniVersion"/> is not supported.</exception>
    public string ToJson(string cniVersion) => CniResultConverter.ToJson(this, cniVersion);

    /// <summary>Parses a result (or <c>prevResult</c>) written in any supported version.</summary>
    /// <param name="json">Result JSON.</param>
    /// <param name="result">The canonical result.</param>
    /// <param name="error">Code 6 naming the bad field.</param>
    /// <param name="subject">Name used in error messages, e.g. <c>"prevResult"</c>.</param>
    public static bool TryParse(string json, [NotNullWhen(true)] out CniResult? result, [NotNullWhen(false)] out CniError? error, string subject = "result")
    {
        try
        {
            return CniResultConverter.TryFromWire(JsonSerializer.Deserialize(json, CniJsonContext.Input.ResultAnyWire), subject, out result, out error);
        }
        catch (JsonException ex)
        {
            result = null;
            error = new CniError(CniErrorCodes.DecodingFailure, $"error decoding {subject}: {ex.Message}");
            return false;
        }
    }

    /// <summary>Parses a result held as a JSON tree, e.g. <see cref="NetConf.PrevResult"/>.</summary>
    public static bool TryParse(JsonNode? node, [NotNullWhen(true)] out CniResult? result, [NotNullWhen(false)] out CniError? error, string subject = "result")
    {
        try
        {
            return CniResultConverter.TryFromWire(node.Deserialize(CniJsonContext.Input.ResultAnyWire), subject, out result, out error);
        }
        catch (JsonException ex)
        {
            result = null;
            error = new CniError(CniErrorCodes.DecodingFailure, $"error decoding {subject}: {ex.Message}");
            return false;
        }
    }
}

/// <summary>A result interface.</summary>
public sealed class CniInterface
{
    /// <summary>Interface name.</summary>
    public string? Name { get; set; }

    /// <summary>MAC address.</summary>
    public string? Mac { get; set; }

    /// <summary>MTU (1.1.0).</summary>
    public int? Mtu { get; set; }

    /// <summary>Netns path for interfaces inside the container; absent on host interfaces.</summary>
    public string? Sandbox { get; set; }

    /// <summary>vhost-user and similar socket path (1.1.0).</summary>
    public string? SocketPath { get; set; }

    /// <summary>PCI address of the device (1.1.0).</summary>
    [JsonPropertyName("pciID")]
    public string? PciId { get; set; }
}

/// <summary>A result address.</summary>
public sealed class CniIpConfig
{
    /// <summary>Index into <see cref="CniResult.Interfaces"/>; absent for IPAM results.</summary>
    public int? Interface { get; set; }

    /// <summary>Address with prefix length, e.g. <c>10.1.0.5/16</c>.</summary>
    public string? Address { get; set; }

    /// <summary>Default gateway for this address.</summary>
    public string? Gateway { get; set; }
}

/// <summary>A result route (one route type serves every version, as in libcni).</summary>
public sealed class CniRoute
{
    /// <summary>Destination CIDR.</summary>
    public string? Dst { get; set; }

    /// <summary>Next hop; absent means the address's gateway.</summary>
    public string? Gw { get; set; }

    /// <summary>Route MTU (1.1.0).</summary>
    public int? Mtu { get; set; }

    /// <summary>Advertised MSS (1.1.0).</summary>
    [JsonPropertyName("advmss")]
    public int? AdvMss { get; set; }

    /// <summary>Route priority/metric (1.1.0).</summary>
    public int? Priority { get; set; }

    /// <summary>Routing table (1.1.0).</summary>
    public int? Table { get; set; }

    /// <summary>Route scope (1.1.0).</summary>
    public int? Scope { get; set; }
}
