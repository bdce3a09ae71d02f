using System.Text.Json.Nodes;
using Weft.Policy.Ir;
using Weft.Policy.Kubernetes;

namespace Weft.Policy.Calico;

/// <summary>
/// Resolves a policy's spec.tier to its place on the ladder. Calico creates default, kube-admin and
/// kube-baseline itself, so they need no object; any other tier must be a Tier (projectcalico.org/v3) in
/// the context, whose order and defaultAction (Deny unless Pass) place it.
/// </summary>
internal static class CalicoTiers
{
    public const string Group = "projectcalico.org";
    public const string Default = "default";

    public static Tier? Resolve(string name, PolicyContext context, FieldErrorList errors)
    {
        switch (name)
        {
            case Default:
                return Tier.Developer;
            case "kube-admin":
                return Ladder.ClusterNetworkPolicyAdmin;
            case "kube-baseline":
                return Ladder.BaselineAdminNetworkPolicy;
            default:
                break;
        }
        var tier = context.Find(Group, "Tier", null, name);
        if (tier is null)
        {
            errors.Add("spec.tier", $"Not found: \"{name}\": no Tier of that name exists (create the Tier before its policies)");
            return null;
        }
        // Calico 3.29–3.31 hosted AdminNetworkPolicy in a tier of this name; it sits where ANP sits.
        if (name == "adminnetworkpolicy")
        {
            return Ladder.AdminNetworkPolicy;
        }
        var tierErrors = new FieldErrorList($"Tier.projectcalico.org {name}");
        var spec = tier.Spec ?? [];
        var orderNode = spec["order"];
        var order = CalicoJson.Number(orderNode);
        if (orderNode is not null && order is null)
        {
            tierErrors.Invalid("spec.order", orderNode, "must be a number");
        }
        var defaultAction = DefaultAction(spec["defaultAction"], tierErrors);
        errors.List.AddRange(tierErrors.List);
        return tierErrors.List.Count == 0 ? Ladder.CalicoTier(name, order, defaultAction) : null;
    }

    private static TierDefault DefaultAction(JsonNode? node, FieldErrorList errors)
    {
        switch (node is null ? "Deny" : CalicoJson.Text(node))
        {
            case "Deny":
                return TierDefault.Deny;
            case "Pass":
                return TierDefault.Pass;
            default:
                errors.Unsupported("spec.defaultAction", node, "Deny", "Pass");
                return TierDefault.Deny;
        }
    }
}
