using System.Text.Json;
using System.Text.Json.Nodes;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Antrea;

/// <summary>
/// Reads one Antrea policy. Every bad field is reported (not just the first, unlike Antrea's webhook, which stops
/// at one message); what is valid but not enforced yet becomes a warning naming the field.
/// </summary>
internal sealed partial class AntreaReader
{
    private const string BaselineTier = "baseline";

    /// <summary>Antrea's own tiers; the capitalised forms are the 0.9 static names Antrea still maps to them.</summary>
    private static readonly Dictionary<string, (string Name, int Priority)> StaticTiers = new(StringComparer.Ordinal)
    {
        ["emergency"] = ("emergency", 50),
        ["securityops"] = ("securityops", 100),
        ["networkops"] = ("networkops", 150),
        ["platform"] = ("platform", 200),
        ["application"] = ("application", 250),
        [BaselineTier] = (BaselineTier, Ladder.AntreaBaselinePriority),
        ["Emergency"] = ("emergency", 50),
        ["SecurityOps"] = ("securityops", 100),
        ["NetworkOps"] = ("networkops", 150),
        ["Platform"] = ("platform", 200),
        ["Application"] = ("application", 250),
        ["Baseline"] = (BaselineTier, Ladder.AntreaBaselinePriority),
    };

    private readonly Resource _policy;
    private readonly PolicyContext _context;
    private readonly FieldErrorList _errors;
    private readonly NetworkPolicyReader _k8s;
    private readonly List<string> _warnings = [];
    private readonly string _objectRef;
    private readonly PolicyRef _reference;

    /// <summary>The policy's namespace; null for a ClusterNetworkPolicy.</summary>
    private readonly string? _namespace;

    /// <summary>v1alpha1 lacks ipBlock.except and namespaces.sameLabels.</summary>
    private readonly bool _v1Alpha1;

    public AntreaReader(Resource policy, PolicyContext context)
    {
        _policy = policy;
        _context = context;
        _namespace = policy.Kind == AntreaPolicies.ClusterKind ? null : policy.Metadata.Namespace ?? "default";
        _v1Alpha1 = policy.ApiVersion == AntreaPolicies.V1Alpha1;
        _reference = new PolicyRef(AntreaPolicies.Dialect, policy.Kind, _namespace, policy.Metadata.Name);
        _objectRef = $"{policy.Kind}.{AntreaPolicies.Group} " + (_namespace is null ? policy.Metadata.Name : $"{_namespace}/{policy.Metadata.Name}");
        _errors = new FieldErrorList(_objectRef);
        _k8s = new NetworkPolicyReader(_namespace ?? "", _errors);
    }

    private bool IsCluster => _namespace is null;

    public (PolicySet Set, IReadOnlyList<ValidationError> Errors) Read()
    {
        if (!NameRules.IsDns1123Subdomain(_policy.Metadata.Name))
        {
            _errors.Invalid("metadata.name", _policy.Metadata.Name, "must be a lowercase RFC 1123 subdomain");
        }
        var spec = _policy.Spec ?? [];
        var (tierName, tier) = ReadTier(spec["tier"]);
        var priority = ReadPriority(spec["priority"]);
        var policyAppliedTo = _k8s.List(spec["appliedTo"], "spec.appliedTo");
        List<(Direction Direction, string Path, IReadOnlyList<JsonNode?> Rules)> sections =
        [
            (Direction.Ingress, "spec.ingress", _k8s.List(spec["ingress"], "spec.ingress")),
            (Direction.Egress, "spec.egress", _k8s.List(spec["egress"], "spec.egress")),
        ];
        CheckAppliedToPlacement(policyAppliedTo.Count > 0, sections);
        CheckRuleNames(sections);
        var hasEgress = sections[1].Rules.Count > 0;
        var policyTargets = AppliedTo(policyAppliedTo, "spec.appliedTo", null, hasEgress);

        var rules = new List<PolicyRule>();
        foreach (var (direction, path, list) in sections)
        {
            for (var i = 0; i < list.Count; i++)
            {
                var parts = Rule(list[i], direction, $"{path}[{i}]", tierName == BaselineTier, policyTargets.ToService);
                if (parts is null)
                {
                    continue;
                }
                var id = new RuleId(_reference, direction, i, parts.Name);
                foreach (var subject in Merge(parts.Subjects ?? policyTargets.Subjects))
                {
                    rules.Add(new PolicyRule(id, tier, priority, parts.Action, subject, parts.Peers, parts.Ports)
                    {
                        // Pass leaves the admin band for the developer policies (then the baseline tier).
                        PassTarget = parts.Action == RuleAction.Pass ? PassTarget.EndOfBand : PassTarget.NextTier,
                        Log = parts.Log,
                        LogLabel = parts.LogLabel,
                        L7 = parts.L7,
                    });
                }
            }
        }
        return _errors.List.Count == 0
            ? (new PolicySet(rules, []) { Warnings = [.. _warnings] }, [])
            : (PolicySet.Empty, _errors.List);
    }

    /// <summary>What one rule compiles to; <see cref="Subjects"/> is null when the policy-level appliedTo applies.</summary>
    private sealed record RuleParts(
        RuleAction Action,
        IReadOnlyList<Peer> Peers,
        IReadOnlyList<PortMatch> Ports,
        IReadOnlyList<L7Matcher> L7,
        bool Log,
        string? LogLabel,
        string? Name,
        IReadOnlyList<PodSubject>? Subjects);

    /// <summary>Tier by name: Antrea's own, or a Tier object from the context. Absent means application.</summary>
    private (string Name, Tier Tier) ReadTier(JsonNode? node)
    {
        var application = Ladder.AntreaTier("application", 250);
        if (node is null || (Text(node) is { Length: 0 }))
        {
            return ("application", application);
        }
        if (Text(node) is not { } name)
        {
            _errors.Invalid("spec.tier", node, "must be a string");
            return ("application", application);
        }
        if (StaticTiers.TryGetValue(name, out var known))
        {
            return (known.Name, Ladder.AntreaTier(known.Name, known.Priority));
        }
        var tier = _context.Find(AntreaPolicies.Group, "Tier", null, name);
        if (tier is null)
        {
            _errors.Invalid("spec.tier", node, $"tier {name} does not exist");
            return (name, application);
        }
        // Antrea's own tiers hold 250 and 253, and 251, 252, 254 and 255 are reserved: custom tiers sit below 250.
        if (Integer(tier.Spec?["priority"]) is not { } priority || priority is < 0 or >= 250)
        {
            _errors.Invalid("spec.tier", node, $"Tier {name} has no usable spec.priority (an integer from 0 to 249)");
            return (name, application);
        }
        return (name, Ladder.AntreaTier(name, (int)priority));
    }

    private double ReadPriority(JsonNode? node)
    {
        if (node is null)
        {
            _errors.Required("spec.priority");
            return 0;
        }
        if (Number(node) is not { } priority)
        {
            _errors.Invalid("spec.priority", node, "must be a number");
            return 0;
        }
        if (priority < 1)
        {
            _errors.Invalid("spec.priority", node, "should be greater than or equal to 1");
        }
        else if (priority > 10000)
        {
            _errors.Invalid("spec.priority", node, "should be less than or equal to 10000");
        }
        return priority;
    }

    /// <summary>appliedTo lives at the policy level or in every rule, never both, and somewhere.</summary>
    private void CheckAppliedToPlacement(bool atPolicy, List<(Direction Direction, string Path, IReadOnlyList<JsonNode?> Rules)> sections)
    {
        var rules = sections.SelectMany(s => s.Rules.Select((r, i) => (Path: $"{s.Path}[{i}]", Has: r is JsonObject o && o["appliedTo"] is JsonArray { Count: > 0 })))
            .ToList();
        var inRules = rules.Count(r => r.Has);
        if (atPolicy)
        {
            foreach (var rule in rules.Where(r => r.Has))
            {
                _errors.Forbidden($"{rule.Path}.appliedTo", "appliedTo should not be set in both spec and rules");
            }
        }
        else if (inRules == 0)
        {
            _errors.Required("spec.appliedTo", "appliedTo needs to be set in either spec or rules");
        }
        else
        {
            foreach (var rule in rules.Where(r => !r.Has))
            {
                _errors.Required($"{rule.Path}.appliedTo", "appliedTo field should either be set in all rules or in none of them");
            }
        }
    }

    /// <summary>Names are unique across ingress and egress; unnamed rules get generated names in Antrea, so they never clash.</summary>
    private void CheckRuleNames(List<(Direction Direction, string Path, IReadOnlyList<JsonNode?> Rules)> sections)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, path, rules) in sections)
        {
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i] is JsonObject rule && Text(rule["name"]) is { Length: > 0 } name && !seen.Add(name))
                {
                    _errors.Add($"{path}[{i}].name", $"Duplicate value: \"{name}\": rules names must be unique within the policy");
                }
            }
        }
    }

    private RuleParts? Rule(JsonNode? node, Direction direction, string path, bool baselineTier, bool policyToService)
    {
        if (node is not JsonObject rule)
        {
            _errors.Invalid(path, node, "must be an object");
            return null;
        }
        var action = Action(rule["action"], $"{path}.action", baselineTier);
        var name = Text(rule["name"]);
        if (rule["name"] is not null && name is null)
        {
            _errors.Invalid($"{path}.name", rule["name"], "must be a string");
        }
        var log = false;
        if (rule["enableLogging"] is { } logNode)
        {
            log = Bool(logNode) ?? false;
            if (Bool(logNode) is null)
            {
                _errors.Invalid($"{path}.enableLogging", logNode, "must be a boolean");
            }
        }
        var logLabel = LogLabel(rule["logLabel"], $"{path}.logLabel");

        var targets = rule["appliedTo"] is JsonArray { Count: > 0 } ruleAppliedTo
            ? AppliedTo([.. ruleAppliedTo], $"{path}.appliedTo", direction, false)
            : null;
        var toService = policyToService || targets?.ToService == true;
        var peers = RulePeers(rule, direction, path, toService);
        var (ports, protocolsMatchSomething) = Ports(rule, direction, path, action);
        var l7 = L7(rule, path, action);
        if (direction == Direction.Egress)
        {
            CheckMulticast(rule, path, action);
        }
        if (!protocolsMatchSomething)
        {
            return null;
        }
        return action is { } a ? new RuleParts(a, peers, ports, l7, log, logLabel, name, targets?.Subjects) : null;
    }

    private RuleAction? Action(JsonNode? node, string path, bool baselineTier)
    {
        if (node is null)
        {
            _errors.Required(path);
            return null;
        }
        RuleAction? action = Text(node) switch
        {
            "Allow" => RuleAction.Allow,
            "Drop" => RuleAction.Deny,
            "Reject" => RuleAction.Reject,
            "Pass" => RuleAction.Pass,
            _ => null,
        };
        if (action is null)
        {
            _errors.Unsupported(path, node, "Allow", "Drop", "Pass", "Reject");
        }
        else if (action == RuleAction.Pass && baselineTier)
        {
            _errors.Forbidden(path, "`Pass` action should not be set for Baseline Tier policy rules");
        }
        return action;
    }

    private string? LogLabel(JsonNode? node, string path)
    {
        if (node is null)
        {
            return null;
        }
        var label = Text(node);
        // The CRD's pattern: a label value of at most 63 characters.
        if (label is null || (label.Length > 0 && !NameRules.IsLabelValue(label)))
        {
            _errors.Invalid(path, node, "must be up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            return null;
        }
        return label.Length == 0 ? null : label;
    }

    /// <summary>One rule per namespace scope: appliedTo entries that share a scope are ORed into one pod selector.</summary>
    private static IEnumerable<Subject> Merge(IReadOnlyList<PodSubject> subjects) =>
        subjects.GroupBy(s => s.Namespaces).Select(g => g.Count() == 1
            ? g.First()
            : new PodSubject(g.Any(s => s.Pods is AllSelector) ? Selector.All : new OrSelector([.. g.Select(s => s.Pods).Distinct()]), g.Key));

    private void Warn(string field, string text) => _warnings.Add($"{_objectRef}: {field}: {text}");

    private static string? Text(JsonNode? node) => JsonRead.String(node);

    private static bool? Bool(JsonNode? node) => JsonRead.Bool(node);

    private static double? Number(JsonNode? node) => JsonRead.Number(node);

    private static long? Integer(JsonNode? node) => JsonRead.Integer(node);
}
