using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// One pod's chains for one direction, walking the ladder as the reference evaluator does. Every verdict is
/// terminal: an allowed egress packet goes on to the destination's ingress check (<c>goto weft-to-ingress</c>),
/// an allowed ingress packet is accepted. With one tier and no Pass the pod's rules are one flat chain. With
/// more, each tier is a chain, and the tiers of a band are chained with <c>goto</c>. So a Pass to the next tier
/// is a <c>goto</c> to that tier's chain, and a Pass to the end of the band is a <c>return</c> to the pod
/// chain, which goes on with the next band. A tier whose default applies to the pod (NetworkPolicy isolation)
/// ends in its logged drop; otherwise it falls through to the next tier.
/// </summary>
internal static class PodChain
{
    /// <summary>Where an allowed egress packet goes: the destination pod's ingress chain, then accept.</summary>
    public const string ToIngress = "weft-to-ingress";

    private const int MaxPrefix = 63;
    private const int MaxComment = 128;

    public static void Fill(NftTable table, NftChain chain, Direction direction, PodInfo pod, IReadOnlyList<PolicyRule> ladder,
        IReadOnlyList<Isolation> isolations, Selection selection, RuleMatches matches, List<NftChain> tierChains)
    {
        var allow = direction == Direction.Egress ? $"goto {ToIngress}" : "accept";
        var rules = ladder.Where(r => r.Direction == direction && selection.Selects(r.Subject, pod)).ToList();
        var isolating = isolations.Where(i => i.Direction == direction && selection.Selects(i.Subject, pod)).ToList();
        var tiers = rules.Select(r => r.Tier).Concat(isolating.Select(i => i.Tier)).Distinct()
            .OrderBy(t => t.Band).ThenBy(t => t.Rank).ThenBy(t => t.Name, StringComparer.Ordinal).ToList();
        var context = new Context(matches, pod, direction, allow);

        if (tiers.Count <= 1 && !rules.Any(r => r.Action == RuleAction.Pass))
        {
            AddRules(chain, rules, context, next: null);
            chain.Add(TierEnd(tiers.FirstOrDefault(), isolating, direction) ?? allow);
            return;
        }
        foreach (var band in tiers.GroupBy(t => t.Band))
        {
            var bandTiers = band.ToList();
            var names = bandTiers.Select(t => NftNames.Make(chain.Name, "t", t.Name)).ToList();
            chain.Add($"jump {names[0]}");
            for (var i = 0; i < bandTiers.Count; i++)
            {
                var next = i + 1 < bandTiers.Count ? $"goto {names[i + 1]}" : "return";
                var tierChain = table.AddChain(names[i]);
                tierChains.Add(tierChain);
                AddRules(tierChain, rules.Where(r => r.Tier == bandTiers[i]), context, next);
                tierChain.Add(TierEnd(bandTiers[i], isolating, direction) ?? next);
            }
        }
        chain.Add(allow);
    }

    private sealed record Context(RuleMatches Matches, PodInfo Pod, Direction Direction, string Allow);

    /// <param name="next">What a Pass to the next tier does here; null in a flat chain (no Pass there).</param>
    private static void AddRules(NftChain chain, IEnumerable<PolicyRule> rules, Context c, string? next)
    {
        foreach (var rule in rules)
        {
            var comment = Comment(rule.Id.Key);
            var log = rule.Log || rule.Action is RuleAction.Deny or RuleAction.Reject or RuleAction.Log
                ? Log(rule.Action, rule.LogLabel is { } label ? $"{label} {rule.Id}" : rule.Id.ToString()) + " "
                : "";
            IReadOnlyList<string> verdicts = rule.Action switch
            {
                RuleAction.Allow => [$"counter {c.Allow}"],
                RuleAction.Deny => ["counter drop"],
                // Antrea's answers: a TCP reset for TCP, ICMP administratively prohibited for everything else.
                RuleAction.Reject => ["meta l4proto tcp counter reject with tcp reset", "counter reject with icmpx admin-prohibited"],
                RuleAction.Pass => [$"counter {(rule.PassTarget == PassTarget.EndOfBand ? "return" : next ?? "return")}"],
                _ => ["counter"],
            };
            foreach (var match in c.Matches.For(rule, c.Pod))
            {
                foreach (var verdict in verdicts)
                {
                    chain.Add($"{match} {log}{verdict} comment {comment}".TrimStart());
                }
            }
        }
    }

    /// <summary>The tier's default for this pod: a logged drop when the tier isolates it and defaults to Deny; else null.</summary>
    private static string? TierEnd(Tier? tier, IReadOnlyList<Isolation> isolating, Direction direction)
    {
        var isolatedBy = isolating.Where(i => i.Tier == tier).Select(i => i.Policy).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList();
        if (tier is null || isolatedBy.Count == 0 || tier.Default != TierDefault.Deny)
        {
            return null;
        }
        var section = direction == Direction.Egress ? "egress" : "ingress";
        var first = isolatedBy[0];
        return $"{Log(RuleAction.Deny, $"{first.Namespace}/{first.Name} {section} default-deny")} counter drop comment {Comment($"isolated {section}: {string.Join(", ", isolatedBy)}")}";
    }

    /// <summary>Denials keep the prefix they always had; other logged actions say what they did first.</summary>
    private static string Log(RuleAction action, string text) =>
        $"log group {PolicyCompiler.LogGroup} prefix {Quote(action is RuleAction.Deny ? text : $"{action}: {text}", MaxPrefix)}";

    private static string Comment(string text) => Quote(text, MaxComment);

    private static string Quote(string text, int max)
    {
        var clean = text.Replace('"', '\'');
        return $"\"{(clean.Length > max ? clean[..max] : clean)}\"";
    }
}
