using System.Security.Cryptography;
using Weft.Linux.Netns;

namespace Weft.Linux.Netlink.Tests;

/// <summary>
/// A throwaway named network namespace ("wt" + random hex) with a netlink socket opened inside
/// it; Dispose deletes both, so tests clean up on failure too.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    private readonly Lazy<RtNetlink> _netlink;

    private TestNetns(string name)
    {
        Name = name;
        Ns = NetNamespace.Create(name);
        _netlink = new Lazy<RtNetlink>(() => Ns.Run(RtNetlink.Open));
    }

    public string Name { get; }

    public NetNamespace Ns { get; }

    public RtNetlink Netlink => _netlink.Value;

    public static TestNetns Create() => new(UniqueName());

    /// <summary>"wt" + 6 random hex digits: unique, and short enough to extend into an interface name.</summary>
    public static string UniqueName() => "wt" + RandomNumberGenerator.GetHexString(6, lowercase: true);

    /// <summary>The "net:[INODE]" link text of the calling thread's namespace.</summary>
    public static string CurrentThreadNamespace() => new FileInfo("/proc/thread-self/ns/net").LinkTarget!;

    public static byte[] Mac(byte last) => [0x02, 0x57, 0x54, 0x00, 0x00, last];

    public void Dispose()
    {
        if (_netlink.IsValueCreated)
        {
            _netlink.Value.Dispose();
        }

        Ns.Dispose();
        NetNamespace.Delete(Name);
    }
}
