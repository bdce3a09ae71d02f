using System.Diagnostics;
using Weft.Model;
using Weft.TestKit;

namespace Weft.Store.Etcd.Tests;

public sealed class UnavailableTests
{
    [Theory]
    [InlineData("unix:///tmp/wt-no-such-dir/localhost:0")]
    [InlineData("http://127.0.0.1:1")]
    public async Task Calls_to_an_unreachable_etcd_fail_fast_naming_the_endpoint(string endpoint)
    {
        await using var store = EtcdStore.Connect(endpoint);
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetAsync(new ResourceKey("", "Pod", "ns1", "a")));
        await Assert.ThrowsAsync<StoreUnavailableException>(() => store.CreateAsync(Objects.Pod("ns1", "a")));

        Assert.Equal(endpoint, e.Endpoint);
        Assert.Contains(endpoint, e.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Watch_on_an_unreachable_etcd_gives_up_after_the_reconnect_timeout()
    {
        const string endpoint = "unix:///tmp/wt-no-such-dir/localhost:0";
        await using var store = EtcdStore.Connect(endpoint, "/weft", new EtcdStoreOptions { ReconnectTimeout = TimeSpan.FromSeconds(1) });
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => WatchTests.Collect(store.WatchAsync(ResourceType.Pod, null, "1"), 1));

        Assert.Equal(endpoint, e.Endpoint);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task A_stopped_etcd_gives_StoreUnavailable_not_a_hang()
    {
        var server = await EtcdFixture.StartInNewDirectoryAsync();
        try
        {
            await using var store = EtcdStore.Connect(server.Endpoint, "/t");
            await store.CreateAsync(Objects.Pod("ns1", "a"));
            await server.StopAsync();
            var clock = Stopwatch.StartNew();

            var e = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.ListAsync(ResourceType.Pod));

            Assert.Equal(server.Endpoint, e.Endpoint);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(server.Directory, recursive: true);
        }
    }
}
