using System.Text.Json;

namespace Weft.Model.Tests;

/// <summary>The YAML examples of the seed article (re-indented; the article lost its indentation).</summary>
public sealed class SeedArticleTests
{
    [Fact]
    public void Kube_ovn_qos_pod_keeps_every_annotation_as_a_string()
    {
        var pod = new PodView(Assert.Single(ManifestReader.Read(TestFiles.Path("seed", "kube-ovn-qos-pod.yaml"))));
        Assert.Equal("ls1", pod.Namespace);
        Assert.Equal("qos", pod.Name);
        Assert.Equal(new Dictionary<string, string>
        {
            ["ovn.kubernetes.io/ingress_rate"] = "3",
            ["ovn.kubernetes.io/egress_rate"] = "1",
            ["ovn.kubernetes.io/latency"] = "3",
            ["ovn.kubernetes.io/loss"] = "20",
        }, pod.Annotations);
    }

    [Fact]
    public void Fixed_ip_annotations_are_read_verbatim()
    {
        var pod = new PodView(Assert.Single(ManifestReader.Read(TestFiles.Path("seed", "fixed-ip-pod.yaml"))));
        Assert.Equal("[\"192.168.0.1\"]", pod.Annotations["cni.projectcalico.org/ipAddrs"]);
        Assert.Equal("192.168.100.100", pod.Annotations["ovn.kubernetes.io/ip_address"]);
        Assert.Equal("192.168.100.201,192.168.100.202", pod.Annotations["ovn.kubernetes.io/ip_pool"]);
        Assert.Equal("pod-ip-pool1", pod.Annotations["ipam.antrea.io/ippools"]);
        Assert.Equal("<ip-in-pod-ip-pool1>", pod.Annotations["ipam.antrea.io/pod-ips"]);
        Assert.Empty(Validation.GetErrors(pod.Resource));
    }

    [Fact]
    public void Cilium_policies_read_with_quoted_ports_as_strings()
    {
        var policies = ManifestReader.Read(TestFiles.Path("seed", "cilium-policies.yaml"));
        Assert.Equal(["to-fqdn", "rule", "rule1"], policies.Select(p => p.Metadata.Name));
        Assert.All(policies, p => Assert.Equal(("cilium.io/v2", "CiliumNetworkPolicy"), (p.ApiVersion, p.Kind)));

        var fqdn = policies[0].Spec!;
        var peerLabels = fqdn["egress"]![0]!["toEndpoints"]![0]!["matchLabels"]!;
        Assert.Equal("kube-dns", peerLabels["K8s:K8s-app"]!.GetValue<string>());
        var port = fqdn["egress"]![0]!["toPorts"]![0]!["ports"]![0]!;
        Assert.Equal(JsonValueKind.String, port["port"]!.GetValueKind());
        Assert.Equal("ANY", port["protocol"]!.GetValue<string>());
        Assert.Equal("*", fqdn["egress"]![0]!["toPorts"]![0]!["rules"]!["dns"]![0]!["matchPattern"]!.GetValue<string>());
        Assert.Equal("my-remote-service.com", fqdn["egress"]![1]!["toFQDNs"]![0]!["matchName"]!.GetValue<string>());

        var http = policies[1].Spec!["ingress"]![0]!["toPorts"]![0]!["rules"]!["http"]![0]!;
        Assert.Equal(("POST", "/v1/request-landing"), (http["method"]!.GetValue<string>(), http["path"]!.GetValue<string>()));

        var kafka = policies[2].Spec!["ingress"]![0]!["toPorts"]![0]!["rules"]!["kafka"]!.AsArray();
        Assert.Equal(["deathstar-plans", "empire-announce"], kafka.Select(k => k!["topic"]!.GetValue<string>()));

        var selector = LabelSelector.Parse(policies[1].Spec!["endpointSelector"], "spec.endpointSelector");
        Assert.True(selector.Matches(new Dictionary<string, string> { ["org"] = "empire", ["class"] = "deathstar", ["x"] = "y" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["org"] = "empire" }));
    }

    [Fact]
    public void Antrea_policies_keep_numbers_and_booleans_typed()
    {
        var policies = ManifestReader.Read(TestFiles.Path("seed", "antrea-policies.yaml"));
        Assert.Equal(["acnp-reject-ping-request", "acnp-fqdn-all-foobar"], policies.Select(p => p.Metadata.Name));
        Assert.True(KindInfo.IsClusterScoped(new ResourceType("crd.antrea.io", policies[0].Kind)));

        var ping = policies[0].Spec!;
        Assert.Equal(5, ping["priority"]!.GetValue<int>());
        var rule = ping["egress"]![0]!;
        Assert.Equal(8, rule["protocols"]![0]!["icmp"]!["icmpType"]!.GetValue<int>());
        Assert.Equal(0, rule["protocols"]![0]!["icmp"]!["icmpCode"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.True, rule["enableLogging"]!.GetValueKind());
        Assert.Equal("prod", ping["appliedTo"]![0]!["namespaceSelector"]!["matchLabels"]!["env"]!.GetValue<string>());

        var fqdn = policies[1].Spec!["egress"]!;
        Assert.Equal("*foobar.com", fqdn[0]!["to"]![0]!["fqdn"]!.GetValue<string>());
        Assert.Equal(8080, fqdn[0]!["ports"]![0]!["port"]!.GetValue<int>());
        Assert.Equal("Drop", fqdn[1]!["action"]!.GetValue<string>());
    }

    [Fact]
    public void Egress_and_service_examples_read_and_round_trip()
    {
        var resources = ManifestReader.Read(TestFiles.Path("seed", "egress-and-services.yaml"));
        Assert.Equal(["Service", "CiliumEgressGatewayPolicy", "Pod", "Egress", "Pod"], resources.Select(r => r.Kind));
        Assert.Equal("true", resources[0].Metadata.Annotations["io.cilium/global-service"]);
        Assert.Equal("10.168.60.100", resources[1].Spec!["egressGateway"]!["egressIP"]!.GetValue<string>());
        Assert.Equal("172.10.0.1", resources[2].Metadata.Annotations["ovn.kubernetes.io/eip"]);
        Assert.Equal("10M", resources[4].Metadata.Annotations["kubernetes.io/egress-bandwidth"]);

        var again = ManifestReader.ReadText(ManifestWriter.ToYaml(resources));
        Assert.Equal(resources.Select(ResourceJson.ToNode), again.Select(ResourceJson.ToNode), JsonNodeComparer.Instance);
    }
}
