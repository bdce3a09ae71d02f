using System.Net;
using Weft.Model;
using Weft.Store;

namespace Weft.Ipam.Pools;

/// <summary>The pod a claim is for; <see cref="Sticky"/> for StatefulSet pods, whose claims outlive them.</summary>
public sealed record ClaimingPod(string Namespace, string Name, bool Sticky)
{
    public string Id => $"{Namespace}/{Name}";
}

/// <summary>
/// Turns a pod's <see cref="PodIpIntent"/> into addresses held by IPClaim objects: fixed addresses,
/// a free group of replica candidates, or a free address of a named pool. Fixed and pool addresses must lie
/// outside the cluster pod CIDR, which belongs to node blocks: a node hands out block addresses without a
/// store write, so only addresses no block covers can be claimed safely by any node. All or nothing: a
/// failure releases what the call claimed.
/// </summary>
/// <param name="knownClaims">The claims as a watch sees them (may lag): spares a list per pool allocation. Claiming stays safe
/// without it being current, since a claim is a create.</param>
public sealed class ClaimedAddresses(IResourceStore store, string nodeName, Func<IEnumerable<Resource>>? knownClaims = null)
{
    private const int MaxScan = 1 << 16;

    /// <summary>The claimed addresses and their pool, or null when the intent leaves the pod to the node's blocks.</summary>
    /// <exception cref="AnnotationException">An address is outside the pools, in the block space, or held by another pod.</exception>
    /// <exception cref="IpamException">A named pool has no free address.</exception>
    public async Task<(IReadOnlyList<IPAddress> Addresses, string Pool)?> ClaimAsync(
        PodIpIntent intent, IReadOnlyList<IpPool> pools, IpPool blockPool, ClaimingPod pod, CancellationToken ct = default)
    {
        var named = ResolvePools(intent, pools, blockPool);
        if (intent.Addresses.Count > 0)
        {
            var pool = PoolFor(intent, intent.Addresses, named, pools, blockPool);
            await ClaimAllAsync(intent, intent.Addresses, pool, pod, ct);
            return (intent.Addresses, pool.Name);
        }
        if (intent.Candidates.Count > 0)
        {
            return await ClaimCandidateAsync(intent, named, pools, blockPool, pod, ct);
        }
        var chosen = named.FirstOrDefault(p => !ReferenceEquals(p, blockPool));
        return chosen is null ? null : await ClaimFromPoolAsync(chosen, pod, ct);
    }

    /// <summary>Deletes the claims <paramref name="pod"/> holds on <paramref name="addresses"/>, unless they are sticky.</summary>
    public async Task ReleaseAsync(IEnumerable<IPAddress> addresses, string ns, string pod, CancellationToken ct = default)
    {
        foreach (var address in addresses)
        {
            if (await store.GetAsync(IpClaims.KeyOf(address), ct) is not { } existing)
            {
                continue;
            }
            var claim = IpClaims.Read(existing);
            if (claim.Holder == $"{ns}/{pod}" && !claim.Sticky)
            {
                await DeleteQuietlyAsync(existing, ct);
            }
        }
    }

    private static List<IpPool> ResolvePools(PodIpIntent intent, IReadOnlyList<IpPool> pools, IpPool blockPool) =>
        [.. intent.Pools.Select(name => name == blockPool.Name ? blockPool
            : pools.FirstOrDefault(p => p.Name == name)
            ?? (IpRange.TryParse(name) is { } range && name.Contains('/', StringComparison.Ordinal)
                ? pools.FirstOrDefault(p => p.Ranges.Any(r => r.Contains(range.First) && r.Contains(range.Last)))
                : null)
            ?? throw new AnnotationException(intent.Source, name, "names no IP pool (Weft, Calico, Antrea or Kube-OVN pool object, or a CIDR inside one)"))];

    private static IpPool PoolFor(PodIpIntent intent, IReadOnlyList<IPAddress> addresses, List<IpPool> named, IReadOnlyList<IpPool> pools, IpPool blockPool)
    {
        IpPool? found = null;
        foreach (var address in addresses)
        {
            var value = string.Join(",", addresses);
            if (blockPool.Contains(address))
            {
                throw new AnnotationException(intent.Source, value,
                    $"asks for {address}, which lies in the cluster pod CIDR ({string.Join(", ", blockPool.Ranges)}) that node blocks hand out; a fixed address must come from an IP pool outside it");
            }
            var candidates = named.Count > 0 ? named : [.. pools];
            found = candidates.FirstOrDefault(p => p.Contains(address))
                ?? throw new AnnotationException(intent.Source, value, named.Count > 0
                    ? $"asks for {address}, which is outside the pool(s) {string.Join(", ", named.Select(p => p.Name))}"
                    : $"asks for {address}, which is outside every IP pool");
        }
        return found!;
    }

    private async Task<(IReadOnlyList<IPAddress>, string)> ClaimCandidateAsync(PodIpIntent intent, List<IpPool> named, IReadOnlyList<IpPool> pools,
        IpPool blockPool, ClaimingPod pod, CancellationToken ct)
    {
        var pool = PoolFor(intent, [.. intent.Candidates.SelectMany(g => g)], named, pools, blockPool);
        // A pod that already holds a group (a recreated replica) takes it back first.
        foreach (var group in intent.Candidates)
        {
            if (await store.GetAsync(IpClaims.KeyOf(group[0]), ct) is { } existing && IpClaims.Read(existing).Holder == pod.Id)
            {
                await ClaimAllAsync(intent, group, pool, pod, ct);
                return (group, pool.Name);
            }
        }
        var held = new List<string>();
        foreach (var group in intent.Candidates)
        {
            try
            {
                await ClaimAllAsync(intent, group, pool, pod, ct);
                return (group, pool.Name);
            }
            catch (AnnotationException e) when (e.InnerException is AddressHeldException h)
            {
                held.Add($"{h.Claim.Address} by {h.Claim.Holder}");
            }
        }
        throw new AnnotationException(intent.Source, string.Join(";", intent.Candidates.Select(g => string.Join(",", g))),
            $"has no free address: {string.Join("; ", held)}");
    }

    private async Task<(IReadOnlyList<IPAddress>, string)> ClaimFromPoolAsync(IpPool pool, ClaimingPod pod, CancellationToken ct)
    {
        var objects = knownClaims is not null ? knownClaims() : (await store.ListAsync(IpClaims.Type, ct: ct)).Items;
        var claims = objects.Select(IpClaims.Read).ToList();
        var mine = claims.Where(c => c.Holder == pod.Id && c.Pool == pool.Name).Select(c => c.Address).ToList();
        if (mine.Count > 0)
        {
            await ClaimAllAsync(PodIpIntent.None, mine, pool, pod, ct);
            return (mine, pool.Name);
        }
        var taken = claims.Select(c => c.Address).ToHashSet();
        var result = new List<IPAddress>();
        try
        {
            foreach (var family in new[] { IpFamily.IPv4, IpFamily.IPv6 }.Where(pool.Has))
            {
                result.Add(await ClaimFreeAsync(pool, family, taken, pod, ct));
            }
        }
        catch
        {
            await ReleaseAsync(result, pod.Namespace, pod.Name, CancellationToken.None);
            throw;
        }
        return (result, pool.Name);
    }

    private async Task<IPAddress> ClaimFreeAsync(IpPool pool, IpFamily family, HashSet<IPAddress> taken, ClaimingPod pod, CancellationToken ct)
    {
        // Start at a random place, so nodes allocating at once rarely race for the same address.
        var ranges = pool.Ranges.Where(r => r.Family == family).ToList();
        var first = ranges.Count == 0 ? 0 : Random.Shared.Next(ranges.Count);
        var offset = ranges.Count == 0 ? 0 : (long)(Random.Shared.NextDouble() * (double)Math.Min(Size(ranges[first]), MaxScan));
        var order = ranges.Count == 0 ? [] : Addresses(ranges[first], offset)
            .Concat(ranges.Skip(first + 1).Concat(ranges.Take(first)).SelectMany(r => Addresses(r, 0)))
            .Concat(Addresses(ranges[first], 0).Take((int)offset));
        foreach (var a in order.Take(MaxScan))
        {
            if (taken.Contains(a) || !pool.Contains(a))
            {
                continue;
            }
            try
            {
                await store.CreateAsync(IpClaims.Build(new IpClaim(a, pool.Name, pod.Namespace, pod.Name, nodeName, pod.Sticky)), ct);
                return a;
            }
            catch (AlreadyExistsException)
            {
                // Another node took it since the list; try the next.
            }
        }
        throw new IpamException($"{pool}: no free {family} address left for pod {pod.Id}");
    }

    private async Task ClaimAllAsync(PodIpIntent intent, IReadOnlyList<IPAddress> addresses, IpPool pool, ClaimingPod pod, CancellationToken ct)
    {
        var done = new List<IPAddress>();
        try
        {
            foreach (var address in addresses)
            {
                await ClaimOneAsync(address, pool, pod, ct);
                done.Add(address);
            }
        }
        catch (AddressHeldException e)
        {
            await ReleaseAsync(done, pod.Namespace, pod.Name, CancellationToken.None);
            throw new AnnotationException(intent.Source, string.Join(",", addresses),
                $"asks for {e.Claim.Address}, which pod {e.Claim.Holder} holds (node {e.Claim.Node}{(e.Claim.Sticky ? ", kept for its StatefulSet" : "")})", e);
        }
        catch
        {
            await ReleaseAsync(done, pod.Namespace, pod.Name, CancellationToken.None);
            throw;
        }
    }

    /// <summary>Creates the claim; takes it over when this pod already holds it or its holder is gone (and not sticky).</summary>
    private async Task ClaimOneAsync(IPAddress address, IpPool pool, ClaimingPod pod, CancellationToken ct)
    {
        var wanted = new IpClaim(address, pool.Name, pod.Namespace, pod.Name, nodeName, pod.Sticky);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await store.CreateAsync(IpClaims.Build(wanted), ct);
                return;
            }
            catch (AlreadyExistsException)
            {
                if (await store.GetAsync(IpClaims.KeyOf(address), ct) is not { } existing)
                {
                    continue;
                }
                var held = IpClaims.Read(existing);
                var mine = held.Holder == pod.Id;
                var stale = !held.Sticky && await store.GetAsync(new ResourceKey("", "Pod", held.Namespace, held.Pod), ct) is null;
                if (!mine && !stale)
                {
                    throw new AddressHeldException(held);
                }
                if (mine && held.Node == nodeName)
                {
                    return;
                }
                // Ours from before (moved node) or left behind by a pod that is gone: replace it.
                await store.DeleteAsync(existing.Key, existing.Metadata.ResourceVersion, ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        throw new IpamException($"IPClaim {IpClaims.NameOf(address)}: could not be taken over after 3 attempts (contended)");
    }

    private async Task DeleteQuietlyAsync(Resource claim, CancellationToken ct)
    {
        try
        {
            await store.DeleteAsync(claim.Key, claim.Metadata.ResourceVersion, ct);
        }
        catch (ConflictException)
        {
            // Changed meanwhile: someone else holds it now.
        }
    }

    /// <summary>The range's addresses from its <paramref name="skip"/>-th on.</summary>
    private static IEnumerable<IPAddress> Addresses(IpRange range, long skip)
    {
        var value = ToNumber(range.First) + skip;
        var last = ToNumber(range.Last);
        for (; value <= last; value++)
        {
            yield return FromNumber(value, range.First.AddressFamily);
        }
    }

    private static ulong Size(IpRange range) => (ulong)Math.Min((double)(ToNumber(range.Last) - ToNumber(range.First) + 1), ulong.MaxValue);

    private static System.Numerics.BigInteger ToNumber(IPAddress a) => new(a.GetAddressBytes(), isUnsigned: true, isBigEndian: true);

    private static IPAddress FromNumber(System.Numerics.BigInteger n, System.Net.Sockets.AddressFamily family)
    {
        var size = family == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 16;
        var bytes = new byte[size];
        var raw = n.ToByteArray(isUnsigned: true, isBigEndian: true);
        raw.CopyTo(bytes, size - raw.Length);
        return new IPAddress(bytes);
    }

    private static IPAddress Next(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        for (var i = bytes.Length - 1; i >= 0 && ++bytes[i] == 0; i--)
        {
        }
        return new IPAddress(bytes);
    }

    /// <summary>An address another pod holds.</summary>
    private sealed class AddressHeldException(IpClaim claim) : Exception($"{claim.Address} is held by {claim.Holder}")
    {
        public IpClaim Claim { get; } = claim;
    }
}
