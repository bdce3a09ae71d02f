using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes a CiliumClusterwideNetworkPolicy (cluster-scoped sources) or CiliumNetworkPolicy (namespaced
/// sources): one spec per subject, allows as ingress/egress, denies as ingressDeny/egressDeny, and
/// enableDefaultDeny set so that exactly the isolated directions isolate. Developer band only: open-source
/// Cilium has no tiers, and its denies override every allow.
/// </summary>
internal static class CiliumWriter
{
    public const string ApiVersion = "cilium.io/v2";

    public static IReadOnlyList<Resource> Write(SourcePolicy source, Refusals no)
    {
        var ns = source.Ref.Namespace;
        if (source.Band is { } band and not Band.Developer)
        {
            no.Policy("tier", $"{no.Target} has no tiers: its allows form the developer band's allow-list and its denies override them; the source sits in the {Refusals.BandName(band)} band (tier {source.Tier?.Name})");
        }
        DenyAfterAllow(source, no);
        var rules = new CiliumRuleWriter(ns, no);
        var specs = new JsonArray();
        foreach (var subject in source.Subjects.OfType<PodSubject>())
        {
            specs.Add((JsonNode?)Spec(source, subject, ns, rules, no));
        }
        if (no.List.Count > 0)
        {
            return [];
        }
        var body = specs.Count == 1 ? new JsonObject { ["spec"] = specs[0]!.DeepClone() } : new JsonObject { ["specs"] = specs };
        return
        [
            new Resource
            {
                ApiVersion = ApiVersion,
                Kind = ns is null ? "CiliumClusterwideNetworkPolicy" : "CiliumNetworkPolicy",
                Metadata = new ObjectMeta { Name = source.Ref.Name, Namespace = ns },
                Body = body,
            },
        ];
    }

    /// <summary>A Cilium deny wins over every allow, so no allow may come before a deny in the source.</summary>
    private static void DenyAfterAllow(SourcePolicy source, Refusals no)
    {
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var firstAllow = source.Rules.FirstOrDefault(r => r.Direction == direction && r.Action == RuleAction.Allow);
            if (firstAllow is null)
            {
                continue;
            }
            foreach (var deny in source.Rules.SkipWhile(r => r != firstAllow).Where(r => r.Direction == direction && r.Action == RuleAction.Deny))
            {
                no.Rule(deny, "action", $"Cilium deny rules override every allow; in the source, {Refusals.Section(firstAllow)} allows before this rule denies");
            }
        }
    }

    private static JsonObject? Spec(SourcePolicy source, PodSubject subject, string? ns, CiliumRuleWriter writer, Refusals no)
    {
        var key = Canonical.Subject(subject);
        var mine = source.Rules.Where(r => Canonical.Subject(r.Subject) == key).ToList();
        var spec = new JsonObject();
        var (selector, problem) = CiliumLabels.Subject(subject, ns);
        if (selector is not null)
        {
            spec["endpointSelector"] = selector;
        }
        else
        {
            no.Policy("subject", problem!);
        }
        var defaults = new JsonObject();
        foreach (var direction in new[] { Direction.Ingress, Direction.Egress })
        {
            var name = direction == Direction.Ingress ? "ingress" : "egress";
            var allows = new JsonArray();
            var denies = new JsonArray();
            foreach (var rule in mine.Where(r => r.Direction == direction))
            {
                foreach (var written in writer.Rules(rule))
                {
                    (rule.Action == RuleAction.Deny ? denies : allows).Add((JsonNode)written);
                }
            }
            var isolates = source.Isolates(direction, subject);
            if (isolates && allows.Count + denies.Count == 0)
            {
                // An empty rule selects the pods for the direction without allowing anything: default deny alone.
                allows.Add((JsonNode)new JsonObject());
            }
            if (!isolates && allows.Count + denies.Count > 0)
            {
                defaults[name] = false;
            }
            if (allows.Count > 0)
            {
                spec[name] = allows;
            }
            if (denies.Count > 0)
            {
                spec[name + "Deny"] = denies;
            }
        }
        if (defaults.Count > 0)
        {
            spec["enableDefaultDeny"] = defaults;
        }
        Log(mine, spec, no);
        return spec;
    }

    /// <summary>Cilium's log.value tags every rule of a spec; the model's rules must all log, under that one label.</summary>
    private static void Log(List<PolicyRule> rules, JsonObject spec, Refusals no)
    {
        var labels = rules.Select(r => r.Log ? r.LogLabel ?? "" : null).Distinct().ToList();
        if (labels is [null] or [])
        {
            return;
        }
        if (labels is [{ Length: > 0 } label])
        {
            spec["log"] = new JsonObject { ["value"] = label };
            return;
        }
        foreach (var rule in rules.Where(r => r.Log))
        {
            no.Rule(rule, "log", "Cilium logs every rule of a spec under one non-empty log.value; the source logs only some rules, or without a label");
        }
    }
}
