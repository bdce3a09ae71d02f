using Weft.Model;
using Weft.TestKit;

namespace Weft.Store.Etcd.Tests;

public sealed class WatchTests(EtcdFixture etcd) : IClassFixture<EtcdFixture>
{
    private static readonly EtcdStoreOptions FastBookmarks = new() { BookmarkInterval = TimeSpan.FromMilliseconds(300) };

    [Fact]
    public async Task Watch_from_a_list_revision_sees_exactly_the_later_changes_in_order()
    {
        var store = etcd.NewStore();
        var before = await store.CreateAsync(Objects.Pod("ns1", "before"));
        var list = await store.ListAsync(ResourceType.Pod);

        var a = await store.CreateAsync(Objects.Pod("ns1", "a", 1));
        var a2 = await store.UpdateAsync(a.WithN(2));
        Assert.True(await store.DeleteAsync(a.Key));
        var b = await store.CreateAsync(Objects.Pod("ns2", "b"));

        var events = await Collect(store.WatchAsync(ResourceType.Pod, null, list.Revision), 4);

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted, WatchEventType.Added], events.Select(e => e.Type));
        Assert.Equal(["a", "a", "a", "b"], events.Select(e => e.Object!.Metadata.Name));
        Assert.Equal(a.Metadata.ResourceVersion, events[0].Revision);
        Assert.Equal(a2.Metadata.ResourceVersion, events[1].Object!.Metadata.ResourceVersion);
        // The deleted event carries the last state, stamped with the deletion revision.
        Assert.Equal(2, events[2].Object!.N());
        Assert.Equal(events[2].Revision, events[2].Object!.Metadata.ResourceVersion);
        Assert.Equal(a.Metadata.Uid, events[2].Object!.Metadata.Uid);
        Assert.Equal(b.Metadata.ResourceVersion, events[3].Revision);
        Assert.DoesNotContain(events, e => e.Object?.Metadata.Name == before.Metadata.Name);
        Assert.Equal(events.Select(e => long.Parse(e.Revision)).Order(), events.Select(e => long.Parse(e.Revision)));
    }

    [Fact]
    public async Task Watch_resumes_after_a_middle_revision()
    {
        var store = etcd.NewStore();
        var versions = new List<Resource>();
        var pod = await store.CreateAsync(Objects.Pod("ns1", "a", 0));
        for (var n = 1; n <= 4; n++)
        {
            pod = await store.UpdateAsync(pod.WithN(n));
            versions.Add(pod);
        }

        var events = await Collect(store.WatchAsync(ResourceType.Pod, "ns1", versions[1].Metadata.ResourceVersion!), 2);

        Assert.Equal([3, 4], events.Select(e => e.Object!.N()));
        Assert.All(events, e => Assert.Equal(WatchEventType.Modified, e.Type));
    }

    [Fact]
    public async Task Watch_filters_by_namespace_and_type()
    {
        var store = etcd.NewStore();
        var start = (await store.ListAsync(ResourceType.Pod)).Revision;
        await store.CreateAsync(Objects.Pod("ns10", "other-namespace"));
        await store.CreateAsync(Objects.Block("other-type", "10.0.0.0/26"));
        await store.CreateAsync(Objects.Pod("ns1", "mine"));

        var events = await Collect(store.WatchAsync(ResourceType.Pod, "ns1", start), 1);
        Assert.Equal("mine", Assert.Single(events).Object!.Metadata.Name);

        // Nothing else arrives: the next thing is a bookmark, not the other objects.
        var fast = etcd.NewStore(FastBookmarks);
        await fast.CreateAsync(Objects.Pod("ns10", "x"));
        var first = (await Collect(fast.WatchAsync(ResourceType.Pod, "ns1", start), 1))[0];
        Assert.Equal(WatchEventType.Bookmark, first.Type);
    }

    [Fact]
    public async Task Idle_watch_yields_bookmarks_with_the_current_revision()
    {
        var store = etcd.NewStore(FastBookmarks);
        var created = await store.CreateAsync(Objects.Pod("ns1", "a"));

        var events = await Collect(store.WatchAsync(ResourceType.Pod, null, created.Metadata.ResourceVersion!), 2);

        Assert.All(events, e => Assert.Equal(WatchEventType.Bookmark, e.Type));
        Assert.All(events, e => Assert.Null(e.Object));
        Assert.All(events, e => Assert.True(long.Parse(e.Revision) >= long.Parse(created.Metadata.ResourceVersion!)));
    }

    [Fact]
    public async Task Watch_then_write_delivers_the_write_live()
    {
        var store = etcd.NewStore();
        var start = (await store.ListAsync(ResourceType.Pod)).Revision;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var events = store.WatchAsync(ResourceType.Pod, null, start, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        await Task.Delay(200);
        Assert.False(next.IsCompleted);

        var created = await store.CreateAsync(Objects.Pod("ns1", "live"));
        Assert.True(await next);
        Assert.Equal(WatchEventType.Added, events.Current.Type);
        Assert.Equal(created.Metadata.ResourceVersion, events.Current.Revision);
    }

    [Fact]
    public void Watch_with_a_malformed_revision_fails_at_the_call()
    {
        var store = etcd.NewStore();
        var e = Assert.Throws<ArgumentException>(() => store.WatchAsync(ResourceType.Pod, null, "abc"));
        Assert.Contains("'abc'", e.Message);
    }

    /// <summary>The first <paramref name="count"/> events (bookmarks included), failing after 10 s.</summary>
    internal static async Task<List<WatchEvent>> Collect(IAsyncEnumerable<WatchEvent> watch, int count)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<WatchEvent>();
        await foreach (var e in watch.WithCancellation(cts.Token))
        {
            events.Add(e);
            if (events.Count == count)
            {
                break;
            }
        }
        return events;
    }
}
