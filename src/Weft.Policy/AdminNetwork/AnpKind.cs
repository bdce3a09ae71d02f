namespace Weft.Policy.AdminNetwork;

/// <summary>
/// What differs between the three kinds this front end reads: their limits, action names, which egress peer
/// fields exist and whether ports are v1alpha1 `ports` or v1alpha2 `protocols`.
/// </summary>
internal sealed record AnpKind(string Kind, int MaxRules, int MaxPeers, IReadOnlyList<string> Actions, bool HasDomainNames, bool IsV1Alpha2)
{
    public static AnpKind Anp { get; } = new(AdminNetworkPolicies.AnpKind, 100, 100, ["Allow", "Deny", "Pass"], true, false);

    public static AnpKind Banp { get; } = new(AdminNetworkPolicies.BanpKind, 100, 100, ["Allow", "Deny"], false, false);

    public static AnpKind Cnp { get; } = new(AdminNetworkPolicies.CnpKind, 25, 25, ["Accept", "Deny", "Pass"], true, true);

    public static AnpKind Of(string kind) => kind switch
    {
        AdminNetworkPolicies.AnpKind => Anp,
        AdminNetworkPolicies.BanpKind => Banp,
        _ => Cnp,
    };

    /// <summary>The egress peer fields of this kind; ingress peers have only namespaces and pods.</summary>
    public IReadOnlyList<string> EgressPeerFields => HasDomainNames
        ? ["namespaces", "pods", "nodes", "networks", "domainNames"]
        : ["namespaces", "pods", "nodes", "networks"];

    /// <summary>The CEL rule's message on egress rules that mix named ports with address peers (the wording differs per kind).</summary>
    public string NamedPortMessage => HasDomainNames
        ? "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames"
        : "networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes";
}
