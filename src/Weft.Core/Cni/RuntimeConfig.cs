using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Core.Cni;

/// <summary>
/// <c>runtimeConfig</c>: the capability values the runtime supplies (CONVENTIONS.md). Read
/// case-insensitively because containerd/go-cni sends Go field names (<c>HostPort</c>, <c>IngressRate</c>).
/// </summary>
public sealed class RuntimeConfig
{
    /// <summary><c>portMappings</c> capability.</summary>
    public List<PortMapping>? PortMappings { get; set; }

    /// <summary><c>bandwidth</c> capability.</summary>
    public BandwidthLimits? Bandwidth { get; set; }

    /// <summary><c>ipRanges</c> capability: range sets in host-local's <c>ranges</c> shape.</summary>
    public List<List<IpRange>>? IpRanges { get; set; }

    /// <summary><c>ips</c> capability, e.g. <c>"10.1.2.3/24"</c>.</summary>
    public List<string>? Ips { get; set; }

    /// <summary><c>mac</c> capability.</summary>
    public string? Mac { get; set; }

    /// <summary><c>dns</c> capability (note: different field names from the result <c>dns</c>).</summary>
    public RuntimeDns? Dns { get; set; }

    /// <summary><c>infinibandGUID</c> capability.</summary>
    [JsonPropertyName("infinibandGUID")]
    public string? InfinibandGuid { get; set; }

    /// <summary><c>deviceID</c> capability.</summary>
    [JsonPropertyName("deviceID")]
    public string? DeviceId { get; set; }

    /// <summary><c>aliases</c> capability.</summary>
    public List<string>? Aliases { get; set; }

    /// <summary><c>cgroupPath</c> capability.</summary>
    public string? CgroupPath { get; set; }

    /// <summary>Capabilities Weft does not model, kept as JSON.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Other { get; set; }
}

/// <summary>One <c>portMappings</c> entry.</summary>
public sealed class PortMapping
{
    /// <summary>Port on the host.</summary>
    public int HostPort { get; set; }

    /// <summary>Port in the container.</summary>
    public int ContainerPort { get; set; }

    /// <summary><c>tcp</c>, <c>udp</c> or <c>sctp</c>.</summary>
    public string? Protocol { get; set; }

    /// <summary>Host address to bind; empty means all.</summary>
    [JsonPropertyName("hostIP")]
    public string? HostIp { get; set; }
}

/// <summary><c>bandwidth</c> capability: rates in bit/s, bursts in bits.</summary>
public sealed class BandwidthLimits
{
    /// <summary>What go-cni sends for a burst the user did not set (2^32-1).</summary>
    public const ulong UnspecifiedBurst = 4294967295;

    /// <summary>Rate of traffic into the pod, bit/s.</summary>
    public ulong? IngressRate { get; set; }

    /// <summary>Burst into the pod, bits; <see cref="UnspecifiedBurst"/> means not set.</summary>
    public ulong? IngressBurst { get; set; }

    /// <summary>Rate of traffic out of the pod, bit/s.</summary>
    public ulong? EgressRate { get; set; }

    /// <summary>Burst out of the pod, bits; <see cref="UnspecifiedBurst"/> means not set.</summary>
    public ulong? EgressBurst { get; set; }
}

/// <summary>One <c>ipRanges</c> range.</summary>
public sealed class IpRange
{
    /// <summary>CIDR to allocate from.</summary>
    public string? Subnet { get; set; }

    /// <summary>First allocatable address.</summary>
    public string? RangeStart { get; set; }

    /// <summary>Last allocatable address.</summary>
    public string? RangeEnd { get; set; }

    /// <summary>Gateway address.</summary>
    public string? Gateway { get; set; }
}

/// <summary><c>dns</c> capability value.</summary>
public sealed class RuntimeDns
{
    /// <summary>Name server addresses.</summary>
    public List<string>? Servers { get; set; }

    /// <summary>Search domains.</summary>
    public List<string>? Searches { get; set; }

    /// <summary>resolv.conf options.</summary>
    public List<string>? Options { get; set; }
}
