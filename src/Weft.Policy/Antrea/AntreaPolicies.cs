using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Antrea;

/// <summary>
/// The Antrea-native policy front end: ClusterNetworkPolicy (ACNP) and NetworkPolicy (ANNP) of crd.antrea.io
/// v1beta1 and v1alpha1. Validates like Antrea's CRD schema and admission webhook, resolves Tiers, ClusterGroups
/// and Groups through the <see cref="PolicyContext"/>, and compiles each policy into ordered rules in its tier
/// of the ladder (<see cref="Ladder.AntreaTier"/>). Antrea policies contribute no isolation facts.
/// </summary>
public static class AntreaPolicies
{
    public const string Dialect = "antrea";
    public const string Group = "crd.antrea.io";
    public const string ClusterKind = "ClusterNetworkPolicy";
    public const string NamespacedKind = "NetworkPolicy";
    public const string V1Beta1 = Group + "/v1beta1";
    public const string V1Alpha1 = Group + "/v1alpha1";

    /// <summary>An ACNP or ANNP of crd.antrea.io/v1beta1 or v1alpha1 (not the Kubernetes NetworkPolicy).</summary>
    public static bool Is(Resource resource) =>
        resource.Kind is ClusterKind or NamespacedKind && resource.ApiVersion is V1Beta1 or V1Alpha1;

    /// <summary>All problems with the policy, each naming it and the field; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(Resource policy, PolicyContext context) => Parse(policy, context).Errors;

    /// <summary>Compiles one policy; <see cref="PolicySet.Warnings"/> lists what it asks that is not enforced yet.</summary>
    /// <exception cref="ValidationException">The policy is invalid; nothing of it is returned.</exception>
    public static PolicySet Compile(Resource policy, PolicyContext context)
        => FrontEndResults.OrThrow(Parse(policy, context));

    /// <summary>Compiles many policies into one set, or none at all if any is invalid.</summary>
    /// <exception cref="ValidationException">Lists the errors of every invalid policy.</exception>
    public static PolicySet CompileAll(IEnumerable<Resource> policies, PolicyContext context)
        => FrontEndResults.All(policies.Select(p => Parse(p, context)));

    private static (PolicySet Set, IReadOnlyList<ValidationError> Errors) Parse(Resource policy, PolicyContext context)
    {
        if (!Is(policy))
        {
            throw new ArgumentException($"{policy}: expected {V1Beta1} (or {V1Alpha1}) {ClusterKind} or {NamespacedKind}", nameof(policy));
        }
        return new AntreaReader(policy, context).Read();
    }
}
