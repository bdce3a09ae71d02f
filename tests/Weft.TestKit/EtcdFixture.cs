using System.Security.Cryptography;
using Weft.Store;
using Weft.Store.Etcd;
using Xunit;

namespace Weft.TestKit;

/// <summary>
/// One real etcd (unix sockets only) in a short unique directory, /tmp/wtetcd-&lt;hex&gt;, for a test class
/// (<c>IClassFixture&lt;EtcdFixture&gt;</c>) or a collection. <see cref="NewStore"/> gives each test its own key
/// prefix, so tests sharing the server never see each other's objects. Do not compact this shared server:
/// that would expire other tests' watches; start a private <see cref="EtcdServer"/> for compaction tests.
/// </summary>
public sealed class EtcdFixture : IAsyncLifetime
{
    private readonly List<EtcdStore> _stores = [];
    private EtcdServer? _server;

    /// <summary>The running server; valid after xunit initialised the fixture.</summary>
    public EtcdServer Server => _server ?? throw new InvalidOperationException("EtcdFixture is not initialised yet");

    /// <summary>The client endpoint, unix://…/localhost:0.</summary>
    public string Endpoint => Server.Endpoint;

    public async Task InitializeAsync() => _server = await StartInNewDirectoryAsync();

    /// <summary>
    /// Starts an etcd of its own in a fresh directory, removing the directory again if the start fails.
    /// The caller stops it and deletes <see cref="EtcdServer.Directory"/>.
    /// </summary>
    public static async Task<EtcdServer> StartInNewDirectoryAsync(bool detached = false)
    {
        var dir = NewDirectory();
        try
        {
            return await EtcdServer.StartAsync(dir, detached);
        }
        catch
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
            throw;
        }
    }

    /// <summary>A store under a fresh key prefix (/wt&lt;hex&gt;); disposed with the fixture.</summary>
    public EtcdStore NewStore(EtcdStoreOptions? options = null)
    {
        var store = EtcdStore.Connect(Endpoint, "/" + UniqueName(), options);
        lock (_stores)
        {
            _stores.Add(store);
        }
        return store;
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        if (_server is not null)
        {
            await _server.DisposeAsync();
            Directory.Delete(_server.Directory, recursive: true);
        }
    }

    /// <summary>A fresh short directory for an etcd (unix socket paths are limited to 107 bytes).</summary>
    public static string NewDirectory() => Path.Combine("/tmp", "wtetcd-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3)));

    /// <summary>"wt" and 6 random hex characters.</summary>
    public static string UniqueName() => "wt" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
}
