using System.Net;

namespace Weft.Ipam.Pools;

/// <summary>A pod as the audit sees it: where it runs and whether its claims outlive it.</summary>
public sealed record AuditedPod(string Namespace, string Name, string? Node, bool Sticky)
{
    public string Id => $"{Namespace}/{Name}";
}

/// <summary>One finding of <see cref="IpamAudit.Check"/>: what kind of problem, about what, and why.</summary>
public sealed record IpamProblem(string Kind, string Subject, string Detail)
{
    public override string ToString() => $"{Kind}: {Subject}: {Detail}";
}

/// <summary>
/// Cross-checks the cluster's IPAM state (blocks, claims, the nodes' allocation journals, pods, pools) for
/// leaks and conflicts. Pure: the caller gathers the inputs (`weft ipam check` from a lab's store and node
/// state directories).
/// </summary>
public static class IpamAudit
{
    public static IReadOnlyList<IpamProblem> Check(IReadOnlyList<IpPool> pools, IpPool blockPool, IReadOnlyList<IpClaim> claims,
        IReadOnlyList<IpBlockInfo> blocks, IReadOnlyDictionary<string, IReadOnlyList<Allocation>> allocationsByNode,
        IReadOnlyCollection<AuditedPod> pods, IReadOnlyCollection<string> nodes)
    {
        var problems = new List<IpamProblem>();
        var podsById = pods.ToDictionary(p => p.Id, StringComparer.Ordinal);
        foreach (var claim in claims)
        {
            var subject = $"IPClaim {claim.Address}";
            if (!pools.Any(p => p.Contains(claim.Address)))
            {
                problems.Add(new("conflict", subject, $"outside every IP pool (pool '{claim.Pool}' no longer covers it)"));
            }
            if (blockPool.Contains(claim.Address))
            {
                problems.Add(new("conflict", subject, "inside the cluster pod CIDR, which node blocks hand out"));
            }
            if (!podsById.TryGetValue(claim.Holder, out var holder))
            {
                if (!claim.Sticky)
                {
                    problems.Add(new("leak", subject, $"held by pod {claim.Holder}, which no longer exists"));
                }
                continue;
            }
            if (holder.Node is { } node && node != claim.Node)
            {
                problems.Add(new("conflict", subject, $"routed to node {claim.Node}, but pod {claim.Holder} runs on {node}"));
            }
        }

        var owners = new Dictionary<IPAddress, string>();
        foreach (var (node, allocations) in allocationsByNode)
        {
            var nodeBlocks = blocks.Where(b => b.NodeName == node).Select(b => b.Cidr).ToList();
            foreach (var a in allocations)
            {
                var subject = $"allocation {a.PodNamespace}/{a.PodName} on {node}";
                if (a.PodName.Length > 0 && !podsById.ContainsKey($"{a.PodNamespace}/{a.PodName}"))
                {
                    problems.Add(new("leak", subject, $"holds {string.Join(", ", a.Addresses)} for a pod that no longer exists"));
                }
                foreach (var address in a.Addresses)
                {
                    if (!owners.TryAdd(address, subject))
                    {
                        problems.Add(new("conflict", subject, $"{address} is also given to {owners[address]}"));
                    }
                    if (a.Claimed ? !claims.Any(c => c.Address.Equals(address) && c.Node == node) : !nodeBlocks.Any(b => b.Contains(address)))
                    {
                        problems.Add(new("conflict", subject, a.Claimed ? $"{address} has no IPClaim for this node" : $"{address} lies in no block of node {node}"));
                    }
                }
            }
        }

        foreach (var block in blocks.Where(b => !nodes.Contains(b.NodeName)))
        {
            problems.Add(new("leak", $"IPBlock {block.Cidr}", $"owned by node {block.NodeName}, which no longer exists"));
        }
        return problems;
    }
}
