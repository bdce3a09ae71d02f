using System.Globalization;
using System.Text.Json.Nodes;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Mvccpb;
using Weft.Model;

namespace Weft.Store.Etcd;

/// <summary>
/// <see cref="IResourceStore"/> on etcd v3: one key per object, resourceVersion = the key's mod_revision,
/// compare-and-swap on that revision, and etcd watches for change streams. See README.md for the contract.
/// </summary>
public sealed partial class EtcdStore : IResourceStore
{
    // Unconditional updates retry a lost compare-and-swap; past this many, contention is pathological.
    private const int MaxUpdateAttempts = 20;

    private readonly GrpcChannel _channel;
    private readonly KV.KVClient _kv;
    private readonly Watch.WatchClient _watch;
    private readonly EtcdKeys _keys;
    private readonly EtcdStoreOptions _options;

    private EtcdStore(string endpoint, string keyPrefix, EtcdStoreOptions options)
    {
        _channel = EtcdChannel.Create(endpoint);
        _kv = new KV.KVClient(_channel);
        _watch = new Watch.WatchClient(_channel);
        _keys = new EtcdKeys(keyPrefix);
        _options = options;
        Endpoint = endpoint;
        KeyPrefix = keyPrefix;
    }

    /// <summary>Where etcd is: <c>unix:///abs/path</c> or <c>http://host:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The root of every key this store reads or writes.</summary>
    public string KeyPrefix { get; }

    /// <summary>
    /// Creates a store for <paramref name="endpoint"/> (<c>unix:///abs/path/to/socket</c> or <c>http://127.0.0.1:2379</c>).
    /// Nothing is sent yet: an unreachable etcd shows as <see cref="StoreUnavailableException"/> on the first call.
    /// </summary>
    public static EtcdStore Connect(string endpoint, string keyPrefix = "/weft", EtcdStoreOptions? options = null)
    {
        if (!keyPrefix.StartsWith('/'))
        {
            throw new ArgumentException($"etcd key prefix '{keyPrefix}' must start with '/'", nameof(keyPrefix));
        }
        return new EtcdStore(endpoint, keyPrefix, options ?? new EtcdStoreOptions());
    }

    /// <inheritdoc />
    public async Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default)
    {
        var kv = await GetRawAsync(_keys.Object(key), ct);
        return kv is null ? null : EtcdCodec.Decode(kv);
    }

    /// <inheritdoc />
    public async Task<ResourceList> ListAsync(ResourceType type, string? ns = null, CancellationToken ct = default)
    {
        var prefix = _keys.Range(type, ns);
        var request = new RangeRequest { Key = prefix, RangeEnd = EtcdKeys.RangeEnd(prefix) };
        var response = await CallAsync(o => _kv.RangeAsync(request, o), ct);
        var items = response.Kvs.Select(kv => EtcdCodec.Decode(kv)).ToList();
        return new ResourceList(items, EtcdCodec.Revision(response.Header.Revision));
    }

    /// <inheritdoc />
    public async Task<Resource> CreateAsync(Resource obj, CancellationToken ct = default)
    {
        if (obj.Metadata.ResourceVersion is not null)
        {
            throw new ArgumentException($"{obj.Key}: metadata.resourceVersion must not be set on create (is '{obj.Metadata.ResourceVersion}')");
        }
        var created = obj.Clone();
        created.Metadata.Uid = Guid.NewGuid().ToString();
        created.Metadata.CreationTimestamp = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        created.Metadata.Generation = 1;
        var key = _keys.Object(created.Key);
        var txn = new TxnRequest();
        txn.Compare.Add(new Compare { Key = key, Target = Compare.Types.CompareTarget.Create, Result = Compare.Types.CompareResult.Equal, CreateRevision = 0 });
        txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = EtcdCodec.Encode(created) } });
        var response = await CallAsync(o => _kv.TxnAsync(txn, o), ct);
        if (!response.Succeeded)
        {
            throw new AlreadyExistsException(created.Key);
        }
        created.Metadata.ResourceVersion = EtcdCodec.Revision(response.Header.Revision);
        return created;
    }

    /// <inheritdoc />
    public async Task<Resource> UpdateAsync(Resource obj, CancellationToken ct = default)
    {
        var key = _keys.Object(obj.Key);
        var expected = obj.Metadata.ResourceVersion;
        long? wanted = expected is null ? null : EtcdCodec.ParseRevision(expected, $"{obj.Key}: metadata.resourceVersion");
        for (var attempt = 0; attempt < MaxUpdateAttempts; attempt++)
        {
            // Reading first keeps uid, creationTimestamp and generation from the stored object; the
            // compare on the read mod_revision makes read and write one atomic step.
            var current = await GetRawAsync(key, ct) ?? throw new NotFoundException(obj.Key);
            if (wanted is long w && current.ModRevision != w)
            {
                throw new ConflictException(obj.Key, expected);
            }
            var stored = EtcdCodec.Decode(current);
            var updated = obj.Clone();
            updated.Metadata.Uid = stored.Metadata.Uid;
            updated.Metadata.CreationTimestamp = stored.Metadata.CreationTimestamp;
            updated.Metadata.Generation = stored.Metadata.Generation + (SpecChanged(stored, updated) ? 1 : 0);
            var txn = new TxnRequest();
            txn.Compare.Add(ModRevisionIs(key, current.ModRevision));
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = key, Value = EtcdCodec.Encode(updated) } });
            var response = await CallAsync(o => _kv.TxnAsync(txn, o), ct);
            if (response.Succeeded)
            {
                updated.Metadata.ResourceVersion = EtcdCodec.Revision(response.Header.Revision);
                return updated;
            }
            // Lost the race: the next read tells NotFound from Conflict, or retries an unconditional update.
        }
        throw new ConflictException(obj.Key, expected);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(ResourceKey key, string? resourceVersion = null, CancellationToken ct = default)
    {
        var etcdKey = _keys.Object(key);
        if (resourceVersion is null)
        {
            var request = new DeleteRangeRequest { Key = etcdKey };
            var deleted = await CallAsync(o => _kv.DeleteRangeAsync(request, o), ct);
            return deleted.Deleted > 0;
        }
        var wanted = EtcdCodec.ParseRevision(resourceVersion, $"{key}: resourceVersion");
        var txn = new TxnRequest();
        txn.Compare.Add(ModRevisionIs(etcdKey, wanted));
        txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = etcdKey } });
        txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = etcdKey, KeysOnly = true } });
        var response = await CallAsync(o => _kv.TxnAsync(txn, o), ct);
        if (response.Succeeded)
        {
            return response.Responses[0].ResponseDeleteRange.Deleted > 0;
        }
        if (response.Responses[0].ResponseRange.Kvs.Count == 0)
        {
            return false;
        }
        throw new ConflictException(key, resourceVersion);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _channel.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<KeyValue?> GetRawAsync(ByteString key, CancellationToken ct)
    {
        var request = new RangeRequest { Key = key };
        var response = await CallAsync(o => _kv.RangeAsync(request, o), ct);
        return response.Kvs.Count == 0 ? null : response.Kvs[0];
    }

    private static Compare ModRevisionIs(ByteString key, long revision) =>
        new() { Key = key, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = revision };

    /// <summary>As Kubernetes does: generation counts changes to anything but metadata and status.</summary>
    private static bool SpecChanged(Resource before, Resource after)
    {
        var a = before.Body.DeepClone().AsObject();
        var b = after.Body.DeepClone().AsObject();
        a.Remove("status");
        b.Remove("status");
        return !JsonNode.DeepEquals(a, b);
    }

    /// <summary>Runs one request with a deadline, so an unreachable etcd is an error in seconds, not a hang.</summary>
    private async Task<T> CallAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(new CallOptions(deadline: DateTime.UtcNow + _options.CallTimeout, cancellationToken: ct));
        }
        catch (RpcException e) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("etcd request cancelled", e, ct);
        }
        catch (RpcException e)
        {
            throw IsTransient(e.StatusCode)
                ? new StoreUnavailableException(Endpoint, e)
                : new StoreException($"etcd at {Endpoint} refused the request: {e.Status.StatusCode} {e.Status.Detail}", e);
        }
    }

    /// <summary>Failures that mean "etcd is not reachable now" rather than "etcd rejected this request".</summary>
    internal static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled or StatusCode.Aborted;
}
