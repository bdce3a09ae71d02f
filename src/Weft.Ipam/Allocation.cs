using System.Net;

namespace Weft.Ipam;

/// <summary>Address family of a pool or block; the names are the wire values of IPBlock spec.family.</summary>
public enum IpFamily
{
    IPv4,
    IPv6,
}

/// <summary>
/// One CNI ADD: the key is (<paramref name="ContainerId"/>, <paramref name="IfName"/>), as in the CNI spec;
/// the pod name is kept for display and garbage collection only.
/// </summary>
public sealed record AllocationRequest(string ContainerId, string IfName, string PodNamespace, string PodName);

/// <summary>
/// The addresses given to one container interface: one per configured family, IPv4 first, from the node's
/// blocks; or, when <see cref="Claimed"/>, addresses held cluster-wide by IPClaim objects (fixed IPs and
/// pool addresses), which lie outside every node block.
/// </summary>
public sealed record Allocation(
    string ContainerId,
    string IfName,
    string PodNamespace,
    string PodName,
    IReadOnlyList<IPAddress> Addresses,
    bool Claimed = false);

/// <summary>
/// An IPAM failure the caller can act on: the pool is exhausted, the configuration is invalid, or the
/// journal cannot be read. Store failures are not wrapped: they arrive as the store's own exceptions.
/// </summary>
public sealed class IpamException : Exception
{
    public IpamException(string message)
        : base(message)
    {
    }

    public IpamException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public IpamException()
    {
    }
}
