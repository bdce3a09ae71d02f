using System.Globalization;
using System.Text.Json.Nodes;
using Weft.Policy.Ir;

namespace Weft.Policy.Cilium;

/// <summary>
/// Compiles the Rules of one policy object (its `spec` and each of its `specs`): allows into the developer
/// tier's union block, denies into <see cref="Ladder.CiliumDeny"/>, and an isolation fact per direction in which
/// a rule has (allow or deny) entries and enableDefaultDeny is not false.
/// </summary>
internal sealed class CiliumSpecs(CiliumScope scope, PolicyRef reference, bool clusterwide)
{
    private const int MaxLogValue = 32;

    private readonly CiliumSelectors _selectors = new(scope);
    private readonly CiliumRules _rules = new(scope);
    private readonly Dictionary<Direction, int> _next = new() { [Direction.Ingress] = 0, [Direction.Egress] = 0 };

    public List<PolicyRule> Rules { get; } = [];

    public List<Isolation> Isolations { get; } = [];

    public void Compile(JsonNode? node, string path)
    {
        if (node is not JsonObject spec)
        {
            scope.Errors.Invalid(path, node, "must be an object");
            return;
        }
        var subject = Subject(spec, path, out var host);
        var lists = new Dictionary<string, IReadOnlyList<JsonNode?>>(StringComparer.Ordinal);
        foreach (var field in new[] { "ingress", "ingressDeny", "egress", "egressDeny" })
        {
            lists[field] = scope.List(spec[field], $"{path}.{field}") ?? [];
        }
        if (lists.Values.All(l => l.Count == 0))
        {
            scope.Errors.Required(path, "rule must have at least one of ingress, ingressDeny, egress, egressDeny");
        }
        var defaults = scope.Object(spec["enableDefaultDeny"], $"{path}.enableDefaultDeny");
        var log = LogValue(spec, path);
        scope.String(spec["description"], $"{path}.description");
        scope.List(spec["labels"], $"{path}.labels");

        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var name = direction == Direction.Ingress ? "ingress" : "egress";
            var allows = lists[name];
            var denies = lists[name + "Deny"];
            var compiled = allows.SelectMany((r, i) => _rules.Read(r, $"{path}.{name}[{i}]", new RuleKind(direction, false, host)).Select(c => (c, false)))
                .Concat(denies.SelectMany((r, i) => _rules.Read(r, $"{path}.{name}Deny[{i}]", new RuleKind(direction, true, host)).Select(c => (c, true))))
                .ToList();
            var defaultDeny = DefaultDeny(defaults, name, $"{path}.enableDefaultDeny.{name}");
            if (subject is null)
            {
                continue;
            }
            foreach (var (rule, deny) in compiled)
            {
                Rules.Add(new PolicyRule(new RuleId(reference, direction, _next[direction]++, rule.Field),
                    deny ? Ladder.CiliumDeny : Tier.Developer, CiliumPolicies.PolicyOrder, deny ? RuleAction.Deny : RuleAction.Allow,
                    subject, rule.Peers, rule.Ports)
                {
                    IsUnionAllow = !deny,
                    L7 = rule.L7,
                    Log = log is not null,
                    LogLabel = log,
                });
            }
            // Cilium's default-deny: a rule with entries for a direction isolates it unless it opts out.
            if (allows.Count + denies.Count > 0 && defaultDeny)
            {
                Isolations.Add(new Isolation(reference, Tier.Developer, direction, subject));
            }
        }
    }

    /// <summary>The endpoints a rule selects; null for a host policy (nodeSelector), which Weft does not enforce.</summary>
    private Subject? Subject(JsonObject spec, string path, out bool host)
    {
        var endpoints = spec["endpointSelector"];
        var nodes = spec["nodeSelector"];
        host = endpoints is null && nodes is not null;
        if (endpoints is not null && nodes is not null)
        {
            scope.Errors.Forbidden(path, "rule cannot have both endpointSelector and nodeSelector");
            return null;
        }
        if (endpoints is null && nodes is null)
        {
            scope.Errors.Required($"{path}.endpointSelector", "rule must have one of endpointSelector or nodeSelector");
            return null;
        }
        if (endpoints is not null)
        {
            return _selectors.Subject(endpoints, $"{path}.endpointSelector");
        }
        if (!clusterwide)
        {
            scope.Errors.Forbidden($"{path}.nodeSelector", "a CiliumNetworkPolicy cannot have a nodeSelector; host policies need a CiliumClusterwideNetworkPolicy");
            return null;
        }
        _selectors.Validate(nodes, $"{path}.nodeSelector");
        scope.Warn($"{path}.nodeSelector", "host policies are not supported yet: this rule has no effect in Weft");
        return null;
    }

    private bool DefaultDeny(JsonObject? defaults, string direction, string path)
    {
        if (defaults?[direction] is not { } value)
        {
            return true;
        }
        if (CiliumJson.Bool(value) is { } flag)
        {
            return flag;
        }
        scope.Errors.Invalid(path, value, "must be a boolean");
        return true;
    }

    /// <summary>log.value: at most 32 printable characters, tagged onto every connection the rules decide.</summary>
    private string? LogValue(JsonObject spec, string path)
    {
        if (scope.Object(spec["log"], $"{path}.log") is not { } log || scope.String(log["value"], $"{path}.log.value") is not { Length: > 0 } value)
        {
            return null;
        }
        if (value.Length > MaxLogValue)
        {
            scope.Errors.Add($"{path}.log.value", $"Too long: may not be more than {MaxLogValue} bytes");
        }
        else if (value.Any(c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate))
        {
            scope.Errors.Invalid($"{path}.log.value", value, "must be printable characters only");
        }
        return value;
    }
}
