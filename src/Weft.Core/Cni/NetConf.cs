using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Core.Cni;

/// <summary>
/// The network configuration a plugin receives on stdin: the plugin object of the conflist plus the
/// runtime's <c>cniVersion</c>, <c>name</c>, <c>runtimeConfig</c>, <c>prevResult</c> and, for GC,
/// <c>cni.dev/valid-attachments</c>. Keys are matched case-insensitively (Go's decoder does the same).
/// Keys Weft does not model stay available in <see cref="Raw"/>.
/// </summary>
public sealed class NetConf
{
    /// <summary>Where the node agent listens when the config has no <c>agentSocket</c>.</summary>
    public const string DefaultAgentSocket = "/run/weft/cni.sock";

    /// <summary>Where DEL requests wait for the agent when the config has no <c>delQueueDir</c>.</summary>
    public const string DefaultDelQueueDir = "/var/run/weft/cni-del-queue";

    private JsonObject? _raw;

    private NetConf(string rawJson) => RawJson = rawJson;

    /// <summary>Spec version the runtime chose; <see cref="CniVersions.Default"/> when absent.</summary>
    public string CniVersion { get; private init; } = CniVersions.Default;

    /// <summary>Network name; validated by <see cref="CniValidation.ValidateNetworkName"/>.</summary>
    public string? Name { get; private init; }

    /// <summary>Plugin type (binary name).</summary>
    public string? Type { get; private init; }

    /// <summary><c>capabilities</c>; libcni leaves it in even though the spec says it should not.</summary>
    public IReadOnlyDictionary<string, bool> Capabilities { get; private init; } = new Dictionary<string, bool>();

    /// <summary><c>runtimeConfig</c>, or null.</summary>
    public RuntimeConfig? RuntimeConfig { get; private init; }

    /// <summary><c>args</c>, or null.</summary>
    public ConfArgs? Args { get; private init; }

    /// <summary>Raw <c>prevResult</c> (any spec version), or null; parse with <see cref="TryGetPrevResult"/>.</summary>
    public JsonObject? PrevResult { get; private init; }

    /// <summary>The <c>ipam</c> object, or null.</summary>
    public JsonObject? Ipam { get; private init; }

    /// <summary><c>ipam.type</c> when it is a string.</summary>
    public string? IpamType => Ipam?["type"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary><c>dns</c>, or null.</summary>
    public CniDns? Dns { get; private init; }

    /// <summary>
    /// GC's list of attachments to keep: <c>cni.dev/valid-attachments</c>, else the older
    /// <c>cni.dev/attachments</c> (libcni sends both); null when neither is present.
    /// </summary>
    public IReadOnlyList<GcAttachment>? ValidAttachments { get; private init; }

    /// <summary>Weft key <c>agentSocket</c>: the node agent's unix socket.</summary>
    public string AgentSocket { get; private init; } = DefaultAgentSocket;

    /// <summary>Weft key <c>delQueueDir</c>: where DEL is queued while the agent is unreachable.</summary>
    public string DelQueueDir { get; private init; } = DefaultDelQueueDir;

    /// <summary>The config exactly as received.</summary>
    public string RawJson { get; }

    /// <summary>The whole config as a JSON tree, for plugin keys Weft does not model (parsed on first use).</summary>
    public JsonObject Raw => _raw ??= JsonNode.Parse(RawJson)!.AsObject();

    /// <summary>Parses UTF-8 config bytes; see <see cref="TryParse(string, out NetConf?, out CniError?)"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out NetConf? config, [NotNullWhen(false)] out CniError? error) =>
        TryParse(Encoding.UTF8.GetString(utf8), out config, out error);

    /// <summary>
    /// Decodes a config. Does not validate the name or version (see <see cref="CniInvocation.Validate"/>)
    /// and does not parse <c>prevResult</c>, so a DEL never fails on a stale result.
    /// </summary>
    /// <returns>False with code 6 naming the problem when the text is not a JSON object of the right shape.</returns>
    public static bool TryParse(string json, [NotNullWhen(true)] out NetConf? config, [NotNullWhen(false)] out CniError? error)
    {
        config = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            error = Decode("the config is empty");
            return false;
        }

        NetConfWire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(json, CniJsonContext.Input.NetConfWire);
        }
        catch (JsonException ex)
        {
            error = Decode(ex.Message);
            return false;
        }

        if (wire is null)
        {
            error = Decode("the config is null, not an object");
            return false;
        }

        config = new NetConf(json)
        {
            CniVersion = wire.CniVersion ?? CniVersions.Default,
            Name = wire.Name,
            Type = wire.Type,
            Capabilities = wire.Capabilities ?? [],
            RuntimeConfig = wire.RuntimeConfig,
            Args = wire.Args,
            PrevResult = wire.PrevResult,
            Ipam = wire.Ipam,
            Dns = wire.Dns,
            ValidAttachments = wire.ValidAttachments ?? wire.Attachments,
            AgentSocket = string.IsNullOrEmpty(wire.AgentSocket) ? DefaultAgentSocket : wire.AgentSocket,
            DelQueueDir = string.IsNullOrEmpty(wire.DelQueueDir) ? DefaultDelQueueDir : wire.DelQueueDir,
        };
        error = null;
        return true;
    }

    /// <summary>Parses <see cref="PrevResult"/> in whichever spec version it is written.</summary>
    /// <returns>True with null <paramref name="result"/> when there is no prevResult; false with code 6 when it is malformed.</returns>
    public bool TryGetPrevResult(out CniResult? result, [NotNullWhen(false)] out CniError? error)
    {
        result = null;
        error = null;
        if (PrevResult is null)
        {
            return true;
        }

        if (!CniResult.TryParse(PrevResult, out var parsed, out error, "prevResult"))
        {
            return false;
        }

        result = parsed;
        return true;
    }

    private static CniError Decode(string problem) => new(CniErrorCodes.DecodingFailure, $"error decoding network config: {problem}");
}
