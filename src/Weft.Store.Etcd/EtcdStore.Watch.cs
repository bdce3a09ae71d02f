using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Google.Protobuf;
using Weft.Model;

namespace Weft.Store.Etcd;

public sealed partial class EtcdStore
{
    /// <inheritdoc />
    public IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? ns, string fromRevision, CancellationToken ct = default)
    {
        // Checked here, not inside the iterator, so a bad revision fails at the call.
        var from = EtcdCodec.ParseRevision(fromRevision, $"watch {type}: fromRevision");
        return WatchCoreAsync(_keys.Range(type, ns), from, ct);
    }

    private async IAsyncEnumerable<WatchEvent> WatchCoreAsync(ByteString prefix, long from, [EnumeratorCancellation] CancellationToken ct)
    {
        // A pump owns the etcd stream (reconnects, bookmarks); the bounded channel gives it backpressure.
        var events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = new EtcdWatcher(_watch, _options, Endpoint, prefix, from, events.Writer);
        var pump = watcher.RunAsync(stop.Token);
        try
        {
            while (await WaitToReadAsync(events.Reader, ct))
            {
                while (events.Reader.TryRead(out var e))
                {
                    yield return e;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
        }
    }

    /// <summary>Surfaces the pump's own exception (RevisionExpired, StoreUnavailable), not a channel wrapper.</summary>
    private static async ValueTask<bool> WaitToReadAsync(ChannelReader<WatchEvent> reader, CancellationToken ct)
    {
        try
        {
            return await reader.WaitToReadAsync(ct);
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }
}
