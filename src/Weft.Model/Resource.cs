using System.Text.Json.Nodes;

namespace Weft.Model;

/// <summary>
/// A Kubernetes-shaped object: apiVersion, kind, metadata, and the rest kept as JSON.
/// Spec and status stay untyped here so that one store and one reader serve every kind,
/// including other projects' CRDs; typed views (see <see cref="Resource"/>) read from them.
/// </summary>
public sealed class Resource
{
    public required string ApiVersion { get; set; }
    public required string Kind { get; set; }
    public ObjectMeta Metadata { get; set; } = new();

    /// <summary>Every top-level field other than apiVersion, kind and metadata (spec, status, data…).</summary>
    public JsonObject Body { get; set; } = new();

    public JsonObject? Spec
    {
        get => Body["spec"] as JsonObject;
        set => Body["spec"] = value;
    }

    public JsonObject? Status
    {
        get => Body["status"] as JsonObject;
        set => Body["status"] = value;
    }

    public ResourceKey Key => new(KindInfo.GroupOf(ApiVersion), Kind, Metadata.Namespace, Metadata.Name);

    public Resource Clone() => ResourceJson.Parse(ResourceJson.Serialize(this));

    public override string ToString() => Key.ToString();
}

public sealed class ObjectMeta
{
    public string Name { get; set; } = "";
    public string? Namespace { get; set; }
    public string? Uid { get; set; }

    /// <summary>Opaque version for optimistic concurrency; set by the store, never by callers.</summary>
    public string? ResourceVersion { get; set; }

    public long Generation { get; set; }
    public string? CreationTimestamp { get; set; }
    public string? DeletionTimestamp { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Annotations { get; set; } = new(StringComparer.Ordinal);
    public List<OwnerReference> OwnerReferences { get; set; } = [];
    public List<string> Finalizers { get; set; } = [];
}

public sealed class OwnerReference
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Uid { get; set; }
    public bool? Controller { get; set; }
}

/// <summary>Identifies one object. Group is "" for the core group (Pod, Node, Namespace).</summary>
public readonly record struct ResourceKey(string Group, string Kind, string? Namespace, string Name)
{
    public override string ToString() =>
        (Group.Length == 0 ? Kind : $"{Kind}.{Group}") + "/" + (Namespace is null ? Name : $"{Namespace}/{Name}");
}

/// <summary>A kind, without a particular object: what a list or a watch is about.</summary>
public readonly record struct ResourceType(string Group, string Kind)
{
    public static readonly ResourceType Namespace = new("", "Namespace");
    public static readonly ResourceType Pod = new("", "Pod");
    public static readonly ResourceType Node = new("", "Node");
    public static readonly ResourceType ServiceAccount = new("", "ServiceAccount");
    public static readonly ResourceType IPBlock = new(KindInfo.WeftGroup, "IPBlock");
    public static readonly ResourceType ClusterNetwork = new(KindInfo.WeftGroup, "ClusterNetwork");

    public override string ToString() => Group.Length == 0 ? Kind : $"{Kind}.{Group}";
}
