using System.Net;
using System.Text.Json.Nodes;
using Weft.Ipam.Pools;
using Weft.Model;
using Weft.TestKit;

namespace Weft.Ipam.Tests;

/// <summary>Fixed addresses, replica candidates and pool addresses claimed through IPClaim objects in a real etcd.</summary>
public sealed class ClaimedAddressesTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private static readonly IpPool Blocks = IpPools.Default(IpamConfig.Create());
    private static readonly IpPool Fixed = new("fixed", IpPools.WeftKind, [IpRange.TryParse("192.168.100.0/24")!], [IpRange.TryParse("192.168.100.1")!]);
    private static readonly IpPool Small = new("small", IpPools.AntreaKind, [IpRange.TryParse("10.2.0.12-10.2.0.13")!], []);
    private static readonly IpPool[] Pools = [Fixed, Small];

    private static ClaimingPod Pod(string name, bool sticky = false) => new("default", name, sticky);

    private static PodIpIntent Intent(params (string Key, string Value)[] annotations) =>
        IpAnnotations.Parse(annotations.ToDictionary(a => a.Key, a => a.Value));

    [Fact]
    public async Task A_fixed_address_is_claimed_once_and_a_second_pod_is_told_who_holds_it()
    {
        var store = etcd.NewStore();
        var nodeA = new ClaimedAddresses(store, "node-a");
        var nodeB = new ClaimedAddresses(store, "node-b");
        await store.CreateAsync(PodObject("web"));

        var got = await nodeA.ClaimAsync(Intent(("ovn.kubernetes.io/ip_address", "192.168.100.100")), Pools, Blocks, Pod("web"));
        Assert.Equal(("192.168.100.100", "fixed"), (got!.Value.Addresses.Single().ToString(), got.Value.Pool));

        var e = await Assert.ThrowsAsync<AnnotationException>(() => nodeB.ClaimAsync(Intent(("cni.projectcalico.org/ipAddrs", "[\"192.168.100.100\"]")), Pools, Blocks, Pod("other")));
        Assert.Equal("cni.projectcalico.org/ipAddrs", e.Annotation);
        Assert.Contains("pod default/web holds", e.Message, StringComparison.Ordinal);
        Assert.Contains("node node-a", e.Message, StringComparison.Ordinal);

        // The holder's own retry (the same ADD again, or the pod on a new node) gets it back.
        Assert.NotNull(await nodeB.ClaimAsync(Intent(("ovn.kubernetes.io/ip_address", "192.168.100.100")), Pools, Blocks, Pod("web")));
        var claim = IpClaims.Read((await store.GetAsync(IpClaims.KeyOf(IPAddress.Parse("192.168.100.100"))))!);
        Assert.Equal("node-b", claim.Node);
    }

    [Theory]
    [InlineData("10.233.64.9", "cluster pod CIDR")]
    [InlineData("172.16.0.9", "outside every IP pool")]
    [InlineData("192.168.100.1", "outside every IP pool")]
    public async Task Addresses_in_the_block_space_or_outside_the_pools_are_refused(string address, string problem)
    {
        var claims = new ClaimedAddresses(etcd.NewStore(), "node-a");
        var e = await Assert.ThrowsAsync<AnnotationException>(() => claims.ClaimAsync(Intent(("weft.dev/ip-addresses", address)), Pools, Blocks, Pod("p")));
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replicas_of_an_ip_pool_list_take_the_free_candidates_and_a_recreated_one_its_own()
    {
        var store = etcd.NewStore();
        var claims = new ClaimedAddresses(store, "node-a");
        var intent = Intent(("ovn.kubernetes.io/ip_pool", "192.168.100.201,192.168.100.202"));
        await store.CreateAsync(PodObject("r1"));
        await store.CreateAsync(PodObject("r2"));

        var r1 = await claims.ClaimAsync(intent, Pools, Blocks, Pod("r1"));
        var r2 = await claims.ClaimAsync(intent, Pools, Blocks, Pod("r2"));
        Assert.Equal(["192.168.100.201", "192.168.100.202"], new[] { r1, r2 }.Select(r => r!.Value.Addresses.Single().ToString()));
        var full = await Assert.ThrowsAsync<AnnotationException>(() => claims.ClaimAsync(intent, Pools, Blocks, Pod("r3")));
        Assert.Contains("no free address", full.Message, StringComparison.Ordinal);

        Assert.Equal("192.168.100.202", (await claims.ClaimAsync(intent, Pools, Blocks, Pod("r2")))!.Value.Addresses.Single().ToString());
    }

    [Fact]
    public async Task A_named_pool_gives_a_free_address_until_it_is_exhausted_and_release_frees_it()
    {
        var store = etcd.NewStore();
        var claims = new ClaimedAddresses(store, "node-a");
        var intent = Intent(("ipam.antrea.io/ippools", "small"));

        var a = (await claims.ClaimAsync(intent, Pools, Blocks, Pod("a")))!.Value.Addresses.Single();
        var b = (await claims.ClaimAsync(intent, Pools, Blocks, Pod("b")))!.Value.Addresses.Single();
        Assert.NotEqual(a, b);
        Assert.True(Small.Contains(a) && Small.Contains(b));
        var e = await Assert.ThrowsAsync<IpamException>(() => claims.ClaimAsync(intent, Pools, Blocks, Pod("c")));
        Assert.Contains("no free IPv4 address", e.Message, StringComparison.Ordinal);

        await claims.ReleaseAsync([a], "default", "a");
        Assert.Equal(a, (await claims.ClaimAsync(intent, Pools, Blocks, Pod("c")))!.Value.Addresses.Single());
    }

    [Fact]
    public async Task A_statefulset_pods_claim_outlives_it_and_comes_back_to_its_successor()
    {
        var store = etcd.NewStore();
        var claims = new ClaimedAddresses(store, "node-a");
        var intent = Intent(("weft.dev/ip-pools", "small"));
        var first = (await claims.ClaimAsync(intent, Pools, Blocks, Pod("db-0", sticky: true)))!.Value.Addresses.Single();

        await claims.ReleaseAsync([first], "default", "db-0");
        var other = await Assert.ThrowsAsync<AnnotationException>(() => claims.ClaimAsync(Intent(("weft.dev/ip-addresses", first.ToString())), Pools, Blocks, Pod("intruder")));
        Assert.Contains("kept for its StatefulSet", other.Message, StringComparison.Ordinal);

        var successor = await new ClaimedAddresses(store, "node-c").ClaimAsync(intent, Pools, Blocks, Pod("db-0", sticky: true));
        Assert.Equal(first, successor!.Value.Addresses.Single());
    }

    [Fact]
    public async Task Unknown_pools_are_named_in_the_error_and_the_default_pool_means_node_blocks()
    {
        var claims = new ClaimedAddresses(etcd.NewStore(), "node-a");
        var e = await Assert.ThrowsAsync<AnnotationException>(() => claims.ClaimAsync(Intent(("ipam.antrea.io/ippools", "nope")), Pools, Blocks, Pod("p")));
        Assert.Equal(("ipam.antrea.io/ippools", "nope"), (e.Annotation, e.Value));
        Assert.Null(await claims.ClaimAsync(Intent(("weft.dev/ip-pools", "default")), Pools, Blocks, Pod("p")));
        Assert.Null(await claims.ClaimAsync(PodIpIntent.None, Pools, Blocks, Pod("p")));
    }

    private static Resource PodObject(string name) => ResourceJson.FromNode(new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Pod",
        ["metadata"] = new JsonObject { ["namespace"] = "default", ["name"] = name },
        ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "c" }) },
    });
}
