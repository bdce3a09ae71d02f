using Weft.Model;

namespace Weft.Policy;

/// <summary>
/// The objects a policy refers to by name, which a front end resolves at compile time: Antrea and Calico
/// Tiers, Antrea ClusterGroups and Groups. A policy whose reference does not resolve is invalid, and the
/// error names the field.
/// </summary>
public sealed class PolicyContext(IEnumerable<Resource> objects)
{
    private readonly List<Resource> _objects = [.. objects];

    public static PolicyContext Empty { get; } = new([]);

    /// <summary>Every object of the kind in the API group (e.g. "crd.antrea.io", "Tier").</summary>
    public IEnumerable<Resource> OfKind(string group, string kind) =>
        _objects.Where(o => o.Kind == kind && KindInfo.GroupOf(o.ApiVersion) == group);

    /// <summary>One object by kind and name; <paramref name="ns"/> null for cluster-scoped kinds.</summary>
    public Resource? Find(string group, string kind, string? ns, string name) =>
        OfKind(group, kind).FirstOrDefault(o => o.Metadata.Name == name && (ns is null || o.Metadata.Namespace == ns));
}
