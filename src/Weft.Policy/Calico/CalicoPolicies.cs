using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Calico.CalicoJson;

namespace Weft.Policy.Calico;

/// <summary>
/// The Calico front end: NetworkPolicy and GlobalNetworkPolicy (projectcalico.org/v3). Validates like Calico's
/// API server and compiles each policy into ordered rules in its tier (resolved through the context's Tier
/// objects) plus one isolation fact per selected type, which makes the tier's default action apply.
/// </summary>
public static class CalicoPolicies
{
    public const string Dialect = "calico";
    public const string ApiVersion = "projectcalico.org/v3";
    public const string NetworkPolicyKind = "NetworkPolicy";
    public const string GlobalNetworkPolicyKind = "GlobalNetworkPolicy";

    public static bool Is(Resource resource) =>
        resource.ApiVersion == ApiVersion && resource.Kind is NetworkPolicyKind or GlobalNetworkPolicyKind;

    /// <summary>All problems with the policy (and the Tier it names), each naming the object and field; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(Resource policy, PolicyContext context) => Parse(policy, context).Errors;

    /// <summary>Compiles one policy; <see cref="PolicySet.Warnings"/> lists what the model cannot enforce.</summary>
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
            throw new ArgumentException($"{policy}: expected {ApiVersion} {NetworkPolicyKind} or {GlobalNetworkPolicyKind}", nameof(policy));
        }
        var global = policy.Kind == GlobalNetworkPolicyKind;
        var name = policy.Metadata.Name;
        var ns = global ? null : policy.Metadata.Namespace ?? "default";
        var objectRef = global ? $"{policy.Kind}.projectcalico.org {name}" : $"{policy.Kind}.projectcalico.org {ns}/{name}";
        var errors = new FieldErrorList(objectRef);
        var spec = policy.Spec ?? [];
        var header = PolicyHeader.Read(spec, name, global, context, errors);
        var reader = new RuleReader(errors, global);

        var rules = new List<(Direction Direction, int Index, CalicoRule Rule)>();
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var field = direction == Direction.Ingress ? "ingress" : "egress";
            var list = reader.Entities.List(spec[field], $"spec.{field}");
            for (var i = 0; i < list.Count; i++)
            {
                if (reader.Read(list[i], direction, $"spec.{field}[{i}]") is { } rule)
                {
                    rules.Add((direction, i, rule));
                }
            }
        }
        var subject = header.Subject(spec, ns, reader.Entities);
        if (errors.List.Count > 0 || header.Tier is null)
        {
            return (PolicySet.Empty, errors.List);
        }
        var reference = new PolicyRef(Dialect, policy.Kind, ns, name);
        var build = new PolicyBuilder(reference, objectRef, header.Tier, header.Order, header.Types, subject, new RuleCompiler(ns), errors);
        var set = build.Build(rules, header.HostEndpointOnly, header.Warnings);
        return errors.List.Count == 0 ? (set, []) : (PolicySet.Empty, errors.List);
    }
}
