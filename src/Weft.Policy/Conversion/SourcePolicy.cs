using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// One source policy's model, read the way every writer needs it: rules in ladder order (those that can match
/// something), the isolation facts that deny (their tier's default is Deny), the band, the subjects.
/// </summary>
internal sealed class SourcePolicy
{
    public SourcePolicy(PolicyRef reference, PolicySet set)
    {
        Ref = reference;
        AllRules = [.. set.Rules.Order(RuleOrder.Instance)];
        // A rule whose peers match nothing never decides anything; leaving it out is exact.
        Rules = [.. AllRules.Where(r => Canonical.Peers(r.Peers, Canonical.SubjectNamespace(r.Subject)).Count > 0)];
        Isolations = [.. set.Isolations.Where(i => i.Tier.Default == TierDefault.Deny)];
        var bands = Rules.Select(r => r.Tier.Band).Concat(Isolations.Select(i => i.Tier.Band)).Distinct().ToList();
        Band = bands.Count == 1 ? bands[0] : null;
        MixedBands = bands.Count > 1;
        Subjects = [.. Rules.Select(r => r.Subject).Concat(Isolations.Select(i => i.Subject)).DistinctBy(Canonical.Subject)];
    }

    public PolicyRef Ref { get; }

    public string Object => Ref.ToString();

    /// <summary>Every rule, in ladder order.</summary>
    public IReadOnlyList<PolicyRule> AllRules { get; }

    /// <summary>The rules that can match some connection, in ladder order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    /// <summary>Isolation facts whose tier denies by default; the others change nothing.</summary>
    public IReadOnlyList<Isolation> Isolations { get; }

    /// <summary>The one band the policy sits in; null when it is empty (or, never in practice, spans bands).</summary>
    public Band? Band { get; }

    public bool MixedBands { get; }

    /// <summary>Distinct subjects (by meaning), rules' first.</summary>
    public IReadOnlyList<Subject> Subjects { get; }

    /// <summary>Nothing to convert: no rule can match and nothing is isolated.</summary>
    public bool IsEmpty => Rules.Count == 0 && Isolations.Count == 0;

    /// <summary>The tier that places the policy: its allows' tier for Cilium (its denies sit in their own tier), else its first rule's.</summary>
    public Tier? Tier => Rules.FirstOrDefault(r => r.Tier != Ladder.CiliumDeny)?.Tier ?? Rules.FirstOrDefault()?.Tier ?? Isolations.FirstOrDefault()?.Tier;

    /// <summary>The policy's order (priority) inside its tier; every front end gives all its rules the same.</summary>
    public double Order => Rules.FirstOrDefault(r => r.Tier != Ladder.CiliumDeny)?.PolicyOrder ?? Rules.FirstOrDefault()?.PolicyOrder ?? 0;

    public IEnumerable<Direction> Directions(Func<PolicyRule, bool>? which = null) =>
        Rules.Where(which ?? (_ => true)).Select(r => r.Direction).Distinct();

    public bool Isolates(Direction direction) => Isolations.Any(i => i.Direction == direction);

    public bool Isolates(Direction direction, Subject subject) =>
        Isolations.Any(i => i.Direction == direction && Canonical.Subject(i.Subject) == Canonical.Subject(subject));
}

/// <summary>Collects what a writer cannot express, naming the policy and the field, and its notes.</summary>
internal sealed class Refusals(string objectRef, ConversionTarget target)
{
    public List<ConversionProblem> List { get; } = [];

    /// <summary>Caveats of an exact conversion (a renamed object, for instance), shown as warnings.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>"Kubernetes NetworkPolicy", "Calico policy", … for messages.</summary>
    public string Target { get; } = ConversionTargets.Title(target);

    public void Policy(string field, string reason)
    {
        var problem = new ConversionProblem(objectRef, field, reason);
        if (!List.Contains(problem))
        {
            List.Add(problem);
        }
    }

    /// <summary>A problem with one rule; <paramref name="part"/> is "action", "from", "to", "ports", "log"….</summary>
    public void Rule(PolicyRule rule, string part, string reason) => Policy($"{Section(rule)}.{part}", reason);

    /// <summary>A problem with one rule's peer list: "from" for ingress, "to" for egress.</summary>
    public void Peer(PolicyRule rule, Peer peer, string reason) =>
        Rule(rule, rule.Direction == Direction.Ingress ? "from" : "to", $"peer {peer}: {reason}");

    public void Note(string text) => Notes.Add($"{objectRef}: {text}");

    /// <summary>
    /// "ingress[0]"; for Cilium, whose rule ids count allows and denies of all specs together, the source field
    /// the rule came from ("spec.ingressDeny[0]").
    /// </summary>
    public static string Section(PolicyRule rule) => rule.Id.Policy.Dialect == "cilium" && rule.Id.Name is { } field
        ? field
        : $"{(rule.Direction == Direction.Ingress ? "ingress" : "egress")}[{rule.Id.Index}]";

    public static string BandName(Band band) => band.ToString().ToLowerInvariant();
}
