using System.Net;
using Weft.Ipam.Pools;

namespace Weft.Ipam.Tests;

/// <summary>The audit behind `weft ipam check`: each kind of leak and conflict, and a clean state.</summary>
public class IpamAuditTests
{
    private static readonly IpPool Blocks = IpPools.Default(IpamConfig.Create());
    private static readonly IpPool Fixed = new("fixed", IpPools.WeftKind, [IpRange.TryParse("192.168.100.0/24")!], []);
    private static readonly IpBlockInfo Block = new(IPNetwork.Parse("10.233.64.0/26"), "n1", IpFamily.IPv4, null);

    private static IReadOnlyList<IpamProblem> Check(IpClaim[] claims, Allocation[] n1, AuditedPod[] pods, IpBlockInfo[]? blocks = null) =>
        IpamAudit.Check([Fixed], Blocks, claims, blocks ?? [Block], new Dictionary<string, IReadOnlyList<Allocation>> { ["n1"] = n1 }, pods, ["n1"]);

    private static IpClaim Claim(string ip, string pod, string node = "n1", bool sticky = false) => new(IPAddress.Parse(ip), "fixed", "d", pod, node, sticky);

    private static Allocation Alloc(string pod, string ip, bool claimed = false) => new("c-" + pod, "eth0", "d", pod, [IPAddress.Parse(ip)], claimed);

    [Fact]
    public void A_consistent_state_is_clean()
    {
        Assert.Empty(Check([Claim("192.168.100.5", "a")], [Alloc("a", "192.168.100.5", claimed: true), Alloc("b", "10.233.64.1")],
            [new("d", "a", "n1", false), new("d", "b", "n1", false)]));
    }

    [Fact]
    public void Leaks_and_conflicts_are_named()
    {
        var problems = Check(
            [Claim("192.168.100.5", "gone"), Claim("192.168.100.6", "db-0", sticky: true), Claim("192.168.100.7", "moved", node: "n1"), Claim("172.16.0.1", "a")],
            [Alloc("a", "10.233.64.1"), Alloc("b", "10.233.64.1"), Alloc("ghost", "10.233.64.2"), Alloc("c", "10.9.9.9")],
            [new("d", "a", "n1", false), new("d", "b", "n1", false), new("d", "c", "n1", false), new("d", "moved", "n2", false)],
            [Block, new(IPNetwork.Parse("10.233.64.64/26"), "n9", IpFamily.IPv4, null)]).Select(p => p.ToString()).ToList();

        Assert.Contains("leak: IPClaim 192.168.100.5: held by pod d/gone, which no longer exists", problems);
        Assert.DoesNotContain(problems, p => p.Contains("192.168.100.6", StringComparison.Ordinal));
        Assert.Contains("conflict: IPClaim 192.168.100.7: routed to node n1, but pod d/moved runs on n2", problems);
        Assert.Contains(problems, p => p.StartsWith("conflict: IPClaim 172.16.0.1: outside every IP pool", StringComparison.Ordinal));
        Assert.Contains("conflict: allocation d/b on n1: 10.233.64.1 is also given to allocation d/a on n1", problems);
        Assert.Contains("leak: allocation d/ghost on n1: holds 10.233.64.2 for a pod that no longer exists", problems);
        Assert.Contains("conflict: allocation d/c on n1: 10.9.9.9 lies in no block of node n1", problems);
        Assert.Contains("leak: IPBlock 10.233.64.64/26: owned by node n9, which no longer exists", problems);
    }
}
