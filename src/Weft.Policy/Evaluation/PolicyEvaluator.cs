using System.Net;
using Weft.Policy.Ir;

namespace Weft.Policy.Evaluation;

/// <summary>
/// The reference evaluator: decides a connection over a <see cref="PolicySet"/> and a <see cref="ClusterSnapshot"/>,
/// and names the rules that decided. Each direction is decided at its own end (egress at the source, ingress at the
/// destination) by walking the ladder: tiers in order, rules in order, first terminal match wins, Log continues,
/// Pass leaves the tier (or the band), and a tier that isolates the endpoint ends with its default.
/// Thread-safe: it only reads its inputs, which must not change while it is used.
/// </summary>
public sealed class PolicyEvaluator(ClusterSnapshot cluster, PolicySet policies)
{
    private readonly PeerMatcher _match = new(cluster);

    public ClusterSnapshot Cluster { get; } = cluster;
    public PolicySet Policies { get; } = policies;

    /// <summary>Resolves "namespace/pod" or an IP address (a pod's address resolves to that pod).</summary>
    /// <exception cref="ArgumentException">No such pod, or neither form.</exception>
    public Endpoint Resolve(string text)
    {
        if (IPAddress.TryParse(text, out var address))
        {
            return Cluster.FindPod(address) is { } owner ? new Endpoint(owner, address) : new Endpoint(null, address);
        }
        if (!text.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{text}' is neither NAMESPACE/POD nor an IP address");
        }
        var pod = Cluster.FindPod(text) ?? throw new ArgumentException($"pod {text} not found in the given files");
        if (pod.Addresses.Count == 0)
        {
            throw new ArgumentException($"pod {text} has no IP (status.podIPs is empty)");
        }
        return Endpoint.Of(pod);
    }

    public Verdict Evaluate(string from, string to, Connection connection) => Evaluate(Resolve(from), Resolve(to), connection);

    public Verdict Evaluate(Endpoint from, Endpoint to, Connection connection)
    {
        if (from.Pod is not null && ReferenceEquals(from.Pod, to.Pod))
        {
            return new Verdict(from, to, connection, Self(Direction.Egress, from), Self(Direction.Ingress, to));
        }
        var egress = Decide(Direction.Egress, from, to, to, connection);
        var ingress = Decide(Direction.Ingress, to, from, to, connection);
        return new Verdict(from, to, connection, egress, ingress);
    }

    /// <summary>Every pod to every pod (first address of each), as `weft lab probe` reports it.</summary>
    public ReachabilityMatrix Matrix(Connection connection)
    {
        var pods = Cluster.Pods.Where(p => p.Addresses.Count > 0).ToList();
        var rows = new SortedDictionary<string, IReadOnlyDictionary<string, bool>>(StringComparer.Ordinal);
        foreach (var from in pods)
        {
            var row = new SortedDictionary<string, bool>(StringComparer.Ordinal);
            foreach (var to in pods)
            {
                row[to.Id] = Evaluate(Endpoint.Of(from), Endpoint.Of(to), connection).Allowed;
            }
            rows[from.Id] = row;
        }
        return new ReachabilityMatrix(connection.Port, connection.Protocol, rows);
    }

    /// <summary>Decides one direction at <paramref name="local"/> for traffic with <paramref name="remote"/>.</summary>
    public DirectionVerdict Decide(Direction direction, Endpoint local, Endpoint remote, Endpoint destination, Connection connection)
    {
        if (local.Pod is not { HostNetwork: false } pod)
        {
            return new DirectionVerdict(direction, local, Outcome.Allow, Reason.NotAPod, [], [], []);
        }
        var rules = Policies.Rules.Where(r => r.Direction == direction && _match.Subject(r.Subject, pod)).Order(RuleOrder.Instance).ToList();
        var isolations = Policies.Isolations.Where(i => i.Direction == direction && _match.Subject(i.Subject, pod)).ToList();
        List<PolicyRef> selecting = [.. isolations.Select(i => i.Policy).Concat(rules.Select(r => r.Id.Policy)).Distinct()];
        var logged = new List<PolicyRule>();
        var steps = new List<LadderStep>();
        var tiers = rules.Select(r => r.Tier).Concat(isolations.Select(i => i.Tier)).Distinct().Order(RuleOrder.Tiers).ToList();
        Band? skipBand = null;
        foreach (var tier in tiers)
        {
            if (tier.Band == skipBand)
            {
                steps.Add(new LadderStep(tier, StepKind.Skipped));
                continue;
            }
            var passed = false;
            var inTier = rules.Where(r => r.Tier == tier).ToList();
            foreach (var rule in inTier)
            {
                if (!Matches(rule, pod, remote, destination, connection))
                {
                    continue;
                }
                if (rule.Log || rule.Action == RuleAction.Log)
                {
                    logged.Add(rule);
                }
                if (rule.Action == RuleAction.Log)
                {
                    steps.Add(new LadderStep(tier, StepKind.Logged, rule));
                    continue;
                }
                if (rule.Action == RuleAction.Pass)
                {
                    steps.Add(new LadderStep(tier, StepKind.Passed, rule));
                    skipBand = rule.PassTarget == PassTarget.EndOfBand ? tier.Band : null;
                    passed = true;
                    break;
                }
                List<PolicyRule> deciding = rule.IsUnionAllow
                    ? [.. inTier.Where(r => r.IsUnionAllow && r.Action == rule.Action && r.PolicyOrder == rule.PolicyOrder
                        && Matches(r, pod, remote, destination, connection))]
                    : [rule];
                var outcome = rule.Action switch
                {
                    RuleAction.Allow => Outcome.Allow,
                    RuleAction.Reject => Outcome.Reject,
                    _ => Outcome.Deny,
                };
                steps.Add(new LadderStep(tier, StepKind.Decided, rule));
                return new DirectionVerdict(direction, local, outcome, Reason.RuleMatched, deciding, selecting, logged) { Steps = steps };
            }
            if (!passed && tier.Default == TierDefault.Deny && isolations.Any(i => i.Tier == tier))
            {
                steps.Add(new LadderStep(tier, StepKind.TierDefault));
                return new DirectionVerdict(direction, local, Outcome.Deny, Reason.IsolatedNoRuleMatched, [], selecting, logged)
                {
                    DefaultOf = tier,
                    Steps = steps,
                };
            }
            if (!passed)
            {
                steps.Add(new LadderStep(tier, StepKind.NoMatch));
            }
        }
        var reason = selecting.Count == 0 ? Reason.NotIsolated : Reason.EndOfLadder;
        return new DirectionVerdict(direction, local, Outcome.Allow, reason, [], selecting, logged) { Steps = steps };
    }

    private bool Matches(PolicyRule rule, PodInfo subject, Endpoint remote, Endpoint destination, Connection connection) =>
        rule.Peers.Any(p => _match.Peer(p, subject, remote))
        && (rule.Ports.Count == 0 || rule.Ports.Any(p => PeerMatcher.Port(p, destination, connection)))
        && !rule.NotPorts.Any(p => PeerMatcher.Port(p, destination, connection));

    private static DirectionVerdict Self(Direction direction, Endpoint local) =>
        new(direction, local, Outcome.Allow, Reason.SelfTraffic, [], [], []);
}
