using System.Globalization;
using System.Text.Json.Nodes;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes one model rule as Cilium rules. A Cilium rule has one L3 field (endpoints, CIDR set, entities or
/// nodes) and either toPorts or icmps, so a model rule becomes one Cilium rule per L3 kind and port kind;
/// Cilium rules of one direction are a union (allows) or all override (denies), so the split is exact.
/// </summary>
internal sealed class CiliumRuleWriter(string? ns, Refusals no)
{
    /// <summary>Cilium's names for IP protocols beyond TCP, UDP and SCTP (they need --enable-extended-ip-protocols).</summary>
    private static readonly Dictionary<int, string> Extended = new()
    {
        [112] = "VRRP",
        [2] = "IGMP",
        [47] = "GRE",
        [4] = "IPIP",
        [41] = "IPV6",
        [50] = "ESP",
        [51] = "AH",
    };

    private static readonly Dictionary<Entity, string> EntityNames = new()
    {
        [Entity.All] = "all",
        [Entity.World] = "world",
        [Entity.WorldV4] = "world-ipv4",
        [Entity.WorldV6] = "world-ipv6",
        [Entity.Cluster] = "cluster",
        [Entity.ClusterMesh] = "cluster-mesh",
        [Entity.Host] = "host",
        [Entity.RemoteNode] = "remote-node",
        [Entity.KubeApiserver] = "kube-apiserver",
        [Entity.Ingress] = "ingress",
        [Entity.Init] = "init",
        [Entity.Health] = "health",
        [Entity.Unmanaged] = "unmanaged",
    };

    public IEnumerable<JsonObject> Rules(PolicyRule rule)
    {
        if (rule.Action is not (RuleAction.Allow or RuleAction.Deny))
        {
            no.Rule(rule, "action", $"{no.Target} has no {rule.Action} action");
        }
        KubernetesShapes.NoExclusions(rule, no);
        var prefix = rule.Direction == Direction.Ingress ? "from" : "to";
        var (toPorts, icmps) = Ports(rule);
        foreach (var (field, items) in Peers(rule).Where(p => p.Items.Count > 0))
        {
            if (toPorts is null && icmps is null)
            {
                yield return new JsonObject { [prefix + field] = items.DeepClone() };
                continue;
            }
            if (toPorts is not null)
            {
                yield return new JsonObject { [prefix + field] = items.DeepClone(), ["toPorts"] = new JsonArray(new JsonObject { ["ports"] = toPorts.DeepClone() }) };
            }
            if (icmps is not null)
            {
                yield return new JsonObject { [prefix + field] = items.DeepClone(), ["icmps"] = new JsonArray(new JsonObject { ["fields"] = icmps.DeepClone() }) };
            }
        }
    }

    private List<(string Field, JsonArray Items)> Peers(PolicyRule rule)
    {
        var subjectNs = Canonical.SubjectNamespace(rule.Subject);
        if (Canonical.Peers(rule.Peers, subjectNs) is [Canonical.Any])
        {
            return [("Entities", new JsonArray((JsonNode)"all"))];
        }
        (string Field, JsonArray Items) endpoints = ("Endpoints", []), cidrs = ("CIDRSet", []), entities = ("Entities", []), nodes = ("Nodes", []);
        foreach (var peer in rule.Peers)
        {
            switch (peer)
            {
                case PodPeer pods:
                    var (selector, problem) = CiliumLabels.Peer(pods, ns, subjectNs);
                    if (selector is not null)
                    {
                        endpoints.Items.Add((JsonNode)selector);
                    }
                    else
                    {
                        no.Peer(rule, peer, problem!);
                    }
                    break;
                case IpBlockPeer block:
                    cidrs.Items.Add((JsonNode)KubernetesShapes.IpBlock(block));
                    break;
                case EntityPeer { Entity: Entity.None }:
                    break;
                case EntityPeer e when EntityNames.TryGetValue(e.Entity, out var name):
                    if (!entities.Items.Any(i => i?.GetValue<string>() == name))
                    {
                        entities.Items.Add((JsonNode)name);
                    }
                    break;
                case NodePeer n when SelectorWriter.KubernetesProblem(n.Nodes) is { } nodeProblem:
                    no.Peer(rule, peer, nodeProblem);
                    break;
                case NodePeer n:
                    nodes.Items.Add((JsonNode)SelectorWriter.Kubernetes(n.Nodes));
                    break;
                default:
                    no.Peer(rule, peer, peer is NotPeer ? $"{no.Target} has no negated peers" : $"{no.Target} cannot express this peer");
                    break;
            }
        }
        return [endpoints, cidrs, entities, nodes];
    }

    /// <summary>toPorts.ports and icmps.fields; both null when the rule matches every port and protocol.</summary>
    private (JsonArray? ToPorts, JsonArray? Icmps) Ports(PolicyRule rule)
    {
        if (Canonical.Ports(rule.Ports) is [Canonical.AllPorts])
        {
            return (null, null);
        }
        var ports = new JsonArray();
        var icmps = new JsonArray();
        foreach (var port in rule.Ports)
        {
            if (port.SourcePorts is not null)
            {
                no.Rule(rule, "ports", $"{no.Target} has no source ports; the source matches {port}");
            }
            else if (port.Protocol is L4Protocol.Icmp or L4Protocol.IcmpV6)
            {
                if (port.Icmp is { Type: { } type, Code: null })
                {
                    icmps.Add((JsonNode)new JsonObject { ["family"] = port.Protocol == L4Protocol.Icmp ? "IPv4" : "IPv6", ["type"] = type });
                }
                else
                {
                    no.Rule(rule, "ports", $"Cilium icmps match one ICMP type without a code; the source matches {port}");
                }
            }
            else if (port.Protocol == L4Protocol.Number)
            {
                if (port.ProtocolNumber is { } number && Extended.TryGetValue(number, out var name))
                {
                    ports.Add((JsonNode)new JsonObject { ["port"] = "0", ["protocol"] = name });
                }
                else
                {
                    no.Rule(rule, "ports", $"Cilium has no protocol {port.ProtocolNumber}");
                }
            }
            else
            {
                ports.Add((JsonNode)Port(port));
            }
        }
        return (ports.Count > 0 ? ports : null, icmps.Count > 0 ? icmps : null);
    }

    /// <summary>{port, endPort, protocol}: port "0" is every port, no protocol would be ANY (TCP, UDP and SCTP).</summary>
    private static JsonObject Port(PortMatch port)
    {
        var entry = new JsonObject();
        if (port.NamedPort is { } name)
        {
            entry["port"] = name;
        }
        else if (port.Ports is { } range && !(range.First <= 1 && range.Last >= 65535))
        {
            entry["port"] = range.First.ToString(CultureInfo.InvariantCulture);
            if (range.Last > range.First)
            {
                entry["endPort"] = range.Last;
            }
        }
        else
        {
            entry["port"] = "0";
        }
        entry["protocol"] = port.Protocol switch
        {
            L4Protocol.Tcp => "TCP",
            L4Protocol.Udp => "UDP",
            L4Protocol.Sctp => "SCTP",
            _ => "ANY",
        };
        return entry;
    }
}
