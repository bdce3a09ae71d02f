using System.Net;
using Weft.Ipam;
using Weft.Ipam.Pools;
using Weft.Model;
using Weft.Store;

namespace Weft.Agent;

/// <summary>
/// Where a pod's addresses come from: its annotations (or its namespace's) may ask for fixed addresses,
/// replica candidates or a pool, which are claimed cluster-wide; otherwise the node's blocks. Reads the
/// Pod and Namespace from the informers, and from the store when the informer has not seen them yet.
/// </summary>
internal sealed class PodAddresses(IResourceStore store, string nodeName, IpamConfig config, Informer? pods, Informer? namespaces,
    IReadOnlyList<Informer>? pools = null, Informer? claims = null)
{
    private readonly ClaimedAddresses _claims = new(store, nodeName, claims is null ? null : () => claims.Items);
    private readonly IpPool _blockPool = IpPools.Default(config);

    /// <summary>What the pod's annotations ask for: claimed addresses (null: block addresses) and a MAC (null: the kernel's).</summary>
    /// <exception cref="AnnotationException">An annotation is malformed, or asks for what cannot be given.</exception>
    /// <param name="pod">The Pod object (<see cref="PodAsync"/>); null: block addresses.</param>
    public async Task<(IReadOnlyList<IPAddress>? Claimed, string? Mac)> ClaimAsync(Resource? pod, CancellationToken ct)
    {
        if (pod is null)
        {
            return (null, null);
        }
        var podNamespace = pod.Metadata.Namespace ?? "default";
        var podName = pod.Metadata.Name;
        var ns = await GetAsync(namespaces, new ResourceKey("", "Namespace", null, podNamespace), ct);
        var intent = IpAnnotations.Parse(pod.Metadata.Annotations, ns?.Metadata.Annotations);
        if (intent.Addresses.Count == 0 && intent.Candidates.Count == 0 && intent.Pools.Count == 0)
        {
            // No annotation: a Weft pool whose selectors pick the pod serves it, else one marked default.
            var nsLabels = ns?.Metadata.Labels ?? new Dictionary<string, string> { [NamespaceView.NameLabel] = podNamespace };
            var known = Pools(pools?.SelectMany(i => i.Items) ?? []).Where(p => p.Kind == IpPools.WeftKind).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            var selecting = known.FirstOrDefault(p => p.Selects(pod.Metadata.Labels, nsLabels))
                ?? known.FirstOrDefault(p => p.IsDefault && p.NamespaceSelector is null && p.PodSelector is null);
            if (selecting is null)
            {
                return (null, intent.Mac);
            }
            intent = intent with { Pools = [selecting.Name], Source = $"IPPool {selecting.Name} ({(selecting.IsDefault ? "default" : "selectors")})" };
        }
        var sticky = pod.Metadata.OwnerReferences.Any(o => o.Kind == "StatefulSet");
        var claiming = new ClaimingPod(podNamespace, podName, sticky);
        (IReadOnlyList<IPAddress> Addresses, string Pool)? claimed;
        try
        {
            claimed = await _claims.ClaimAsync(intent, Pools(pools?.SelectMany(i => i.Items) ?? []), _blockPool, claiming, ct);
        }
        catch (AnnotationException) when (pools is not null)
        {
            // The informers may not show a pool created a moment ago: judge again from the store itself.
            claimed = await _claims.ClaimAsync(intent, await StorePoolsAsync(ct), _blockPool, claiming, ct);
        }
        if (claimed is { } c)
        {
            Log.Info($"ipam: {podNamespace}/{podName} holds {string.Join(", ", c.Addresses)} of pool {c.Pool} ({intent.Source})");
        }
        return (claimed?.Addresses, intent.Mac);
    }

    /// <summary>The Pod object, or null when there are no pod arguments or no such Pod.</summary>
    public async Task<Resource?> PodAsync(string podNamespace, string podName, CancellationToken ct) =>
        podNamespace.Length == 0 || podName.Length == 0 ? null : await GetAsync(pods, new ResourceKey("", "Pod", podNamespace, podName), ct);

    /// <summary>Lets go of a deleted pod's claimed addresses (kept when they belong to a StatefulSet pod).</summary>
    public Task ReleaseAsync(Allocation allocation, CancellationToken ct) =>
        allocation.Claimed ? _claims.ReleaseAsync(allocation.Addresses, allocation.PodNamespace, allocation.PodName, ct) : Task.CompletedTask;

    private async Task<List<IpPool>> StorePoolsAsync(CancellationToken ct)
    {
        var objects = new List<Resource>();
        foreach (var type in IpPools.Types)
        {
            objects.AddRange((await store.ListAsync(type, ct: ct)).Items);
        }
        return Pools(objects);
    }

    private static List<IpPool> Pools(IEnumerable<Resource> objects)
    {
        var pools = new List<IpPool>();
        foreach (var item in objects)
        {
            try
            {
                pools.Add(IpPools.Read(item));
            }
            catch (IpamException e)
            {
                Log.Warn($"ipam: skipping pool: {e.Message}");
            }
        }
        return pools;
    }

    private async Task<Resource?> GetAsync(Informer? informer, ResourceKey key, CancellationToken ct) =>
        informer?.Get(key) ?? await store.GetAsync(key, ct);
}
