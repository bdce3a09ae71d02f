using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Calico.SelectorAlgebra;

namespace Weft.Policy.Calico;

/// <summary>
/// Assembles a validated policy into the model: one isolation fact per type and subject part, and per rule of a
/// declared type one rule per subject part (the parts are disjoint, so each pod sees each rule at most once).
/// Where the model cannot express a condition the result fails closed: a Deny rule is kept without the
/// condition (it covers more), any other rule matches nothing, and a warning says so.
/// </summary>
internal sealed class PolicyBuilder(
    PolicyRef reference,
    string objectRef,
    Tier tier,
    double order,
    IReadOnlyList<Direction> types,
    PolicySubject subject,
    RuleCompiler compiler,
    FieldErrorList errors)
{
    private readonly List<string> _warnings = [];

    public PolicySet Build(IReadOnlyList<(Direction Direction, int Index, CalicoRule Rule)> rules, bool hostEndpointOnly, IEnumerable<string> notes)
    {
        _warnings.AddRange(notes.Select(n => $"{objectRef}: {n}"));
        if (hostEndpointOnly)
        {
            return PolicySet.Empty with { Warnings = [.. _warnings] };
        }
        var subjects = Subjects(subject.Expression, "spec.selector");
        var isolations = types.SelectMany(d => subjects.Select(s => new Isolation(reference, tier, d, s))).ToList();
        var result = new List<PolicyRule>();
        foreach (var (direction, index, rule) in rules.Where(r => types.Contains(r.Direction)))
        {
            result.AddRange(Rules(direction, index, rule));
        }
        return new PolicySet(result, isolations) { Warnings = [.. _warnings] };
    }

    private IEnumerable<PolicyRule> Rules(Direction direction, int index, CalicoRule rule)
    {
        var path = $"spec.{(direction == Direction.Ingress ? "ingress" : "egress")}[{index}]";
        CompiledRule compiled;
        try
        {
            compiled = compiler.Compile(rule, direction, path);
        }
        catch (ArgumentException e)
        {
            errors.Add(path, $"Invalid value: selector {e.Message}");
            return [];
        }
        var peers = compiled.Peers;
        foreach (var gap in compiled.Gaps)
        {
            _warnings.Add(rule.Action == RuleAction.Deny
                ? $"{objectRef}: {gap}; {path} (Deny) is enforced without that condition, so it denies more"
                : $"{objectRef}: {gap}; {path} ({rule.Action}) matches nothing until the model can express it");
        }
        if (compiled.Gaps.Count > 0 && rule.Action != RuleAction.Deny)
        {
            peers = [];
        }
        if (compiled.L7.Count > 0)
        {
            _warnings.Add($"{objectRef}: {path}.http: L7 rules are not enforced yet; the rule applies at L3/L4 to every request");
        }
        var id = new RuleId(reference, direction, index);
        return Subjects(And(subject.Expression, compiled.Local), path).Select(s =>
            new PolicyRule(id, tier, order, rule.Action, s, peers, compiled.Ports)
            {
                PassTarget = PassTarget.NextTier,
                NotPorts = compiled.NotPorts,
                L7 = compiled.L7,
            });
    }

    private List<PodSubject> Subjects(Selector expression, string field)
    {
        try
        {
            return [.. EndpointLabels.Subjects(expression)];
        }
        catch (ArgumentException e)
        {
            errors.Add(field, $"Invalid value: selector {e.Message}");
            return [];
        }
    }
}
