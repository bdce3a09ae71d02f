using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Antrea;
using Weft.Policy.Calico;
using Weft.Policy.Cilium;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy;

/// <summary>One policy dialect's front end: which objects it compiles and how.</summary>
public sealed record PolicyFrontEnd(
    string Dialect,
    IReadOnlyList<ResourceType> Types,
    Func<Resource, bool> Is,
    Func<Resource, PolicyContext, IReadOnlyList<ValidationError>> Validate,
    Func<Resource, PolicyContext, PolicySet> Compile);

/// <summary>
/// Every dialect Weft accepts, in one place: the agent watches <see cref="PolicyTypes"/> and
/// <see cref="ContextTypes"/>, and everything compiles through <see cref="Compile"/> into the one model.
/// </summary>
public static class PolicyDialects
{
    public static IReadOnlyList<PolicyFrontEnd> FrontEnds { get; } =
    [
        new(NetworkPolicies.Dialect, [new("networking.k8s.io", NetworkPolicies.Kind)], NetworkPolicies.Is,
            (r, _) => NetworkPolicies.Validate(r), (r, _) => NetworkPolicies.Compile(r)),
        new(AdminNetworkPolicies.Dialect,
            [new(AdminNetworkPolicies.Group, AdminNetworkPolicies.AnpKind), new(AdminNetworkPolicies.Group, AdminNetworkPolicies.BanpKind), new(AdminNetworkPolicies.Group, AdminNetworkPolicies.CnpKind)],
            AdminNetworkPolicies.Is, AdminNetworkPolicies.Validate, AdminNetworkPolicies.Compile),
        new(AntreaPolicies.Dialect,
            [new(AntreaPolicies.Group, AntreaPolicies.ClusterKind), new(AntreaPolicies.Group, AntreaPolicies.NamespacedKind)],
            AntreaPolicies.Is, AntreaPolicies.Validate, AntreaPolicies.Compile),
        new(CiliumPolicies.Dialect,
            [new("cilium.io", CiliumPolicies.NetworkPolicyKind), new("cilium.io", CiliumPolicies.ClusterwideKind)],
            CiliumPolicies.Is, CiliumPolicies.Validate, CiliumPolicies.Compile),
        new(CalicoPolicies.Dialect,
            [new("projectcalico.org", CalicoPolicies.NetworkPolicyKind), new("projectcalico.org", CalicoPolicies.GlobalNetworkPolicyKind)],
            CalicoPolicies.Is, CalicoPolicies.Validate, CalicoPolicies.Compile),
    ];

    /// <summary>Objects policies refer to by name (tiers, groups); a change to one recompiles the policies.</summary>
    public static IReadOnlyList<ResourceType> ContextTypes { get; } =
    [
        new("crd.antrea.io", "Tier"), new("crd.antrea.io", "ClusterGroup"), new("crd.antrea.io", "Group"),
        new("projectcalico.org", "Tier"), new("cilium.io", "CiliumCIDRGroup"),
    ];

    public static IReadOnlyList<ResourceType> PolicyTypes { get; } = [.. FrontEnds.SelectMany(f => f.Types)];

    /// <summary>The front end for <paramref name="resource"/>, or null when it is not a policy Weft compiles.</summary>
    public static PolicyFrontEnd? For(Resource resource) => FrontEnds.FirstOrDefault(f => f.Is(resource));

    public static bool IsPolicy(Resource resource) => For(resource) is not null;

    public static bool IsContext(Resource resource) =>
        ContextTypes.Contains(new ResourceType(KindInfo.GroupOf(resource.ApiVersion), resource.Kind));

    /// <exception cref="ValidationException">The policy is invalid; nothing of it is returned.</exception>
    /// <exception cref="ArgumentException">Not a policy of any dialect.</exception>
    public static PolicySet Compile(Resource policy, PolicyContext context) =>
        (For(policy) ?? throw new ArgumentException($"{policy}: not a policy of any dialect Weft knows", nameof(policy))).Compile(policy, context);

    public static IReadOnlyList<ValidationError> Validate(Resource policy, PolicyContext context) =>
        For(policy)?.Validate(policy, context) ?? [new ValidationError(policy.ToString() ?? "", "kind", $"{policy.ApiVersion} {policy.Kind} is not a policy kind Weft knows")];

    /// <summary>
    /// Compiles every policy among <paramref name="objects"/> (the others serve as context), all or nothing.
    /// </summary>
    /// <exception cref="ValidationException">Lists the errors of every invalid policy.</exception>
    public static PolicySet CompileAll(IEnumerable<Resource> objects)
    {
        var all = objects.ToList();
        var context = new PolicyContext(all.Where(IsContext));
        var results = all.Where(IsPolicy).Select(p =>
        {
            try
            {
                return (Set: Compile(p, context), Errors: (IReadOnlyList<ValidationError>)[]);
            }
            catch (ValidationException e)
            {
                return (Set: PolicySet.Empty, e.Errors);
            }
        }).ToList();
        var errors = results.SelectMany(r => r.Errors).ToList();
        return errors.Count == 0 ? PolicySet.Combine(results.Select(r => r.Set)) : throw new ValidationException(errors);
    }
}
