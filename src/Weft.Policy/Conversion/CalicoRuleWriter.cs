using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes one model rule as Calico rules: one per peer and per protocol, since a Calico rule has one protocol
/// and its source or destination one entity. Consecutive rules with one action are exact splits of it.
/// </summary>
internal static class CalicoRuleWriter
{
    /// <param name="rule">The model rule.</param>
    /// <param name="ns">The policy's namespace; null for a GlobalNetworkPolicy.</param>
    /// <param name="local">Pod label tests narrowing the policy's selector for this rule (its own endpoint's side).</param>
    /// <param name="no">Where refusals go.</param>
    public static IEnumerable<JsonObject> Rules(PolicyRule rule, string? ns, IReadOnlyList<LabelAtom>? local, Refusals no)
    {
        string? action = rule.Action switch
        {
            RuleAction.Allow => "Allow",
            RuleAction.Deny => "Deny",
            RuleAction.Log => "Log",
            RuleAction.Pass when rule.PassTarget == PassTarget.NextTier => "Pass",
            _ => null,
        };
        if (action is null)
        {
            no.Rule(rule, "action", rule.Action == RuleAction.Pass
                ? $"Calico Pass goes to the next tier; the source's Pass skips the rest of the {Refusals.BandName(rule.Tier.Band)} band"
                : $"{no.Target} has no {rule.Action} action");
        }
        if (rule.Log)
        {
            no.Rule(rule, "log", $"{no.Target} logs with separate Log rules; a rule that logs what it decides has no one-rule form");
        }
        var sides = Sides(rule, ns, no);
        var groups = PortGroups(rule, no);
        var exclusions = Exclusions(rule, no);
        foreach (var side in sides)
        {
            foreach (var group in groups)
            {
                var result = new JsonObject { ["action"] = action };
                foreach (var (key, value) in group.Fields.Concat(exclusions.Fields))
                {
                    result[key] = value?.DeepClone();
                }
                var peer = (JsonObject)side.DeepClone();
                var own = new JsonObject();
                if (local is { Count: > 0 })
                {
                    own["selector"] = SelectorWriter.Calico(new AndSelector([.. local.Select(a => (Selector)new LabelExpression(a.Key, a.Operator, a.Values))]));
                }
                var (source, destination) = rule.Direction == Direction.Ingress ? (peer, own) : (own, peer);
                Put(destination, "ports", group.Destination);
                Put(source, "ports", group.Source);
                Put(destination, "notPorts", exclusions.Destination);
                Put(source, "notPorts", exclusions.Source);
                Put(result, "source", source);
                Put(result, "destination", destination);
                yield return result;
            }
        }
    }

    /// <summary>A namespaceSelector over namespace labels (the name is kubernetes.io/metadata.name there).</summary>
    public static string? NamespaceSelector(NamespaceScope scope) => scope switch
    {
        InNamespace n => SelectorWriter.Calico(new LabelExpression(NamespaceView.NameLabel, SelectorOperator.Equals, [n.Name])),
        NamespacesMatching m => SelectorWriter.Calico(m.Selector),
        _ => null,
    };

    /// <summary>The peer side of each rule written: {} for any peer, else one EntityRule per peer.</summary>
    private static List<JsonObject> Sides(PolicyRule rule, string? ns, Refusals no)
    {
        var subjectNs = Canonical.SubjectNamespace(rule.Subject);
        if (Canonical.Peers(rule.Peers, subjectNs) is [Canonical.Any])
        {
            return [[]];
        }
        var sides = new List<JsonObject>();
        foreach (var peer in rule.Peers)
        {
            switch (peer)
            {
                case PodPeer pods:
                    if (Pods(rule, pods, ns, subjectNs, no) is { } side)
                    {
                        sides.Add(side);
                    }
                    break;
                case IpBlockPeer block:
                    var nets = new JsonObject { ["nets"] = new JsonArray((JsonNode)block.Cidr.ToString()) };
                    if (block.Except.Count > 0)
                    {
                        nets["notNets"] = new JsonArray([.. block.Except.Select(e => (JsonNode?)e.ToString())]);
                    }
                    sides.Add(nets);
                    break;
                case NotPeer { Inner: IpBlockPeer { Except.Count: 0 } block }:
                    sides.Add(new JsonObject { ["notNets"] = new JsonArray((JsonNode)block.Cidr.ToString()) });
                    break;
                // notSelector alone in a GlobalNetworkPolicy: every endpoint but those pods, outside addresses included.
                case NotPeer { Inner: PodPeer { Namespaces: NamespacesMatching { Selector: AllSelector } } pods } when ns is null
                    && SelectorWriter.Calico(pods.Pods) is { } text:
                    sides.Add(new JsonObject { ["notSelector"] = text });
                    break;
                case EntityPeer { Entity: Entity.None }:
                    break;
                case EntityPeer e:
                    no.Peer(rule, peer, $"{no.Target} has no entity peers ({e.Entity})");
                    break;
                case NodePeer:
                    no.Peer(rule, peer, $"{no.Target} reaches nodes only through host endpoints, which the policy model does not have");
                    break;
                default:
                    no.Peer(rule, peer, peer is NotPeer ? $"{no.Target} negates only a CIDR, or (in a GlobalNetworkPolicy) a pod selector across all namespaces" : $"{no.Target} cannot express this peer");
                    break;
            }
        }
        return sides;
    }

    private static JsonObject? Pods(PolicyRule rule, PodPeer pods, string? ns, string? subjectNs, Refusals no)
    {
        if (SelectorWriter.Calico(pods.Pods) is not { } selector)
        {
            no.Peer(rule, pods, "the selector cannot be quoted in Calico's selector language");
            return null;
        }
        var scope = pods.Namespaces is SameNamespaceAsSubject && subjectNs is not null ? new InNamespace(subjectNs) : pods.Namespaces;
        var atoms = Canonical.NamespaceAtoms(scope);
        // In a NetworkPolicy a selector alone means the policy's namespace; in a GlobalNetworkPolicy every namespace.
        if (ns is not null ? KubernetesShapes.IsOnly(atoms ?? [], ns) : atoms is { Count: 0 })
        {
            return new JsonObject { ["selector"] = selector };
        }
        if (NamespaceSelector(scope) is not { } namespaces)
        {
            no.Peer(rule, pods, scope switch
            {
                SameNamespaceAsSubject => $"{no.Target} has no \"same namespace as the subject\" peer for a subject spanning namespaces",
                _ => $"{no.Target} has no peer for namespaces sharing label values with the subject's",
            });
            return null;
        }
        var side = new JsonObject { ["namespaceSelector"] = namespaces };
        if (pods.Pods is not AllSelector)
        {
            side["selector"] = selector;
        }
        return side;
    }

    /// <summary>One group per protocol (and ICMP type, source ports): rule fields plus destination and source ports.</summary>
    private sealed record PortGroup(List<KeyValuePair<string, JsonNode?>> Fields, JsonArray? Destination, JsonArray? Source);

    private static List<PortGroup> PortGroups(PolicyRule rule, Refusals no)
    {
        if (Canonical.Ports(rule.Ports) is [Canonical.AllPorts])
        {
            return [new PortGroup([], null, null)];
        }
        var groups = new Dictionary<string, (List<KeyValuePair<string, JsonNode?>> Fields, JsonArray Destination, bool AllPorts, JsonArray? Source)>(StringComparer.Ordinal);
        foreach (var port in rule.Ports.SelectMany(Canonical.Expand))
        {
            if (Protocol(port) is not { } protocol || port.Icmp is { Type: null, Code: not null } || port.Icmp?.Type > 254)
            {
                no.Rule(rule, "ports", $"{no.Target} cannot match {port}");
                continue;
            }
            var key = $"{protocol.ToJsonString()} {port.Icmp} {port.SourcePorts}";
            if (!groups.TryGetValue(key, out var group))
            {
                var fields = new List<KeyValuePair<string, JsonNode?>> { new("protocol", protocol) };
                if (port.Icmp is { } icmp)
                {
                    var node = new JsonObject { ["type"] = icmp.Type };
                    if (icmp.Code is { } code)
                    {
                        node["code"] = code;
                    }
                    fields.Add(new("icmp", node));
                }
                group = (fields, [], false, port.SourcePorts is { } s ? [Port(s)] : null);
            }
            if (port.NamedPort is { } name)
            {
                group.Destination.Add((JsonNode)name);
            }
            else if (port.Ports is { } range && !(range.First <= 1 && range.Last >= 65535))
            {
                group.Destination.Add(Port(range));
            }
            else
            {
                group.AllPorts = true;
            }
            groups[key] = group;
        }
        return [.. groups.Values.Select(g => new PortGroup(g.Fields, g.AllPorts || g.Destination.Count == 0 ? null : g.Destination, g.Source))];
    }

    private static JsonNode? Protocol(PortMatch port) => port.Protocol switch
    {
        L4Protocol.Tcp => "TCP",
        L4Protocol.Udp => "UDP",
        L4Protocol.Sctp => "SCTP",
        L4Protocol.Icmp when port.Ports is null && port.NamedPort is null => "ICMP",
        L4Protocol.IcmpV6 when port.Ports is null && port.NamedPort is null => "ICMPv6",
        L4Protocol.Number when port.ProtocolNumber is { } n && port.Ports is null && port.NamedPort is null => n,
        _ => null,
    };

    private static JsonNode Port(PortRange range) => range.First == range.Last ? range.First : $"{range.First}:{range.Last}";

    /// <summary>Calico's notProtocol, notICMP and notPorts from the model's excluded ports.</summary>
    private sealed record Exclusion(List<KeyValuePair<string, JsonNode?>> Fields, JsonArray? Destination, JsonArray? Source);

    private static Exclusion Exclusions(PolicyRule rule, Refusals no)
    {
        var fields = new List<KeyValuePair<string, JsonNode?>>();
        var destination = new JsonArray();
        var source = new JsonArray();
        foreach (var port in rule.NotPorts)
        {
            if (port is { Ports: null, NamedPort: null, SourcePorts: null, Icmp: null } && Protocol(port) is { } protocol && fields.All(f => f.Key != "notProtocol"))
            {
                fields.Add(new("notProtocol", protocol));
            }
            else if (port is { Icmp: { } icmp, Protocol: L4Protocol.Icmp or L4Protocol.IcmpV6 } && fields.All(f => f.Key != "notICMP"))
            {
                var node = new JsonObject { ["type"] = icmp.Type };
                if (icmp.Code is { } code)
                {
                    node["code"] = code;
                }
                fields.Add(new("notICMP", node));
            }
            else if (port is { SourcePorts: { } s, Ports: null, NamedPort: null })
            {
                source.Add(Port(s));
            }
            else if (port.NamedPort is { } name)
            {
                destination.Add((JsonNode)name);
            }
            else if (port.Ports is { } range)
            {
                destination.Add(Port(range));
            }
            else
            {
                no.Rule(rule, "ports", $"{no.Target} cannot exclude {port}");
            }
        }
        return new Exclusion(fields, destination.Count > 0 ? destination : null, source.Count > 0 ? source : null);
    }

    private static void Put(JsonObject target, string key, JsonNode? value)
    {
        if (value is JsonObject { Count: 0 } or null)
        {
            return;
        }
        target[key] = value.Parent is null ? value : value.DeepClone();
    }
}
