namespace Weft.Store.Etcd;

/// <summary>Timing of an <see cref="EtcdStore"/>; the defaults suit a local etcd.</summary>
public sealed record EtcdStoreOptions
{
    /// <summary>Deadline of every single request; past it the store reports <see cref="StoreUnavailableException"/>.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A watch that has seen nothing for this long asks etcd for its progress and yields a Bookmark.</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a broken watch keeps trying to reconnect before it throws <see cref="StoreUnavailableException"/>.</summary>
    public TimeSpan ReconnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
