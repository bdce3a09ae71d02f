using Weft.Model;
using Weft.TestKit;

namespace Weft.Store.Etcd.Tests;

public sealed class CrudTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    [Fact]
    public async Task Create_sets_identity_and_get_returns_the_same_object()
    {
        var store = etcd.NewStore();
        var created = await store.CreateAsync(Objects.Pod("ns1", "a", 7));

        Assert.True(Guid.TryParse(created.Metadata.Uid, out _));
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion!) > 0);

        var got = await store.GetAsync(created.Key);
        Assert.NotNull(got);
        Assert.Equal(ResourceJson.Serialize(created), ResourceJson.Serialize(got));
    }

    [Fact]
    public async Task Create_does_not_change_the_callers_object()
    {
        var store = etcd.NewStore();
        var pod = Objects.Pod("ns1", "a");
        await store.CreateAsync(pod);
        Assert.Null(pod.Metadata.Uid);
        Assert.Null(pod.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Get_of_a_missing_object_is_null()
    {
        var store = etcd.NewStore();
        Assert.Null(await store.GetAsync(new ResourceKey("", "Pod", "ns1", "nope")));
    }

    [Fact]
    public async Task Create_twice_throws_AlreadyExists()
    {
        var store = etcd.NewStore();
        await store.CreateAsync(Objects.Pod("ns1", "a"));
        var e = await Assert.ThrowsAsync<AlreadyExistsException>(() => store.CreateAsync(Objects.Pod("ns1", "a")));
        Assert.Equal(new ResourceKey("", "Pod", "ns1", "a"), e.Key);
    }

    [Fact]
    public async Task Create_with_a_resourceVersion_is_rejected_naming_the_field()
    {
        var store = etcd.NewStore();
        var pod = Objects.Pod("ns1", "a");
        pod.Metadata.ResourceVersion = "5";
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(pod));
        Assert.Contains("metadata.resourceVersion", e.Message);
    }

    [Fact]
    public async Task Update_keeps_identity_bumps_version_and_generation_on_spec_change_only()
    {
        var store = etcd.NewStore();
        var created = await store.CreateAsync(Objects.Pod("ns1", "a", 1));

        var changed = created.WithN(2);
        changed.Metadata.Uid = "forged";
        var updated = await store.UpdateAsync(changed);
        Assert.Equal(created.Metadata.Uid, updated.Metadata.Uid);
        Assert.Equal(created.Metadata.CreationTimestamp, updated.Metadata.CreationTimestamp);
        Assert.Equal(2, updated.Metadata.Generation);
        Assert.True(long.Parse(updated.Metadata.ResourceVersion!) > long.Parse(created.Metadata.ResourceVersion!));

        var labelled = updated.Clone();
        labelled.Metadata.Labels["x"] = "y";
        labelled.Status = new() { ["phase"] = "Running" };
        var relabelled = await store.UpdateAsync(labelled);
        Assert.Equal(2, relabelled.Metadata.Generation);

        var got = await store.GetAsync(created.Key);
        Assert.NotNull(got);
        Assert.Equal(2, got.N());
        Assert.Equal("y", got.Metadata.Labels["x"]);
        Assert.Equal(relabelled.Metadata.ResourceVersion, got.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Update_with_a_stale_resourceVersion_throws_Conflict()
    {
        var store = etcd.NewStore();
        var v1 = await store.CreateAsync(Objects.Pod("ns1", "a", 1));
        await store.UpdateAsync(v1.WithN(2));

        var e = await Assert.ThrowsAsync<ConflictException>(() => store.UpdateAsync(v1.WithN(3)));
        Assert.Equal(v1.Key, e.Key);
        Assert.Equal(2, (await store.GetAsync(v1.Key))!.N());
    }

    [Fact]
    public async Task Update_without_resourceVersion_is_unconditional()
    {
        var store = etcd.NewStore();
        var v1 = await store.CreateAsync(Objects.Pod("ns1", "a", 1));
        await store.UpdateAsync(v1.WithN(2));

        var blind = v1.WithN(3);
        blind.Metadata.ResourceVersion = null;
        await store.UpdateAsync(blind);
        Assert.Equal(3, (await store.GetAsync(v1.Key))!.N());
    }

    [Fact]
    public async Task Update_of_a_missing_object_throws_NotFound()
    {
        var store = etcd.NewStore();
        var v1 = await store.CreateAsync(Objects.Pod("ns1", "a"));
        Assert.True(await store.DeleteAsync(v1.Key));
        await Assert.ThrowsAsync<NotFoundException>(() => store.UpdateAsync(v1));
    }

    [Fact]
    public async Task Delete_removes_and_reports_whether_it_existed()
    {
        var store = etcd.NewStore();
        var v1 = await store.CreateAsync(Objects.Pod("ns1", "a"));
        Assert.True(await store.DeleteAsync(v1.Key));
        Assert.Null(await store.GetAsync(v1.Key));
        Assert.False(await store.DeleteAsync(v1.Key));
        Assert.False(await store.DeleteAsync(v1.Key, v1.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Delete_with_a_stale_resourceVersion_throws_Conflict_and_keeps_the_object()
    {
        var store = etcd.NewStore();
        var v1 = await store.CreateAsync(Objects.Pod("ns1", "a", 1));
        var v2 = await store.UpdateAsync(v1.WithN(2));

        await Assert.ThrowsAsync<ConflictException>(() => store.DeleteAsync(v1.Key, v1.Metadata.ResourceVersion));
        Assert.NotNull(await store.GetAsync(v1.Key));
        Assert.True(await store.DeleteAsync(v1.Key, v2.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task List_filters_by_type_and_namespace_and_returns_a_revision()
    {
        var store = etcd.NewStore();
        await store.CreateAsync(Objects.Pod("ns1", "a"));
        await store.CreateAsync(Objects.Pod("ns1", "b"));
        await store.CreateAsync(Objects.Pod("ns10", "c"));
        var last = await store.CreateAsync(Objects.Block("b1", "10.0.0.0/26"));

        var all = await store.ListAsync(ResourceType.Pod);
        Assert.Equal(["a", "b", "c"], all.Items.Select(p => p.Metadata.Name).Order());

        var ns1 = await store.ListAsync(ResourceType.Pod, "ns1");
        Assert.Equal(["a", "b"], ns1.Items.Select(p => p.Metadata.Name).Order());
        Assert.All(ns1.Items, p => Assert.NotNull(p.Metadata.ResourceVersion));

        var blocks = await store.ListAsync(ResourceType.IPBlock);
        var block = Assert.Single(blocks.Items);
        Assert.Null(block.Metadata.Namespace);
        Assert.Equal("10.0.0.0/26", block.Spec!["cidr"]!.GetValue<string>());
        Assert.True(long.Parse(blocks.Revision) >= long.Parse(last.Metadata.ResourceVersion!));
    }

    [Fact]
    public async Task Stores_with_different_prefixes_do_not_see_each_other()
    {
        var one = etcd.NewStore();
        var two = etcd.NewStore();
        await one.CreateAsync(Objects.Pod("ns1", "a"));
        Assert.Empty((await two.ListAsync(ResourceType.Pod)).Items);
        Assert.Single((await one.ListAsync(ResourceType.Pod)).Items);
    }

    [Fact]
    public async Task Names_with_a_slash_are_rejected()
    {
        var store = etcd.NewStore();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync(Objects.Pod("ns1", "a/b")));
        Assert.Contains("metadata.name 'a/b'", e.Message);
    }

    [Fact]
    public async Task Concurrent_optimistic_updaters_lose_no_increment()
    {
        var store = etcd.NewStore();
        var key = (await store.CreateAsync(Objects.Pod("ns1", "counter", 0))).Key;
        var conflicts = 0;

        async Task IncrementAsync()
        {
            while (true)
            {
                var current = await store.GetAsync(key) ?? throw new InvalidOperationException("counter vanished");
                try
                {
                    await store.UpdateAsync(current.WithN(current.N() + 1));
                    return;
                }
                catch (ConflictException)
                {
                    Interlocked.Increment(ref conflicts);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(IncrementAsync)));
        Assert.Equal(50, (await store.GetAsync(key))!.N());
        Assert.True(conflicts > 0, "50 parallel updaters should have collided at least once");
    }
}
