using Weft.Model;

namespace Weft.Store;

/// <summary>
/// The only state store Weft uses. It offers exactly what the Kubernetes API offers, so that the
/// etcd backend (standalone, lab) and the Kubernetes backend (production) are interchangeable:
/// per-object optimistic concurrency on resourceVersion, list at a revision, and watch that
/// resumes from a revision or tells the caller to relist. There are no multi-object transactions:
/// any invariant that spans objects must be kept by single-object compare-and-swap and
/// crash-safe ordering.
/// </summary>
public interface IResourceStore : IAsyncDisposable
{
    /// <summary>The object, or null when it does not exist.</summary>
    Task<Resource?> GetAsync(ResourceKey key, CancellationToken ct = default);

    /// <summary>All objects of a type (in one namespace, or all when null), with the revision the list was read at.</summary>
    Task<ResourceList> ListAsync(ResourceType type, string? ns = null, CancellationToken ct = default);

    /// <summary>Creates the object; sets uid, creationTimestamp and resourceVersion. Throws <see cref="AlreadyExistsException"/>.</summary>
    Task<Resource> CreateAsync(Resource obj, CancellationToken ct = default);

    /// <summary>
    /// Replaces the object if its metadata.resourceVersion still matches the stored one; throws
    /// <see cref="ConflictException"/> when it does not, <see cref="NotFoundException"/> when the object is gone.
    /// A null resourceVersion means an unconditional update (as kubectl replace without one).
    /// </summary>
    Task<Resource> UpdateAsync(Resource obj, CancellationToken ct = default);

    /// <summary>
    /// Deletes the object; with a resourceVersion, only if it still matches (else <see cref="ConflictException"/>).
    /// Returns false when the object did not exist.
    /// </summary>
    Task<bool> DeleteAsync(ResourceKey key, string? resourceVersion = null, CancellationToken ct = default);

    /// <summary>
    /// Events for a type after <paramref name="fromRevision"/> (exclusive), in order, until cancelled.
    /// Throws <see cref="RevisionExpiredException"/> (at once or later) when the history needed is gone:
    /// the caller must relist. Bookmark events carry the current revision and no object.
    /// </summary>
    IAsyncEnumerable<WatchEvent> WatchAsync(ResourceType type, string? ns, string fromRevision, CancellationToken ct = default);
}

public sealed record ResourceList(IReadOnlyList<Resource> Items, string Revision);

public enum WatchEventType { Added, Modified, Deleted, Bookmark }

/// <summary>For Deleted, <see cref="Object"/> is the last state before deletion.</summary>
public sealed record WatchEvent(WatchEventType Type, Resource? Object, string Revision);

public class StoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class NotFoundException(ResourceKey key) : StoreException($"{key} not found")
{
    public ResourceKey Key { get; } = key;
}

public sealed class AlreadyExistsException(ResourceKey key) : StoreException($"{key} already exists")
{
    public ResourceKey Key { get; } = key;
}

public sealed class ConflictException(ResourceKey key, string? expected)
    : StoreException($"{key} was modified concurrently (expected resourceVersion {expected ?? "none"}); re-read and retry")
{
    public ResourceKey Key { get; } = key;
}

public sealed class RevisionExpiredException(string revision)
    : StoreException($"revision {revision} is no longer available (compacted); relist")
{
    public string Revision { get; } = revision;
}

/// <summary>The backend cannot be reached; names where it was looked for.</summary>
public sealed class StoreUnavailableException(string endpoint, Exception? inner = null)
    : StoreException($"datastore at {endpoint} is unreachable" + (inner is null ? "" : ": " + inner.Message), inner)
{
    public string Endpoint { get; } = endpoint;
}
