using System.Net;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// The cluster-wide network settings (kind ClusterNetwork, name "default"): what the seed's KubeKey
/// config calls kubePodsCIDR and kubeServiceCIDR, plus Weft's block sizes and the node-to-node mode.
/// </summary>
public sealed record ClusterNetworkView(
    IPNetwork PodCidr,
    IPNetwork? Ipv6PodCidr,
    IPNetwork ServiceCidr,
    int BlockSize,
    int Ipv6BlockSize,
    string Mode,
    uint Vni)
{
    public const string DefaultName = "default";
    public static readonly IPNetwork DefaultPodCidr = IPNetwork.Parse("10.233.64.0/18");
    public static readonly IPNetwork DefaultServiceCidr = IPNetwork.Parse("10.233.0.0/18");

    public static ClusterNetworkView Defaults { get; } =
        new(DefaultPodCidr, null, DefaultServiceCidr, 26, 122, "vxlan", 1);

    public Resource ToResource() => new()
    {
        ApiVersion = KindInfo.WeftApiVersion,
        Kind = ResourceType.ClusterNetwork.Kind,
        Metadata = new ObjectMeta { Name = DefaultName },
        Body = new JsonObject
        {
            ["spec"] = new JsonObject
            {
                ["podCIDR"] = PodCidr.ToString(),
                ["ipv6PodCIDR"] = Ipv6PodCidr?.ToString(),
                ["serviceCIDR"] = ServiceCidr.ToString(),
                ["blockSize"] = BlockSize,
                ["ipv6BlockSize"] = Ipv6BlockSize,
                ["mode"] = Mode,
                ["vni"] = Vni,
            },
        },
    };

    /// <summary>Reads and validates; errors name the object and the field.</summary>
    public static ClusterNetworkView From(Resource r)
    {
        var spec = r.Spec ?? new JsonObject();
        var where = $"ClusterNetwork {r.Metadata.Name}";
        var mode = spec["mode"]?.GetValue<string>() ?? Defaults.Mode;
        if (mode is not ("vxlan" or "routed"))
        {
            throw new FormatException($"{where}: spec.mode: Unsupported value: \"{mode}\": supported values: \"vxlan\", \"routed\"");
        }
        return new ClusterNetworkView(
            Cidr(spec, "podCIDR", where) ?? DefaultPodCidr,
            Cidr(spec, "ipv6PodCIDR", where),
            Cidr(spec, "serviceCIDR", where) ?? DefaultServiceCidr,
            (int?)spec["blockSize"] ?? Defaults.BlockSize,
            (int?)spec["ipv6BlockSize"] ?? Defaults.Ipv6BlockSize,
            mode,
            (uint?)spec["vni"] ?? Defaults.Vni);
    }

    private static IPNetwork? Cidr(JsonObject spec, string field, string where)
    {
        var s = spec[field]?.GetValue<string>();
        if (string.IsNullOrEmpty(s))
        {
            return null;
        }
        return IPNetwork.TryParse(s, out var n) && n.BaseAddress.Equals(IPNetwork.Parse(s).BaseAddress)
            ? n
            : throw new FormatException($"{where}: spec.{field}: Invalid value: \"{s}\": must be a CIDR such as 10.233.64.0/18");
    }
}
