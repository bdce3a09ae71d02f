using System.Runtime.CompilerServices;
using Weft.Model;
using Weft.Store;

namespace Weft.Ipam.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Keeps the state in memory; can be told to fail the next saves.</summary>
internal sealed class MemoryJournal : IAllocationJournal
{
    private IpamState? _state;

    public int Saves { get; private set; }

    public bool Broken { get; set; }

    public IpamState? Load() => _state;

    public void Save(IpamState state)
    {
        if (Broken)
        {
            throw new IOException("disk full (test)");
        }
        _state = state;
        Saves++;
    }
}

/// <summary>Passes calls to a real store, or fails them as an unreachable store would.</summary>
internal sealed class FlakyStore(IResourceStore inner) : IResourceStore
{
    /// <summary>Every call throws StoreUnavailableException before reaching the store.</summary>
    public bool Down { get; set; }

    /// <summary>Creates and deletes reach the store, then the reply is "lost" (StoreUnavailableException).</summary>
    public bool LoseReplies { get; set; }

    public Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default) => Guard(() => inner.GetAsync(key, ct));

    public Task<ResourceList> ListAsync(ResourceType type, string? ns = null, CancellationToken ct = default) =>
        Guard(() => inner.ListAsync(type, ns, ct));

    public Task<Resource> CreateAsync(Resource obj, CancellationToken ct = default) => Guard(() => inner.CreateAsync(obj, ct), lossy: true);

    public Task<Resource> UpdateAsync(Resource obj, CancellationToken ct = default) => Guard(() => inner.UpdateAsync(obj, ct));

    public Task<bool> DeleteAsync(ResourceKey key, string? resourceVersion = null, CancellationToken ct = default) =>
        Guard(() => inner.DeleteAsync(key, resourceVersion, ct), lossy: true);

    public async IAsyncEnumerable<WatchEvent> WatchAsync(
        ResourceType type, string? ns, string fromRevision, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var e in inner.WatchAsync(type, ns, fromRevision, ct))
        {
            yield return e;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<T> Guard<T>(Func<Task<T>> call, bool lossy = false)
    {
        if (Down)
        {
            throw new StoreUnavailableException("flaky://test");
        }
        var result = await call();
        return lossy && LoseReplies ? throw new StoreUnavailableException("flaky://test") : result;
    }
}
