using System.Text.Json.Serialization;

namespace Weft.Agent.Contract;

/// <summary>Source-generated JSON metadata for the agent ↔ CNI messages (no reflection; usable under NativeAOT).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CniRequest))]
[JsonSerializable(typeof(CniResponse))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
