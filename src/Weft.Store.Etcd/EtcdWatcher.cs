using System.Threading.Channels;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Mvccpb;

namespace Weft.Store.Etcd;

/// <summary>
/// Feeds one store watch: keeps an etcd watch stream open from the last revision delivered, reopens it when the
/// connection breaks, and turns idle periods into bookmarks. It never throws; it completes the channel instead.
/// </summary>
internal sealed class EtcdWatcher(
    Watch.WatchClient client, EtcdStoreOptions options, string endpoint, ByteString prefix, long from, ChannelWriter<WatchEvent> output)
{
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(1);

    // Every event up to and including this revision has been delivered; a new stream starts after it.
    private long _delivered = from;
    private DateTime? _failingSince;

    public async Task RunAsync(CancellationToken ct)
    {
        Exception? error = null;
        try
        {
            var backoff = MinBackoff;
            while (true)
            {
                if (_failingSince is null)
                {
                    backoff = MinBackoff;
                }
                try
                {
                    await StreamAsync(ct);
                }
                catch (RpcException e) when (!ct.IsCancellationRequested && EtcdStore.IsTransient(e.StatusCode))
                {
                    _failingSince ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - _failingSince > options.ReconnectTimeout)
                    {
                        throw new StoreUnavailableException(endpoint, e);
                    }
                }
                await Task.Delay(backoff, ct);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        catch (Exception e)
        {
            error = ct.IsCancellationRequested ? new OperationCanceledException(ct) : e;
        }
        finally
        {
            output.TryComplete(error);
        }
    }

    /// <summary>One etcd watch stream, until it ends or fails.</summary>
    private async Task StreamAsync(CancellationToken ct)
    {
        using var call = client.Watch(cancellationToken: ct);
        await call.RequestStream.WriteAsync(new WatchRequest
        {
            CreateRequest = new WatchCreateRequest
            {
                Key = prefix,
                RangeEnd = EtcdKeys.RangeEnd(prefix),
                StartRevision = _delivered + 1,
                PrevKv = true,
            },
        }, ct);
        var next = call.ResponseStream.MoveNext(ct);
        while (true)
        {
            bool more;
            try
            {
                more = await next.WaitAsync(options.BookmarkInterval, ct);
            }
            catch (TimeoutException)
            {
                // Idle: etcd answers a progress request with its current revision once this watcher is caught up.
                await call.RequestStream.WriteAsync(new WatchRequest { ProgressRequest = new WatchProgressRequest() }, ct);
                continue;
            }
            if (!more)
            {
                return;
            }
            _failingSince = null;
            await DeliverAsync(call.ResponseStream.Current, ct);
            next = call.ResponseStream.MoveNext(ct);
        }
    }

    private async Task DeliverAsync(WatchResponse response, CancellationToken ct)
    {
        if (response.CompactRevision > 0)
        {
            throw new RevisionExpiredException(EtcdCodec.Revision(_delivered));
        }
        if (response.Canceled)
        {
            throw new StoreException($"etcd at {endpoint} cancelled the watch on '{EtcdKeys.Describe(prefix)}': {response.CancelReason}");
        }
        if (response.Created)
        {
            return;
        }
        if (response.Events.Count == 0)
        {
            _delivered = Math.Max(_delivered, response.Header.Revision);
            await output.WriteAsync(new WatchEvent(WatchEventType.Bookmark, null, EtcdCodec.Revision(_delivered)), ct);
            return;
        }
        foreach (var e in response.Events)
        {
            await output.WriteAsync(ToWatchEvent(e), ct);
            _delivered = e.Kv.ModRevision;
        }
    }

    private WatchEvent ToWatchEvent(Event e)
    {
        var revision = e.Kv.ModRevision;
        if (e.Type == Event.Types.EventType.Delete)
        {
            // etcd omits prev_kv when the state before the delete is already compacted away;
            // without the last state the caller cannot act on the deletion, so it must relist.
            if (e.PrevKv is null)
            {
                throw new RevisionExpiredException(EtcdCodec.Revision(revision - 1));
            }
            return new WatchEvent(WatchEventType.Deleted, EtcdCodec.Decode(e.PrevKv, revision), EtcdCodec.Revision(revision));
        }
        var type = e.Kv.CreateRevision == revision ? WatchEventType.Added : WatchEventType.Modified;
        return new WatchEvent(type, EtcdCodec.Decode(e.Kv), EtcdCodec.Revision(revision));
    }
}
