using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.AdminNetwork;

/// <summary>
/// The network-policy-api front end: AdminNetworkPolicy and BaselineAdminNetworkPolicy
/// (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2). Validates as the CRDs' schema and
/// CEL rules do and compiles each policy into ordered first-match rules on the admin or baseline band of the
/// ladder. These kinds never isolate: a pod no rule decides for goes on to the next tier.
/// </summary>
public static class AdminNetworkPolicies
{
    public const string Dialect = "anp";
    public const string Group = "policy.networking.k8s.io";
    public const string V1Alpha1 = Group + "/v1alpha1";
    public const string V1Alpha2 = Group + "/v1alpha2";
    public const string AnpKind = "AdminNetworkPolicy";
    public const string BanpKind = "BaselineAdminNetworkPolicy";
    public const string CnpKind = "ClusterNetworkPolicy";

    /// <summary>The only name a BaselineAdminNetworkPolicy may have (it is a singleton).</summary>
    public const string BaselineName = "default";

    /// <summary>AdminNetworkPolicy or BaselineAdminNetworkPolicy v1alpha1, or ClusterNetworkPolicy v1alpha2 (not Antrea's kind of that name).</summary>
    public static bool Is(Resource resource) =>
        (resource.ApiVersion == V1Alpha1 && resource.Kind is AnpKind or BanpKind)
        || (resource.ApiVersion == V1Alpha2 && resource.Kind == CnpKind);

    /// <summary>All problems with the object, each naming it and the field; empty when valid.</summary>
    /// <param name="policy">An object for which <see cref="Is"/> holds.</param>
    /// <param name="context">Unused: these kinds refer to no other objects by name.</param>
    public static IReadOnlyList<ValidationError> Validate(Resource policy, PolicyContext context) => Parse(policy).Errors;

    /// <summary>Compiles one policy; anything parsed but not enforced (domainNames) is listed in <see cref="PolicySet.Warnings"/>.</summary>
    /// <exception cref="ValidationException">The policy is invalid; nothing of it is returned.</exception>
    public static PolicySet Compile(Resource policy, PolicyContext context)
        => FrontEndResults.OrThrow(Parse(policy));

    /// <summary>Compiles many policies into one set, or none at all if any is invalid.</summary>
    /// <exception cref="ValidationException">Lists the errors of every invalid policy.</exception>
    public static PolicySet CompileAll(IEnumerable<Resource> policies, PolicyContext context)
        => FrontEndResults.All(policies.Select(Parse));

    private static (PolicySet Set, IReadOnlyList<ValidationError> Errors) Parse(Resource policy)
    {
        if (!Is(policy))
        {
            throw new ArgumentException($"{policy}: expected {V1Alpha1} {AnpKind} or {BanpKind}, or {V1Alpha2} {CnpKind}", nameof(policy));
        }
        var kind = AdminNetwork.AnpKind.Of(policy.Kind);
        var name = policy.Metadata.Name;
        var objectRef = $"{policy.Kind} {name}";
        var errors = new FieldErrorList(objectRef);
        var warnings = new List<string>();
        CheckName(kind, name, errors);
        if (policy.Spec is not { } spec)
        {
            errors.Required("spec");
            return (PolicySet.Empty, errors.List);
        }
        var (tier, order) = Placement(kind, spec, errors);
        var reader = new AnpRuleReader(kind, errors, warnings, objectRef);
        var subject = reader.Subject(spec["subject"], "spec.subject");
        var reference = new PolicyRef(Dialect, policy.Kind, null, name);

        var rules = new List<PolicyRule>();
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var field = direction == Direction.Ingress ? "ingress" : "egress";
            var list = AnpJson.List(errors, spec[field], $"spec.{field}", 0, kind.MaxRules) ?? [];
            for (var i = 0; i < list.Count; i++)
            {
                if (reader.Rule(list[i], direction, $"spec.{field}[{i}]") is { } rule && subject is not null)
                {
                    rules.Add(new PolicyRule(new RuleId(reference, direction, i, rule.Name), tier, order, rule.Action, subject, rule.Peers, rule.Ports)
                    {
                        // Pass leaves the band: Admin goes on to NetworkPolicy, CNP Baseline to the cluster default.
                        PassTarget = PassTarget.EndOfBand,
                    });
                }
            }
        }
        return errors.List.Count == 0
            ? (new PolicySet(rules, []) { Warnings = warnings }, [])
            : (PolicySet.Empty, errors.List);
    }

    private static void CheckName(AnpKind kind, string name, FieldErrorList errors)
    {
        if (!NameRules.IsDns1123Subdomain(name))
        {
            errors.Invalid("metadata.name", name, "must be a lowercase RFC 1123 subdomain");
        }
        else if (kind == AdminNetwork.AnpKind.Banp && name != BaselineName)
        {
            errors.Invalid("metadata.name", name, "Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster");
        }
    }

    /// <summary>The tier and the order inside it: priority for ANP and CNP (lower first), none for the singleton BANP.</summary>
    private static (Tier Tier, double Order) Placement(AnpKind kind, JsonObject spec, FieldErrorList errors)
    {
        if (kind == AdminNetwork.AnpKind.Banp)
        {
            return (Ladder.BaselineAdminNetworkPolicy, 0);
        }
        var priority = AnpJson.Bounded(errors, spec["priority"], "spec.priority", 0, 1000) ?? 0;
        if (kind == AdminNetwork.AnpKind.Anp)
        {
            return (Ladder.AdminNetworkPolicy, priority);
        }
        switch (AnpJson.Text(spec["tier"]))
        {
            case "Admin":
                return (Ladder.ClusterNetworkPolicyAdmin, priority);
            case "Baseline":
                return (Ladder.BaselineAdminNetworkPolicy, priority);
            case null when spec["tier"] is null:
                errors.Required("spec.tier");
                break;
            default:
                errors.Unsupported("spec.tier", spec["tier"], "Admin", "Baseline");
                break;
        }
        return (Ladder.ClusterNetworkPolicyAdmin, priority);
    }
}
