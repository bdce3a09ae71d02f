using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// The pieces Kubernetes NetworkPolicy and Antrea write alike: one subject per policy, the namespace part of a
/// pod peer as a namespaceSelector, and ports as {protocol, port, endPort}.
/// </summary>
internal static class KubernetesShapes
{
    /// <summary>The one subject every rule and isolation fact shares, or null after saying why there is none.</summary>
    public static PodSubject? OneSubject(SourcePolicy source, Refusals no)
    {
        if (source.Subjects.Count > 1)
        {
            no.Policy("subject", $"the source's rules apply to different pods ({string.Join("; ", source.Subjects.Select(Canonical.Subject))}); {no.Target} has one subject per policy");
            return null;
        }
        if (source.Subjects.FirstOrDefault() is not PodSubject subject)
        {
            no.Policy("subject", $"a {no.Target} selects pods; the source selects {source.Subjects.FirstOrDefault()}");
            return null;
        }
        return subject;
    }

    /// <summary>
    /// The namespace tests of a pod peer's scope, or null after a refusal. An empty list means "all namespaces";
    /// <paramref name="own"/> is what the scope means when it is the subject's one namespace.
    /// </summary>
    public static IReadOnlyList<LabelAtom>? NamespaceAtoms(PolicyRule rule, PodPeer peer, Refusals no)
    {
        var scope = peer.Namespaces is SameNamespaceAsSubject && Canonical.SubjectNamespace(rule.Subject) is { } own
            ? new InNamespace(own)
            : peer.Namespaces;
        if (Canonical.NamespaceAtoms(scope) is not { } atoms)
        {
            no.Peer(rule, peer, scope switch
            {
                SameNamespaceAsSubject => $"{no.Target} has no \"same namespace as the subject\" peer for a subject spanning namespaces",
                NamespacesSharingLabels { Same: true } => $"{no.Target} has no peer for namespaces sharing label values with the subject's",
                NamespacesSharingLabels => $"{no.Target} has no peer for namespaces differing from the subject's in label values",
                _ => $"namespace selector {LabelAtoms.Text(((NamespacesMatching)scope).Selector)} needs OR or NOT, which a Kubernetes label selector cannot say",
            });
            return null;
        }
        if (atoms.FirstOrDefault(a => !a.IsKubernetes) is { } odd)
        {
            no.Peer(rule, peer, $"namespace selector test {odd} has no Kubernetes label selector operator");
            return null;
        }
        return atoms;
    }

    /// <summary>True when the atoms say exactly "the namespace <paramref name="ns"/>".</summary>
    public static bool IsOnly(IReadOnlyList<LabelAtom> atoms, string? ns) =>
        ns is not null && atoms is [{ Key: NamespaceView.NameLabel, Operator: SelectorOperator.In, Values: [var only] }] && only == ns;

    /// <summary>
    /// Port entries {protocol, port, endPort} for TCP, UDP and SCTP; null when the rule matches every port and
    /// protocol. Other protocols are left to <paramref name="other"/> (it refuses or writes them) and source ports
    /// to <paramref name="sourcePorts"/>.
    /// </summary>
    public static JsonArray? Ports(PolicyRule rule, Refusals no, Func<PortMatch, bool> other, Action<JsonObject, PortRange>? sourcePorts = null,
        string matches = "TCP, UDP and SCTP ports")
    {
        if (Canonical.Ports(rule.Ports) is [Canonical.AllPorts])
        {
            return null;
        }
        var result = new JsonArray();
        foreach (var port in rule.Ports.SelectMany(Canonical.Expand))
        {
            if (port.Protocol is not (L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp) || port.Icmp is not null)
            {
                if (other(port))
                {
                    continue;
                }
                no.Rule(rule, "ports", $"{no.Target} matches {matches} only; the source matches {port}");
                continue;
            }
            var entry = new JsonObject { ["protocol"] = Protocols.Name(port.Protocol) };
            if (port.NamedPort is { } name)
            {
                entry["port"] = name;
            }
            else if (port.Ports is { } range && !(range.First <= 1 && range.Last >= 65535))
            {
                entry["port"] = range.First;
                if (range.Last > range.First)
                {
                    entry["endPort"] = range.Last;
                }
            }
            if (port.SourcePorts is { } source)
            {
                if (sourcePorts is null)
                {
                    no.Rule(rule, "ports", $"{no.Target} has no source ports; the source matches {port}");
                    continue;
                }
                sourcePorts(entry, source);
            }
            result.Add((JsonNode)entry);
        }
        return result;
    }

    /// <summary>The refusals every k8s-shaped writer shares for one rule: excluded ports.</summary>
    public static void NoExclusions(PolicyRule rule, Refusals no)
    {
        if (rule.NotPorts.Count > 0)
        {
            no.Rule(rule, "ports", $"{no.Target} cannot exclude ports or protocols ({string.Join(", ", rule.NotPorts)})");
        }
    }

    public static JsonObject IpBlock(IpBlockPeer block)
    {
        var ipBlock = new JsonObject { ["cidr"] = block.Cidr.ToString() };
        if (block.Except.Count > 0)
        {
            ipBlock["except"] = new JsonArray([.. block.Except.Select(e => (JsonNode?)e.ToString())]);
        }
        return ipBlock;
    }

    public static string Section(Direction direction) => direction == Direction.Ingress ? "ingress" : "egress";

    public static string PeerField(Direction direction) => direction == Direction.Ingress ? "from" : "to";
}
