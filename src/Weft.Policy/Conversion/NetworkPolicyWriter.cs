using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Conversion.KubernetesShapes;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes a Kubernetes NetworkPolicy: one subject in one namespace, allow rules only, in the developer band,
/// isolating exactly the directions the source isolates (policyTypes).
/// </summary>
internal static class NetworkPolicyWriter
{
    public static IReadOnlyList<Resource> Write(SourcePolicy source, Refusals no)
    {
        if (source.Band is { } band and not Band.Developer)
        {
            no.Policy("tier", $"{no.Target} lives in the developer band only (an allow-list under default deny); the source sits in the {Refusals.BandName(band)} band (tier {source.Tier?.Name})");
        }
        var subject = OneSubject(source, no);
        var ns = subject is null ? null : Canonical.SingleNamespace(subject.Namespaces);
        if (subject is not null && ns is null)
        {
            no.Policy("subject", $"{Canonical.Subject(subject)} spans namespaces; a {no.Target} selects pods of its own namespace only");
        }
        if (subject is not null && SelectorWriter.KubernetesProblem(subject.Pods) is { } selectorProblem)
        {
            no.Policy("subject", selectorProblem);
        }
        foreach (var direction in source.Directions().Where(d => !source.Isolates(d)))
        {
            no.Policy("isolation", $"{no.Target} isolates the pods it selects in every direction it has rules for; the source's {Section(direction)} rules leave other traffic to other policies (no default deny)");
        }
        var sections = new Dictionary<Direction, JsonArray>();
        foreach (var rule in source.Rules)
        {
            if (Rule(rule, ns, no) is { } written)
            {
                (sections.TryGetValue(rule.Direction, out var list) ? list : sections[rule.Direction] = []).Add((JsonNode)written);
            }
        }
        if (no.List.Count > 0)
        {
            return [];
        }
        var types = new[] { Direction.Ingress, Direction.Egress }.Where(source.Isolates).ToList();
        var spec = new JsonObject
        {
            ["podSelector"] = SelectorWriter.Kubernetes(subject!.Pods),
            ["policyTypes"] = new JsonArray([.. types.Select(t => (JsonNode?)t.ToString())]),
        };
        foreach (var direction in types.Where(sections.ContainsKey))
        {
            spec[Section(direction)] = sections[direction];
        }
        return
        [
            new Resource
            {
                ApiVersion = NetworkPolicies.ApiVersion,
                Kind = NetworkPolicies.Kind,
                Metadata = new ObjectMeta { Name = source.Ref.Name, Namespace = ns },
                Body = new JsonObject { ["spec"] = spec },
            },
        ];
    }

    private static JsonObject? Rule(PolicyRule rule, string? ns, Refusals no)
    {
        if (rule.Action != RuleAction.Allow)
        {
            no.Rule(rule, "action", $"{no.Target} has no {rule.Action} action");
        }
        if (rule.Log)
        {
            no.Rule(rule, "log", $"{no.Target} has no rule logging");
        }
        NoExclusions(rule, no);
        var result = new JsonObject();
        if (Canonical.Peers(rule.Peers, Canonical.SubjectNamespace(rule.Subject)) is not [Canonical.Any])
        {
            result[PeerField(rule.Direction)] = new JsonArray([.. rule.Peers.Select(p => Peer(rule, p, ns, no)).OfType<JsonObject>()]);
        }
        if (Ports(rule, no, _ => false) is { } ports)
        {
            result["ports"] = ports;
        }
        return result;
    }

    private static JsonObject? Peer(PolicyRule rule, Peer peer, string? ns, Refusals no)
    {
        switch (peer)
        {
            case PodPeer pods:
                if (SelectorWriter.KubernetesProblem(pods.Pods) is { } problem)
                {
                    no.Peer(rule, peer, problem);
                    return null;
                }
                if (NamespaceAtoms(rule, pods, no) is not { } namespaces)
                {
                    return null;
                }
                var result = new JsonObject();
                // A podSelector alone means the policy's own namespace.
                if (!IsOnly(namespaces, ns))
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
            case EntityPeer { Entity: Entity.None }:
                return null;
            case EntityPeer e:
                no.Peer(rule, peer, $"{no.Target} has no entity peers ({e.Entity})");
                return null;
            case NodePeer:
                no.Peer(rule, peer, $"{no.Target} has no node peers");
                return null;
            case NotPeer:
                no.Peer(rule, peer, $"{no.Target} has no negated peers");
                return null;
            default:
                no.Peer(rule, peer, $"{no.Target} cannot express this peer");
                return null;
        }
    }
}
