using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Kubernetes;

/// <summary>
/// The Kubernetes NetworkPolicy (networking.k8s.io/v1) front end: validates like the API server and compiles
/// each policy into union-allow rules and isolation facts in <see cref="Tier.Developer"/>.
/// </summary>
public static class NetworkPolicies
{
    public const string Dialect = "k8s";
    public const string Kind = "NetworkPolicy";
    public const string ApiVersion = "networking.k8s.io/v1";

    /// <summary>Position of every NetworkPolicy rule inside the developer tier (Calico's order for the K8s block).</summary>
    public const double PolicyOrder = 1000;

    public static bool Is(Resource resource) => resource.Kind == Kind && resource.ApiVersion == ApiVersion;

    /// <summary>All problems with the object, each naming it and the field; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(Resource policy) => Parse(policy).Errors;

    /// <summary>Compiles one policy.</summary>
    /// <exception cref="ValidationException">The policy is invalid; nothing of it is returned.</exception>
    public static PolicySet Compile(Resource policy)
        => FrontEndResults.OrThrow(Parse(policy));

    /// <summary>Compiles many policies into one set, or none at all if any is invalid.</summary>
    /// <exception cref="ValidationException">Lists the errors of every invalid policy.</exception>
    public static PolicySet CompileAll(IEnumerable<Resource> policies)
        => FrontEndResults.All(policies.Select(Parse));

    private static (PolicySet Set, IReadOnlyList<ValidationError> Errors) Parse(Resource policy)
    {
        if (!Is(policy))
        {
            throw new ArgumentException($"{policy}: expected {ApiVersion} {Kind}", nameof(policy));
        }
        var ns = policy.Metadata.Namespace ?? "default";
        var reference = new PolicyRef(Dialect, Kind, ns, policy.Metadata.Name);
        var errors = new FieldErrorList($"{Kind} {ns}/{policy.Metadata.Name}");
        if (!NameRules.IsDns1123Subdomain(policy.Metadata.Name))
        {
            errors.Invalid("metadata.name", policy.Metadata.Name, "must be a lowercase RFC 1123 subdomain");
        }
        var spec = policy.Spec ?? [];
        var reader = new NetworkPolicyReader(ns, errors);
        var subject = new PodSubject(reader.Selector(spec["podSelector"], "spec.podSelector"), new InNamespace(ns));
        var directions = PolicyTypes(spec, errors);

        var rules = new List<PolicyRule>();
        var isolations = new List<Isolation>();
        foreach (var direction in directions)
        {
            isolations.Add(new Isolation(reference, Tier.Developer, direction, subject));
        }
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var field = direction == Direction.Ingress ? "ingress" : "egress";
            var list = reader.List(spec[field], $"spec.{field}");
            for (var i = 0; i < list.Count; i++)
            {
                var rule = reader.Rule(list[i], direction, $"spec.{field}[{i}]");
                // Rules of a direction the policy does not declare in policyTypes have no effect.
                if (rule is not null && directions.Contains(direction))
                {
                    rules.Add(new PolicyRule(new RuleId(reference, direction, i), Tier.Developer, PolicyOrder, RuleAction.Allow,
                        subject, rule.Value.Peers, rule.Value.Ports)
                    { IsUnionAllow = true });
                }
            }
        }
        return errors.List.Count == 0 ? (new PolicySet(rules, isolations), []) : (PolicySet.Empty, errors.List);
    }

    /// <summary>Ingress always, Egress only with egress rules, when policyTypes is absent.</summary>
    private static List<Direction> PolicyTypes(JsonObject spec, FieldErrorList errors)
    {
        // An empty list is defaulted like an absent one, as the API server does.
        if (spec["policyTypes"] is not JsonArray { Count: > 0 } types)
        {
            if (spec["policyTypes"] is not null and not JsonArray)
            {
                errors.Invalid("spec.policyTypes", spec["policyTypes"], "must be a list");
            }
            return spec["egress"] is JsonArray { Count: > 0 } ? [Direction.Ingress, Direction.Egress] : [Direction.Ingress];
        }
        var result = new List<Direction>();
        for (var i = 0; i < types.Count; i++)
        {
            var text = types[i] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            Direction? direction = text switch
            {
                "Ingress" => Direction.Ingress,
                "Egress" => Direction.Egress,
                _ => null,
            };
            if (direction is null)
            {
                errors.Unsupported($"spec.policyTypes[{i}]", types[i], "Egress", "Ingress");
            }
            else if (!result.Contains(direction.Value))
            {
                result.Add(direction.Value);
            }
        }
        if (types.Count > 2)
        {
            errors.Invalid("spec.policyTypes", types, "may not specify more than two policyTypes");
        }
        return result;
    }
}
