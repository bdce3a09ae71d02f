using System.Net;
using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>Read-only typed view over a Node resource; reads the resource on every access.</summary>
public sealed class NodeView
{
    /// <summary>Label prefix whose suffix names a role, as kubectl's ROLES column shows it.</summary>
    public const string RoleLabelPrefix = "node-role.kubernetes.io/";

    /// <exception cref="ArgumentException">The resource is not a Node.</exception>
    public NodeView(Resource node)
    {
        if (node.Kind != "Node")
        {
            throw new ArgumentException($"{node}: expected kind Node, got {node.Kind}", nameof(node));
        }
        Resource = node;
    }

    public Resource Resource { get; }
    public string Name => Resource.Metadata.Name;
    public IReadOnlyDictionary<string, string> Labels => Resource.Metadata.Labels;
    public IReadOnlyDictionary<string, string> Annotations => Resource.Metadata.Annotations;

    /// <summary>Addresses of type InternalIP in status.addresses (one per IP family when dual-stack); unparsable ones are skipped.</summary>
    public IReadOnlyList<IPAddress> InternalIPs => Addresses("InternalIP");

    /// <summary>Every address of status.addresses that is an IP (InternalIP, ExternalIP, ...), as node peers match them.</summary>
    public IReadOnlyList<IPAddress> IPs => Addresses(null);

    private List<IPAddress> Addresses(string? type) => JsonRead.Objects(Resource.Status?["addresses"])
        .Where(a => type is null || JsonRead.String(a["type"]) == type)
        .Select(a => IPAddress.TryParse(JsonRead.String(a["address"]), out var ip) ? ip : null)
        .OfType<IPAddress>()
        .Distinct()
        .ToList();

    /// <summary>The first InternalIP, or null.</summary>
    public IPAddress? InternalIP => InternalIPs.FirstOrDefault();

    /// <summary>spec.podCIDRs, falling back to the single spec.podCIDR.</summary>
    public IReadOnlyList<string> PodCIDRs
    {
        get
        {
            var cidrs = JsonRead.Strings(Resource.Spec?["podCIDRs"]);
            return cidrs.Count == 0 && JsonRead.String(Resource.Spec?["podCIDR"]) is { Length: > 0 } single ? [single] : cidrs;
        }
    }

    /// <summary>Status of the Ready condition: "True", "False", "Unknown", or null when absent.</summary>
    public string? ReadyStatus => JsonRead.ConditionStatus(Resource.Status, "Ready");

    public bool Ready => ReadyStatus == "True";

    public bool Unschedulable => JsonRead.Bool(Resource.Spec?["unschedulable"]) ?? false;

    /// <summary>Roles from node-role.kubernetes.io/&lt;role&gt; labels, sorted.</summary>
    public IReadOnlyList<string> Roles => Labels.Keys
        .Where(k => k.StartsWith(RoleLabelPrefix, StringComparison.Ordinal) && k.Length > RoleLabelPrefix.Length)
        .Select(k => k[RoleLabelPrefix.Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    /// <summary>status.nodeInfo.kubeletVersion, or null.</summary>
    public string? KubeletVersion => JsonRead.String(JsonRead.At(Resource.Status, "nodeInfo", "kubeletVersion"));

    /// <summary>
    /// A Node for the lab: labelled like a kubelet labels itself (hostname, os, arch), with one
    /// InternalIP address per entry, optional pod CIDRs, and Ready. Extra labels win over the defaults.
    /// </summary>
    public static Resource Build(string name, IEnumerable<IPAddress> internalIPs, IEnumerable<string>? podCIDRs = null,
        IReadOnlyDictionary<string, string>? labels = null, string? kubeletVersion = null)
    {
        var node = new Resource { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = name } };
        node.Metadata.Labels["kubernetes.io/hostname"] = name;
        node.Metadata.Labels["kubernetes.io/os"] = "linux";
        node.Metadata.Labels["kubernetes.io/arch"] = "amd64";
        foreach (var (k, v) in labels ?? new Dictionary<string, string>())
        {
            node.Metadata.Labels[k] = v;
        }
        if (podCIDRs is not null)
        {
            SetPodCIDRs(node, podCIDRs);
        }
        var addresses = new JsonArray();
        foreach (var ip in internalIPs)
        {
            addresses.Add((JsonNode)new JsonObject { ["type"] = "InternalIP", ["address"] = ip.ToString() });
        }
        addresses.Add((JsonNode)new JsonObject { ["type"] = "Hostname", ["address"] = name });
        node.Status = new JsonObject { ["addresses"] = addresses };
        if (kubeletVersion is not null)
        {
            node.Status["nodeInfo"] = new JsonObject { ["kubeletVersion"] = kubeletVersion };
        }
        SetReady(node, true);
        return node;
    }

    /// <summary>Sets spec.podCIDRs and spec.podCIDR (the first), as the node IPAM controller does.</summary>
    public static void SetPodCIDRs(Resource node, IEnumerable<string> podCIDRs)
    {
        var list = podCIDRs.ToList();
        node.Spec ??= new JsonObject();
        node.Spec["podCIDRs"] = new JsonArray(list.Select(c => (JsonNode)JsonValue.Create(c)).ToArray());
        if (list.Count > 0)
        {
            node.Spec["podCIDR"] = list[0];
        }
        else
        {
            node.Spec.Remove("podCIDR");
        }
    }

    public static void SetReady(Resource node, bool ready) =>
        JsonRead.SetCondition(node.Status ??= new JsonObject(), "Ready", ready);
}
