using System.Net;
using System.Net.Sockets;
using Weft.Dataplane;
using Weft.Ipam;
using Weft.Ipam.Pools;
using Weft.Model;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Level-triggered: any change to Nodes, IPBlocks or IPClaims schedules one full recompute of the routes to
/// other nodes' blocks and to the claimed addresses (fixed IPs, pool addresses) of pods on other nodes, which
/// no block covers: a /32 or /128 each. Bursts collapse into one sync; a failed sync is retried.
/// </summary>
internal sealed class RouteController(string nodeName, Informer nodes, Informer blocks, Informer claims, NodeRoutes routes)
{
    private SyncLoop? _loop;

    public void Start(CancellationToken ct)
    {
        _loop = new SyncLoop("route", Sync);
        nodes.Changed += _loop.Kick;
        blocks.Changed += _loop.Kick;
        claims.Changed += _loop.Kick;
        _loop.Kick();
        _loop.Start(ct);
    }

    private void Sync()
    {
        var desired = Desired();
        var changes = routes.Sync(desired);
        if (changes > 0)
        {
            Log.Info($"routes: {changes} change(s); {desired.Count} remote block(s) and claimed address(es)");
        }
    }

    internal List<RemoteBlock> Desired()
    {
        var byName = nodes.Items.ToDictionary(n => n.Metadata.Name, n => new NodeView(n));
        var remote = blocks.Items.Select(IpBlocks.Read).Select(b => (b.Cidr, b.NodeName))
            .Concat(claims.Items.Select(Claim).OfType<IpClaim>().Select(c => (Host(c.Address), c.Node)));
        var result = new List<RemoteBlock>();
        foreach (var (cidr, owner) in remote)
        {
            if (owner == nodeName || !byName.TryGetValue(owner, out var node))
            {
                continue;
            }
            var v4 = node.InternalIPs.FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetwork);
            if (v4 is null)
            {
                continue;
            }
            result.Add(new RemoteBlock(cidr, owner, v4, node.InternalIPs.FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetworkV6)));
        }
        return result;
    }

    private static IPNetwork Host(IPAddress address) => new(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);

    private static IpClaim? Claim(Resource r)
    {
        try
        {
            return IpClaims.Read(r);
        }
        catch (IpamException e)
        {
            Log.Warn($"routes: skipping {r.Key}: {e.Message}");
            return null;
        }
    }
}
