using System.Net;
using System.Net.Sockets;
using Weft.Dataplane;
using Weft.Ipam;
using Weft.Model;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Level-triggered: any change to Nodes or IPBlocks schedules one full recompute of the routes to other
/// nodes' blocks. Bursts collapse into one sync; a failed sync is retried.
/// </summary>
internal sealed class RouteController(string nodeName, Informer nodes, Informer blocks, NodeRoutes routes)
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Start(CancellationToken ct)
    {
        nodes.Changed += Kick;
        blocks.Changed += Kick;
        Kick();
        _ = Task.Run(() => LoopAsync(ct), CancellationToken.None);
    }

    private void Kick()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A sync is already pending; it will see this change too.
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(ct);
                var desired = Desired();
                var changes = routes.Sync(desired);
                if (changes > 0)
                {
                    Log.Info($"routes: {changes} change(s); {desired.Count} remote block(s)");
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.Error($"route sync failed: {e.Message}; retrying in 1 s");
                await Task.Delay(1000, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                Kick();
            }
        }
    }

    internal List<RemoteBlock> Desired()
    {
        var byName = nodes.Items.ToDictionary(n => n.Metadata.Name, n => new NodeView(n));
        var result = new List<RemoteBlock>();
        foreach (var b in blocks.Items)
        {
            var block = IpBlocks.Read(b);
            if (block.NodeName == nodeName || !byName.TryGetValue(block.NodeName, out var node))
            {
                continue;
            }
            var v4 = node.InternalIPs.FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetwork);
            if (v4 is null)
            {
                continue;
            }
            result.Add(new RemoteBlock(block.Cidr, block.NodeName, v4,
                node.InternalIPs.FirstOrDefault(ip => ip.AddressFamily == AddressFamily.InterNetworkV6)));
        }
        return result;
    }
}
