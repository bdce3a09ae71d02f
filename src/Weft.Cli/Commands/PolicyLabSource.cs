using System.Net;
using System.Text.Json.Nodes;
using Weft.Cli.Output;
using Weft.Lab;
using Weft.Linux.Netns;
using Weft.Linux.Nftables;
using Weft.Model;
using Weft.Policy;
using Weft.Policy.Evaluation;
using Weft.Store;

namespace Weft.Cli.Commands;

/// <summary>What `weft policy …` reads from a running lab: its store (pods, namespaces, policies) and each node's nft table.</summary>
internal static class PolicyLabSource
{
    /// <summary>
    /// The evaluator over the lab's current namespaces, nodes, pods (IPs from status.podIPs) and policies of every
    /// dialect. Invalid policies are left out, as the agents leave them out of the kernel.
    /// </summary>
    public static async Task<PolicyEvaluator> EvaluatorAsync(string lab, CancellationToken ct)
    {
        await using var store = ResourceCommands.Open(lab);
        var objects = new List<Resource>();
        foreach (var type in new[] { ResourceType.Namespace, ResourceType.Node, ResourceType.Pod, ResourceType.ServiceAccount }.Concat(PolicyDialects.PolicyTypes).Concat(PolicyDialects.ContextTypes))
        {
            objects.AddRange((await store.ListAsync(type, null, ct)).Items);
        }
        var context = new PolicyContext(objects.Where(PolicyDialects.IsContext));
        var sets = new List<Weft.Policy.Ir.PolicySet>();
        foreach (var policy in objects.Where(PolicyDialects.IsPolicy))
        {
            try
            {
                sets.Add(PolicyDialects.Compile(policy, context));
            }
            catch (ValidationException)
            {
                // The agents skip it whole; so does the evaluator.
            }
        }
        return new PolicyEvaluator(ClusterSnapshot.FromResources(objects), Weft.Policy.Ir.PolicySet.Combine(sets));
    }

    /// <summary>The lab's pods by address, to print "ns/pod" instead of an IP.</summary>
    public static async Task<ClusterSnapshot> PodsAsync(string lab, CancellationToken ct)
    {
        await using var store = ResourceCommands.Open(lab);
        return ClusterSnapshot.FromResources((await store.ListAsync(ResourceType.Pod, null, ct)).Items);
    }

    /// <summary>The pod owning <paramref name="address"/> as "ns/pod", else the address itself.</summary>
    public static string Name(ClusterSnapshot pods, string? address) =>
        address is null ? "-"
            : IPAddress.TryParse(address, out var ip) && pods.FindPod(ip) is { } pod ? pod.Id
            : address;

    /// <summary>`weft policy stats`: packets and bytes per rule comment, summed over every node's table.</summary>
    public static async Task<int> StatsAsync(Args a, TextWriter stdout, CancellationToken ct)
    {
        var lab = LabController.Resolve(a.Get("lab"));
        var output = a.Get("o", "output");
        a.RejectUnknown();
        if (output is not (null or "json"))
        {
            throw new ArgumentException($"-o: '{output}' is not supported; use json or leave it out");
        }
        var paths = new LabPaths(lab);
        var totals = new SortedDictionary<string, (ulong Packets, ulong Bytes)>(StringComparer.Ordinal);
        foreach (var node in LabController.Load(lab).NodeNames)
        {
            using var ns = NetNamespace.Open(NetNamespace.PathOf(paths.NodeNetns(node)));
            NftTableState? table;
            try
            {
                using var nft = ns.Run(() => new NftRunner());
                table = await nft.ListTableAsync(ct);
            }
            catch (NftException e)
            {
                throw new InvalidOperationException($"node {node}: listing nft table inet weft failed: {e.Message}", e);
            }
            foreach (var rule in table?.Rules.Where(r => r.HasCounter && r.Comment is not null) ?? [])
            {
                var (packets, bytes) = totals.GetValueOrDefault(rule.Comment!);
                totals[rule.Comment!] = (packets + rule.Packets, bytes + rule.Bytes);
            }
        }
        if (output == "json")
        {
            var rules = new JsonArray();
            foreach (var (rule, (packets, bytes)) in totals)
            {
                rules.Add((JsonNode)new JsonObject { ["rule"] = rule, ["packets"] = packets, ["bytes"] = bytes });
            }
            stdout.WriteLine(new JsonObject { ["lab"] = lab, ["rules"] = rules }.ToJsonString(PolicyCommands.Indented));
            return 0;
        }
        var t = new TablePrinter(["PACKETS", "BYTES", "RULE"]);
        foreach (var (rule, (packets, bytes)) in totals)
        {
            t.AddRow([packets.ToString(System.Globalization.CultureInfo.InvariantCulture), bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), rule]);
        }
        t.Write(stdout);
        return 0;
    }
}
