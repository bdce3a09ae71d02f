using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>An object the compiler left out, and why.</summary>
public sealed record RejectedPolicy(Resource Policy, ValidationException Error);

/// <summary>
/// The node's compile step from store objects to a table, called on every change: it keeps what it derived
/// from objects that did not change (each policy's model and the ladder, each pod's view, each namespace's pod
/// list, each peer set, each local pod's chains; see <see cref="CompileMemo"/>), so the cost of a sync follows
/// the size of the change, not of the cluster. Objects must not be
/// modified once passed in (informer objects are replaced, never edited). Not thread-safe: one caller.
/// </summary>
public sealed class NodePolicyCompiler(string tableName = "weft")
{
    private readonly RoundCache<Resource, object> _policies = new();
    private readonly SnapshotBuilder _snapshots = new();
    private readonly CompileMemo _memo = new();
    private readonly RoundCache<Resource, NodeInfo> _nodes = new();
    private PolicyContext _context = PolicyContext.Empty;
    private string _contextKey = "";
    private (List<PolicySet> Sets, PolicySet Combined)? _combined;

    /// <summary>What the policies of the last compile ask that is not enforced yet, per policy (e.g. L7 parts).</summary>
    public IReadOnlyList<(Resource Policy, string Warning)> Warnings { get; private set; } = [];

    /// <summary>Compiles <paramref name="policies"/> (of any dialect) for <paramref name="localPods"/>; invalid policies are left out whole and returned.</summary>
    /// <param name="extraPods">Pods known without a Pod object (see the agent's policy controller).</param>
    /// <param name="context">Objects policies refer to (tiers, groups); when they change, every policy is compiled again.</param>
    /// <param name="nodes">Node objects, for node peers and the host and cluster entities.</param>
    /// <param name="serviceAccounts">ServiceAccount objects, whose labels policies can select pods by (Calico).</param>
    public (CompiledPolicy Compiled, IReadOnlyList<RejectedPolicy> Rejected) Compile(IEnumerable<Resource> policies, IEnumerable<Resource> namespaces,
        IEnumerable<Resource> pods, IReadOnlyCollection<LocalPod> localPods, IEnumerable<PodInfo>? extraPods = null, IEnumerable<Resource>? context = null,
        IEnumerable<Resource>? nodes = null, IEnumerable<Resource>? serviceAccounts = null)
    {
        UseContext([.. context ?? []]);
        _policies.NextRound();
        _nodes.NextRound();
        var sets = new List<PolicySet>();
        var rejected = new List<RejectedPolicy>();
        var warnings = new List<(Resource, string)>();
        foreach (var policy in policies)
        {
            switch (_policies.Get(policy, CompileOne))
            {
                case PolicySet set:
                    sets.Add(set);
                    warnings.AddRange(set.Warnings.Select(w => (policy, w)));
                    break;
                case ValidationException error:
                    rejected.Add(new RejectedPolicy(policy, error));
                    break;
                default:
                    break;
            }
        }
        Warnings = warnings;
        var snapshot = _snapshots.Build(namespaces, pods, extraPods, (nodes ?? []).Select(n => _nodes.Get(n, ClusterSnapshot.FromNode)), serviceAccounts);
        return (PolicyCompiler.Compile(Combine(sets), snapshot, localPods, tableName, _memo), rejected);
    }

    /// <summary>The same instance while every policy's model is: the compiler keeps its ladder for it.</summary>
    private PolicySet Combine(List<PolicySet> sets)
    {
        if (_combined is not { } kept || !kept.Sets.SequenceEqual(sets, ReferenceEqualityComparer.Instance))
        {
            _combined = kept = (sets, PolicySet.Combine(sets));
        }
        return kept.Combined;
    }

    private void UseContext(List<Resource> objects)
    {
        var key = string.Join(";", objects.Select(o => $"{o.Key}@{o.Metadata.ResourceVersion}").Order(StringComparer.Ordinal));
        if (key != _contextKey)
        {
            // A tier or group changed: policies naming it compile differently, and we do not track which do.
            _contextKey = key;
            _context = new PolicyContext(objects);
            _policies.Clear();
        }
    }

    private object CompileOne(Resource policy)
    {
        try
        {
            return PolicyDialects.Compile(policy, _context);
        }
        catch (ValidationException e)
        {
            return e;
        }
    }
}
