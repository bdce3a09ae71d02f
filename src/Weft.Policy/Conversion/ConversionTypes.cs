using Weft.Model;

namespace Weft.Policy.Conversion;

/// <summary>The dialects <see cref="PolicyConverter"/> writes.</summary>
public enum ConversionTarget
{
    /// <summary>Kubernetes NetworkPolicy (networking.k8s.io/v1).</summary>
    NetworkPolicy,

    /// <summary>AdminNetworkPolicy (admin band) or BaselineAdminNetworkPolicy (baseline band), policy.networking.k8s.io/v1alpha1.</summary>
    Anp,

    /// <summary>Antrea ClusterNetworkPolicy or NetworkPolicy (crd.antrea.io/v1beta1) in a tier.</summary>
    Antrea,

    /// <summary>Calico GlobalNetworkPolicy or NetworkPolicy (projectcalico.org/v3) in a tier, at an order.</summary>
    Calico,

    /// <summary>CiliumClusterwideNetworkPolicy or CiliumNetworkPolicy (cilium.io/v2).</summary>
    Cilium,
}

/// <summary>Target names as the CLI spells them.</summary>
public static class ConversionTargets
{
    public static IReadOnlyList<string> Names { get; } = ["networkpolicy", "anp", "antrea", "calico", "cilium"];

    /// <summary>"networkpolicy", "anp", "antrea", "calico" or "cilium" in any case; null otherwise.</summary>
    public static ConversionTarget? Parse(string text) => text.ToLowerInvariant() switch
    {
        "networkpolicy" => ConversionTarget.NetworkPolicy,
        "anp" => ConversionTarget.Anp,
        "antrea" => ConversionTarget.Antrea,
        "calico" => ConversionTarget.Calico,
        "cilium" => ConversionTarget.Cilium,
        _ => null,
    };

    /// <summary>The target as people call it, for messages ("Kubernetes NetworkPolicy has no Deny action").</summary>
    public static string Title(ConversionTarget target) => target switch
    {
        ConversionTarget.NetworkPolicy => "Kubernetes NetworkPolicy",
        ConversionTarget.Anp => "AdminNetworkPolicy",
        ConversionTarget.Antrea => "Antrea-native policy",
        ConversionTarget.Calico => "Calico policy",
        _ => "Cilium policy",
    };
}

/// <summary>
/// Something in a source policy the target cannot express exactly, e.g.
/// ("AdminNetworkPolicy deny-x", "egress[2].action", "Kubernetes NetworkPolicy has no Deny action").
/// </summary>
/// <param name="Object">The source policy, e.g. "AdminNetworkPolicy deny-x" or "NetworkPolicy x/web".</param>
/// <param name="Field">Where in the policy: "egress[2].action", "ingress[0].from", "tier", "subject"…</param>
/// <param name="Reason">Why the target cannot say it.</param>
public sealed record ConversionProblem(string Object, string Field, string Reason)
{
    public override string ToString() => $"{Object} {Field}: {Reason}";
}

/// <summary>
/// The conversion of one source policy: all of it (<see cref="Resources"/>, plus any Tier objects they need) or,
/// when <see cref="Problems"/> is not empty, nothing. <see cref="Warnings"/> are exact conversions with a caveat:
/// a moved place on the ladder or a matching detail the dialects define differently.
/// </summary>
public sealed record ConversionResult(
    string Source,
    IReadOnlyList<Resource> Resources,
    IReadOnlyList<ConversionProblem> Problems,
    IReadOnlyList<string> Warnings)
{
    public bool Converted => Problems.Count == 0;
}
