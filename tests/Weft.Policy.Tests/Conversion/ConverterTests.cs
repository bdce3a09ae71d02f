using Weft.Model;
using Weft.Policy.Conversion;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Conversion.Policies;

namespace Weft.Policy.Tests.Conversion;

/// <summary>What every target shares: the all-or-nothing contract, source caveats, FQDN and L7, and the equivalence check itself.</summary>
public sealed class ConverterTests
{
    public static TheoryData<string, ConversionTarget> Cells()
    {
        var data = new TheoryData<string, ConversionTarget>();
        foreach (var source in typeof(Sources).GetFields().Where(f => f.IsLiteral && f.Name != nameof(Sources.CalicoTier)))
        {
            foreach (var target in Enum.GetValues<ConversionTarget>())
            {
                data.Add(source.Name, target);
            }
        }
        return data;
    }

    /// <summary>Every sample of every dialect to every target: refused with reasons, or exact on the whole cluster.</summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void Every_conversion_is_exact_or_refused_with_reasons(string source, ConversionTarget target)
    {
        var yaml = (string)typeof(Sources).GetField(source)!.GetRawConstantValue()!;
        var result = Conversions.Run(yaml, target);
        if (result.Converted)
        {
            Conversions.AssertExact(yaml, target);
        }
        else
        {
            Assert.Empty(result.Resources);
            Assert.All(result.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Field) || string.IsNullOrWhiteSpace(p.Reason), p.ToString()));
            Assert.DoesNotContain(result.Problems, p => p.Field == "(converted)");
        }
    }

    [Fact]
    public void Each_dialect_converts_to_itself()
    {
        foreach (var (yaml, target) in new[]
        {
            (Sources.NetworkPolicy, ConversionTarget.NetworkPolicy), (Sources.Anp, ConversionTarget.Anp), (Sources.Banp, ConversionTarget.Anp),
            (Sources.Acnp, ConversionTarget.Antrea), (Sources.Annp, ConversionTarget.Antrea), (Sources.CalicoGnp, ConversionTarget.Calico),
            (Sources.Cnp, ConversionTarget.Cilium), (Sources.Ccnp, ConversionTarget.Cilium),
        })
        {
            Assert.Empty(Conversions.AssertExact(yaml, target).Warnings);
        }
    }

    [Fact]
    public void Fqdn_peers_are_refused_with_the_source_caveat()
    {
        var result = Conversions.AssertRefused(Cnp("endpointSelector: {}\negress: [{toFQDNs: [{matchName: www.example.com}]}]"), ConversionTarget.Cilium,
            "CiliumNetworkPolicy x/p spec.egress[0].to: peer fqdn www.example.com.: FQDN peers are not converted: each dialect's wildcards mean something else");
        Assert.Contains("CiliumNetworkPolicy x/p spec.egress[0].toFQDNs: the source has a part the policy model does not hold, so its model is not the whole policy: "
            + "toFQDNs is not enforced yet: FQDN peers match no address until Weft observes DNS answers", result.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void L7_rules_are_refused() =>
        Conversions.AssertRefused(Cnp("endpointSelector: {}\ningress: [{toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{method: GET}]}}]}]"), ConversionTarget.Cilium,
            "CiliumNetworkPolicy x/p spec.ingress[0].toPorts[0].l7: L7 rules (http) are not converted: each dialect's L7 language means something else");

    [Fact]
    public void Invalid_source_is_refused_with_its_errors()
    {
        var policy = ManifestReader.ReadText(Np("podSelector: {}\ningress: [{from: [{}]}]"))[0];
        var result = PolicyConverter.Convert(policy, ConversionTarget.Cilium, PolicyContext.Empty);
        Assert.Equal("NetworkPolicy x/p spec.ingress[0].from[0]: the source is invalid: Required value: must specify a peer", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void Non_policies_are_refused()
    {
        var pod = ManifestReader.ReadText("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, image: i}]}")[0];
        var result = PolicyConverter.Convert(pod, ConversionTarget.Cilium, PolicyContext.Empty);
        Assert.Equal("Pod x/a kind: v1 Pod is not a policy kind Weft reads", Assert.Single(result.Problems).ToString());
    }

    [Fact]
    public void A_policy_with_no_effect_writes_nothing()
    {
        var result = Conversions.Run(Anp("priority: 1\nsubject: {namespaces: {}}"), ConversionTarget.NetworkPolicy);
        Assert.True(result.Converted);
        Assert.Empty(result.Resources);
        Assert.Equal("AdminNetworkPolicy p: no rule can match anything and nothing is isolated: nothing to write", Assert.Single(result.Warnings));
    }

    [Fact]
    public void Registry_path_converts_registered_dialects()
    {
        var objects = ManifestReader.ReadText(Sources.Acnp);
        var result = PolicyConverter.Convert(objects[0], ConversionTarget.Antrea, PolicyContext.Empty);
        Assert.True(result.Converted, string.Join("\n", result.Problems));
        Assert.Equal("ClusterNetworkPolicy acnp", result.Source);
    }

    [Fact]
    public void Equivalence_check_sees_a_changed_peer_and_action()
    {
        var (_, a, _) = Conversions.Source(Np("podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]"));
        var (_, b, _) = Conversions.Source(Np("podSelector: {}\ningress: [{from: [{podSelector: {matchLabels: {app: c}}}]}]"));
        var peer = ModelEquivalence.Compare(a, b);
        Assert.False(peer.Equivalent);
        Assert.Contains("only in the source: pods [all] in namespaces kubernetes.io/metadata.name in {x} | pods [app in {b}] in namespaces kubernetes.io/metadata.name in {x} | *", Assert.Single(peer.Differences));

        var denied = a with { Rules = [.. a.Rules.Select(r => r with { Action = RuleAction.Deny, IsUnionAllow = false })] };
        Assert.Contains("the source's rules that allow in the developer band stand where the converted policy's rules deny in the developer band",
            Assert.Single(ModelEquivalence.Compare(a, denied).Differences));
        Assert.Contains("isolation (default deny) differs", Assert.Single(ModelEquivalence.Compare(a, a with { Isolations = [] }).Differences));
    }

    [Fact]
    public void Equivalence_check_accepts_splits_and_spellings()
    {
        // One rule with two peers and TCP|UDP|SCTP equals two rules with one peer each and three protocols.
        var (_, one, _) = Conversions.Source(Cnp("endpointSelector: {}\ningress: [{fromEndpoints: [{matchLabels: {app: b}}, {matchLabels: {app: c}}], toPorts: [{ports: [{port: \"53\"}]}]}]"));
        var (_, split, _) = Conversions.Source(Np("podSelector: {}\ningress:\n- from: [{podSelector: {matchLabels: {app: c}}}]\n  ports: [{port: 53}, {port: 53, protocol: UDP}, {port: 53, protocol: SCTP}]\n"
            + "- from: [{podSelector: {matchExpressions: [{key: app, operator: In, values: [b]}]}}]\n  ports: [{port: 53}, {port: 53, protocol: UDP}, {port: 53, protocol: SCTP}]"));
        var report = ModelEquivalence.Compare(one, split);
        Assert.True(report.Equivalent, string.Join("\n", report.Differences));
    }
}
