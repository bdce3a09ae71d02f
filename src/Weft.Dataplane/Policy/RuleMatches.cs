using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Weft.Linux.Nftables;
using Weft.Policy.Evaluation;
using Weft.Policy.Ir;

namespace Weft.Dataplane.Policy;

/// <summary>
/// Turns one rule, seen from one subject pod, into nft match expressions (without verdict): one line per
/// peer × port match × address family. Peer addresses live in named sets shared by every subject of the rule.
/// </summary>
internal sealed class RuleMatches(NftTable table, Selection selection, CompileMemo? memo)
{
    private readonly NftTable _table = table;
    private readonly Selection _selection = selection;
    private readonly CompileMemo? _memo = memo;

    /// <summary>While set, the sets the lines name and the snapshot parts their text came from are noted there.</summary>
    public PodChains? Recording { get; set; }

    public IEnumerable<string> For(PolicyRule rule, PodInfo subject)
    {
        IReadOnlyList<PortMatch?> ports = rule.Ports.Count == 0 ? [null] : [.. rule.Ports];
        for (var pi = 0; pi < rule.Peers.Count; pi++)
        {
            for (var mi = 0; mi < ports.Count; mi++)
            {
                foreach (var line in PeerAndPort(rule, pi, ports[mi], mi, subject))
                {
                    yield return line;
                }
            }
        }
    }

    private IEnumerable<string> PeerAndPort(PolicyRule rule, int pi, PortMatch? port, int mi, PodInfo subject)
    {
        var peer = rule.Peers[pi];
        if (port?.NamedPort is not { } name)
        {
            var l4 = L4(port, null) is { } positive ? Excluding(positive, port, rule.NotPorts) : null;
            return l4 is null ? [] : Addresses(rule, pi, peer, subject).Select(a => Join(a, l4));
        }
        if (rule.Direction == Direction.Ingress)
        {
            // The subject is the destination: its own container ports give the number.
            return Resolve(subject, port, name).SelectMany(p => Addresses(rule, pi, peer, subject).Select(a => Join(a, L4(p.Protocol, p.Port) + Source(port))));
        }
        // Egress: each destination pod may give the name another number; group destinations by number. The
        // numbers come from the covered pods, so a pod's chain holding these lines depends on their lists.
        Recording?.Derived.Add((CoveredReader(peer, subject.Namespace), _selection.CoveredLists(peer, subject.Namespace)));
        var lines = new List<string>();
        var groups = _selection.PodsCoveredBy(peer, subject.Namespace)
            .SelectMany(pod => Resolve(pod, port, name).Select(p => (Port: p, Pod: pod)))
            .GroupBy(x => x.Port, x => x.Pod)
            .OrderBy(g => g.Key.Port).ThenBy(g => g.Key.Protocol);
        foreach (var group in groups)
        {
            List<IPAddress> ips = [.. group.SelectMany(p => p.Addresses).Where(a => peer is not IpBlockPeer b || b.Matches(a)).Distinct()];
            var tag = $"n{mi}-{group.Key.Port}-{Protocols.Name(group.Key.Protocol).ToLowerInvariant()}";
            lines.AddRange(AddressSets(rule, pi, tag, _ => [ips], _ => ips, subject.Namespace).Select(a => Join(a, L4(group.Key.Protocol, group.Key.Port) + Source(port))));
        }
        return lines;
    }

    // Static, so the delegate a reused chain keeps cannot capture this compile's RuleMatches (its table and snapshot).
    private static Func<Selection, object[]> CoveredReader(Peer peer, string subjectNamespace) => s => s.CoveredLists(peer, subjectNamespace);

    private static IEnumerable<PodPort> Resolve(PodInfo pod, PortMatch match, string name) => pod.Ports.Where(p =>
        p.Name == name && (match.Protocol is L4Protocol.Any or L4Protocol.AnyPorted || p.Protocol == match.Protocol));

    private IEnumerable<string> Addresses(PolicyRule rule, int pi, Peer peer, PodInfo subject) => peer switch
    {
        AnyPeer or EntityPeer { Entity: Entity.All } => [""],
        PodPeer p => PodSets(rule, pi, p, subject),
        NodePeer n => AddressSets(rule, pi, "", m => [n, .. m._selection.Nodes], m => [.. m._selection.NodeAddresses(n).Distinct()], null),
        IpBlockPeer b => [IpBlock(rule, pi, b)],
        EntityPeer e => EntityLines(rule, e.Entity),
        NotPeer { Inner: PodPeer p } => PodSets(rule, pi, p, subject).Select(line => line.Replace(" @", " != @", StringComparison.Ordinal)),
        NotPeer { Inner: IpBlockPeer { Except.Count: 0 } b } => [IpBlock(rule, pi, b).Replace(" @", " != @", StringComparison.Ordinal)],
        // FQDN peers need DNS answers, and other negations have no single-rule form yet: they match nothing.
        _ => [],
    };

    /// <summary>
    /// Reserved identities from the snapshot: "cluster" is every pod and node address, "world" everything else,
    /// host and remote-node the node addresses. The others (kube-apiserver, health, ...) match nothing yet.
    /// </summary>
    private IEnumerable<string> EntityLines(PolicyRule rule, Entity entity)
    {
        IEnumerable<string> Lines(string tag, bool negate, bool v4 = true, bool v6 = true)
        {
            foreach (var v in new[] { false, true }.Where(v => v ? v6 : v4))
            {
                var name = NftNames.Make("entity", tag, v ? "v6" : "v4");
                Need(m => m.EnsureEntitySet(name, tag, v));
                yield return $"{Family(v)} {Field(rule)} {(negate ? "!= " : "")}@{name}";
            }
        }
        return entity switch
        {
            Entity.Cluster => Lines("cluster", negate: false),
            Entity.World => Lines("cluster", negate: true),
            Entity.WorldV4 => Lines("cluster", negate: true, v6: false),
            Entity.WorldV6 => Lines("cluster", negate: true, v4: false),
            Entity.Host or Entity.RemoteNode => Lines("nodes", negate: false),
            _ => [],
        };
    }

    /// <summary>
    /// The cluster set holds every pod of the cluster: the memo carries it from compile to compile, changed by
    /// the addresses that came or went. The node set is reused while no node changed.
    /// </summary>
    private void EnsureEntitySet(string name, string tag, bool v6)
    {
        if (_table.Sets.ContainsKey(name))
        {
            return;
        }
        if (tag == "cluster" && _memo is not null)
        {
            _memo.Cluster.AddTo(_table, name, v6, _selection);
            return;
        }
        object[] inputs = [tag, .. _selection.Nodes];
        if (_memo?.Reuse(name, inputs) is { } reused)
        {
            _table.AddExisting(reused);
            return;
        }
        var addresses = tag == "cluster" ? _selection.ClusterAddresses() : _selection.NodeAddresses(new NodePeer(Selector.All));
        var set = Fill(_table.AddSet(name, v6 ? "ipv6_addr" : "ipv4_addr"), [.. addresses.Distinct()], v6);
        _memo?.Remember(name, inputs, set);
    }

    /// <summary>
    /// The rule's exclusions (Calico notProtocol, notPorts) added to one positive match: a protocol exclusion
    /// anywhere, a port exclusion where the positive match names the same protocol. Other exclusions have no
    /// single-rule form; such a match is dropped (null), so the rule matches less rather than more.
    /// </summary>
    private static string? Excluding(string positive, PortMatch? port, IReadOnlyList<PortMatch> notPorts)
    {
        var text = positive;
        foreach (var n in notPorts)
        {
            if (n.Ports is null && n.NamedPort is null && n.SourcePorts is null && n.Icmp is null && n.Protocol is L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp)
            {
                text = Join(text, $"meta l4proto != {Protocols.Name(n.Protocol).ToLowerInvariant()}");
            }
            else if (n.Ports is { } r && n.NamedPort is null && n.SourcePorts is null && port is not null && port.Protocol == n.Protocol)
            {
                text = Join(text, $"th dport != {r}");
            }
            else if (n.SourcePorts is { } sr && n.Ports is null && n.NamedPort is null && port is not null && port.Protocol == n.Protocol)
            {
                text = Join(text, $"th sport != {sr}");
            }
            else
            {
                return null;
            }
        }
        return text;
    }

    /// <summary>A pod peer's two sets (IPv4 and IPv6), shared by every subject of the rule (per subject namespace where the peer is relative to it).</summary>
    private IEnumerable<string> PodSets(PolicyRule rule, int pi, PodPeer peer, PodInfo subject)
    {
        var perSubject = peer.Namespaces is SameNamespaceAsSubject or NamespacesSharingLabels ? subject.Namespace : null;
        var v4 = SetName(rule, $"p{pi}", "v4", perSubject);
        var v6 = SetName(rule, $"p{pi}", "v6", perSubject);
        var subjectNamespace = subject.Namespace;
        Need(m => m.EnsurePodSets(v4, v6, peer, subjectNamespace));
        return [$"ip {Field(rule)} @{v4}", $"ip6 {Field(rule)} @{v6}"];
    }

    /// <summary>Makes both sets, or reuses them from the memo when the peer and the pods of every namespace it covers are unchanged.</summary>
    private void EnsurePodSets(string v4, string v6, PodPeer peer, string subjectNamespace)
    {
        if (_table.Sets.ContainsKey(v4))
        {
            return;
        }
        IEnumerable<string> Covered() => _selection.NamespacesOf(peer.Namespaces, subjectNamespace);
        if (_memo?.ReusePeerSets(v4, peer, Covered) is { } reused)
        {
            _table.AddExisting(reused.V4);
            _table.AddExisting(reused.V6);
            return;
        }
        List<IPAddress> all = [.. _selection.PodsOf(peer, subjectNamespace).SelectMany(x => x.Addresses).Distinct()];
        var sets = new CompileMemo.PeerSets(peer, [.. Covered()],
            Fill(_table.AddSet(v4, "ipv4_addr"), all, v6: false), Fill(_table.AddSet(v6, "ipv6_addr"), all, v6: true));
        _memo?.RememberPeerSets(v4, sets);
    }

    /// <summary>One IPv4 and one IPv6 line, even for empty sets, so a pod joining later is only a set-element add.</summary>
    /// <remarks>
    /// A set's name determines its content, so every later subject of the rule reuses it as it is. The sets are
    /// reused from the memo while <paramref name="inputs"/> (the snapshot parts the addresses come from) are.
    /// </remarks>
    private IEnumerable<string> AddressSets(PolicyRule rule, int pi, string tag, Func<RuleMatches, object[]> inputs,
        Func<RuleMatches, List<IPAddress>> addresses, string? perSubject)
    {
        var v4 = SetName(rule, $"p{pi}{tag}", "v4", perSubject);
        var v6 = SetName(rule, $"p{pi}{tag}", "v6", perSubject);
        Need(m =>
        {
            if (m._table.Sets.ContainsKey(v4))
            {
                return;
            }
            var from = inputs(m);
            if (m._memo?.Reuse(v4, from) is { } r4 && m._memo.Reuse(v6, from) is { } r6)
            {
                m._table.AddExisting(r4);
                m._table.AddExisting(r6);
                return;
            }
            var all = addresses(m);
            var set4 = Fill(m._table.AddSet(v4, "ipv4_addr"), all, v6: false);
            var set6 = Fill(m._table.AddSet(v6, "ipv6_addr"), all, v6: true);
            m._memo?.Remember(v4, from, set4);
            m._memo?.Remember(v6, from, set6);
        });
        return [$"ip {Field(rule)} @{v4}", $"ip6 {Field(rule)} @{v6}"];
    }

    /// <summary>Makes what lines refer to, now and again in every later compile that reuses the lines.</summary>
    /// <remarks>
    /// <paramref name="make"/> is kept with the pod's chains: it must reach the compile through its argument (<c>m</c>)
    /// and capture no <c>this</c>, or every reused chain would keep an old compile's table and snapshot alive.
    /// </remarks>
    private void Need(Action<RuleMatches> make)
    {
        Recording?.MakeSets.Add(make);
        make(this);
    }

    private static NftSet Fill(NftSet set, List<IPAddress> addresses, bool v6)
    {
        foreach (var a in addresses.Where(a => (a.AddressFamily == AddressFamily.InterNetworkV6) == v6))
        {
            set.Add(a.ToString());
        }
        return set;
    }

    private string IpBlock(PolicyRule rule, int pi, IpBlockPeer block)
    {
        var v6 = block.Cidr.Network.AddressFamily == AddressFamily.InterNetworkV6;
        var type = v6 ? "ipv6_addr" : "ipv4_addr";
        var allow = SetName(rule, $"p{pi}", "cidr", null);
        var text = $"{Family(v6)} {Field(rule)} @{allow}";
        if (block.OutsideClusterOnly)
        {
            text += " " + EntityLines(rule, Entity.World).First(l => l.StartsWith(Family(v6) + " ", StringComparison.Ordinal));
        }
        // Interval sets reject overlapping elements: keep only excepts not inside another except.
        var excepts = block.Except.Where(e => !block.Except.Any(o => o != e && o.StrictlyContains(e))).Distinct().ToList();
        var except = excepts.Count == 0 ? null : SetName(rule, $"p{pi}", "except", null);
        // The sets follow from the peer alone: reused from the memo while the rule's peer is the same.
        Need(m => m.EnsureStatic(allow, type, block, set => set.Add(block.Cidr.ToString())));
        if (except is not null)
        {
            Need(m => m.EnsureStatic(except, type, block, set => excepts.ForEach(e => set.Add(e.ToString()))));
        }
        return except is null ? text : $"{text} {Family(v6)} {Field(rule)} != @{except}";
    }

    private void EnsureStatic(string name, string type, Peer peer, Action<NftSet> fill)
    {
        if (_table.Sets.ContainsKey(name))
        {
            return;
        }
        object[] inputs = [peer];
        if (_memo?.Reuse(name, inputs) is { } reused)
        {
            _table.AddExisting(reused);
            return;
        }
        var set = _table.AddSet(name, type, NftSetFlags.Interval);
        fill(set);
        _memo?.Remember(name, inputs, set);
    }

    /// <summary>Readable policy and rule, plus a hash of the full rule key so names that normalize alike stay apart.</summary>
    private string SetName(PolicyRule rule, string peer, string kind, string? subjectNamespace)
    {
        var key = rule.Id.Key + "|" + peer + "|" + kind + "|" + subjectNamespace;
        return _memo is null ? MakeSetName(rule, key, peer, kind) : _memo.Name(key, () => MakeSetName(rule, key, peer, kind));
    }

    private static string MakeSetName(PolicyRule rule, string key, string peer, string kind)
    {
        var id = rule.Id;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..6];
        var dir = id.Direction == Direction.Ingress ? "in" : "eg";
        return NftNames.Make(id.Policy.Name, $"{dir}{id.Index}", peer, kind, hash);
    }

    private static string Family(bool v6) => v6 ? "ip6" : "ip";

    private static string Field(PolicyRule rule) => rule.Direction == Direction.Ingress ? "saddr" : "daddr";

    private static string Join(string address, string l4) => string.Join(' ', new[] { address, l4 }.Where(s => s.Length > 0));

    /// <summary>The L4 part of a match, "" for any protocol; null when the dataplane cannot express it.</summary>
    private static string? L4(PortMatch? match, int? resolved)
    {
        if (match is null)
        {
            return "";
        }
        var source = Source(match);
        var ports = match.Ports is { } r ? $" th dport {r}" : "";
        return match.Protocol switch
        {
            L4Protocol.Any => "",
            L4Protocol.AnyPorted => "meta l4proto { tcp, udp, sctp }" + ports + source,
            L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp => L4(match.Protocol, resolved) + ports + source,
            L4Protocol.Icmp => "meta l4proto icmp" + Icmp("icmp", match.Icmp),
            L4Protocol.IcmpV6 => "meta l4proto ipv6-icmp" + Icmp("icmpv6", match.Icmp),
            L4Protocol.Number when match.ProtocolNumber is { } n => $"meta l4proto {n}",
            _ => null,
        };
    }

    private static string Source(PortMatch match) => match.SourcePorts is { } s ? $" th sport {s}" : "";

    private static string L4(L4Protocol protocol, int? port)
    {
        var name = protocol switch
        {
            L4Protocol.Udp => "udp",
            L4Protocol.Sctp => "sctp",
            _ => "tcp",
        };
        return port is { } p ? $"meta l4proto {name} th dport {p}" : $"meta l4proto {name}";
    }

    private static string Icmp(string keyword, IcmpMatch? icmp) =>
        (icmp?.Type is { } t ? $" {keyword} type {t}" : "") + (icmp?.Code is { } c ? $" {keyword} code {c}" : "");
}
