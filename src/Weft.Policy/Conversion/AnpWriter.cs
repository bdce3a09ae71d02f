using System.Globalization;
using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.AdminNetwork;
using Weft.Policy.Ir;
using static Weft.Policy.Conversion.KubernetesShapes;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes an AdminNetworkPolicy (admin band, priority = the source's order) or the BaselineAdminNetworkPolicy
/// (baseline band, always named "default"): one subject, ordered Allow/Deny/Pass rules, no isolation.
/// </summary>
internal static class AnpWriter
{
    public static IReadOnlyList<Resource> Write(SourcePolicy source, Refusals no)
    {
        var baseline = source.Band == Band.Baseline;
        if (source.Band is Band.Developer or Band.Default)
        {
            no.Policy("tier", $"{no.Target} and BaselineAdminNetworkPolicy sit in the admin and baseline bands; the source sits in the {Refusals.BandName(source.Band.Value)} band (tier {source.Tier?.Name}), whose allow-list isolates the pods it selects");
        }
        else if (source.Isolations.FirstOrDefault() is { } isolation)
        {
            no.Policy("isolation", $"{no.Target} never isolates; the source's tier {isolation.Tier.Name} denies by default what no rule of it matches");
        }
        int? priority = null;
        if (source.Band == Band.Admin)
        {
            if (source.Order is >= 0 and <= 1000 && Math.Floor(source.Order) == source.Order)
            {
                priority = (int)source.Order;
            }
            else
            {
                no.Policy("priority", $"{no.Target} priority is a whole number from 0 to 1000; the source's order is {source.Order.ToString(CultureInfo.InvariantCulture)}");
            }
        }
        var subject = OneSubject(source, no);
        var subjectNode = subject is null ? null : Subject(subject, no);
        var sections = new Dictionary<Direction, JsonArray>();
        foreach (var rule in source.Rules)
        {
            if (Rule(rule, baseline, no) is { } written)
            {
                (sections.TryGetValue(rule.Direction, out var list) ? list : sections[rule.Direction] = []).Add((JsonNode)written);
            }
        }
        if (no.List.Count > 0)
        {
            return [];
        }
        if (baseline && source.Ref.Name != AdminNetworkPolicies.BaselineName)
        {
            no.Note($"written as BaselineAdminNetworkPolicy {AdminNetworkPolicies.BaselineName}: the baseline policy is a singleton, so it replaces any other");
        }
        var spec = new JsonObject();
        if (priority is { } p)
        {
            spec["priority"] = p;
        }
        spec["subject"] = subjectNode;
        foreach (var (direction, list) in sections.OrderBy(s => s.Key))
        {
            spec[Section(direction)] = list;
        }
        return
        [
            new Resource
            {
                ApiVersion = AdminNetworkPolicies.V1Alpha1,
                Kind = baseline ? AdminNetworkPolicies.BanpKind : AdminNetworkPolicies.AnpKind,
                // The baseline policy is a singleton: whatever the source was called, it is "default".
                Metadata = new ObjectMeta { Name = baseline ? AdminNetworkPolicies.BaselineName : source.Ref.Name },
                Body = new JsonObject { ["spec"] = spec },
            },
        ];
    }

    private static JsonObject? Subject(PodSubject subject, Refusals no)
    {
        if (Canonical.NamespaceAtoms(subject.Namespaces) is not { } namespaces || namespaces.Any(a => !a.IsKubernetes))
        {
            no.Policy("subject", $"{Canonical.Subject(subject)}: the namespace part is no Kubernetes label selector");
            return null;
        }
        if (SelectorWriter.KubernetesProblem(subject.Pods) is { } problem)
        {
            no.Policy("subject", problem);
            return null;
        }
        return subject.Pods is AllSelector
            ? new JsonObject { ["namespaces"] = SelectorWriter.Kubernetes(namespaces) }
            : new JsonObject { ["pods"] = Pods(namespaces, subject.Pods) };
    }

    private static JsonObject Pods(IReadOnlyList<LabelAtom> namespaces, Selector pods) => new()
    {
        ["namespaceSelector"] = SelectorWriter.Kubernetes(namespaces),
        ["podSelector"] = SelectorWriter.Kubernetes(pods),
    };

    private static JsonObject? Rule(PolicyRule rule, bool baseline, Refusals no)
    {
        var kind = baseline ? "BaselineAdminNetworkPolicy" : no.Target;
        string? action = rule.Action switch
        {
            RuleAction.Allow => "Allow",
            RuleAction.Deny => "Deny",
            RuleAction.Pass when !baseline && rule.PassTarget == PassTarget.EndOfBand => "Pass",
            _ => null,
        };
        if (action is null)
        {
            no.Rule(rule, "action", rule.Action == RuleAction.Pass
                ? baseline ? $"{kind} has no Pass action" : $"{kind} Pass skips the rest of the admin band; the source's Pass goes only to the next tier"
                : $"{kind} has no {rule.Action} action");
        }
        if (rule.Log)
        {
            no.Rule(rule, "log", $"{kind} has no rule logging");
        }
        NoExclusions(rule, no);
        var result = new JsonObject();
        if (rule.Id.Name is { } name)
        {
            result["name"] = name;
        }
        result["action"] = action;
        result[PeerField(rule.Direction)] = Peers(rule, kind, no);
        if (Ports(rule, kind, no) is { } ports)
        {
            result["ports"] = ports;
        }
        return result;
    }

    private static JsonArray Peers(PolicyRule rule, string kind, Refusals no)
    {
        var ingress = rule.Direction == Direction.Ingress;
        if (Canonical.Peers(rule.Peers, Canonical.SubjectNamespace(rule.Subject)) is [Canonical.Any])
        {
            if (ingress)
            {
                no.Rule(rule, "from", $"{kind} ingress peers are pods and namespaces only; the source's rule matches every source, addresses outside the cluster included");
                return [];
            }
            // Every IPv4 and IPv6 address: pods, nodes and the outside world.
            return [new JsonObject { ["networks"] = new JsonArray((JsonNode)"0.0.0.0/0", (JsonNode)"::/0") }];
        }
        var result = new JsonArray();
        var networks = new JsonArray();
        foreach (var peer in rule.Peers)
        {
            switch (peer)
            {
                case PodPeer pods when SelectorWriter.KubernetesProblem(pods.Pods) is { } problem:
                    no.Peer(rule, peer, problem);
                    break;
                case PodPeer pods:
                    if (NamespaceAtoms(rule, pods, no) is { } namespaces)
                    {
                        result.Add((JsonNode)(pods.Pods is AllSelector
                            ? new JsonObject { ["namespaces"] = SelectorWriter.Kubernetes(namespaces) }
                            : new JsonObject { ["pods"] = Pods(namespaces, pods.Pods) }));
                    }
                    break;
                case IpBlockPeer when ingress:
                    no.Peer(rule, peer, $"{kind} ingress peers are pods and namespaces only");
                    break;
                case IpBlockPeer block when block.Except.Count > 0:
                    no.Peer(rule, peer, $"{kind} networks have no except");
                    break;
                case IpBlockPeer block:
                    networks.Add((JsonNode)block.Cidr.ToString());
                    break;
                case NodePeer when ingress:
                    no.Peer(rule, peer, $"{kind} ingress peers are pods and namespaces only");
                    break;
                case NodePeer nodes when SelectorWriter.KubernetesProblem(nodes.Nodes) is { } problem:
                    no.Peer(rule, peer, problem);
                    break;
                case NodePeer nodes:
                    result.Add((JsonNode)new JsonObject { ["nodes"] = SelectorWriter.Kubernetes(nodes.Nodes) });
                    break;
                case EntityPeer { Entity: Entity.None }:
                    break;
                case EntityPeer e:
                    no.Peer(rule, peer, $"{kind} has no entity peers ({e.Entity})");
                    break;
                default:
                    no.Peer(rule, peer, $"{kind} has no {(peer is NotPeer ? "negated peers" : "such peer")}");
                    break;
            }
        }
        if (networks.Count > 0)
        {
            result.Add((JsonNode)new JsonObject { ["networks"] = networks });
        }
        return result;
    }

    /// <summary>portNumber, portRange (every port of a protocol is 1-65535) and namedPort, which has no protocol.</summary>
    private static JsonArray? Ports(PolicyRule rule, string kind, Refusals no)
    {
        if (Canonical.Ports(rule.Ports) is [Canonical.AllPorts])
        {
            return null;
        }
        var result = new JsonArray();
        var expanded = rule.Ports.SelectMany(Canonical.Expand).ToList();
        foreach (var named in expanded.Where(p => p.NamedPort is not null).GroupBy(p => p.NamedPort!, StringComparer.Ordinal))
        {
            // An AdminNetworkPolicy namedPort matches the container port of that name whatever its protocol.
            var protocols = named.Select(p => p.Protocol).ToHashSet();
            if (protocols.SetEquals([L4Protocol.Tcp, L4Protocol.Udp, L4Protocol.Sctp]) && named.All(p => p.SourcePorts is null && p.Icmp is null))
            {
                result.Add((JsonNode)new JsonObject { ["namedPort"] = named.Key });
            }
            else
            {
                no.Rule(rule, "ports", $"{kind} namedPort has no protocol; the source's named port {named.Key} is {string.Join("|", protocols.Select(Protocols.Name))} only");
            }
        }
        foreach (var port in expanded.Where(p => p.NamedPort is null))
        {
            if (port.Protocol is not (L4Protocol.Tcp or L4Protocol.Udp or L4Protocol.Sctp) || port.Icmp is not null || port.SourcePorts is not null)
            {
                no.Rule(rule, "ports", $"{kind} matches TCP, UDP and SCTP destination ports only; the source matches {port}");
                continue;
            }
            var protocol = Protocols.Name(port.Protocol);
            var range = port.Ports ?? new PortRange(1, 65535);
            result.Add((JsonNode)(range.First == range.Last
                ? new JsonObject { ["portNumber"] = new JsonObject { ["protocol"] = protocol, ["port"] = range.First } }
                : new JsonObject { ["portRange"] = new JsonObject { ["protocol"] = protocol, ["start"] = range.First, ["end"] = range.Last } }));
        }
        return result;
    }
}
