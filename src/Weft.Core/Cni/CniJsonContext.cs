using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.Core.Cni;

// Source generation keeps Core usable from the NativeAOT CNI binary (no reflection).
// Case-insensitive reading matches Go's encoding/json, which containerd relies on for runtimeConfig.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NetConfWire))]
[JsonSerializable(typeof(ErrorWire))]
[JsonSerializable(typeof(VersionInfoWire))]
[JsonSerializable(typeof(ResultV1Wire))]
[JsonSerializable(typeof(ResultV03Wire))]
[JsonSerializable(typeof(ResultV02Wire))]
[JsonSerializable(typeof(ResultAnyWire))]
internal sealed partial class CniJsonContext : JsonSerializerContext
{
    /// <summary>For reading; generation-time options.</summary>
    public static CniJsonContext Input => Default;

    // The default encoder writes '"' as \u0022 and escapes '+', '<', '>'; Go writes them plainly,
    // and operators read these messages. Output never ends up in HTML.
    private static CniJsonContext? _output;

    /// <summary>For writing: same options with a relaxed encoder.</summary>
    public static CniJsonContext Output => _output ??= new CniJsonContext(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
