using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json.Nodes;
using Weft.Model;

namespace Weft.Ipam;

/// <summary>What an IPBlock object says: this CIDR belongs to this node.</summary>
public sealed record IpBlockInfo(IPNetwork Cidr, string NodeName, IpFamily Family, string? ResourceVersion);

/// <summary>
/// Builds and reads IPBlock objects (weft.dev/v1alpha1, cluster-scoped). The object name is the encoded
/// CIDR, so creating it is the compare-and-swap that gives a block to exactly one node. The agent uses
/// <see cref="TryRead"/> to program routes to other nodes' blocks.
/// </summary>
public static class IpBlocks
{
    /// <summary>Label carrying spec.nodeName, for filtered lists and watches (omitted when the name is longer than a label value may be).</summary>
    public const string NodeLabel = "weft.dev/node";

    private const int MaxLabelValueLength = 63;

    /// <summary>The object name of a block: "10-233-64-0-26", "fd00-10--40-122".</summary>
    public static string NameOf(IPNetwork cidr) => Cidr.ToName(cidr);

    /// <summary>The store key of a block.</summary>
    public static ResourceKey KeyOf(IPNetwork cidr) => new(KindInfo.WeftGroup, ResourceType.IPBlock.Kind, null, NameOf(cidr));

    /// <summary>A new IPBlock object giving <paramref name="cidr"/> to <paramref name="nodeName"/>.</summary>
    public static Resource Build(IPNetwork cidr, string nodeName)
    {
        var obj = new Resource { ApiVersion = KindInfo.WeftApiVersion, Kind = ResourceType.IPBlock.Kind };
        obj.Metadata.Name = NameOf(cidr);
        if (nodeName.Length <= MaxLabelValueLength)
        {
            obj.Metadata.Labels[NodeLabel] = nodeName;
        }
        obj.Spec = new JsonObject
        {
            ["cidr"] = cidr.ToString(),
            ["nodeName"] = nodeName,
            ["family"] = Cidr.FamilyOf(cidr).ToString(),
        };
        return obj;
    }

    /// <summary>Reads an IPBlock; false (with the reason) when it is not a well-formed one.</summary>
    public static bool TryRead(Resource obj, [NotNullWhen(true)] out IpBlockInfo? info, [NotNullWhen(false)] out string? error)
    {
        info = null;
        error = Check(obj, out var cidr, out var nodeName);
        if (error is null)
        {
            info = new IpBlockInfo(cidr, nodeName!, Cidr.FamilyOf(cidr), obj.Metadata.ResourceVersion);
        }
        return error is null;
    }

    /// <summary>Reads an IPBlock; throws <see cref="FormatException"/> naming the object and the field that is wrong.</summary>
    public static IpBlockInfo Read(Resource obj) =>
        TryRead(obj, out var info, out var error) ? info : throw new FormatException(error);

    private static string? Check(Resource obj, out IPNetwork cidr, out string? nodeName)
    {
        cidr = default;
        nodeName = null;
        var what = $"IPBlock '{obj.Metadata.Name}'";
        if (obj.Kind != ResourceType.IPBlock.Kind || KindInfo.GroupOf(obj.ApiVersion) != KindInfo.WeftGroup)
        {
            return $"{what}: kind is {obj.ApiVersion}/{obj.Kind}, expected {KindInfo.WeftApiVersion}/IPBlock";
        }
        var spec = obj.Spec;
        var cidrText = StringAt(spec, "cidr");
        if (cidrText is null || !Cidr.TryParse(cidrText, out cidr))
        {
            return $"{what}: spec.cidr '{cidrText}' is not a valid CIDR";
        }
        if (NameOf(cidr) != obj.Metadata.Name)
        {
            return $"{what}: metadata.name does not match spec.cidr {cidr} (expected '{NameOf(cidr)}')";
        }
        nodeName = StringAt(spec, "nodeName");
        if (string.IsNullOrEmpty(nodeName))
        {
            return $"{what}: spec.nodeName is required";
        }
        var family = StringAt(spec, "family");
        if (family is not null && family != Cidr.FamilyOf(cidr).ToString())
        {
            return $"{what}: spec.family '{family}' does not match spec.cidr {cidr}";
        }
        return null;
    }

    private static string? StringAt(JsonObject? spec, string field) =>
        spec?[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
