using System.Net;

namespace Weft.Ipam.Pools;

/// <summary>
/// What a pod's annotations (or its namespace's) ask of IPAM, whichever dialect said it. Empty means the
/// node's block of the default pool. <see cref="Source"/> names the annotation that decided, for errors.
/// </summary>
/// <param name="Addresses">Fixed addresses, at most one per family.</param>
/// <param name="Candidates">Address groups a replica may take (Kube-OVN ip_pool lists): the first free group wins.</param>
/// <param name="Pools">Pool names or CIDRs to allocate from, in order.</param>
/// <param name="Mac">The MAC address of the pod's interface.</param>
public sealed record PodIpIntent(
    IReadOnlyList<IPAddress> Addresses,
    IReadOnlyList<IReadOnlyList<IPAddress>> Candidates,
    IReadOnlyList<string> Pools,
    string? Mac,
    string Source)
{
    public static PodIpIntent None { get; } = new([], [], [], null, "");

    public bool IsFixed => Addresses.Count > 0 || Candidates.Count > 0;
}

/// <summary>A fixed-IP or pool annotation Weft cannot honour; the message names the annotation and the value.</summary>
public sealed class AnnotationException(string annotation, string value, string problem, Exception? inner = null)
    : Exception($"annotation {annotation}: '{value}' {problem}", inner)
{
    public string Annotation { get; } = annotation;

    public string Value { get; } = value;
}
