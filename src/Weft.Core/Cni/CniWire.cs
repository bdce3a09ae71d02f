using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Weft.Core.Cni;

// JSON shapes as they appear on the wire. The public model is built from (or rendered into) these,
// so the public types stay free of per-version quirks.

internal sealed class NetConfWire
{
    public string? CniVersion { get; set; }
    public string? Name { get; set; }
    public string? Type { get; set; }
    public Dictionary<string, bool>? Capabilities { get; set; }
    public RuntimeConfig? RuntimeConfig { get; set; }
    public ConfArgs? Args { get; set; }
    public JsonObject? PrevResult { get; set; }
    public JsonObject? Ipam { get; set; }
    public CniDns? Dns { get; set; }

    [JsonPropertyName("cni.dev/valid-attachments")]
    public List<GcAttachment>? ValidAttachments { get; set; }

    [JsonPropertyName("cni.dev/attachments")]
    public List<GcAttachment>? Attachments { get; set; }

    public string? AgentSocket { get; set; }
    public string? DelQueueDir { get; set; }
}

internal sealed class ErrorWire
{
    public string? CniVersion { get; set; }
    public int Code { get; set; }
    public string? Msg { get; set; }
    public string? Details { get; set; }
}

internal sealed class VersionInfoWire
{
    public string? CniVersion { get; set; }
    public List<string>? SupportedVersions { get; set; }
}

/// <summary>1.0.0 and 1.1.0 result (the canonical model's own shape).</summary>
internal sealed class ResultV1Wire
{
    public string? CniVersion { get; set; }
    public List<CniInterface>? Interfaces { get; set; }
    public List<CniIpConfig>? Ips { get; set; }
    public List<CniRoute>? Routes { get; set; }
    public CniDns? Dns { get; set; }
}

/// <summary>0.3.0, 0.3.1 and 0.4.0 result: <c>ips[].version</c>, interfaces without 1.1.0 extras.</summary>
internal sealed class ResultV03Wire
{
    public string? CniVersion { get; set; }
    public List<InterfaceV03Wire>? Interfaces { get; set; }
    public List<IpConfigV03Wire>? Ips { get; set; }
    public List<CniRoute>? Routes { get; set; }
    public CniDns? Dns { get; set; }
}

internal sealed class InterfaceV03Wire
{
    public string? Name { get; set; }
    public string? Mac { get; set; }
    public string? Sandbox { get; set; }
}

internal sealed class IpConfigV03Wire
{
    public string? Version { get; set; }
    public int? Interface { get; set; }
    public string? Address { get; set; }
    public string? Gateway { get; set; }
}

/// <summary>0.1.0 and 0.2.0 result: one address per family, routes inside the family.</summary>
internal sealed class ResultV02Wire
{
    public string? CniVersion { get; set; }
    public IpV02Wire? Ip4 { get; set; }
    public IpV02Wire? Ip6 { get; set; }
    public CniDns? Dns { get; set; }
}

internal sealed class IpV02Wire
{
    public string? Ip { get; set; }
    public string? Gateway { get; set; }
    public List<CniRoute>? Routes { get; set; }
}

/// <summary>Union of every result shape, for parsing a result of unknown version.</summary>
internal sealed class ResultAnyWire
{
    public string? CniVersion { get; set; }
    public List<CniInterface>? Interfaces { get; set; }
    public List<IpConfigV03Wire>? Ips { get; set; }
    public List<CniRoute>? Routes { get; set; }
    public CniDns? Dns { get; set; }
    public IpV02Wire? Ip4 { get; set; }
    public IpV02Wire? Ip6 { get; set; }
}
