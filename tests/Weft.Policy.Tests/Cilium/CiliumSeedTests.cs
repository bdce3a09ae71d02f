using Weft.Model;
using Weft.Policy.Cilium;
using Weft.Policy.Ir;
using static Weft.Policy.Tests.Cilium.CiliumCluster;

namespace Weft.Policy.Tests.Cilium;

/// <summary>The seed article's three CiliumNetworkPolicy examples, exactly as written.</summary>
public class CiliumSeedTests
{
    private static IReadOnlyList<Resource> Seed() => ManifestReader.Read(SeedPath());

    private static PolicySet Compiled(string name) =>
        CiliumPolicies.Compile(Seed().Single(r => r.Metadata.Name == name), PolicyContext.Empty);

    [Fact]
    public void All_three_examples_are_Cilium_policies_and_compile()
    {
        var seed = Seed();
        Assert.Equal(["to-fqdn", "rule", "rule1"], seed.Select(r => r.Metadata.Name));
        Assert.All(seed, r => Assert.True(CiliumPolicies.Is(r)));
        Assert.All(seed, r => Assert.Empty(CiliumPolicies.Validate(r, PolicyContext.Empty)));
        Assert.Equal(3, CiliumPolicies.CompileAll(seed, PolicyContext.Empty).Isolations.Count);
    }

    [Fact]
    public void To_fqdn_isolates_the_apps_egress_and_warns_about_each_part_it_cannot_enforce()
    {
        var set = Compiled("to-fqdn");
        Assert.Equal(
        [
            "CiliumNetworkPolicy default/to-fqdn: spec.egress[0].toEndpoints[0].matchLabels: label key \"K8s:K8s-app\" has source \"K8s\", which no pod label has (sources are case-sensitive; pod labels are k8s:, and a bare or any: key matches them): every pod lacks this label",
            "CiliumNetworkPolicy default/to-fqdn: spec.egress[0].toEndpoints[0].matchLabels: label key \"K8s:io.kubernetes.pod.namespace\" has source \"K8s\", which no pod label has (sources are case-sensitive; pod labels are k8s:, and a bare or any: key matches them): every pod lacks this label",
            "CiliumNetworkPolicy default/to-fqdn: spec.egress[0].toPorts[0].rules.dns: L7 rules are not enforced yet; the rule's L3/L4 part (its peers and ports) is enforced",
            "CiliumNetworkPolicy default/to-fqdn: spec.egress[1].toFQDNs: toFQDNs is not enforced yet: FQDN peers match no address until Weft observes DNS answers",
        ], set.Warnings.Order(StringComparer.Ordinal));
        var isolation = Assert.Single(set.Isolations);
        Assert.Equal(Direction.Egress, isolation.Direction);

        var dns = set.Rules[0];
        Assert.Equal([new PortMatch(L4Protocol.AnyPorted, new PortRange(53, 53))], dns.Ports);
        Assert.Equal("dns", Assert.IsType<OpaqueL7>(Assert.Single(dns.L7)).Kind);
        Assert.Equal(new FqdnPeer("my-remote-service.com.", FqdnFlavor.Exact), Assert.Single(set.Rules[1].Peers));

        var e = With(set);
        // Cilium compares label sources exactly, so "K8s:" selects no pod: as written, even the DNS lookup is denied.
        Assert.False(e.Allowed("default/test-app", "kube-system/coredns", 53, L4Protocol.Udp));
        Assert.False(e.Allowed("default/test-app", External, 443));
        Assert.True(e.Allowed("default/xwing", "default/test-app"), "ingress is not isolated");
    }

    [Fact]
    public void To_fqdn_with_the_k8s_source_spelled_as_Cilium_does_allows_the_dns_lookup()
    {
        var fixedText = File.ReadAllText(SeedPath()).Replace("\"K8s:io.kubernetes.pod.namespace\"", "\"k8s:io.kubernetes.pod.namespace\"", StringComparison.Ordinal)
            .Replace("\"K8s:K8s-app\"", "\"k8s:k8s-app\"", StringComparison.Ordinal);
        var set = CiliumPolicies.Compile(ManifestReader.ReadText(fixedText)[0], PolicyContext.Empty);
        Assert.DoesNotContain(set.Warnings, w => w.Contains("source", StringComparison.Ordinal));
        var e = With(set);
        Assert.True(e.Allowed("default/test-app", "kube-system/coredns", 53, L4Protocol.Udp));
        Assert.False(e.Allowed("default/test-app", "kube-system/coredns", 54, L4Protocol.Udp));
    }

    [Fact]
    public void Rule_allows_TCP_80_from_the_empire_to_the_deathstar_and_isolates_its_ingress()
    {
        var set = Compiled("rule");
        Assert.Equal("CiliumNetworkPolicy default/rule: spec.ingress[0].toPorts[0].rules.http: L7 rules are not enforced yet; the rule's L3/L4 part (its peers and ports) is enforced", Assert.Single(set.Warnings));
        var isolation = Assert.Single(set.Isolations);
        Assert.Equal((Direction.Ingress, Tier.Developer), (isolation.Direction, isolation.Tier));
        var rule = Assert.Single(set.Rules);
        Assert.Equal("cilium:CiliumNetworkPolicy/default/rule:ingress[0]", rule.Id.Key);
        Assert.Equal("""[{"method":"POST","path":"/v1/request-landing"}]""", Assert.IsType<OpaqueL7>(Assert.Single(rule.L7)).Spec);

        var e = With(set);
        Assert.True(e.Allowed("default/tiefighter", "default/deathstar", 80));
        Assert.False(e.Allowed("default/tiefighter", "default/deathstar", 81));
        Assert.False(e.Allowed("default/tiefighter", "default/deathstar", 80, L4Protocol.Udp));
        Assert.False(e.Allowed("default/xwing", "default/deathstar", 80));
        Assert.False(e.Allowed("x/a", "default/deathstar", 80), "org=empire in another namespace is not selected");
        Assert.True(e.Allowed("default/deathstar", "default/xwing", 80), "egress is not isolated");
        Assert.True(e.Allowed("default/xwing", "default/tiefighter", 80), "only the deathstar is selected");
    }

    [Fact]
    public void Rule1_allows_the_kafka_port_from_empire_hq_only()
    {
        var set = Compiled("rule1");
        var l7 = Assert.IsType<OpaqueL7>(Assert.Single(Assert.Single(set.Rules).L7));
        Assert.Equal("kafka", l7.Kind);
        Assert.Contains("deathstar-plans", l7.Spec, StringComparison.Ordinal);
        Assert.Contains("empire-announce", l7.Spec, StringComparison.Ordinal);
        Assert.Equal("CiliumNetworkPolicy default/rule1: spec.ingress[0].toPorts[0].rules.kafka: L7 rules are not enforced yet; the rule's L3/L4 part (its peers and ports) is enforced", Assert.Single(set.Warnings));

        var e = With(set);
        Assert.True(e.Allowed("default/empire-hq", "default/kafka", 9092));
        Assert.False(e.Allowed("default/tiefighter", "default/kafka", 9092));
        Assert.False(e.Allowed("default/empire-hq", "default/kafka", 9093));
    }

    /// <summary>The copies live with Weft.Model's test data; walk up from the test binary to the repository.</summary>
    private static string SeedPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "Weft.Model.Tests", "TestData", "seed", "cilium-policies.yaml");
            if (File.Exists(path))
            {
                return path;
            }
        }
        throw new FileNotFoundException("cilium-policies.yaml not found above " + AppContext.BaseDirectory);
    }
}
