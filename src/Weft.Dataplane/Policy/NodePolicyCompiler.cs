using System.Runtime.CompilerServices;
using Weft.Model;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Dataplane.Policy;

/// <summary>An object the compiler left out, and why.</summary>
public sealed record RejectedPolicy(Resource Policy, ValidationException Error);

/// <summary>
/// The node's compile step from store objects to a table, called on every change: it keeps what it derived
/// from objects that did not change (each policy's model, each pod's view, each namespace's pod list, each
/// peer set), so the cost of a sync follows the size of the change, not of the cluster. Objects must not be
/// modified once passed in (informer objects are replaced, never edited). Not thread-safe: one caller.
/// </summary>
public sealed class NodePolicyCompiler(string tableName = "weft")
{
    private readonly ConditionalWeakTable<Resource, object> _policies = new();
    private readonly SnapshotBuilder _snapshots = new();
    private readonly CompileMemo _memo = new();

    /// <summary>Compiles <paramref name="policies"/> (NetworkPolicy objects) for <paramref name="localPods"/>; invalid policies are left out whole and returned.</summary>
    /// <param name="extraPods">Pods known without a Pod object (see the agent's policy controller).</param>
    public (CompiledPolicy Compiled, IReadOnlyList<RejectedPolicy> Rejected) Compile(IEnumerable<Resource> policies, IEnumerable<Resource> namespaces,
        IEnumerable<Resource> pods, IReadOnlyCollection<LocalPod> localPods, IEnumerable<PodInfo>? extraPods = null)
    {
        var sets = new List<PolicySet>();
        var rejected = new List<RejectedPolicy>();
        foreach (var policy in policies)
        {
            switch (_policies.GetValue(policy, CompileOne))
            {
                case PolicySet set:
                    sets.Add(set);
                    break;
                case ValidationException error:
                    rejected.Add(new RejectedPolicy(policy, error));
                    break;
                default:
                    break;
            }
        }
        var snapshot = _snapshots.Build(namespaces, pods, extraPods);
        return (PolicyCompiler.Compile(PolicySet.Combine(sets), snapshot, localPods, tableName, _memo), rejected);
    }

    private static object CompileOne(Resource policy)
    {
        try
        {
            return NetworkPolicies.Compile(policy);
        }
        catch (ValidationException e)
        {
            return e;
        }
    }
}
