using System.Net;
using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Ipam.Pools;

/// <summary>
/// One address held cluster-wide by one pod: fixed IPs and pool addresses, which no node block covers.
/// <see cref="Sticky"/> claims (StatefulSet pods) outlive the pod so that its successor of the same name
/// gets the address back, on any node.
/// </summary>
public sealed record IpClaim(IPAddress Address, string Pool, string Namespace, string Pod, string Node, bool Sticky)
{
    public string Holder => $"{Namespace}/{Pod}";
}

/// <summary>
/// The IPClaim object (cluster-scoped, named after the address): claim = create, so two nodes can never
/// hold one address; release = delete with the resourceVersion precondition.
/// </summary>
public static class IpClaims
{
    public static readonly ResourceType Type = new(KindInfo.WeftGroup, "IPClaim");

    /// <summary>"192-168-0-1", "fd00--5": the address with '.' and ':' turned into '-'.</summary>
    public static string NameOf(IPAddress address) => address.ToString().Replace('.', '-').Replace(':', '-');

    public static ResourceKey KeyOf(IPAddress address) => new(Type.Group, Type.Kind, null, NameOf(address));

    public static Resource Build(IpClaim claim) => new()
    {
        ApiVersion = KindInfo.WeftApiVersion,
        Kind = Type.Kind,
        Metadata = new ObjectMeta { Name = NameOf(claim.Address) },
        Body = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["address"] = claim.Address.ToString(),
                ["pool"] = claim.Pool,
                ["namespace"] = claim.Namespace,
                ["pod"] = claim.Pod,
                ["nodeName"] = claim.Node,
                ["sticky"] = claim.Sticky,
            },
        },
    };

    /// <exception cref="IpamException">The object is not a readable IPClaim.</exception>
    public static IpClaim Read(Resource claim)
    {
        var spec = claim.Spec ?? throw new IpamException($"IPClaim {claim.Metadata.Name}: spec is missing");
        string Text(string field) => spec[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s
            : throw new IpamException($"IPClaim {claim.Metadata.Name}: spec.{field} is missing");
        var sticky = spec["sticky"] is JsonValue b && b.TryGetValue<bool>(out var flag) && flag;
        return IPAddress.TryParse(Text("address"), out var address)
            ? new IpClaim(address, Text("pool"), Text("namespace"), Text("pod"), Text("nodeName"), sticky)
            : throw new IpamException($"IPClaim {claim.Metadata.Name}: spec.address is not an IP address");
    }
}
