using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Weft.Agent.Contract;
using Weft.Core.Cni;
using Weft.Dataplane;
using Weft.Ipam;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Serves the CNI verbs. ADD allocates, then wires, and undoes the allocation if wiring fails, so a
/// failed ADD leaves no IP and no interface behind. DEL and GC never need the pod's netns.
/// ADD answers only once the pod's policy is in the kernel (its veth is dropped until then).
/// </summary>
internal sealed class CniHandler(NodeAllocator ipam, PodNetwork pods, int podMtu, string nodeName, PolicyController? policy = null,
    PodAddresses? addresses = null, QosController? qos = null)
{
    /// <summary>How long ADD waits for the pod's policy; after that the pod stays fail closed until a sync includes it.</summary>
    private static readonly TimeSpan PolicyWait = TimeSpan.FromSeconds(10);

    public volatile bool Ready;

    private readonly ConcurrentDictionary<(string, string), Task> _deleting = new();

    /// <summary>Per attachment: long.MaxValue while its ADD runs, then the <see cref="_clock"/> value it finished at.</summary>
    private readonly ConcurrentDictionary<(string, string), long> _adds = new();
    private long _clock;

    /// <summary>A point in the sequence of finished ADDs; pass it to <see cref="IsBusy"/>.</summary>
    public long Mark() => Interlocked.Read(ref _clock);

    /// <summary>
    /// True when an ADD or DEL of this attachment is running or an ADD finished after <paramref name="mark"/>:
    /// a sweep that looked at the kernel before then may have seen its IP without its veth, which proves nothing.
    /// </summary>
    public bool IsBusy(string containerId, string ifName, long mark) =>
        _deleting.ContainsKey((containerId, ifName))
        || (_adds.TryGetValue((containerId, ifName), out var done) && done > mark);

    public async Task<CniResponse> HandleAsync(CniRequest req, CancellationToken ct)
    {
        try
        {
            return req.Command switch
            {
                "ADD" => await AddAsync(req, ct),
                "DEL" => await DelAsync(req.ContainerId!, req.IfName!, ct),
                "CHECK" => Check(req),
                "STATUS" => Ready ? Ok() : Fail(CniErrorCodes.NotAvailable, "weft-agent is starting", null),
                "GC" => await GcAsync(req, ct),
                _ => Fail(CniErrorCodes.InvalidEnvironmentVariables, $"unknown CNI_COMMAND '{req.Command}'", null),
            };
        }
        catch (StoreUnavailableException e)
        {
            return Fail(CniErrorCodes.TryAgainLater, "datastore unreachable", e.Message);
        }
        catch (IpamException e)
        {
            return Fail(CniErrorCodes.Internal, "IP allocation failed", e.Message);
        }
        catch (Weft.Ipam.Pools.AnnotationException e)
        {
            return Fail(CniErrorCodes.InvalidNetworkConfig, "pod IP annotation rejected", e.Message);
        }
        catch (Weft.Qos.QosAnnotationException e)
        {
            return Fail(CniErrorCodes.InvalidNetworkConfig, "pod bandwidth limit rejected", e.Message);
        }
        catch (DataplaneException e)
        {
            return Fail(CniErrorCodes.Internal, "pod network setup failed", e.Message);
        }
    }

    private async Task<CniResponse> AddAsync(CniRequest req, CancellationToken ct)
    {
        if (!Ready)
        {
            return Fail(CniErrorCodes.TryAgainLater, "weft-agent is not ready yet", $"node {nodeName} is still syncing");
        }
        var key = (req.ContainerId!, req.IfName!);
        _adds[key] = long.MaxValue;
        try
        {
            return await AddTrackedAsync(req, key, ct);
        }
        finally
        {
            _adds[key] = Interlocked.Increment(ref _clock);
        }
    }

    private async Task<CniResponse> AddTrackedAsync(CniRequest req, (string, string) key, CancellationToken ct)
    {
        if (_deleting.TryGetValue(key, out var pendingDelete))
        {
            // The same attachment is being torn down; its veth must be gone before we make a new one.
            await pendingDelete;
        }
        var args = CniArgs.Parse(req.Args);
        var request = new AllocationRequest(req.ContainerId!, req.IfName!, args.PodNamespace ?? "", args.PodName ?? "");
        // One read of the Pod serves addresses and bandwidth. Bandwidth annotations are checked before anything
        // is taken, so a bad one leaves nothing to undo.
        var pod = addresses is null ? null : await addresses.PodAsync(request.PodNamespace, request.PodName, ct);
        // With a Pod object its annotations are the truth (the runtime's capability values came from them);
        // without one, the capability is all there is.
        var shaping = qos is null ? Weft.Qos.QosIntent.None : QosController.Desired(pod, pod is null ? RuntimeBandwidth(req) : Weft.Qos.QosIntent.None);
        var existing = ipam.Allocations.FirstOrDefault(a => a.ContainerId == request.ContainerId && a.IfName == request.IfName);
        var (claimed, mac) = existing is null && addresses is not null ? await addresses.ClaimAsync(pod, ct) : (null, null);
        Allocation alloc;
        try
        {
            alloc = claimed is not null ? await ipam.RecordClaimedAsync(request, claimed, ct) : await ipam.AllocateAsync(request, ct);
        }
        catch when (claimed is not null)
        {
            await addresses!.ReleaseAsync(new Allocation(request.ContainerId, request.IfName, request.PodNamespace, request.PodName, claimed, true), CancellationToken.None);
            throw;
        }
        AttachResult attached;
        try
        {
            attached = pods.Attach(new PodAttachment(req.ContainerId!, req.IfName!, req.Netns!, alloc.Addresses, podMtu, mac));
            try
            {
                qos?.Attach(new QosAttachment(req.ContainerId!, req.IfName!, req.Netns!, shaping), shaping);
            }
            catch
            {
                // A pod must not start without the limits it asked for: undo the wiring too.
                qos?.Forget(req.ContainerId!, req.IfName!);
                pods.Detach(req.ContainerId!, req.IfName!);
                throw;
            }
        }
        catch
        {
            await ipam.ReleaseAsync(req.ContainerId!, req.IfName!, CancellationToken.None);
            if (addresses is not null)
            {
                await addresses.ReleaseAsync(alloc, CancellationToken.None);
            }
            throw;
        }
        if (policy is not null && !await policy.WaitForVethAsync(attached.HostIfName, args.PodNamespace ?? "", args.PodName ?? "", PolicyWait, ct))
        {
            Log.Warn($"ADD {req.ContainerId} {req.IfName}: policy for {attached.HostIfName} not applied within {PolicyWait.TotalSeconds} s; its traffic stays dropped until it is");
        }
        return new CniResponse { Ok = true, ResultJson = Result(attached, req.Netns!, alloc.Addresses).ToJsonString() };
    }

    /// <summary>
    /// Answers at once and tears down in the background: removing a veth waits for the kernel's network
    /// device teardown (tens of ms, RCU), which is most of a DEL and need not hold the runtime. The IP is
    /// released only after the veth is gone, so it cannot be given to a new pod while still in use; an ADD
    /// of the same attachment waits for the teardown.
    /// </summary>
    private Task<CniResponse> DelAsync(string containerId, string ifName, CancellationToken ct)
    {
        var key = (containerId, ifName);
        _adds.TryRemove(key, out _);
        // A dedicated thread: the teardown blocks in the kernel, and on a small node that would starve the
        // thread pool that serves the next CNI requests.
        _deleting.GetOrAdd(key, k => Task.Factory.StartNew(async () =>
        {
            try
            {
                pods.Detach(k.Item1, k.Item2);
                qos?.Forget(k.Item1, k.Item2);
                var allocation = ipam.Allocations.FirstOrDefault(a => a.ContainerId == k.Item1 && a.IfName == k.Item2);
                await ipam.ReleaseAsync(k.Item1, k.Item2, CancellationToken.None);
                if (allocation is not null && addresses is not null)
                {
                    await addresses.ReleaseAsync(allocation, CancellationToken.None);
                }
            }
            catch (Exception e)
            {
                // The housekeeper's sweep retries: an allocation without a veth, or a veth without an allocation.
                Log.Error($"DEL {k.Item1} {k.Item2}: {e.Message}");
            }
            finally
            {
                _deleting.TryRemove(k, out _);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap());
        return Task.FromResult(Ok());
    }

    /// <summary>Waits for background teardowns (tests and shutdown).</summary>
    public Task DrainAsync() => Task.WhenAll(_deleting.Values);

    private CniResponse Check(CniRequest req)
    {
        var alloc = ipam.Allocations.FirstOrDefault(a => a.ContainerId == req.ContainerId && a.IfName == req.IfName);
        if (alloc is null)
        {
            return Fail(CniErrorCodes.Internal, "no IP allocation for this container",
                $"container {req.ContainerId} interface {req.IfName} has no allocation on node {nodeName}");
        }
        var problem = pods.Check(new PodAttachment(req.ContainerId!, req.IfName!, req.Netns!, alloc.Addresses, podMtu));
        return problem is null ? Ok() : Fail(CniErrorCodes.Internal, "pod network check failed", problem);
    }

    private async Task<CniResponse> GcAsync(CniRequest req, CancellationToken ct)
    {
        if (!NetConf.TryParse(req.ConfigJson, out var conf, out var error))
        {
            return Fail(error.Code, error.Msg, error.Details);
        }
        var valid = (conf.ValidAttachments ?? []).Select(a => (a.ContainerId ?? "", a.IfName ?? "")).ToHashSet();
        foreach (var stale in ipam.Allocations.Where(a => !valid.Contains((a.ContainerId, a.IfName))).ToList())
        {
            pods.Detach(stale.ContainerId, stale.IfName);
            qos?.Forget(stale.ContainerId, stale.IfName);
        }
        var released = await ipam.GarbageCollectAsync(valid, ct);
        if (released.Count > 0)
        {
            Log.Info($"gc: released {released.Count} stale allocation(s)");
        }
        return Ok();
    }

    /// <summary>The canonical (1.1.0) result; the CNI binary converts it to the version the runtime asked for.</summary>
    /// <summary>The CNI <c>bandwidth</c> capability, when the runtime passed one (the conflist declares it).</summary>
    /// <exception cref="Weft.Qos.QosAnnotationException">A rate out of range; the field is named.</exception>
    private static Weft.Qos.QosIntent RuntimeBandwidth(CniRequest req) =>
        NetConf.TryParse(req.ConfigJson, out var conf, out _) && conf.RuntimeConfig?.Bandwidth is { } b
            ? Weft.Qos.RuntimeBandwidth.ToIntent(b.IngressRate, b.IngressBurst, b.EgressRate, b.EgressBurst)
            : Weft.Qos.QosIntent.None;

    private static JsonObject Result(AttachResult a, string netns, IReadOnlyList<IPAddress> addresses)
    {
        var ips = new JsonArray();
        var routes = new JsonArray();
        foreach (var ip in addresses)
        {
            var v4 = ip.AddressFamily == AddressFamily.InterNetwork;
            var gw = (v4 ? KernelOwnership.GatewayV4 : KernelOwnership.GatewayV6).ToString();
            ips.Add((JsonNode)new JsonObject { ["address"] = $"{ip}/{(v4 ? 32 : 128)}", ["gateway"] = gw, ["interface"] = 1 });
            routes.Add((JsonNode)new JsonObject { ["dst"] = v4 ? "0.0.0.0/0" : "::/0", ["gw"] = gw });
        }
        return new JsonObject
        {
            ["cniVersion"] = "1.1.0",
            ["interfaces"] = new JsonArray(
                new JsonObject { ["name"] = a.HostIfName, ["mac"] = a.HostMac },
                new JsonObject { ["name"] = a.PodIfName, ["mac"] = a.PodMac, ["mtu"] = a.Mtu, ["sandbox"] = netns }),
            ["ips"] = ips,
            ["routes"] = routes,
        };
    }

    private static CniResponse Ok() => new() { Ok = true };

    private static CniResponse Fail(int code, string msg, string? details) =>
        new() { Ok = false, ErrorCode = code, ErrorMsg = msg, ErrorDetails = details };
}
