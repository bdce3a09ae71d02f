using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>The compiled table and the pod veths it dispatches (a veth not listed is dropped: fail closed).</summary>
public sealed record CompiledPolicy(NftTable Table, IReadOnlySet<string> DispatchedVeths);

/// <summary>
/// Compiles a policy set for the pods of one node into Weft's nftables table (layout in README.md). Pure:
/// no kernel access; the caller renders and applies the result in one transaction.
/// </summary>
public static class PolicyCompiler
{
    /// <summary>The base chain on the forward hook.</summary>
    public const string ForwardChain = "weft-forward";

    /// <summary>The base chain on the input hook: pods' traffic to their own node.</summary>
    public const string InputChain = "weft-input";

    /// <summary>Verdict map: source pod veth → that pod's egress chain.</summary>
    public const string EgressMap = "pod-egress";

    /// <summary>Verdict map: destination pod veth → that pod's ingress chain.</summary>
    public const string IngressMap = "pod-ingress";

    /// <summary>Every pod veth Weft has configured; other <c>weft*</c> interfaces get nothing through.</summary>
    public const string KnownVeths = "pod-veths";

    /// <summary>NFLOG group of policy drops.</summary>
    public const int LogGroup = 100;

    /// <summary>
    /// Builds the table. Local pods missing from <paramref name="cluster"/> (the Pod object not seen yet) are
    /// left out of dispatch and so stay fail closed; their allocation addresses override <c>status.podIPs</c>.
    /// </summary>
    /// <param name="memo">What the previous compile made, to reuse where its inputs did not change (see <see cref="CompileMemo"/>); null to make all anew.</param>
    public static CompiledPolicy Compile(PolicySet policies, ClusterSnapshot cluster, IReadOnlyCollection<LocalPod> localPods, string tableName = "weft", CompileMemo? memo = null)
    {
        cluster = WithLocalAddresses(cluster, localPods);
        var table = new NftTable(tableName);
        var egress = table.AddMap(EgressMap, "ifname", "verdict");
        var ingress = table.AddMap(IngressMap, "ifname", "verdict");
        var known = table.AddSet(KnownVeths, "ifname");
        var selection = new Selection(cluster);
        memo?.Begin(selection);
        var matches = new RuleMatches(table, selection, memo);
        var ladders = memo?.Ladders(policies) ?? new NamespaceLadders([.. policies.Rules.Order(LadderOrder.Instance)], policies.Isolations);

        foreach (var local in localPods.OrderBy(p => p.HostVeth, StringComparer.Ordinal))
        {
            PodInfo? pod = local.Namespace.Length == 0
                ? new PodInfo("", local.Name, new Dictionary<string, string>(), local.Addresses, [], HostNetwork: true)
                : cluster.FindPod(local.Id);
            if (pod is null)
            {
                continue;
            }
            var chains = ChainsFor(table, pod, local.HostVeth, ladders, selection, matches, memo);
            var quoted = $"\"{local.HostVeth}\"";
            known.Add(quoted);
            egress.Add(quoted, $"jump {chains.Egress}");
            ingress.Add(quoted, $"jump {chains.Ingress}");
        }

        table.AddChain(PodChain.ToIngress).Add($"oifname vmap @{IngressMap}").Add("accept");
        var vxlan = $"\"{KernelOwnership.VxlanDevice}\"";
        var prefix = $"\"{KernelOwnership.InterfacePrefix}*\"";
        table.AddChain(ForwardChain, new NftBaseChain("filter", "forward", 0))
            .Add("ct state established,related accept")
            .Add("ct state invalid drop")
            .Add($"iifname {prefix} iifname != {vxlan} iifname != @{KnownVeths} counter drop comment \"unconfigured pod veth\"")
            .Add($"oifname {prefix} oifname != {vxlan} oifname != @{KnownVeths} counter drop comment \"unconfigured pod veth\"")
            .Add($"iifname vmap @{EgressMap}")
            .Add($"oifname vmap @{IngressMap}");
        // A pod's packets to its own node never cross the forward hook: check their egress at input. The node's
        // own packets to its pods (kubelet probes) stay unfiltered, as NetworkPolicy wants.
        table.AddChain(InputChain, new NftBaseChain("filter", "input", 0))
            .Add("ct state established,related accept")
            .Add($"iifname {prefix} iifname != {vxlan} iifname != @{KnownVeths} counter drop comment \"unconfigured pod veth\"")
            .Add($"iifname vmap @{EgressMap}");
        return new CompiledPolicy(table, known.Elements.Keys.Select(k => k.Trim('"')).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The pod's chains in <paramref name="table"/>: the previous compile's when their inputs did not change, else new ones.</summary>
    private static PodChains ChainsFor(NftTable table, PodInfo pod, string veth, NamespaceLadders ladders, Selection selection, RuleMatches matches, CompileMemo? memo)
    {
        var (ladder, isolations) = ladders.For(pod.Namespace);
        var ns = selection.Namespace(pod.Namespace);
        var chains = memo?.ReusePod(veth, c => c.Fits(pod, ns, ladder, isolations, selection));
        if (chains is not null)
        {
            chains.Chains.ForEach(c => table.AddExisting(c));
            chains.MakeSets.ForEach(make => make(matches));
        }
        else
        {
            chains = new PodChains(pod, ns, ladder, isolations);
            matches.Recording = chains;
            foreach (var direction in new[] { Direction.Egress, Direction.Ingress })
            {
                var chain = table.AddChain(direction == Direction.Egress ? chains.Egress : chains.Ingress);
                chains.Chains.Add(chain);
                PodChain.Fill(table, chain, direction, pod, ladder, isolations, selection, matches, chains.Chains);
            }
            matches.Recording = null;
        }
        memo?.RememberPod(veth, chains);
        return chains;
    }

    private static ClusterSnapshot WithLocalAddresses(ClusterSnapshot cluster, IReadOnlyCollection<LocalPod> localPods) =>
        cluster.WithAddresses(localPods.Where(p => p.Namespace.Length > 0 && p.Addresses.Count > 0).GroupBy(p => p.Id)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Addresses).Distinct().ToList(), StringComparer.Ordinal));
}
