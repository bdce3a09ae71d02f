using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Weft.Model;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Calico.CalicoJson;
using static Weft.Policy.Calico.SelectorAlgebra;

namespace Weft.Policy.Calico;

/// <summary>Which endpoints a policy selects, as one endpoint expression.</summary>
internal sealed record PolicySubject(Selector Expression);

/// <summary>Everything of a policy but its rules: name, tier, order, types, host-endpoint flags and subject.</summary>
internal sealed partial class PolicyHeader
{
    private const string Label = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    private readonly bool _global;
    private readonly FieldErrorList _errors;

    private PolicyHeader(bool global, FieldErrorList errors)
    {
        _global = global;
        _errors = errors;
    }

    public Tier? Tier { get; private set; }

    /// <summary>spec.order; absent is +∞ (after every ordered policy of the tier).</summary>
    public double Order { get; private set; } = double.PositiveInfinity;

    public IReadOnlyList<Direction> Types { get; private set; } = [];

    /// <summary>preDNAT or doNotTrack: the policy applies to host endpoints only, never to pods.</summary>
    public bool HostEndpointOnly { get; private set; }

    /// <summary>"field: text" notes for the policy's warnings.</summary>
    public List<string> Warnings { get; } = [];

    public static PolicyHeader Read(JsonObject spec, string name, bool global, PolicyContext context, FieldErrorList errors)
    {
        var header = new PolicyHeader(global, errors);
        var tierNode = spec["tier"];
        var tier = tierNode is null ? CalicoTiers.Default : Text(tierNode);
        if (tier is null || (tier.Length > 0 && !NameRules.IsDns1123Subdomain(tier)))
        {
            errors.Invalid("spec.tier", tierNode, "must be a tier name (a lowercase RFC 1123 subdomain)");
        }
        else
        {
            tier = tier.Length == 0 ? CalicoTiers.Default : tier;
            header.CheckName(name, tier);
            header.Tier = CalicoTiers.Resolve(tier, context, errors);
        }
        if (spec["order"] is { } order)
        {
            header.Order = Number(order) ?? header.Invalid("spec.order", order, "must be a number");
        }
        header.Types = header.ReadTypes(spec);
        if (global)
        {
            header.HostFlags(spec);
        }
        return header;
    }

    /// <summary>The policy's selector, scoped to its namespace (NetworkPolicy) or namespaceSelector (GlobalNetworkPolicy).</summary>
    public PolicySubject Subject(JsonObject spec, string? ns, EntityReader entities)
    {
        var selector = EndpointLabels.WithModelServiceAccount(entities.Selector(spec["selector"], "spec.selector", EntityReader.GlobalUse.Forbidden) ?? Selector.All);
        if (entities.Selector(spec["serviceAccountSelector"], "spec.serviceAccountSelector", EntityReader.GlobalUse.Forbidden) is { } accounts)
        {
            selector = And(selector, EndpointLabels.FromServiceAccountSelector(accounts));
        }
        if (!_global)
        {
            return new PolicySubject(And(selector, EndpointLabels.InNamespace(ns!)));
        }
        var namespaces = entities.Selector(spec["namespaceSelector"], "spec.namespaceSelector", EntityReader.GlobalUse.Forbidden);
        return new PolicySubject(namespaces is null ? selector : And(selector, EndpointLabels.FromNamespaceSelector(namespaces)));
    }

    /// <summary>
    /// Calico's name rules, plus the tier prefix Calico required until projectcalico/calico#11232: a policy in tier t is named
    /// "t.name", and a default-tier policy "name" or "default.name".
    /// </summary>
    private void CheckName(string name, string tier)
    {
        if (name.Length > 253)
        {
            _errors.Invalid("metadata.name", name, $"name is too long by {name.Length - 253} bytes");
            return;
        }
        var ok = _global ? GlobalPolicyName().IsMatch(name) : PolicyName().IsMatch(name);
        if (!ok)
        {
            _errors.Invalid("metadata.name", name, "name must consist of lower case alphanumeric characters or '-', with at most one '.' after the tier name");
            return;
        }
        if (name.StartsWith("knp.default.", StringComparison.Ordinal) || name.StartsWith("ossg.default.", StringComparison.Ordinal))
        {
            return;
        }
        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var prefixOk = dot < 0 ? tier == CalicoTiers.Default : name[..dot] == tier;
        if (!prefixOk)
        {
            _errors.Invalid("metadata.name", name, $"a policy in tier \"{tier}\" must be named \"{tier}.<name>\"" + (tier == CalicoTiers.Default ? " or have no '.'" : ""));
        }
    }

    /// <summary>When absent: Ingress unless there are only egress rules; Egress too when there are egress rules.</summary>
    private List<Direction> ReadTypes(JsonObject spec)
    {
        var ingress = spec["ingress"] is JsonArray { Count: > 0 };
        var egress = spec["egress"] is JsonArray { Count: > 0 };
        if (spec["types"] is not JsonArray { Count: > 0 } types)
        {
            if (spec["types"] is not null and not JsonArray)
            {
                _errors.Invalid("spec.types", spec["types"], "must be a list");
            }
            return egress && !ingress ? [Direction.Egress] : egress ? [Direction.Ingress, Direction.Egress] : [Direction.Ingress];
        }
        var result = new List<Direction>();
        for (var i = 0; i < types.Count; i++)
        {
            Direction? direction = Text(types[i]) switch
            {
                "Ingress" => Direction.Ingress,
                "Egress" => Direction.Egress,
                _ => null,
            };
            if (direction is null)
            {
                _errors.Unsupported($"spec.types[{i}]", types[i], "Egress", "Ingress");
            }
            else if (result.Contains(direction.Value))
            {
                _errors.Invalid("spec.types", types, $"'{direction}' type specified more than once");
            }
            else
            {
                result.Add(direction.Value);
            }
        }
        if (types.Count > 2)
        {
            _errors.Add("spec.types", $"Too many: {types.Count}: must have at most 2 items");
        }
        return result;
    }

    /// <summary>GlobalNetworkPolicy doNotTrack, preDNAT and applyOnForward: the combinations Calico's CRD rules reject.</summary>
    private void HostFlags(JsonObject spec)
    {
        var doNotTrack = Bool(spec["doNotTrack"]);
        var preDnat = Bool(spec["preDNAT"]);
        var applyOnForward = Bool(spec["applyOnForward"]);
        if (doNotTrack && preDnat)
        {
            _errors.Forbidden("spec.preDNAT", "preDNAT and doNotTrack cannot both be true");
        }
        if (preDnat && spec["egress"] is JsonArray { Count: > 0 })
        {
            _errors.Forbidden("spec.egress", "preDNAT policy cannot have any egress rules");
        }
        if (preDnat && spec["types"] is JsonArray types && types.Any(t => Text(t) == "Egress"))
        {
            _errors.Forbidden("spec.types", "preDNAT policy cannot have 'Egress' type");
        }
        if ((doNotTrack || preDnat) && !applyOnForward)
        {
            _errors.Invalid("spec.applyOnForward", spec["applyOnForward"] ?? JsonValue.Create(false), "applyOnForward must be true if either preDNAT or doNotTrack is true");
        }
        if (doNotTrack || preDnat)
        {
            HostEndpointOnly = true;
            Warnings.Add($"spec.{(preDnat ? "preDNAT" : "doNotTrack")}: this policy applies to host endpoints only, which Weft does not model; it has no effect on pods");
        }
        else if (applyOnForward)
        {
            Warnings.Add("spec.applyOnForward: forwarded traffic through host endpoints is not modelled; the policy applies to pods as usual");
        }
    }

    private double Invalid(string field, JsonNode? value, string why)
    {
        _errors.Invalid(field, value, why);
        return double.PositiveInfinity;
    }

    /// <summary>NetworkPolicy: a label, optionally "tier." before it, or a converted Kubernetes/OpenStack name.</summary>
    [GeneratedRegex("^((" + Label + ")(\\." + Label + ")?|((knp|ossg)\\.default\\." + Label + "(\\." + Label + ")*))\\z")]
    private static partial Regex PolicyName();

    [GeneratedRegex("^(" + Label + "\\.)?" + Label + "\\z")]
    private static partial Regex GlobalPolicyName();
}
