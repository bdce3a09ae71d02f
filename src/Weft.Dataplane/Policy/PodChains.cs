using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// One local pod's compiled chains (both directions, tier chains included) and what they were compiled from,
/// so the next compile can take them as they are while none of it changed. A chain's text names sets but does
/// not hold their elements: a pod joining a peer changes a set, not the chains that name it. So the inputs are
/// the pod, its namespace, the rules and isolations that may select it, and, for named ports resolved against
/// other pods, those pods' lists. The sets are made again on every compile (<see cref="MakeSets"/>).
/// </summary>
internal sealed class PodChains(PodInfo pod, NamespaceInfo ns, IReadOnlyList<PolicyRule> ladder, IReadOnlyList<Isolation> isolations)
{
    /// <summary>The chain the egress dispatch map jumps to for this pod.</summary>
    public string Egress { get; } = NftNames.Make("eg", pod.Namespace, pod.Name);

    /// <summary>The chain the ingress dispatch map jumps to for this pod.</summary>
    public string Ingress { get; } = NftNames.Make("in", pod.Namespace, pod.Name);

    /// <summary>Every chain of the pod: the two above and their tier chains.</summary>
    public List<NftChain> Chains { get; } = [];

    /// <summary>Makes, in a compile's table, every set the chains name (already made ones are left alone).</summary>
    public List<Action<RuleMatches>> MakeSets { get; } = [];

    /// <summary>Other snapshot parts the text was derived from: how to read them, and what was read.</summary>
    public List<(Func<Selection, object[]> Read, object[] Seen)> Derived { get; } = [];

    /// <summary>True when a compile with these inputs would make the same chains.</summary>
    public bool Fits(PodInfo pod2, NamespaceInfo ns2, IReadOnlyList<PolicyRule> ladder2, IReadOnlyList<Isolation> isolations2, Selection selection) =>
        ReferenceEquals(pod, pod2)
        && CompileMemo.SameLabels(ns, ns2)
        && SameItems(ladder, ladder2) && SameItems(isolations, isolations2)
        && Derived.All(d => CompileMemo.SameInputs(d.Seen, d.Read(selection)));

    private static bool SameItems<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) where T : class
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }
}
