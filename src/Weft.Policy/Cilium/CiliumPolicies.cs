using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Cilium;

/// <summary>
/// The Cilium front end: CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) at L3/L4.
/// Validates as Cilium's CRD schema and rule sanitizer do and compiles allows into the developer tier's union
/// block (with Kubernetes NetworkPolicy), denies into <see cref="Ladder.CiliumDeny"/> ahead of every developer
/// allow, and isolation facts from Cilium's default-deny. L7 rules, toFQDNs and other parts Weft does not enforce
/// are kept in the model and listed in <see cref="PolicySet.Warnings"/>.
/// </summary>
public static class CiliumPolicies
{
    public const string Dialect = "cilium";
    public const string ApiVersion = "cilium.io/v2";
    public const string NetworkPolicyKind = "CiliumNetworkPolicy";
    public const string ClusterwideKind = "CiliumClusterwideNetworkPolicy";

    /// <summary>Cilium allows share the position of every NetworkPolicy rule: open-source Cilium has no priorities.</summary>
    public const double PolicyOrder = NetworkPolicies.PolicyOrder;

    /// <summary>A cilium.io/v2 CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy.</summary>
    public static bool Is(Resource resource) => resource.ApiVersion == ApiVersion && resource.Kind is NetworkPolicyKind or ClusterwideKind;

    /// <summary>All problems with the object, each naming it and the field; empty when valid.</summary>
    /// <param name="policy">An object for which <see cref="Is"/> holds.</param>
    /// <param name="context">CiliumCIDRGroups that cidrGroupRef and cidrGroupSelector refer to.</param>
    public static IReadOnlyList<ValidationError> Validate(Resource policy, PolicyContext context) => Parse(policy, context).Errors;

    /// <summary>Compiles one policy; what Weft parses but does not enforce is listed in <see cref="PolicySet.Warnings"/>.</summary>
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
            throw new ArgumentException($"{policy}: expected {ApiVersion} {NetworkPolicyKind} or {ClusterwideKind}", nameof(policy));
        }
        var clusterwide = policy.Kind == ClusterwideKind;
        var name = policy.Metadata.Name;
        var ns = clusterwide ? null : policy.Metadata.Namespace ?? "default";
        var scope = new CiliumScope(ns is null ? $"{policy.Kind} {name}" : $"{policy.Kind} {ns}/{name}", ns, context);
        if (!NameRules.IsDns1123Subdomain(name))
        {
            scope.Errors.Invalid("metadata.name", name, "must be a lowercase RFC 1123 subdomain");
        }
        var specs = new CiliumSpecs(scope, new PolicyRef(Dialect, policy.Kind, ns, name), clusterwide);
        var spec = policy.Body["spec"];
        var list = scope.List(policy.Body["specs"], "specs");
        if (spec is null && list is null)
        {
            scope.Errors.Required("spec", "a policy needs spec or specs");
        }
        if (spec is not null)
        {
            specs.Compile(spec, "spec");
        }
        for (var i = 0; i < (list?.Count ?? 0); i++)
        {
            specs.Compile(list![i], $"specs[{i}]");
        }
        return scope.Errors.List.Count == 0
            ? (new PolicySet(specs.Rules, specs.Isolations) { Warnings = scope.Warnings }, [])
            : (PolicySet.Empty, scope.Errors.List);
    }
}
