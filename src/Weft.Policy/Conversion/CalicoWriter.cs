using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;

namespace Weft.Policy.Conversion;

/// <summary>
/// Writes a Calico GlobalNetworkPolicy (cluster-scoped sources) or NetworkPolicy (namespaced sources) in the
/// Calico tier at the source's place on the ladder, order = the source's order, plus a Tier object
/// (defaultAction Pass) when the tier is new. Calico policies isolate for every type they declare, which is
/// exact in the default tier (the source isolates too) and harmless in a tier that passes by default.
/// </summary>
internal static class CalicoWriter
{
    public const string Group = "projectcalico.org";
    public const string ApiVersion = Group + "/v3";
    private const string DefaultTier = "default";

    public static IReadOnlyList<Resource> Write(SourcePolicy source, PolicyContext context, Refusals no)
    {
        var ns = source.Ref.Namespace;
        var placed = Tier(source, context, no);
        if (placed is { } tier)
        {
            Types(source, tier.DenyByDefault, tier.Name, no);
        }
        var subject = PolicySubject(source, no);
        var spec = new JsonObject();
        if (placed is not null && placed.Value.Name != DefaultTier)
        {
            spec["tier"] = placed.Value.Name;
        }
        if (!double.IsPositiveInfinity(source.Order))
        {
            spec["order"] = source.Order;
        }
        if (subject is not null)
        {
            Subject(spec, subject, ns, no);
        }
        var sections = new Dictionary<Direction, JsonArray>();
        foreach (var rule in source.Rules)
        {
            var list = sections.TryGetValue(rule.Direction, out var l) ? l : sections[rule.Direction] = [];
            foreach (var written in CalicoRuleWriter.Rules(rule, ns, subject is null ? null : Narrowing(subject, rule, no), no))
            {
                list.Add((JsonNode)written);
            }
        }
        if (no.List.Count > 0 || placed is not { } where)
        {
            return [];
        }
        var types = where.DenyByDefault
            ? new[] { Direction.Ingress, Direction.Egress }.Where(source.Isolates).ToList()
            : [.. new[] { Direction.Ingress, Direction.Egress }.Where(d => sections.ContainsKey(d))];
        spec["types"] = new JsonArray([.. types.Select(t => (JsonNode?)t.ToString())]);
        foreach (var (direction, list) in sections.OrderBy(s => s.Key))
        {
            spec[KubernetesShapes.Section(direction)] = list;
        }
        var policy = new Resource
        {
            ApiVersion = ApiVersion,
            Kind = ns is null ? "GlobalNetworkPolicy" : "NetworkPolicy",
            Metadata = new ObjectMeta { Name = Name(source, where.Name, no), Namespace = ns },
            Body = new JsonObject { ["spec"] = spec },
        };
        return where.Object is { } tierObject ? [tierObject, policy] : [policy];
    }

    /// <summary>Where the policy goes, whether that tier denies by default, and the Tier object to create with it.</summary>
    private static (string Name, bool DenyByDefault, Resource? Object)? Tier(SourcePolicy source, PolicyContext context, Refusals no)
    {
        var tier = source.Tier!;
        string name;
        double? order = null;
        if (tier.Band == Band.Developer)
        {
            // Calico's default tier is the developer band's one unit (it holds NetworkPolicy and Cilium allows).
            return (DefaultTier, true, null);
        }
        if (tier == Ladder.ClusterNetworkPolicyAdmin)
        {
            return ("kube-admin", false, null);
        }
        if (tier == Ladder.BaselineAdminNetworkPolicy)
        {
            return ("kube-baseline", false, null);
        }
        if (tier == Ladder.AdminNetworkPolicy)
        {
            (name, order) = ("adminnetworkpolicy", 1000);
        }
        else
        {
            var colon = tier.Name.IndexOf(':', StringComparison.Ordinal);
            name = tier.Name[(colon + 1)..];
            order = tier.Band == Band.Admin
                ? tier.Rank < 219 ? tier.Rank / 219 * 1000 : 999 + (Math.Min(tier.Rank, 252.99) - 219) / 34
                : tier.Rank >= 1_000_000 ? tier.Rank : 1_000_000 + tier.Rank;
        }
        if (!NameRules.IsDns1123Subdomain(name))
        {
            no.Policy("tier", $"tier {tier.Name} has no name a Calico Tier can take");
            return null;
        }
        if (context.Find(Group, "Tier", null, name) is { } existing)
        {
            var passes = existing.Spec?["defaultAction"] is JsonValue v && v.TryGetValue<string>(out var action) && action == "Pass";
            return (name, !passes, null);
        }
        if (tier.Name.StartsWith("calico:", StringComparison.Ordinal))
        {
            no.Policy("tier", $"the Calico Tier {name} the source names is not among the objects given");
            return null;
        }
        // A new tier passes by default: Antrea and AdminNetworkPolicy tiers have no default action.
        var created = new Resource
        {
            ApiVersion = ApiVersion,
            Kind = "Tier",
            Metadata = new ObjectMeta { Name = name },
            Body = new JsonObject { ["spec"] = new JsonObject { ["order"] = order, ["defaultAction"] = "Pass" } },
        };
        return (name, false, created);
    }

    /// <summary>
    /// The policy's selector: the one subject, or (rules narrowed by a Calico destination/source selector, or Antrea
    /// per-rule appliedTo) the subject every other one narrows with pod label tests. Isolation facts use it.
    /// </summary>
    private static PodSubject? PolicySubject(SourcePolicy source, Refusals no)
    {
        var subjects = source.Subjects.OfType<PodSubject>().ToList();
        if (subjects.Count == source.Subjects.Count && subjects.Count > 1
            && subjects.FirstOrDefault(s => subjects.All(t => Narrows(t, s) is not null)) is { } widest
            && source.Isolations.All(i => Canonical.Subject(i.Subject) == Canonical.Subject(widest)))
        {
            return widest;
        }
        return KubernetesShapes.OneSubject(source, no);
    }

    /// <summary>The pod label tests a rule adds to the policy's selector (its own endpoint's side), or null when none.</summary>
    private static IReadOnlyList<LabelAtom>? Narrowing(PodSubject policy, PolicyRule rule, Refusals no)
    {
        if (Canonical.Subject(rule.Subject) == Canonical.Subject(policy))
        {
            return null;
        }
        var extra = rule.Subject is PodSubject s ? Narrows(s, policy) : null;
        if (extra is null)
        {
            no.Rule(rule, "subject", $"the rule applies to {Canonical.Subject(rule.Subject)}, which the policy's {Canonical.Subject(policy)} does not narrow to by pod labels alone");
        }
        return extra;
    }

    /// <summary>The pod tests <paramref name="narrow"/> adds to <paramref name="wide"/> (same namespaces, more pod tests), or null.</summary>
    private static IReadOnlyList<LabelAtom>? Narrows(PodSubject narrow, PodSubject wide)
    {
        if (Canonical.Scope(narrow.Namespaces, null) != Canonical.Scope(wide.Namespaces, null)
            || LabelAtoms.Conjunction(narrow.Pods) is not { } inner || LabelAtoms.Conjunction(wide.Pods) is not { } outer)
        {
            return null;
        }
        var texts = inner.Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
        return outer.All(a => texts.Contains(a.ToString())) ? [.. inner.Where(a => !outer.Any(o => o.ToString() == a.ToString()))] : null;
    }

    /// <summary>Every declared type isolates: in a tier that denies by default they must be exactly the isolated directions.</summary>
    private static void Types(SourcePolicy source, bool denyByDefault, string tier, Refusals no)
    {
        if (denyByDefault)
        {
            foreach (var direction in source.Directions().Where(d => !source.Isolates(d)))
            {
                no.Policy("isolation", $"a Calico policy in tier {tier} isolates the pods it selects in every direction it has rules for; the source's {KubernetesShapes.Section(direction)} rules leave other traffic to other policies (no default deny)");
            }
        }
        else if (source.Isolations.FirstOrDefault() is { } isolation)
        {
            no.Policy("isolation", $"Calico tier {tier} passes by default; the source's tier {isolation.Tier.Name} denies by default what no rule of it matches");
        }
    }

    /// <summary>NetworkPolicy: selector in its namespace. GlobalNetworkPolicy: selector and namespaceSelector.</summary>
    private static void Subject(JsonObject spec, PodSubject subject, string? ns, Refusals no)
    {
        if (SelectorWriter.Calico(subject.Pods) is not { } pods)
        {
            no.Policy("subject", $"selector {LabelAtoms.Text(subject.Pods)} cannot be quoted in Calico's selector language");
            return;
        }
        if (subject.Pods is not AllSelector)
        {
            spec["selector"] = pods;
        }
        var namespaces = Canonical.NamespaceAtoms(subject.Namespaces);
        if (ns is not null)
        {
            if (!KubernetesShapes.IsOnly(namespaces ?? [], ns))
            {
                no.Policy("subject", $"a Calico NetworkPolicy applies to pods of its namespace {ns} only; the source selects {Canonical.Subject(subject)}");
            }
            return;
        }
        if (namespaces is { Count: 0 })
        {
            return;
        }
        if (CalicoRuleWriter.NamespaceSelector(subject.Namespaces) is { } text)
        {
            spec["namespaceSelector"] = text;
        }
        else
        {
            no.Policy("subject", $"{Canonical.Subject(subject)}: the namespace part has no Calico namespaceSelector");
        }
    }

    /// <summary>Calico names a policy in tier t "t.name" (a default-tier one just "name"), one dot at most.</summary>
    private static string Name(SourcePolicy source, string tier, Refusals no)
    {
        var name = source.Ref.Name;
        if (source.Ref.Dialect == "calico")
        {
            var dot = name.IndexOf('.', StringComparison.Ordinal);
            name = dot >= 0 && name[..dot] is var prefix && (prefix == tier || prefix == DefaultTier) ? name[(dot + 1)..] : name;
        }
        if (name.Contains('.', StringComparison.Ordinal))
        {
            var renamed = name.Replace('.', '-');
            no.Note($"named {renamed} in Calico: a Calico policy name has no dot besides the tier prefix");
            name = renamed;
        }
        return tier == DefaultTier ? name : $"{tier}.{name}";
    }
}
