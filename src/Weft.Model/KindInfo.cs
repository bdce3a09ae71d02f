namespace Weft.Model;

public static class KindInfo
{
    /// <summary>API group of Weft's own kinds.</summary>
    public const string WeftGroup = "weft.dev";
    public const string WeftApiVersion = WeftGroup + "/v1alpha1";

    /// <summary>"apps/v1" → "apps"; "v1" → "" (the core group).</summary>
    public static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }

    /// <summary>Cluster-scoped kinds have no namespace; everything else is namespaced.</summary>
    public static bool IsClusterScoped(ResourceType type) => type.Kind switch
    {
        "Namespace" or "Node" or "IPBlock" or "ClusterNetwork" or "IPPool" or "ClusterNetworkPolicy" or "GlobalNetworkPolicy"
            or "CiliumClusterwideNetworkPolicy" or "AdminNetworkPolicy" or "BaselineAdminNetworkPolicy"
            or "Tier" or "ClusterGroup" or "CiliumCIDRGroup" => true,
        _ => false,
    };
}
