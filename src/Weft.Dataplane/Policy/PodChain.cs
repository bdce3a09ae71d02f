using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// One pod's chain for one direction. Egress chains end in <c>return</c> when the packet may leave, so the
/// forward chain goes on to the destination's ingress check; ingress chains end in <c>accept</c>.
/// Both end in a logged drop when a policy isolates the pod and no rule allowed the packet.
/// </summary>
internal static class PodChain
{
    private const int MaxPrefix = 63;
    private const int MaxComment = 128;

    public static void Fill(NftChain chain, Direction direction, PodInfo pod, IReadOnlyList<PolicyRule> ladder,
        IReadOnlyList<Isolation> isolations, Selection selection, RuleMatches matches)
    {
        var allow = direction == Direction.Egress ? "return" : "accept";
        foreach (var rule in ladder.Where(r => r.Direction == direction && selection.Selects(r.Subject, pod)))
        {
            var comment = Comment(rule.Id.Key);
            var verdict = rule.Action switch
            {
                RuleAction.Allow => $"counter {allow}",
                RuleAction.Deny => $"{Log(rule.Id.ToString())} counter drop",
                _ => $"{Log(rule.Id.ToString())} counter reject",
            };
            foreach (var match in matches.For(rule, pod))
            {
                chain.Add($"{match} {verdict} comment {comment}".TrimStart());
            }
        }
        // TODO: tiers with their own defaults (Calico, ANP baseline) need the default placed at the end of its tier.
        var isolatedBy = isolations.Where(i => i.Direction == direction && selection.Selects(i.Subject, pod))
            .Select(i => i.Policy).OrderBy(p => p.ToString(), StringComparer.Ordinal).ToList();
        if (isolatedBy.Count == 0)
        {
            chain.Add(allow);
            return;
        }
        var section = direction == Direction.Egress ? "egress" : "ingress";
        var first = isolatedBy[0];
        chain.Add($"{Log($"{first.Namespace}/{first.Name} {section} default-deny")} counter drop comment {Comment($"isolated {section}: {string.Join(", ", isolatedBy)}")}");
    }

    private static string Log(string prefix) => $"log group {PolicyCompiler.LogGroup} prefix {Quote(prefix, MaxPrefix)}";

    private static string Comment(string text) => Quote(text, MaxComment);

    private static string Quote(string text, int max)
    {
        var clean = text.Replace('"', '\'');
        return $"\"{(clean.Length > max ? clean[..max] : clean)}\"";
    }
}
