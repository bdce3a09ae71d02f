using System.Net;

namespace Weft.Dataplane.Policy;

/// <summary>
/// A pod attached on this node: its identity, the host end of its veth and its addresses (from the
/// allocation, which exists before the API server shows <c>status.podIPs</c>). An empty
/// <see cref="Namespace"/> marks an attachment made without Kubernetes pod arguments: no policy can
/// select it, so it is dispatched unrestricted.
/// </summary>
public sealed record LocalPod(string Namespace, string Name, string HostVeth, IReadOnlyList<IPAddress> Addresses)
{
    /// <summary>"namespace/name".</summary>
    public string Id => $"{Namespace}/{Name}";
}
