using System.Security.Cryptography;
using Weft.Linux.Netns;

namespace Weft.Linux.Nftables.Tests;

/// <summary>
/// A throwaway network namespace ("wt" + random hex) with an <see cref="NftRunner"/> whose nft runs
/// inside it. Dispose deletes the namespace, and with it every table the test made.
/// </summary>
internal sealed class NftNamespace : IDisposable
{
    public NftNamespace(string table = "weft")
    {
        Name = "wt" + RandomNumberGenerator.GetHexString(6, lowercase: true);
        Ns = NetNamespace.Create(Name);
        Nft = Ns.Run(() => new NftRunner(table));
    }

    public string Name { get; }

    public NetNamespace Ns { get; }

    public NftRunner Nft { get; }

    /// <summary>A runner for another table in the same namespace (a "foreign" table).</summary>
    public NftRunner Other(string table) => Ns.Run(() => new NftRunner(table));

    public void Dispose()
    {
        Nft.Dispose();
        Ns.Dispose();
        NetNamespace.Delete(Name);
    }
}
