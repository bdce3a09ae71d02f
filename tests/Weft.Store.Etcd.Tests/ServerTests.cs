using Weft.Model;
using Weft.TestKit;

namespace Weft.Store.Etcd.Tests;

/// <summary>Tests that need an etcd of their own: compaction, restarts and stopping touch the whole server.</summary>
public sealed class ServerTests
{
    [Fact]
    public async Task Watch_from_a_compacted_revision_throws_RevisionExpired()
    {
        await using var own = await PrivateServer.StartAsync();
        await using var store = EtcdStore.Connect(own.Server.Endpoint, "/t");
        var old = await store.CreateAsync(Objects.Pod("ns1", "a", 0));
        var latest = await store.UpdateAsync(old.WithN(1));
        await store.UpdateAsync(latest.WithN(2));
        var current = (await store.ListAsync(ResourceType.Pod)).Revision;

        await own.Server.CompactAsync(current);

        var e = await Assert.ThrowsAsync<RevisionExpiredException>(() => WatchTests.Collect(
            store.WatchAsync(ResourceType.Pod, null, old.Metadata.ResourceVersion!), 1));
        Assert.Equal(old.Metadata.ResourceVersion, e.Revision);
        // The relist path works: a watch from the compaction revision itself delivers later changes.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var events = store.WatchAsync(ResourceType.Pod, null, current, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        await store.CreateAsync(Objects.Pod("ns1", "later"));
        Assert.True(await next);
        Assert.Equal("later", events.Current.Object!.Metadata.Name);
    }

    [Fact]
    public async Task Watch_survives_an_etcd_restart_and_resumes_from_the_last_revision()
    {
        await using var own = await PrivateServer.StartAsync();
        var options = new EtcdStoreOptions { ReconnectTimeout = TimeSpan.FromSeconds(20) };
        await using var store = EtcdStore.Connect(own.Server.Endpoint, "/t", options);
        var start = (await store.ListAsync(ResourceType.Pod)).Revision;
        await store.CreateAsync(Objects.Pod("ns1", "before"));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = store.WatchAsync(ResourceType.Pod, null, start, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal("before", events.Current.Object!.Metadata.Name);

        await own.Server.StopAsync();
        var next = events.MoveNextAsync().AsTask();
        own.Server = await EtcdServer.StartAsync(own.Directory);
        await store.CreateAsync(Objects.Pod("ns1", "after"));

        Assert.True(await next);
        Assert.Equal(WatchEventType.Added, events.Current.Type);
        Assert.Equal("after", events.Current.Object!.Metadata.Name);
    }

    [Fact]
    public async Task Stop_kills_only_its_own_etcd()
    {
        await using var one = await PrivateServer.StartAsync();
        await using var two = await PrivateServer.StartAsync();
        var pid = one.Server.Pid;
        Assert.NotEqual(pid, two.Server.Pid);

        await one.Server.StopAsync();

        Assert.False(IsAlive(pid));
        Assert.True(IsAlive(two.Server.Pid));
        await using var store = EtcdStore.Connect(two.Server.Endpoint, "/t");
        Assert.Empty((await store.ListAsync(ResourceType.Pod)).Items);
        Assert.True(File.Exists(Path.Combine(one.Directory, "etcd.log")), "stop removes no files");
    }

    [Fact]
    public async Task Detached_etcd_is_found_again_by_Attach_and_keeps_data_across_restarts()
    {
        await using var own = await PrivateServer.StartAsync(detached: true);
        Assert.Equal(own.Server.Pid.ToString(), (await File.ReadAllTextAsync(Path.Combine(own.Directory, "etcd.pid"))).Trim());
        // Its own session: it does not die with our process group.
        Assert.Equal(own.Server.Pid.ToString(), File.ReadAllText($"/proc/{own.Server.Pid}/stat").Split(' ')[5]);

        var attached = EtcdServer.Attach(own.Directory);
        Assert.NotNull(attached);
        Assert.Equal(own.Server.Pid, attached.Pid);
        Assert.Equal(own.Server.Endpoint, attached.Endpoint);
        await using (var store = EtcdStore.Connect(attached.Endpoint, "/t"))
        {
            await store.CreateAsync(Objects.Pod("ns1", "kept"));
        }

        await attached.StopAsync();
        Assert.False(IsAlive(own.Server.Pid));
        Assert.Null(EtcdServer.Attach(own.Directory));

        own.Server = await EtcdServer.StartAsync(own.Directory);
        await using var again = EtcdStore.Connect(own.Server.Endpoint, "/t");
        Assert.NotNull(await again.GetAsync(new ResourceKey("", "Pod", "ns1", "kept")));
    }

    [Fact]
    public async Task A_directory_too_long_for_a_unix_socket_is_refused_naming_it()
    {
        var dir = "/tmp/" + new string('x', 110);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => EtcdServer.StartAsync(dir));
        Assert.Contains(dir, e.Message);
        Assert.False(Directory.Exists(dir));
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            var state = File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>An etcd in its own directory, stopped and removed at the end even when the test fails.</summary>
    private sealed class PrivateServer(EtcdServer server) : IAsyncDisposable
    {
        public EtcdServer Server { get; set; } = server;

        public string Directory => Server.Directory;

        public static async Task<PrivateServer> StartAsync(bool detached = false) => new(await EtcdFixture.StartInNewDirectoryAsync(detached));

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
