using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Lab;

/// <summary>What `weft lab up` was asked for; saved as lab.json so later commands find the lab.</summary>
public sealed record LabSpec
{
    public string Name { get; init; } = "demo";
    public int Nodes { get; init; } = 3;
    public string Mode { get; init; } = "vxlan";
    public string PodCidr { get; init; } = "10.233.64.0/18";
    public string? Ipv6PodCidr { get; init; }
    public int BlockSize { get; init; } = 26;

    /// <summary>Seconds an empty block is kept before the node gives it back.</summary>
    public double BlockReleaseGraceSeconds { get; init; } = 30;

    public IReadOnlyList<string> NodeNames => [.. Enumerable.Range(1, Nodes).Select(i => $"node{i}")];

    /// <summary>The underlay: every node on one L2 segment, as a rack or a cloud subnet would be.</summary>
    public static IPAddress NodeIPv4(int index) => IPAddress.Parse($"172.31.0.{10 + index}");

    public static IPAddress NodeIPv6(int index) => IPAddress.Parse($"fd57:0:0:1::{10 + index:x}");

    public const int UnderlayPrefixV4 = 24;
    public const int UnderlayPrefixV6 = 64;

    public void Validate()
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(Name, "^[a-z0-9]([a-z0-9-]{0,14}[a-z0-9])?$"))
        {
            throw new ArgumentException($"--name: '{Name}' must be 1-16 lower-case letters, digits or '-' (it prefixes namespace names)");
        }
        if (Nodes is < 1 or > 32)
        {
            throw new ArgumentException($"--nodes: {Nodes} must be between 1 and 32");
        }
        if (Mode is not ("vxlan" or "routed"))
        {
            throw new ArgumentException($"--mode: '{Mode}' must be vxlan or routed");
        }
        if (!IPNetwork.TryParse(PodCidr, out var v4) || v4.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"--pod-cidr: '{PodCidr}' is not an IPv4 CIDR");
        }
        if (Ipv6PodCidr is not null && (!IPNetwork.TryParse(Ipv6PodCidr, out var v6)
            || v6.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"--ipv6-pod-cidr: '{Ipv6PodCidr}' is not an IPv6 CIDR");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, LabJsonContext.Default.LabSpec);

    public static LabSpec FromJson(string json) =>
        JsonSerializer.Deserialize(json, LabJsonContext.Default.LabSpec) ?? throw new FormatException("lab.json is empty");
}

/// <summary>A pod sandbox the lab's kubelet made; saved so `exec`, `probe` and a restarted supervisor find it.</summary>
public sealed record SandboxRecord(
    string Namespace, string Name, string Uid, string Node, string ContainerId, string NetnsName, string IfName,
    IReadOnlyList<string> Ips, IReadOnlyList<int> Ports);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LabSpec))]
[JsonSerializable(typeof(SandboxRecord))]
internal sealed partial class LabJsonContext : JsonSerializerContext;
