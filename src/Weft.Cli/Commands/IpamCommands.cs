using System.Text.Json.Nodes;
using Weft.Ipam;
using Weft.Ipam.Pools;
using Weft.Lab;
using Weft.Model;

namespace Weft.Cli.Commands;

/// <summary>
/// `weft ipam status|check` against a lab: pools (every dialect's), claims, blocks per node and the nodes'
/// allocation journals; `check` cross-checks them for leaks and conflicts (exit 1 when it finds any).
/// </summary>
internal static class IpamCommands
{
    private const string Usage = """
        usage:
          weft ipam status [--lab NAME]          pools and their use, blocks per node, claimed addresses
          weft ipam check [-o json] [--lab NAME] leaks and conflicts; exit 1 when there are any
        """;

    public static async Task<int> RunAsync(string[] argv, CancellationToken ct)
    {
        var a = Args.Parse(argv);
        var sub = a.Positional.FirstOrDefault();
        if (sub is not ("status" or "check"))
        {
            Console.Error.WriteLine((sub is null ? "error: missing ipam command" : $"error: unknown ipam command '{sub}'") + "\n" + Usage);
            return 2;
        }
        var state = await GatherAsync(LabController.Resolve(a.Get("lab")), ct);
        return sub == "status" ? Status(state) : Check(state, a.Get("o", "output") == "json");
    }

    private sealed record State(List<IpPool> Pools, IpPool BlockPool, List<IpClaim> Claims, List<IpBlockInfo> Blocks,
        Dictionary<string, IReadOnlyList<Allocation>> Allocations, List<AuditedPod> Pods, List<string> Nodes);

    private static async Task<State> GatherAsync(string lab, CancellationToken ct)
    {
        await using var store = ResourceCommands.Open(lab);
        var pools = new List<IpPool>();
        foreach (var type in IpPools.Types)
        {
            pools.AddRange((await store.ListAsync(type, ct: ct)).Items.Select(IpPools.Read));
        }
        var network = await store.GetAsync(new ResourceKey(ResourceType.ClusterNetwork.Group, ResourceType.ClusterNetwork.Kind, null, ClusterNetworkView.DefaultName), ct);
        var cluster = network is null ? ClusterNetworkView.Defaults : ClusterNetworkView.From(network);
        var blockPool = IpPools.Default(IpamConfig.Create(cluster.PodCidr.ToString(), cluster.Ipv6PodCidr?.ToString(), cluster.BlockSize, cluster.Ipv6BlockSize));
        var claims = (await store.ListAsync(IpClaims.Type, ct: ct)).Items.Select(IpClaims.Read).ToList();
        var blocks = (await store.ListAsync(ResourceType.IPBlock, ct: ct)).Items.Select(IpBlocks.Read).ToList();
        var pods = (await store.ListAsync(ResourceType.Pod, ct: ct)).Items.Select(p => new PodView(p))
            .Select(p => new AuditedPod(p.Namespace, p.Name, p.NodeName, p.OwnerReferences.Any(o => o.Kind == "StatefulSet"))).ToList();
        var nodes = (await store.ListAsync(ResourceType.Node, ct: ct)).Items.Select(n => n.Metadata.Name).ToList();
        var paths = new LabPaths(lab);
        var allocations = nodes.ToDictionary(n => n, n => (IReadOnlyList<Allocation>)(
            new FileAllocationJournal(Path.Combine(paths.NodeDir(n), "state", "ipam.json")).Load()?.Allocations ?? []));
        return new State(pools, blockPool, claims, blocks, allocations, pods, nodes);
    }

    private static int Status(State s)
    {
        Console.WriteLine("POOL                  KIND                      RANGES                                   CLAIMED");
        foreach (var pool in s.Pools.Prepend(s.BlockPool))
        {
            var claimed = ReferenceEquals(pool, s.BlockPool) ? $"{s.Allocations.Values.Sum(a => a.Count(x => !x.Claimed))} in blocks"
                : s.Claims.Count(c => c.Pool == pool.Name && pool.Contains(c.Address)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine($"{pool.Name,-21} {pool.Kind,-25} {string.Join(", ", pool.Ranges),-40} {claimed}");
        }
        Console.WriteLine();
        Console.WriteLine("NODE                  BLOCKS                                   ALLOCATIONS  CLAIMED");
        foreach (var node in s.Nodes.Order(StringComparer.Ordinal))
        {
            var blocks = s.Blocks.Where(b => b.NodeName == node).Select(b => b.Cidr.ToString()).ToList();
            var allocations = s.Allocations.GetValueOrDefault(node) ?? [];
            Console.WriteLine($"{node,-21} {string.Join(", ", blocks),-40} {allocations.Count(a => !a.Claimed),11}  {allocations.Count(a => a.Claimed)}");
        }
        if (s.Claims.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("CLAIMED ADDRESS       POOL                  POD                            NODE         STICKY");
            foreach (var c in s.Claims.OrderBy(c => c.Address.ToString(), StringComparer.Ordinal))
            {
                Console.WriteLine($"{c.Address,-21} {c.Pool,-21} {c.Holder,-30} {c.Node,-12} {(c.Sticky ? "yes" : "no")}");
            }
        }
        return 0;
    }

    private static int Check(State s, bool json)
    {
        var problems = IpamAudit.Check(s.Pools, s.BlockPool, s.Claims, s.Blocks, s.Allocations, s.Pods, s.Nodes);
        if (json)
        {
            var list = new JsonArray([.. problems.Select(p => (JsonNode)new JsonObject { ["kind"] = p.Kind, ["subject"] = p.Subject, ["detail"] = p.Detail })]);
            Console.WriteLine(list.ToJsonString(PolicyCommands.Indented));
        }
        else if (problems.Count == 0)
        {
            Console.WriteLine($"ipam check: clean ({s.Claims.Count} claimed address(es), {s.Blocks.Count} block(s), {s.Allocations.Values.Sum(a => a.Count)} allocation(s) on {s.Nodes.Count} node(s))");
        }
        else
        {
            problems.ToList().ForEach(p => Console.WriteLine(p));
        }
        return problems.Count == 0 ? 0 : 1;
    }
}
