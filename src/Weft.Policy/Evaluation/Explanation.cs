using System.Text;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>Renders a <see cref="Verdict"/> for people: the verdict, then per direction who selects the pod and which rule decided.</summary>
public static class Explanation
{
    public static string Format(Verdict verdict)
    {
        var text = new StringBuilder();
        text.Append($"{Word(verdict.Outcome).ToUpperInvariant()}: {verdict.From} -> {verdict.To} {verdict.Connection}\n");
        Direction(text, verdict.Egress);
        Direction(text, verdict.Ingress);
        return text.ToString();
    }

    private static void Direction(StringBuilder text, DirectionVerdict d)
    {
        var name = d.Direction == Ir.Direction.Ingress ? "ingress" : "egress";
        text.Append($"\n{name} at {d.Endpoint}: {Word(d.Outcome)}\n");
        if (d.SelectingPolicies.Count > 0)
        {
            text.Append($"  selected by: {string.Join(", ", d.SelectingPolicies)}\n");
        }
        switch (d.Reason)
        {
            case Reason.NotAPod:
                text.Append($"  {d.Endpoint} is not a pod: no {name} policy applies there\n");
                break;
            case Reason.SelfTraffic:
                text.Append("  a pod may always reach itself\n");
                break;
            case Reason.NotIsolated:
                text.Append($"  not isolated: no policy selects {d.Endpoint} for {name}\n");
                break;
            case Reason.RuleMatched:
                foreach (var rule in d.DecidingRules)
                {
                    text.Append($"  {Word(d.Outcome)} by rule {rule.Id.Key}\n");
                    text.Append($"    {(d.Direction == Ir.Direction.Ingress ? "from" : "to")}: {string.Join("; ", rule.Peers)}\n");
                    text.Append($"    ports: {(rule.Ports.Count == 0 ? "all" : string.Join(", ", rule.Ports))}\n");
                }
                break;
            case Reason.IsolatedNoRuleMatched:
                text.Append($"  no rule of these policies allows this connection: denied by isolation (default deny of tier \"{d.DefaultOf?.Name}\")\n");
                break;
            default:
                text.Append("  no rule decided: allowed by the cluster default\n");
                break;
        }
        foreach (var rule in d.LoggedBy.Except(d.DecidingRules))
        {
            text.Append($"  logged by rule {rule.Id.Key}\n");
        }
        // The walk is worth showing once more than one tier took part or a rule passed or logged.
        if (d.Steps.Select(s => s.Tier).Distinct().Count() > 1 || d.Steps.Any(s => s.Kind is StepKind.Passed or StepKind.Logged))
        {
            text.Append("  ladder:\n");
            foreach (var step in d.Steps)
            {
                text.Append($"    {Band(step.Tier)} tier \"{step.Tier.Name}\": {Step(step)}\n");
            }
        }
    }

    private static string Band(Tier tier) => tier.Band.ToString().ToLowerInvariant();

    private static string Step(LadderStep step) => step.Kind switch
    {
        StepKind.Decided => $"{step.Rule!.Action.ToString().ToLowerInvariant()} by {step.Rule.Id.Key}",
        StepKind.Passed => $"pass by {step.Rule!.Id.Key} to {(step.Rule.PassTarget == PassTarget.EndOfBand ? "the next band" : "the next tier")}",
        StepKind.Logged => $"logged by {step.Rule!.Id.Key}, going on",
        StepKind.TierDefault => "no rule matched: the tier's default denies (isolation)",
        StepKind.Skipped => "skipped (passed to the next band)",
        _ => "no rule matched, going on",
    };

    private static string Word(Outcome outcome) => outcome switch
    {
        Outcome.Allow => "allowed",
        Outcome.Reject => "rejected",
        _ => "denied",
    };
}
