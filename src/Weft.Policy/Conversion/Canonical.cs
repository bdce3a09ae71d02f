using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Texts that are equal exactly when two model parts match the same traffic, whichever dialect produced them:
/// "namespace x" and "namespaces with kubernetes.io/metadata.name=x" are one scope, TCP|UDP|SCTP is three
/// protocols, the entity "all" is any peer, and so on. The equivalence check compares these.
/// </summary>
internal static class Canonical
{
    public const string Any = "any";
    public const string AllPorts = "*";

    /// <summary>The namespace every selected pod lives in, when the scope pins one.</summary>
    public static string? SingleNamespace(NamespaceScope scope) => scope switch
    {
        InNamespace n => n.Name,
        NamespacesMatching m => LabelAtoms.Conjunction(m.Selector)?
            .FirstOrDefault(a => a is { Key: NamespaceView.NameLabel, Operator: SelectorOperator.In, Values.Count: 1 })?.Values[0],
        _ => null,
    };

    /// <summary>The namespace scope as an AND of tests on namespace labels, or null for same-namespace and shared-label scopes.</summary>
    public static IReadOnlyList<LabelAtom>? NamespaceAtoms(NamespaceScope scope) => scope switch
    {
        InNamespace n => [LabelAtom.Of(NamespaceView.NameLabel, SelectorOperator.In, [n.Name])],
        // Every namespace has its name label, so testing for it adds nothing (Cilium writes it to stop namespace injection).
        NamespacesMatching m => LabelAtoms.Conjunction(m.Selector)?.Where(a => a is not { Key: NamespaceView.NameLabel, Operator: SelectorOperator.Exists }).ToList(),
        _ => null,
    };

    /// <param name="scope">The scope.</param>
    /// <param name="subjectNamespace">The one namespace of the rule's subject, which "the subject's namespace" then means.</param>
    public static string Scope(NamespaceScope scope, string? subjectNamespace) => scope switch
    {
        SameNamespaceAsSubject when subjectNamespace is not null => Scope(new InNamespace(subjectNamespace), null),
        SameNamespaceAsSubject => "the subject's namespace",
        NamespacesSharingLabels s => $"namespaces {(s.Same ? "sharing" : "not sharing")} {string.Join(",", s.Keys.Order(StringComparer.Ordinal))}",
        NamespacesMatching m when NamespaceAtoms(m) is null => "namespaces " + LabelAtoms.Text(m.Selector),
        _ => NamespaceAtoms(scope) is { Count: 0 } ? "all namespaces" : "namespaces " + string.Join(" && ", NamespaceAtoms(scope)!),
    };

    public static string Subject(Subject subject) => subject switch
    {
        PodSubject p => $"pods [{LabelAtoms.Text(p.Pods)}] in {Scope(p.Namespaces, null)}",
        _ => subject.ToString() ?? "",
    };

    public static string? SubjectNamespace(Subject subject) => subject is PodSubject p ? SingleNamespace(p.Namespaces) : null;

    /// <summary>One text per peer, sorted; a peer that matches everything makes the list just "any"; peers that match nothing vanish.</summary>
    public static IReadOnlyList<string> Peers(IEnumerable<Peer> peers, string? subjectNamespace)
    {
        var texts = peers.Select(p => Peer(p, subjectNamespace)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        // 0.0.0.0/0 and ::/0 together cover every address, pods and nodes included (ANP's way of saying "anything").
        if (texts.Contains(Any) || (texts.Contains("ipBlock 0.0.0.0/0") && texts.Contains("ipBlock ::/0")))
        {
            return [Any];
        }
        return [.. texts.Order(StringComparer.Ordinal)];
    }

    public static string? Peer(Peer peer, string? subjectNamespace) => peer switch
    {
        AnyPeer or EntityPeer { Entity: Entity.All } => Any,
        EntityPeer { Entity: Entity.None } => null,
        EntityPeer e => "entity " + e.Entity,
        PodPeer p => $"pods [{LabelAtoms.Text(p.Pods)}] in {Scope(p.Namespaces, subjectNamespace)}",
        IpBlockPeer b => IpBlock(b),
        NodePeer n => $"nodes [{LabelAtoms.Text(n.Nodes)}]",
        FqdnPeer f => $"fqdn {f.Flavor} {f.Pattern}",
        NotPeer n => Peer(n.Inner, subjectNamespace) is { } inner ? $"not ({inner})" : Any,
        _ => peer.ToString(),
    };

    public static string IpBlock(IpBlockPeer b) => b.Except.Count == 0
        ? $"ipBlock {b.Cidr}"
        : $"ipBlock {b.Cidr} except {string.Join(",", b.Except.Select(e => e.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))}";

    /// <summary>Port texts, sorted; an empty list (every protocol and port) is just "*".</summary>
    public static IReadOnlyList<string> Ports(IReadOnlyList<PortMatch> ports)
    {
        var texts = ports.SelectMany(Expand).Select(Port).Distinct(StringComparer.Ordinal).ToList();
        if (ports.Count == 0 || texts.Contains(AllPorts))
        {
            return [AllPorts];
        }
        // Every port of a protocol covers any narrower match of that protocol (a port, a name, an ICMP type).
        var whole = texts.Where(t => t.EndsWith("/*", StringComparison.Ordinal)).Select(t => t[..^1]).ToList();
        return [.. texts.Where(t => !whole.Any(w => t.StartsWith(w, StringComparison.Ordinal) && t != w + "*")).Order(StringComparer.Ordinal)];
    }

    /// <summary>Excluded ports (Calico notPorts and friends), sorted; empty when nothing is excluded.</summary>
    public static string NotPorts(IReadOnlyList<PortMatch> notPorts) =>
        notPorts.Count == 0 ? "" : " not " + string.Join(",", Ports(notPorts));

    /// <summary>
    /// TCP|UDP|SCTP is the three protocols; so is a named port with no protocol, since container ports are
    /// always one of the three.
    /// </summary>
    public static IEnumerable<PortMatch> Expand(PortMatch port) =>
        port.Protocol == L4Protocol.AnyPorted || (port.Protocol == L4Protocol.Any && port.NamedPort is not null)
            ? [port with { Protocol = L4Protocol.Tcp }, port with { Protocol = L4Protocol.Udp }, port with { Protocol = L4Protocol.Sctp }]
            : [port];

    private static string Port(PortMatch p)
    {
        var protocol = p.Protocol switch
        {
            L4Protocol.Number => $"proto {p.ProtocolNumber}",
            _ => Protocols.Name(p.Protocol),
        };
        if (p.Protocol == L4Protocol.Any && p.Ports is null && p.SourcePorts is null && p.Icmp is null)
        {
            return AllPorts;
        }
        var ports = p.NamedPort is { } name ? name : p.Ports is { } r && !(r.First <= 1 && r.Last >= 65535) ? r.ToString() : "*";
        var icmp = p.Icmp is { } i && (i.Type is not null || i.Code is not null) ? $" icmp {i.Type?.ToString() ?? "*"}/{i.Code?.ToString() ?? "*"}" : "";
        var source = p.SourcePorts is { } s ? $" from port {s}" : "";
        return $"{protocol}/{ports}{icmp}{source}";
    }
}
