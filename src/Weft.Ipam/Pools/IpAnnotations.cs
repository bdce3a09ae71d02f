using System.Net;
using System.Text.Json;

namespace Weft.Ipam.Pools;

/// <summary>
/// Reads the fixed-IP and pool annotations of Weft, Calico, Kube-OVN and Antrea into one
/// <see cref="PodIpIntent"/>, with each project's own rules (policy-dialects.md §6). Pure.
/// </summary>
/// <remarks>
/// Weft's own annotations win; then Calico, Kube-OVN and Antrea, in that order. A pod annotated in two
/// dialects with different fixed addresses is an error rather than a silent pick.
/// </remarks>
public static class IpAnnotations
{
    public const string WeftAddresses = "weft.dev/ip-addresses";
    public const string WeftCandidates = "weft.dev/ip-candidates";
    public const string WeftPools = "weft.dev/ip-pools";
    public const string WeftMac = "weft.dev/mac-address";
    public const string CalicoAddresses = "cni.projectcalico.org/ipAddrs";
    public const string CalicoNoIpam = "cni.projectcalico.org/ipAddrsNoIpam";
    public const string CalicoV4Pools = "cni.projectcalico.org/ipv4pools";
    public const string CalicoV6Pools = "cni.projectcalico.org/ipv6pools";
    public const string CalicoMac = "cni.projectcalico.org/hwAddr";
    public const string OvnAddress = "ovn.kubernetes.io/ip_address";
    public const string OvnPool = "ovn.kubernetes.io/ip_pool";
    public const string OvnMac = "ovn.kubernetes.io/mac_address";
    public const string OvnSwitch = "ovn.kubernetes.io/logical_switch";
    public const string AntreaPools = "ipam.antrea.io/ippools";
    public const string AntreaAddresses = "ipam.antrea.io/pod-ips";

    /// <exception cref="AnnotationException">An annotation is malformed or contradicts another.</exception>
    public static PodIpIntent Parse(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string>? ns = null)
    {
        ns ??= new Dictionary<string, string>();
        var intents = new[] { Weft(pod, ns), Calico(pod, ns), KubeOvn(pod, ns), Antrea(pod, ns) }.OfType<PodIpIntent>().ToList();
        var fixedOnes = intents.Where(i => i.Addresses.Count > 0).ToList();
        for (var i = 1; i < fixedOnes.Count; i++)
        {
            if (!fixedOnes[i].Addresses.OrderBy(a => a.ToString()).SequenceEqual(fixedOnes[0].Addresses.OrderBy(a => a.ToString())))
            {
                throw new AnnotationException(fixedOnes[i].Source, string.Join(",", fixedOnes[i].Addresses),
                    $"contradicts {fixedOnes[0].Source} ({string.Join(",", fixedOnes[0].Addresses)})");
            }
        }
        if (intents.Count == 0)
        {
            return PodIpIntent.None;
        }
        var first = intents[0];
        // A MAC or a pool from a lower dialect still applies when the deciding one did not say.
        return first with
        {
            Pools = first.Pools.Count > 0 ? first.Pools : intents.Select(i => i.Pools).FirstOrDefault(p => p.Count > 0) ?? [],
            Mac = first.Mac ?? intents.Select(i => i.Mac).FirstOrDefault(m => m is not null),
        };
    }

    private static PodIpIntent? Weft(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns)
    {
        var addresses = pod.TryGetValue(WeftAddresses, out var a) ? Addresses(WeftAddresses, a) : [];
        var candidates = pod.TryGetValue(WeftCandidates, out var c) ? Candidates(WeftCandidates, c) : [];
        var pools = List(pod, ns, WeftPools);
        var mac = Mac(pod, WeftMac);
        return Any(addresses, candidates, pools, mac) ? new(addresses, candidates, pools, mac, Decider(pod, ns, WeftAddresses, WeftCandidates, WeftPools, WeftMac)) : null;
    }

    private static PodIpIntent? Calico(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns)
    {
        if (pod.TryGetValue(CalicoNoIpam, out var noIpam))
        {
            throw new AnnotationException(CalicoNoIpam, noIpam, pod.ContainsKey(CalicoAddresses)
                ? $"cannot be combined with {CalicoAddresses}"
                : $"bypasses IPAM, which Weft does not allow; use {CalicoAddresses}");
        }
        IReadOnlyList<IPAddress> addresses = [];
        if (pod.TryGetValue(CalicoAddresses, out var text))
        {
            addresses = Addresses(CalicoAddresses, string.Join(",", JsonList(CalicoAddresses, text)), shown: text);
            if (addresses.Count == 0)
            {
                throw new AnnotationException(CalicoAddresses, text, "is an empty list");
            }
        }
        // Calico: the pod's value replaces the namespace's, per family.
        var pools = JsonPools(pod, ns, CalicoV4Pools).Concat(JsonPools(pod, ns, CalicoV6Pools)).ToList();
        var mac = Mac(pod, CalicoMac);
        return Any(addresses, [], pools, mac) ? new(addresses, [], pools, mac, Decider(pod, ns, CalicoAddresses, CalicoV4Pools, CalicoV6Pools, CalicoMac)) : null;
    }

    private static PodIpIntent? KubeOvn(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns)
    {
        IReadOnlyList<IPAddress> addresses = pod.TryGetValue(OvnAddress, out var a)
            ? Addresses(OvnAddress, string.Join(",", a.Split(',').Select(p => p.Split('/')[0])), shown: a)
            : [];
        IReadOnlyList<IReadOnlyList<IPAddress>> candidates = [];
        List<string> pools = [];
        if (pod.TryGetValue(OvnPool, out var p))
        {
            if (IsName(p))
            {
                pools.Add(p.Trim());
            }
            else
            {
                candidates = OvnCandidates(p);
            }
        }
        // logical_switch names one subnet on a pod; on a namespace a list tried in order.
        if (pod.TryGetValue(OvnSwitch, out var sw))
        {
            pools.Add(sw.Trim());
        }
        else if (ns.TryGetValue(OvnSwitch, out var nsw))
        {
            pools.AddRange(nsw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        var mac = Mac(pod, OvnMac);
        // Kube-OVN: ip_address before ip_pool before the subnet.
        if (addresses.Count > 0)
        {
            candidates = [];
        }
        return Any(addresses, candidates, pools, mac) ? new(addresses, candidates, pools, mac, Decider(pod, ns, OvnAddress, OvnPool, OvnSwitch, OvnMac)) : null;
    }

    private static PodIpIntent? Antrea(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns)
    {
        var pools = List(pod, ns, AntreaPools);
        // pod-ips only counts where an ippools annotation applies (Antrea ignores it otherwise).
        IReadOnlyList<IPAddress> addresses = pools.Count > 0 && pod.TryGetValue(AntreaAddresses, out var a)
            ? Addresses(AntreaAddresses, a.Replace(" ", "", StringComparison.Ordinal))
            : [];
        return Any(addresses, [], pools, null) ? new(addresses, [], pools, null, addresses.Count > 0 ? AntreaAddresses : AntreaPools) : null;
    }

    /// <summary>"ip[,ip]": at most one address per family.</summary>
    private static List<IPAddress> Addresses(string annotation, string text, string? shown = null)
    {
        shown ??= text;
        var list = new List<IPAddress>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IPAddress.TryParse(part, out var ip) || part.Contains('/', StringComparison.Ordinal))
            {
                throw new AnnotationException(annotation, shown, $"has '{part}', which is not an IP address");
            }
            if (list.Any(x => x.AddressFamily == ip.AddressFamily))
            {
                throw new AnnotationException(annotation, shown, $"has more than one {Cidr.FamilyOf(ip)} address");
            }
            list.Add(ip);
        }
        return list;
    }

    /// <summary>Weft's candidates: groups separated by ';', each "ip[,ip]".</summary>
    private static List<IReadOnlyList<IPAddress>> Candidates(string annotation, string text) =>
        [.. text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(g => (IReadOnlyList<IPAddress>)Addresses(annotation, g))];

    /// <summary>
    /// Kube-OVN ip_pool lists: ';' separates per-pod dual-stack groups; otherwise ',' separates single
    /// addresses, except that exactly two addresses of different families are one dual-stack pair.
    /// </summary>
    private static List<IReadOnlyList<IPAddress>> OvnCandidates(string text)
    {
        if (text.Contains(';', StringComparison.Ordinal))
        {
            return Candidates(OvnPool, text);
        }
        var singles = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => IPAddress.TryParse(p, out var ip) ? ip : throw new AnnotationException(OvnPool, text, $"has '{p}', which is not an IP address"))
            .ToList();
        if (singles.Count == 2 && singles[0].AddressFamily != singles[1].AddressFamily)
        {
            return [singles];
        }
        return [.. singles.Select(ip => (IReadOnlyList<IPAddress>)[ip])];
    }

    /// <summary>A Kube-OVN ip_pool that is a pool name: no ',' or ';' and not an address.</summary>
    private static bool IsName(string value) =>
        !value.Contains(',', StringComparison.Ordinal) && !value.Contains(';', StringComparison.Ordinal) && !IPAddress.TryParse(value.Trim(), out _);

    /// <summary>A comma list on the pod, else on the namespace (the pod wins).</summary>
    private static List<string> List(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns, string annotation) =>
        (pod.TryGetValue(annotation, out var v) || ns.TryGetValue(annotation, out v))
            ? [.. v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]
            : [];

    private static IEnumerable<string> JsonPools(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns, string annotation) =>
        pod.TryGetValue(annotation, out var v) || ns.TryGetValue(annotation, out v) ? JsonList(annotation, v) : [];

    private static List<string> JsonList(string annotation, string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, IpamJson.Default.ListString) ?? throw new AnnotationException(annotation, text, "is not a JSON list of strings");
        }
        catch (JsonException)
        {
            throw new AnnotationException(annotation, text, "is not a JSON list of strings, e.g. [\"10.0.0.5\"]");
        }
    }

    private static string? Mac(IReadOnlyDictionary<string, string> pod, string annotation)
    {
        if (!pod.TryGetValue(annotation, out var mac))
        {
            return null;
        }
        var parts = mac.Trim().Split(':');
        var valid = parts.Length == 6 && parts.All(p => p.Length == 2 && p.All(Uri.IsHexDigit));
        if (!valid || (Convert.ToByte(parts[0], 16) & 1) == 1)
        {
            throw new AnnotationException(annotation, mac, "is not a unicast MAC address like 0a:58:0a:10:00:05");
        }
        return mac.Trim().ToLowerInvariant();
    }

    private static bool Any(IReadOnlyList<IPAddress> addresses, IReadOnlyList<IReadOnlyList<IPAddress>> candidates, IReadOnlyList<string> pools, string? mac) =>
        addresses.Count > 0 || candidates.Count > 0 || pools.Count > 0 || mac is not null;

    private static string Decider(IReadOnlyDictionary<string, string> pod, IReadOnlyDictionary<string, string> ns, params string[] annotations) =>
        annotations.FirstOrDefault(pod.ContainsKey) ?? annotations.FirstOrDefault(ns.ContainsKey) ?? annotations[0];
}
