using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Core.Cni;

/// <summary>DNS settings, both in the network config and in results.</summary>
public sealed class CniDns
{
    /// <summary>Name server addresses.</summary>
    public List<string>? Nameservers { get; set; }

    /// <summary>Local domain.</summary>
    public string? Domain { get; set; }

    /// <summary>Search domains.</summary>
    public List<string>? Search { get; set; }

    /// <summary>resolv.conf options.</summary>
    public List<string>? Options { get; set; }

    /// <summary>True when no field has a value; such a <c>dns</c> is left out of results.</summary>
    [JsonIgnore]
    public bool IsEmpty => (Nameservers is null || Nameservers.Count == 0) && string.IsNullOrEmpty(Domain) &&
        (Search is null || Search.Count == 0) && (Options is null || Options.Count == 0);
}

/// <summary>One GC <c>cni.dev/valid-attachments</c> entry.</summary>
public sealed class GcAttachment
{
    /// <summary>Container ID of an attachment that must be kept.</summary>
    [JsonPropertyName("containerID")]
    public string? ContainerId { get; set; }

    /// <summary>Interface name of that attachment.</summary>
    [JsonPropertyName("ifname")]
    public string? IfName { get; set; }
}

/// <summary>The config's <c>args</c> object.</summary>
public sealed class ConfArgs
{
    /// <summary><c>args.cni</c>, the part CONVENTIONS.md defines.</summary>
    public ConfArgsCni? Cni { get; set; }

    /// <summary>Other keys under <c>args</c>.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary><c>args.cni</c>: <c>ips</c> and <c>labels</c>.</summary>
public sealed class ConfArgsCni
{
    /// <summary>Requested addresses; when present, CNI_ARGS <c>IP=</c> must be ignored.</summary>
    public List<string>? Ips { get; set; }

    /// <summary>Labels (key/value pairs).</summary>
    public List<ConfLabel>? Labels { get; set; }

    /// <summary>Other keys under <c>args.cni</c>.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary>One <c>args.cni.labels</c> entry.</summary>
public sealed class ConfLabel
{
    /// <summary>Label key.</summary>
    public string? Key { get; set; }

    /// <summary>Label value.</summary>
    public string? Value { get; set; }
}
