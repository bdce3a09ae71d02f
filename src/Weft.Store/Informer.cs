using Weft.Model;

namespace Weft.Store;

/// <summary>
/// A local cache of one resource type, kept current by list-then-watch: it resumes the watch after a
/// break and relists when the store says the revision is gone, so no deletion is ever missed (a
/// deletion missed during a gap is how IPAM GC leaks). Consumers are level-triggered: they are told
/// that something changed and re-read <see cref="Items"/>, which makes them correct after any gap.
/// </summary>
public sealed class Informer : IAsyncDisposable
{
    private readonly IResourceStore _store;
    private readonly ResourceType _type;
    private readonly string? _namespace;
    private readonly Action<string> _log;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private Dictionary<ResourceKey, Resource> _items = [];
    private Task? _loop;
    private string _revision = "0";

    public Informer(IResourceStore store, ResourceType type, string? ns = null, Action<string>? log = null)
    {
        _store = store;
        _type = type;
        _namespace = ns;
        _log = log ?? (_ => { });
    }

    /// <summary>Raised (on a background thread) after the cache changed. Handlers must be quick.</summary>
    public event Action? Changed;

    public bool HasSynced { get; private set; }

    public IReadOnlyList<Resource> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items.Values];
            }
        }
    }

    public Resource? Get(ResourceKey key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    /// <summary>Lists once (so the cache is complete when this returns), then watches in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await RelistAsync(ct);
        HasSynced = true;
        _loop = Task.Run(() => WatchLoopAsync(_stop.Token), CancellationToken.None);
    }

    private async Task RelistAsync(CancellationToken ct)
    {
        var list = await _store.ListAsync(_type, _namespace, ct);
        lock (_lock)
        {
            _items = list.Items.ToDictionary(r => r.Key);
            _revision = list.Revision;
        }
        Changed?.Invoke();
    }

    private async Task WatchLoopAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await foreach (var ev in _store.WatchAsync(_type, _namespace, _revision, ct))
                {
                    Apply(ev);
                    backoff = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (RevisionExpiredException)
            {
                _log($"{_type}: watch history gone, relisting");
                await TryAsync(() => RelistAsync(ct));
            }
            catch (Exception e)
            {
                _log($"{_type}: watch failed ({e.Message}); retrying in {backoff.TotalMilliseconds:0} ms");
                await TryAsync(() => Task.Delay(backoff, ct));
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private static async Task TryAsync(Func<Task> f)
    {
        try
        {
            await f();
        }
        catch (Exception)
        {
            // The loop retries; the failure was already logged by the caller or will be on the next attempt.
        }
    }

    private void Apply(WatchEvent ev)
    {
        lock (_lock)
        {
            _revision = ev.Revision;
            if (ev.Object is null)
            {
                return;
            }
            if (ev.Type == WatchEventType.Deleted)
            {
                _items.Remove(ev.Object.Key);
            }
            else
            {
                _items[ev.Object.Key] = ev.Object;
            }
        }
        if (ev.Type != WatchEventType.Bookmark)
        {
            Changed?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }
}
