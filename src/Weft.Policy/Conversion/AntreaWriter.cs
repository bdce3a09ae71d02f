using System.Globalization;
using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Antrea;
using Weft.Policy.Ir;
using static Weft.Policy.Conversion.KubernetesShapes;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes an Antrea ClusterNetworkPolicy (cluster-scoped sources) or NetworkPolicy (namespaced sources) in the
/// Antrea tier at the source's place on the ladder, priority = the source's order; rules keep their order,
/// appliedTo is per policy when every rule shares the subject and per rule otherwise.
/// </summary>
internal static class AntreaWriter
{
    /// <summary>Antrea's own tiers by priority: the admin-band ranks an Antrea tier can stand at without a Tier object.</summary>
    private static readonly Dictionary<double, string> StaticTiers = new()
    {
        [50] = "emergency",
        [100] = "securityops",
        [150] = "networkops",
        [200] = "platform",
        [250] = "application",
    };

    public static IReadOnlyList<Resource> Write(SourcePolicy source, Refusals no)
    {
        var ns = source.Ref.Namespace;
        var tier = Tier(source, no);
        if (source.Isolations.FirstOrDefault() is { } isolation && source.Band is Band.Admin or Band.Baseline)
        {
            no.Policy("isolation", $"Antrea tiers have no default action; the source's tier {isolation.Tier.Name} denies by default what no rule of it matches");
        }
        // The baseline policy is a singleton with no order to keep.
        var priority = source.Ref.Kind == "BaselineAdminNetworkPolicy" ? 1 : source.Order;
        if (tier is not null && priority is < 1 or > 10000)
        {
            no.Policy("priority", $"Antrea priority is a number from 1 to 10000; the source's order is {source.Order.ToString(CultureInfo.InvariantCulture)}");
        }
        var shared = source.Subjects.Count == 1;
        JsonArray? policyAppliedTo = shared ? AppliedTo(source.Subjects[0], ns, no) : null;
        var names = new HashSet<string>(StringComparer.Ordinal);
        var sections = new Dictionary<Direction, JsonArray>();
        foreach (var rule in source.Rules)
        {
            if (Rule(rule, ns, shared, tier == "baseline", names, no) is { } written)
            {
                (sections.TryGetValue(rule.Direction, out var list) ? list : sections[rule.Direction] = []).Add((JsonNode)written);
            }
        }
        if (no.List.Count > 0)
        {
            return [];
        }
        var spec = new JsonObject { ["tier"] = tier, ["priority"] = priority };
        if (policyAppliedTo is not null)
        {
            spec["appliedTo"] = policyAppliedTo;
        }
        foreach (var (direction, list) in sections.OrderBy(s => s.Key))
        {
            spec[Section(direction)] = list;
        }
        return
        [
            new Resource
            {
                ApiVersion = AntreaPolicies.V1Beta1,
                Kind = ns is null ? AntreaPolicies.ClusterKind : AntreaPolicies.NamespacedKind,
                Metadata = new ObjectMeta { Name = source.Ref.Name, Namespace = ns },
                Body = new JsonObject { ["spec"] = spec },
            },
        ];
    }

    /// <summary>
    /// The source's own Antrea tier; else the Antrea tier standing at the same rank, or application (admin band)
    /// and baseline (baseline band), which the equivalence check reports as a move.
    /// </summary>
    private static string? Tier(SourcePolicy source, Refusals no)
    {
        var tier = source.Tier;
        if (tier is null)
        {
            return "application";
        }
        switch (tier.Band)
        {
            case Band.Admin when tier.Name.StartsWith("antrea:", StringComparison.Ordinal):
                return tier.Name["antrea:".Length..];
            case Band.Admin:
                return StaticTiers.TryGetValue(tier.Rank, out var name) ? name : "application";
            case Band.Baseline:
                return "baseline";
            default:
                no.Policy("tier", $"Antrea tiers sit in the admin and baseline bands; the source sits in the {Refusals.BandName(tier.Band)} band (tier {tier.Name}), whose allow-list isolates the pods it selects");
                return null;
        }
    }

    /// <summary>appliedTo for one subject: an Antrea NetworkPolicy's pods are in its namespace; a ClusterNetworkPolicy's podSelector alone spans all.</summary>
    private static JsonArray? AppliedTo(Subject subject, string? ns, Refusals no)
    {
        if (subject is not PodSubject pods)
        {
            no.Policy("subject", $"{no.Target} applies to pods; the source applies to {subject}");
            return null;
        }
        if (SelectorWriter.KubernetesProblem(pods.Pods) is { } problem)
        {
            no.Policy("subject", problem);
            return null;
        }
        var namespaces = Canonical.NamespaceAtoms(pods.Namespaces);
        if (namespaces is null || namespaces.Any(a => !a.IsKubernetes))
        {
            no.Policy("subject", $"{Canonical.Subject(pods)}: the namespace part is no Kubernetes label selector");
            return null;
        }
        var entry = new JsonObject { ["podSelector"] = SelectorWriter.Kubernetes(pods.Pods) };
        if (ns is not null)
        {
            if (!IsOnly(namespaces, ns))
            {
                no.Policy("subject", $"an Antrea NetworkPolicy applies to pods of its namespace {ns} only; the source selects {Canonical.Subject(pods)}");
            }
        }
        else if (namespaces.Count > 0)
        {
            entry["namespaceSelector"] = SelectorWriter.Kubernetes(namespaces);
        }
        return [entry];
    }

    private static JsonObject Rule(PolicyRule rule, string? ns, bool shared, bool baselineTier, HashSet<string> names, Refusals no)
    {
        string? action = rule.Action switch
        {
            RuleAction.Allow => "Allow",
            RuleAction.Deny => "Drop",
            RuleAction.Reject => "Reject",
            RuleAction.Pass when rule.PassTarget == PassTarget.EndOfBand && !baselineTier => "Pass",
            _ => null,
        };
        if (action is null)
        {
            no.Rule(rule, "action", rule.Action switch
            {
                RuleAction.Pass when baselineTier => "Antrea forbids Pass in the baseline tier",
                RuleAction.Pass => "Antrea Pass skips every remaining Antrea tier to the developer band; the source's Pass goes only to the next tier",
                _ => $"{no.Target} has no {rule.Action} action (enableLogging logs the rule that decides)",
            });
        }
        NoExclusions(rule, no);
        var result = new JsonObject();
        // Rule names are unique in a policy; a rule split into several keeps its name on the first.
        if (rule.Id.Name is { } name && names.Add(name))
        {
            result["name"] = name;
        }
        result["action"] = action;
        if (!shared)
        {
            result["appliedTo"] = AppliedTo(rule.Subject, ns, no);
        }
        if (rule.Log)
        {
            result["enableLogging"] = true;
            if (rule.LogLabel is { } label)
            {
                result["logLabel"] = label;
            }
        }
        if (Canonical.Peers(rule.Peers, Canonical.SubjectNamespace(rule.Subject)) is not [Canonical.Any])
        {
            result[PeerField(rule.Direction)] = new JsonArray([.. rule.Peers.Select(p => Peer(rule, p, ns, no)).OfType<JsonObject>()]);
        }
        var protocols = new JsonArray();
        var ports = Ports(rule, no, p => Icmp(p, protocols), (entry, source) =>
        {
            entry["sourcePort"] = source.First;
            if (source.Last > source.First)
            {
                entry["sourceEndPort"] = source.Last;
            }
        }, "TCP, UDP and SCTP ports and ICMPv4");
        if (ports is { Count: > 0 })
        {
            result["ports"] = ports;
        }
        if (protocols.Count > 0)
        {
            result["protocols"] = protocols;
        }
        return result;
    }

    /// <summary>Antrea's icmp protocol entry is ICMPv4 with an optional type and code.</summary>
    private static bool Icmp(PortMatch port, JsonArray protocols)
    {
        if (port is not { Protocol: L4Protocol.Icmp, Ports: null, NamedPort: null, SourcePorts: null })
        {
            return false;
        }
        var icmp = new JsonObject();
        if (port.Icmp?.Type is { } type)
        {
            icmp["icmpType"] = type;
        }
        if (port.Icmp?.Code is { } code)
        {
            icmp["icmpCode"] = code;
        }
        protocols.Add((JsonNode)new JsonObject { ["icmp"] = icmp });
        return true;
    }

    private static JsonObject? Peer(PolicyRule rule, Peer peer, string? ns, Refusals no)
    {
        switch (peer)
        {
            case PodPeer pods when SelectorWriter.KubernetesProblem(pods.Pods) is { } problem:
                no.Peer(rule, peer, problem);
                return null;
            case PodPeer { Namespaces: SameNamespaceAsSubject } pods when ns is null && Canonical.SubjectNamespace(rule.Subject) is null:
                return new JsonObject { ["podSelector"] = SelectorWriter.Kubernetes(pods.Pods), ["namespaces"] = new JsonObject { ["match"] = "Self" } };
            case PodPeer { Namespaces: NamespacesSharingLabels { Same: true } shared } pods when ns is null:
                return new JsonObject
                {
                    ["podSelector"] = SelectorWriter.Kubernetes(pods.Pods),
                    ["namespaces"] = new JsonObject { ["sameLabels"] = new JsonArray([.. shared.Keys.Select(k => (JsonNode?)k)]) },
                };
            case PodPeer pods:
                if (NamespaceAtoms(rule, pods, no) is not { } namespaces)
                {
                    return null;
                }
                var result = new JsonObject();
                // A bare podSelector means the policy's namespace in an Antrea NetworkPolicy and every namespace in a ClusterNetworkPolicy.
                if (ns is null ? namespaces.Count > 0 : !IsOnly(namespaces, ns))
                {
                    result["namespaceSelector"] = SelectorWriter.Kubernetes(namespaces);
                }
                if (result.Count == 0 || pods.Pods is not AllSelector)
                {
                    result["podSelector"] = SelectorWriter.Kubernetes(pods.Pods);
                }
                return result;
            case IpBlockPeer block:
                return new JsonObject { ["ipBlock"] = IpBlock(block) };
            case NodePeer nodes when SelectorWriter.KubernetesProblem(nodes.Nodes) is { } problem:
                no.Peer(rule, peer, problem);
                return null;
            case NodePeer nodes:
                return new JsonObject { ["nodeSelector"] = SelectorWriter.Kubernetes(nodes.Nodes) };
            case EntityPeer { Entity: Entity.None }:
                return null;
            case EntityPeer e:
                no.Peer(rule, peer, $"{no.Target} has no entity peers ({e.Entity})");
                return null;
            default:
                no.Peer(rule, peer, peer switch
                {
                    NotPeer => $"{no.Target} has no negated peers",
                    PodPeer { Namespaces: NamespacesSharingLabels { Same: false } } => $"{no.Target} has no notSameLabels",
                    _ => $"{no.Target} cannot express this peer",
                });
                return null;
        }
    }
}
