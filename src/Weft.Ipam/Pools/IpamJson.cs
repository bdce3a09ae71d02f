using System.Text.Json.Serialization;

namespace Weft.Ipam.Pools;

[JsonSerializable(typeof(List<string>), TypeInfoPropertyName = "ListString")]
internal sealed partial class IpamJson : JsonSerializerContext;
