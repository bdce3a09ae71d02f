using System.Net;
using System.Net.Sockets;
using Weft.Dataplane;
using Weft.Dataplane.Policy;
using Weft.Ipam;
using Weft.Linux.Netlink;
using Weft.Model;
using Weft.Store;
using Weft.Store.Etcd;

namespace Weft.Agent;

/// <summary>
/// Composes the agent. Order matters and follows the restart doctrine: nothing is changed in the kernel
/// before the store has been read completely, existing pods keep their kernel state untouched, and the
/// CNI conflist is written last, so the runtime sends no ADD before the agent can serve it.
///
///   store ──▶ informers (Node, IPBlock) ──▶ RouteController ──▶ NodeRoutes (netlink)
///     │    ──▶ informers (policies of every dialect, tiers/groups, Pod, Namespace) ──▶ PolicyController ──▶ nft (table inet weft)
///     ▲
///     └── NodeAllocator (blocks) ◀── CniHandler ◀── CniServer ◀── weft-cni (unix socket)
///                                        └──▶ PodNetwork (netlink)
/// </summary>
public sealed class AgentHost(AgentOptions options) : IAsyncDisposable
{
    private IResourceStore? _store;
    private RtNetlink? _rtnl;
    private Informer? _nodes;
    private Informer? _blocks;
    private Informer? _claims;
    private List<Informer> _pools = [];
    private List<Informer> _policies = [];
    private List<Informer> _policyContext = [];
    private Informer? _pods;
    private Informer? _namespaces;
    private Informer? _serviceAccounts;
    private CniServer? _server;
    private DropRecorder? _drops;

    public async Task RunAsync(CancellationToken ct)
    {
        Log.Info($"starting on node {options.NodeName}, store {options.StoreEndpoint}");
        Directory.CreateDirectory(options.StateDir);
        _store = await ConnectAsync(ct);
        var network = await WaitForAsync(ResourceType.ClusterNetwork, null, ClusterNetworkView.DefaultName, ct);
        var cluster = ClusterNetworkView.From(network);
        var nodeObj = await WaitForAsync(ResourceType.Node, null, options.NodeName, ct);
        var nodeIp = NodeAddresses(nodeObj, AddressFamily.InterNetwork)
            ?? throw new InvalidOperationException($"Node {options.NodeName}: status.addresses has no IPv4 InternalIP");

        _rtnl = RtNetlink.Open();
        var underlay = FindUnderlay(_rtnl, nodeIp);
        NodeSetup.EnsureForwarding(cluster.Ipv6PodCidr is not null);
        var mode = cluster.Mode == "routed" ? NetworkMode.Routed : NetworkMode.Vxlan;
        var routes = new NodeRoutes(_rtnl, mode, underlay, cluster.Vni);
        var pods = new PodNetwork(_rtnl);

        var ipam = new NodeAllocator(_store, options.NodeName, IpamConfigFrom(cluster),
            new FileAllocationJournal(Path.Combine(options.StateDir, "ipam.json")), TimeProvider.System);
        await ipam.InitializeAsync(ct);
        Log.Info($"ipam: {ipam.Allocations.Count} allocations, blocks [{string.Join(", ", ipam.Blocks)}]");

        _nodes = new Informer(_store, ResourceType.Node, log: Log.Warn);
        _blocks = new Informer(_store, ResourceType.IPBlock, log: Log.Warn);
        _claims = new Informer(_store, Weft.Ipam.Pools.IpClaims.Type, log: Log.Warn);
        var routeController = new RouteController(options.NodeName, _nodes, _blocks, _claims, routes);
        await _nodes.StartAsync(ct);
        await _blocks.StartAsync(ct);
        await _claims.StartAsync(ct);
        routeController.Start(ct);

        _drops = DropRecorder.TryStart(options.StateDir, ct);
        var policy = await StartPolicyAsync(ipam, ct);
        _pools = [.. Weft.Ipam.Pools.IpPools.Types.Select(t => new Informer(_store, t, log: Log.Warn))];
        foreach (var informer in _pools)
        {
            await informer.StartAsync(ct);
        }
        var addresses = new PodAddresses(_store, options.NodeName, ipam.Config, _pods, _namespaces, _pools, _claims);
        var qos = new QosController(_pods!, ipam, new PodShaping(_rtnl), _store, new QosAttachments(options.StateDir));
        qos.Start(ct);
        var handler = new CniHandler(ipam, pods, routes.PodMtu, options.NodeName, policy, addresses, qos);
        var housekeeper = new Housekeeper(options, ipam, pods, handler);
        await housekeeper.RunOnceAsync(ct);
        await SyncPolicyAsync(policy, ct);

        _server = new CniServer(options.SocketPath, handler);
        _server.Start();
        handler.Ready = true;
        ConflistWriter.Write(options);
        Log.Info($"ready: mode {cluster.Mode}, pod MTU {routes.PodMtu}, socket {options.SocketPath}");

        await housekeeper.RunForeverAsync(ct);
    }

    /// <summary>Policy needs every pod and namespace of the cluster, not just this node's, to resolve selectors.</summary>
    private async Task<PolicyController> StartPolicyAsync(NodeAllocator ipam, CancellationToken ct)
    {
        _policies = [.. Weft.Policy.PolicyDialects.PolicyTypes.Select(t => new Informer(_store!, t, log: Log.Warn))];
        _policyContext = [.. Weft.Policy.PolicyDialects.ContextTypes.Select(t => new Informer(_store!, t, log: Log.Warn))];
        _pods = new Informer(_store!, ResourceType.Pod, log: Log.Warn);
        _namespaces = new Informer(_store!, ResourceType.Namespace, log: Log.Warn);
        _serviceAccounts = new Informer(_store!, ResourceType.ServiceAccount, log: Log.Warn);
        foreach (var informer in _policies.Concat(_policyContext))
        {
            await informer.StartAsync(ct);
        }
        await _pods.StartAsync(ct);
        await _namespaces.StartAsync(ct);
        await _serviceAccounts.StartAsync(ct);
        return new PolicyController(_policies, _policyContext, _pods, _namespaces, _nodes!, _serviceAccounts, ipam, new PolicyDataplane(), _store!);
    }

    /// <summary>
    /// The first sync runs before the CNI server starts so existing pods are enforced before new ones arrive.
    /// If it fails the loop keeps retrying; meanwhile the kernel keeps the previous table (fail closed for new veths).
    /// </summary>
    private static async Task SyncPolicyAsync(PolicyController policy, CancellationToken ct)
    {
        try
        {
            await policy.SyncAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Error($"initial policy sync failed: {e.Message}");
        }
        policy.Start(ct);
    }

    private async Task<IResourceStore> ConnectAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            var store = EtcdStore.Connect(options.StoreEndpoint, options.StorePrefix);
            try
            {
                await store.ListAsync(ResourceType.Namespace, null, ct);
                return store;
            }
            catch (StoreUnavailableException e)
            {
                await store.DisposeAsync();
                Log.Warn($"{e.Message}; retrying");
                await Task.Delay(delay, ct);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task<Resource> WaitForAsync(ResourceType type, string? ns, string name, CancellationToken ct)
    {
        var key = new ResourceKey(type.Group, type.Kind, ns, name);
        var warned = false;
        while (true)
        {
            var r = await _store!.GetAsync(key, ct);
            if (r is not null)
            {
                return r;
            }
            if (!warned)
            {
                Log.Warn($"waiting for {key} to exist in the store");
                warned = true;
            }
            await Task.Delay(500, ct);
        }
    }

    internal static IPAddress? NodeAddresses(Resource node, AddressFamily family) =>
        new NodeView(node).InternalIPs.FirstOrDefault(ip => ip.AddressFamily == family);

    /// <summary>The underlay is the interface holding the node's InternalIP.</summary>
    private static UnderlayInfo FindUnderlay(RtNetlink rtnl, IPAddress nodeIp)
    {
        var addr = rtnl.ListAddresses().FirstOrDefault(a => a.Address.Equals(nodeIp))
            ?? throw new InvalidOperationException($"no interface on this node holds the node's InternalIP {nodeIp}");
        var link = rtnl.GetLink(addr.IfIndex)
            ?? throw new InvalidOperationException($"interface #{addr.IfIndex} holding {nodeIp} vanished");
        return new UnderlayInfo(link.Name, nodeIp, link.Mtu);
    }

    private static IpamConfig IpamConfigFrom(ClusterNetworkView c) =>
        IpamConfig.Create(c.PodCidr.ToString(), c.Ipv6PodCidr?.ToString(), c.BlockSize, c.Ipv6BlockSize);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
        if (_nodes is not null)
        {
            await _nodes.DisposeAsync();
        }
        foreach (var informer in new[] { _blocks, _claims, _pods, _namespaces, _serviceAccounts }.Concat(_pools).Concat(_policies).Concat(_policyContext))
        {
            if (informer is not null)
            {
                await informer.DisposeAsync();
            }
        }
        if (_drops is not null)
        {
            await _drops.DisposeAsync();
        }
        _rtnl?.Dispose();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}
