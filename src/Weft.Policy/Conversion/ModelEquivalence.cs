using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// What comparing two compiled policies found. <see cref="Differences"/> are changes in what the policy decides
/// (a converted policy with any is not exact); <see cref="Moves"/> are changes of its place on the ladder inside
/// the same band (tier rank, order), which only matter against other policies of that band; <see cref="Caveats"/>
/// are matching details the two dialects define differently (Cilium CIDR rules never match cluster endpoints).
/// </summary>
public sealed record EquivalenceReport(IReadOnlyList<string> Differences, IReadOnlyList<string> Moves, IReadOnlyList<string> Caveats)
{
    public bool Equivalent => Differences.Count == 0;
}

/// <summary>
/// Decides whether two policy sets (a source policy and its conversion, compiled back) decide every connection
/// alike. Per direction the rules are walked in ladder order and consecutive rules with the same band, action,
/// pass target and logging are merged into one step whose matches are compared as a set (splitting a rule by
/// peer, port or protocol changes nothing); isolation facts are compared where their tier's default denies.
/// </summary>
public static class ModelEquivalence
{
    public static EquivalenceReport Compare(PolicySet source, PolicySet converted)
    {
        var a = Shape.Of(source);
        var b = Shape.Of(converted);
        var differences = new List<string>();
        var moves = new List<string>();
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            CompareSteps(direction, a.Steps(direction), b.Steps(direction), differences, moves);
        }
        var onlySource = a.Isolations.Except(b.Isolations).ToList();
        var onlyConverted = b.Isolations.Except(a.Isolations).ToList();
        if (onlySource.Count + onlyConverted.Count > 0)
        {
            differences.Add("isolation (default deny) differs:" + Listing(onlySource, onlyConverted));
        }
        return new EquivalenceReport(differences, [.. moves.Distinct(StringComparer.Ordinal)], Caveats(a, b));
    }

    private static void CompareSteps(Direction direction, List<Step> a, List<Step> b, List<string> differences, List<string> moves)
    {
        var name = direction.ToString().ToLowerInvariant();
        for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
        {
            if (i >= a.Count || i >= b.Count)
            {
                var extra = i >= a.Count ? b[i] : a[i];
                differences.Add($"{name}: only the {(i >= a.Count ? "converted" : "source")} policy has rules that {extra.Key} [{string.Join("; ", extra.Atoms.Take(3))}]");
                return;
            }
            if (a[i].Key != b[i].Key)
            {
                differences.Add($"{name}: the source's rules that {a[i].Key} stand where the converted policy's rules {b[i].Key}");
                return;
            }
            if (!a[i].Atoms.SetEquals(b[i].Atoms))
            {
                differences.Add($"{name}: the rules that {a[i].Key} match differently:" + Listing([.. a[i].Atoms.Except(b[i].Atoms)], [.. b[i].Atoms.Except(a[i].Atoms)]));
                return;
            }
            foreach (var from in a[i].Places)
            {
                foreach (var to in b[i].Places.Where(to => !Same(to.Tier.Rank, from.Tier.Rank) || !Same(to.Order, from.Order)))
                {
                    moves.Add($"{Place(from)} → {Place(to)}");
                }
            }
        }
    }

    /// <summary>Equal up to rounding: Calico tier orders map to ranks through a division.</summary>
    private static bool Same(double a, double b) => a == b || Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(a));

    private static string Listing(IReadOnlyList<string> onlySource, IReadOnlyList<string> onlyConverted) =>
        (onlySource.Count > 0 ? $" only in the source: {string.Join("; ", onlySource.Take(3))}" : "")
        + (onlySource.Count > 0 && onlyConverted.Count > 0 ? ";" : "")
        + (onlyConverted.Count > 0 ? $" only in the converted policy: {string.Join("; ", onlyConverted.Take(3))}" : "");

    private static string Place((Tier Tier, double Order) p) =>
        $"tier {p.Tier.Name} ({p.Tier.Band.ToString().ToLowerInvariant()} band, rank {p.Tier.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture)}) at order {p.Order.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static List<string> Caveats(Shape a, Shape b)
    {
        var result = new List<string>();
        foreach (var (block, from) in a.IpBlocks)
        {
            if (!b.IpBlocks.TryGetValue(block, out var to))
            {
                continue;
            }
            if (from.OutsideClusterOnly != to.OutsideClusterOnly)
            {
                result.Add(from.OutsideClusterOnly
                    ? $"{block}: the source (a Cilium CIDR rule) never matches pod or node addresses, the converted ipBlock does; the same only if no pod or node address lies in the range"
                    : $"{block}: the converted Cilium CIDR rule never matches pod or node addresses, the source's ipBlock does; the same only if no pod or node address lies in the range");
            }
            if (from.MatchesClusterIPs != to.MatchesClusterIPs)
            {
                result.Add(from.MatchesClusterIPs
                    ? $"{block}: AdminNetworkPolicy networks also match Service ClusterIPs (before Service translation), the converted ipBlock only the addresses after it"
                    : $"{block}: the converted AdminNetworkPolicy networks also match Service ClusterIPs (before Service translation), the source's ipBlock only the addresses after it");
            }
        }
        return result;
    }

    /// <summary>One run of rules that act alike: merged matches and where on the ladder they sit.</summary>
    private sealed record Step(string Key, HashSet<string> Atoms, List<(Tier Tier, double Order)> Places);

    private sealed class Shape
    {
        private readonly Dictionary<Direction, List<Step>> _steps = [];

        public HashSet<string> Isolations { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, IpBlockPeer> IpBlocks { get; } = new(StringComparer.Ordinal);

        public List<Step> Steps(Direction d) => _steps.TryGetValue(d, out var s) ? s : [];

        public static Shape Of(PolicySet set)
        {
            var shape = new Shape();
            foreach (var rule in set.Rules.Order(RuleOrder.Instance))
            {
                var atoms = Atoms(rule);
                if (atoms.Count == 0)
                {
                    continue; // matches nothing, so it decides nothing
                }
                var key = Key(rule);
                var steps = shape._steps.TryGetValue(rule.Direction, out var list) ? list : shape._steps[rule.Direction] = [];
                if (steps.Count == 0 || steps[^1].Key != key)
                {
                    steps.Add(new Step(key, new HashSet<string>(StringComparer.Ordinal), []));
                }
                steps[^1].Atoms.UnionWith(atoms);
                if (!steps[^1].Places.Contains((rule.Tier, rule.PolicyOrder)))
                {
                    steps[^1].Places.Add((rule.Tier, rule.PolicyOrder));
                }
                foreach (var block in rule.Peers.OfType<IpBlockPeer>())
                {
                    shape.IpBlocks.TryAdd(Canonical.IpBlock(block), block);
                }
            }
            // A tier whose default is not Deny does nothing for the pods an isolation fact selects.
            foreach (var isolation in set.Isolations.Where(i => i.Tier.Default == TierDefault.Deny))
            {
                shape.Isolations.Add($"{isolation.Direction} in the {isolation.Tier.Band.ToString().ToLowerInvariant()} band for {Canonical.Subject(isolation.Subject)}");
            }
            return shape;
        }

        private static string Key(PolicyRule rule)
        {
            var action = rule.Action switch
            {
                RuleAction.Allow => "allow",
                RuleAction.Deny => "deny",
                RuleAction.Reject => "reject",
                RuleAction.Log => "log",
                _ => rule.PassTarget == PassTarget.EndOfBand ? "pass to the next band" : "pass to the next tier",
            };
            var log = rule.Log ? $", logged{(rule.LogLabel is null ? "" : $" as \"{rule.LogLabel}\"")}" : "";
            return $"{action}{log} in the {rule.Tier.Band.ToString().ToLowerInvariant()} band";
        }

        private static List<string> Atoms(PolicyRule rule)
        {
            var ns = Canonical.SubjectNamespace(rule.Subject);
            var subject = Canonical.Subject(rule.Subject);
            var l7 = rule.L7.Count == 0 ? "" : " with L7 " + string.Join(",", rule.L7.Select(m => m is OpaqueL7 o ? $"{o.Kind} {o.Spec}" : m.ToString()));
            var notPorts = Canonical.NotPorts(rule.NotPorts);
            return [.. from peer in Canonical.Peers(rule.Peers, ns)
                       from port in Canonical.Ports(rule.Ports)
                       select $"{subject} | {peer} | {port}{notPorts}{l7}"];
        }
    }
}
