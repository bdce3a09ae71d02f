using System.Net;
using Weft.Model;

namespace Weft.Ipam.Pools;

/// <summary>
/// A pool of pod addresses as Weft uses it, whichever object defined it: Weft's own IPPool or a pool object
/// of Calico, Antrea or Kube-OVN read for migration. <see cref="Kind"/> tells which ("IPPool.crd.antrea.io").
/// </summary>
/// <remarks>
/// A Weft pool with <see cref="NamespaceSelector"/> or <see cref="PodSelector"/> serves, without any annotation,
/// the pods those select (both must match when both are set); annotations still choose explicitly.
/// </remarks>
public sealed record IpPool(string Name, string Kind, IReadOnlyList<IpRange> Ranges, IReadOnlyList<IpRange> Excluded, bool IsDefault = false,
    LabelSelector? NamespaceSelector = null, LabelSelector? PodSelector = null)
{
    /// <summary>True when the pool's selectors pick a pod with these labels in a namespace with those; false for a pool without selectors.</summary>
    public bool Selects(IReadOnlyDictionary<string, string> podLabels, IReadOnlyDictionary<string, string> namespaceLabels) =>
        (NamespaceSelector is not null || PodSelector is not null)
        && (NamespaceSelector?.Matches(namespaceLabels) ?? true) && (PodSelector?.Matches(podLabels) ?? true);

    /// <summary>True when the address lies in a range and is not excluded.</summary>
    public bool Contains(IPAddress address) => Ranges.Any(r => r.Contains(address)) && !Excluded.Any(r => r.Contains(address));

    public bool Has(IpFamily family) => Ranges.Any(r => r.Family == family);

    public override string ToString() => $"{Kind} {Name} ({string.Join(", ", Ranges)})";
}

/// <summary>Reads pool objects of every dialect into <see cref="IpPool"/>; errors name the object and the field.</summary>
public static class IpPools
{
    public const string WeftKind = "IPPool." + KindInfo.WeftGroup;
    public const string CalicoKind = "IPPool.projectcalico.org";
    public const string AntreaKind = "IPPool.crd.antrea.io";
    public const string KubeOvnPoolKind = "IPPool.kubeovn.io";
    public const string KubeOvnSubnetKind = "Subnet.kubeovn.io";

    /// <summary>The object types a pool can come from; the agent watches each.</summary>
    public static readonly IReadOnlyList<ResourceType> Types =
    [
        new(KindInfo.WeftGroup, "IPPool"), new("projectcalico.org", "IPPool"), new("crd.antrea.io", "IPPool"),
        new("kubeovn.io", "IPPool"), new("kubeovn.io", "Subnet"),
    ];

    /// <summary>The cluster's pod CIDRs as the pool named "default".</summary>
    public static IpPool Default(IpamConfig config) => new("default", WeftKind,
        [IpRange.Of(config.PodCidr), .. config.PodCidrV6 is { } v6 ? [IpRange.Of(v6)] : Array.Empty<IpRange>()], [], IsDefault: true);

    /// <exception cref="IpamException">A field is missing or malformed; the message names the object and the field.</exception>
    public static IpPool Read(Resource pool)
    {
        var kind = $"{pool.Kind}.{KindInfo.GroupOf(pool.ApiVersion)}";
        var spec = pool.Spec ?? throw Error(pool, "spec", "is missing");
        var read = kind switch
        {
            WeftKind => new IpPool(pool.Metadata.Name, kind,
                [.. Strings(pool, spec, "cidrs").Concat(Strings(pool, spec, "ranges")).Select((t, i) => Range(pool, "spec.cidrs/ranges", i, t))],
                [], spec["default"]?.GetValue<bool>() ?? false, Selector(pool, spec, "namespaceSelector"), Selector(pool, spec, "podSelector")),
            CalicoKind => new IpPool(pool.Metadata.Name, kind, [Range(pool, "spec.cidr", null, Text(pool, spec, "cidr"))], []),
            AntreaKind => new IpPool(pool.Metadata.Name, kind, [.. AntreaRanges(pool, spec)], []),
            KubeOvnPoolKind => new IpPool(pool.Metadata.Name, kind, [.. Strings(pool, spec, "ips").Select((t, i) => Range(pool, "spec.ips", i, t))], []),
            KubeOvnSubnetKind => new IpPool(pool.Metadata.Name, kind,
                [.. Text(pool, spec, "cidrBlock").Split(',').Select((t, i) => Range(pool, "spec.cidrBlock", i, t))],
                [.. Strings(pool, spec, "excludeIps", required: false).Select((t, i) => Range(pool, "spec.excludeIps", i, t))]),
            _ => throw Error(pool, "kind", $"'{kind}' is not a pool kind Weft reads"),
        };
        if (spec["blockSize"] is { } size && (size.GetValueKind() != System.Text.Json.JsonValueKind.Number || size.GetValue<int>() is < 1 or > 128))
        {
            throw Error(pool, "spec.blockSize", $"'{size.ToJsonString()}' is not a prefix length");
        }
        return read.Ranges.Count > 0 ? read : throw Error(pool, "spec", "defines no address (no CIDR, range or address)");
    }

    private static IEnumerable<IpRange> AntreaRanges(Resource pool, System.Text.Json.Nodes.JsonObject spec)
    {
        var ranges = spec["ipRanges"] as System.Text.Json.Nodes.JsonArray ?? throw Error(pool, "spec.ipRanges", "is missing");
        for (var i = 0; i < ranges.Count; i++)
        {
            var r = ranges[i] as System.Text.Json.Nodes.JsonObject ?? throw Error(pool, $"spec.ipRanges[{i}]", "must be an object");
            var text = r["cidr"]?.GetValue<string>() is { } cidr ? cidr
                : r["start"]?.GetValue<string>() is { } start && r["end"]?.GetValue<string>() is { } end ? $"{start}-{end}"
                : throw Error(pool, $"spec.ipRanges[{i}]", "needs cidr, or start and end");
            yield return Range(pool, "spec.ipRanges", i, text);
        }
    }

    private static LabelSelector? Selector(Resource pool, System.Text.Json.Nodes.JsonObject spec, string field)
    {
        try
        {
            return spec[field] is null ? null : LabelSelector.Parse(spec[field], $"spec.{field}");
        }
        catch (FormatException e)
        {
            throw new IpamException($"{pool.Kind} {pool.Metadata.Name}: {e.Message}");
        }
    }

    private static IpRange Range(Resource pool, string field, int? index, string text) =>
        IpRange.TryParse(text) ?? throw Error(pool, index is { } i ? $"{field}[{i}]" : field, $"'{text}' is not a CIDR, an address or a range");

    private static string Text(Resource pool, System.Text.Json.Nodes.JsonObject spec, string field) =>
        spec[field]?.GetValue<string>() ?? throw Error(pool, $"spec.{field}", "is missing");

    private static IEnumerable<string> Strings(Resource pool, System.Text.Json.Nodes.JsonObject spec, string field, bool required = false) => spec[field] switch
    {
        System.Text.Json.Nodes.JsonArray a => a.Select((v, i) => v?.GetValue<string>() ?? throw Error(pool, $"spec.{field}[{i}]", "must be a string")),
        null when !required => [],
        _ => throw Error(pool, $"spec.{field}", "must be a list of strings"),
    };

    private static IpamException Error(Resource pool, string field, string what) =>
        new($"{pool.Kind} {pool.Metadata.Name}: {field} {what}");
}
