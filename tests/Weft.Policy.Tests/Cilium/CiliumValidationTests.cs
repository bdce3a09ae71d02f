using Weft.Model;
using Weft.Policy.Cilium;
using static Weft.Policy.Tests.Cilium.CiliumCluster;

namespace Weft.Policy.Tests.Cilium;

/// <summary>Admission as Cilium's CRD schema and rule sanitizer do it; every message names the object and the field.</summary>
public class CiliumValidationTests
{
    private const string Ingress = "endpointSelector: {}\ningress:\n- ";
    private const string Egress = "endpointSelector: {}\negress:\n- ";

    [Theory]
    [InlineData("ingress: [{}]", "spec.endpointSelector: Required value: rule must have one of endpointSelector or nodeSelector")]
    [InlineData("endpointSelector: {}\nnodeSelector: {}\ningress: [{}]", "spec: Forbidden: rule cannot have both endpointSelector and nodeSelector")]
    [InlineData("nodeSelector: {}\ningress: [{}]", "spec.nodeSelector: Forbidden: a CiliumNetworkPolicy cannot have a nodeSelector")]
    [InlineData("endpointSelector: {}\ningress: []", "spec: Required value: rule must have at least one of ingress, ingressDeny, egress, egressDeny")]
    [InlineData("endpointSelector: {}\ningress: [{}]\nenableDefaultDeny: {ingress: maybe}", "spec.enableDefaultDeny.ingress: Invalid value: \"maybe\": must be a boolean")]
    [InlineData("endpointSelector: {}\ningress: [{}]\nlog: {value: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}", "spec.log.value: Too long: may not be more than 32 bytes")]
    [InlineData("endpointSelector: {matchLabels: {\"a:b:c\": x}}\ningress: [{}]", "spec.endpointSelector.matchLabels: Invalid value: \"a:b:c\": a valid label key only supports ':' as a source separator")]
    [InlineData("endpointSelector: {matchLabels: {\"k-8s:app\": x}}\ningress: [{}]", "spec.endpointSelector.matchLabels: Invalid value: \"k-8s:app\": label source should be a non empty string with only alphanumeric characters")]
    [InlineData("endpointSelector: {matchLabels: {app: \"not ok\"}}\ningress: [{}]", "spec.endpointSelector.matchLabels: Invalid value: \"not ok\": a valid label must be")]
    [InlineData("endpointSelector: {matchExpressions: [{key: app, operator: In}]}\ningress: [{}]", "spec.endpointSelector.matchExpressions[0].values: Invalid value: must be specified when operator is In or NotIn")]
    [InlineData(Ingress + "fromRequires: [{}]", "spec.ingress[0].fromRequires: Too many: 1: must have at most 0 items (fromRequires is deprecated")]
    [InlineData("endpointSelector: {}\negressDeny:\n- toFQDNs: [{matchName: a.com}]", "spec.egressDeny[0].toFQDNs: Forbidden: egressDeny rules do not support toFQDNs")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: ICMP}]}]", "spec.ingress[0].toPorts[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\", \"ANY\"")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: tcp}]}]", "spec.ingress[0].toPorts[0].ports[0].protocol: Unsupported value: \"tcp\"")]
    [InlineData(Ingress + "toPorts: [{ports: [{protocol: TCP}]}]", "spec.ingress[0].toPorts[0].ports[0].port: Required value: port must be specified")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"70000\"}]}]", "spec.ingress[0].toPorts[0].ports[0].port: Invalid value: \"70000\": must be a port number from 0")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"053\"}]}]", "spec.ingress[0].toPorts[0].ports[0].port: Invalid value: \"053\": must be a port number from 0 (every port) to 65535 without leading zeros")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", endPort: 70000}]}]", "spec.ingress[0].toPorts[0].ports[0].endPort: Invalid value: 70000: must be an integer between 0 and 65535")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: VRRP}]}]", "spec.ingress[0].toPorts[0].ports[0].port: Invalid value: \"80\": must be empty or 0 for protocol VRRP")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"0\", protocol: TCP}], rules: {http: [{}]}}]", "spec.ingress[0].toPorts[0].ports[0].port: Invalid value: \"0\": L7 rules can not be used when a port is 0")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"53\", endPort: 54, protocol: UDP}], rules: {dns: [{matchPattern: \"*\"}]}}]", "spec.egress[0].toPorts[0].ports[0].endPort: Invalid value: 54: DNS rules do not support port ranges")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{}], kafka: [{}]}}]", "spec.egress[0].toPorts[0].rules: Forbidden: multiple L7 protocol rule types specified in single rule")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {l7: [{a: b}]}}]", "spec.egress[0].toPorts[0].rules.l7: Forbidden: 'l7' may only be specified when a 'l7proto' is also specified")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{path: \"/a(\"}]}}]", "spec.ingress[0].toPorts[0].rules.http[0].path: Invalid value: \"/a(\": must be a valid extended regular expression")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{headerMatches: [{value: x}]}]}}]", "spec.ingress[0].toPorts[0].rules.http[0].headerMatches[0].name: Required value: header name missing")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{headerMatches: [{name: x, mismatch: DROP}]}]}}]", "spec.ingress[0].toPorts[0].rules.http[0].headerMatches[0].mismatch: Unsupported value: \"DROP\"")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka: [{role: write}]}}]", "spec.ingress[0].toPorts[0].rules.kafka[0].role: Unsupported value: \"write\": supported values: \"consume\", \"produce\"")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka: [{apiKey: explode}]}}]", "spec.ingress[0].toPorts[0].rules.kafka[0].apiKey: Invalid value: \"explode\": invalid Kafka apiKey")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka: [{apiVersion: \"-1\"}]}}]", "spec.ingress[0].toPorts[0].rules.kafka[0].apiVersion: Invalid value: \"-1\": must be a non-negative 16-bit integer")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"9092\", protocol: TCP}], rules: {kafka: [{topic: \"a/b\"}]}}]", "spec.ingress[0].toPorts[0].rules.kafka[0].topic: Invalid value: \"a/b\"")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"53\", protocol: UDP}], rules: {dns: [{matchName: a.com, matchPattern: \"*\"}]}}]", "spec.egress[0].toPorts[0].rules.dns[0]: Forbidden: only one of matchName or matchPattern is allowed")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"53\", protocol: UDP}], rules: {dns: [{}]}}]", "spec.egress[0].toPorts[0].rules.dns[0]: Required value: one of matchName or matchPattern is required")]
    [InlineData(Egress + "toFQDNs: [{matchName: \"a b.com\"}]", "spec.egress[0].toFQDNs[0].matchName: Invalid value: \"a b.com\"")]
    [InlineData(Egress + "toFQDNs: [{matchPattern: \"a?.com\"}]", "spec.egress[0].toFQDNs[0].matchPattern: Invalid value: \"a?.com\"")]
    [InlineData("endpointSelector: {}\ningressDeny:\n- toPorts: [{ports: [{port: \"80\"}], rules: {http: [{}]}}]", "spec.ingressDeny[0].toPorts[0].rules: Forbidden: deny rules match ports only")]
    [InlineData(Ingress + "fromEntities: [internet]", "spec.ingress[0].fromEntities[0]: Unsupported value: \"internet\": supported values: \"all\", \"cluster\"")]
    [InlineData(Ingress + "fromCIDR: [10.0.0.1]", "spec.ingress[0].fromCIDR[0]: Invalid value: \"10.0.0.1\": must be a CIDR")]
    [InlineData(Ingress + "fromCIDRSet: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]", "spec.ingress[0].fromCIDRSet[0].except[0]: Invalid value: \"192.168.0.0/16\": allow CIDR prefix 10.0.0.0/8 does not contain exclude CIDR prefix 192.168.0.0/16")]
    [InlineData(Ingress + "fromCIDRSet: [{except: [10.0.0.0/8]}]", "spec.ingress[0].fromCIDRSet[0]: Required value: one of cidr, cidrGroupRef, or cidrGroupSelector is required")]
    [InlineData(Ingress + "fromCIDRSet: [{cidr: 10.0.0.0/8, cidrGroupRef: g}]", "spec.ingress[0].fromCIDRSet[0]: Forbidden: more than one of cidr, cidrGroupRef, or cidrGroupSelector may not be set")]
    [InlineData(Ingress + "icmps: [{fields: [{family: IPv5, type: 8}]}]", "spec.ingress[0].icmps[0].fields[0].family: Unsupported value: \"IPv5\"")]
    [InlineData(Ingress + "icmps: [{fields: [{family: IPv6, type: Echo}]}]", "spec.ingress[0].icmps[0].fields[0].type: Invalid value: \"Echo\": must be an ICMP type from 0 to 255 or an IPv6 type name")]
    [InlineData(Ingress + "icmps: [{fields: [{type: 256}]}]", "spec.ingress[0].icmps[0].fields[0].type: Invalid value: 256")]
    [InlineData(Ingress + "icmps: [{fields: [{family: IPv4}]}]", "spec.ingress[0].icmps[0].fields[0].type: Required value")]
    [InlineData(Ingress + "toPorts: [{ports: [{port: \"80\"}], listener: {name: l, envoyConfig: {name: c}}}]", "spec.ingress[0].toPorts[0].listener: Forbidden: a listener is not allowed on ingress")]
    [InlineData(Egress + "toPorts: [{ports: [{port: \"443\"}], serverNames: [\"\"]}]", "spec.egress[0].toPorts[0].serverNames[0]: Invalid value: \"\": empty server name is not allowed")]
    [InlineData(Ingress + "authentication: {mode: sometimes}", "spec.ingress[0].authentication.mode: Unsupported value: \"sometimes\"")]
    [InlineData("endpointSelector: {}\ningressDeny:\n- authentication: {mode: required}", "spec.ingressDeny[0].authentication: Forbidden: deny rules take no authentication")]
    [InlineData(Egress + "toServices: [{}]", "spec.egress[0].toServices[0]: Required value: one of k8sService or k8sServiceSelector is required")]
    public void Each_bad_field_is_named(string spec, string expected)
    {
        var error = Assert.Single(Errors(spec));
        Assert.StartsWith("CiliumNetworkPolicy x/p: " + expected, error);
    }

    [Fact]
    public void Ports_are_limited_to_forty_per_entry()
    {
        var ports = string.Join(", ", Enumerable.Range(1, 41).Select(p => $"{{port: \"{p}\"}}"));
        Assert.StartsWith("CiliumNetworkPolicy x/p: spec.ingress[0].toPorts[0].ports: Too many: 41: must have at most 40 items",
            Assert.Single(Errors(Ingress + $"toPorts: [{{ports: [{ports}]}}]")));
    }

    [Fact]
    public void A_policy_needs_spec_or_specs_and_a_valid_name()
    {
        var errors = CiliumPolicies.Validate(ManifestReader.ReadText("apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: Bad_Name, namespace: x}")[0], PolicyContext.Empty);
        Assert.Equal(
        [
            "CiliumNetworkPolicy x/Bad_Name: metadata.name: Invalid value: \"Bad_Name\": must be a lowercase RFC 1123 subdomain",
            "CiliumNetworkPolicy x/Bad_Name: spec: Required value: a policy needs spec or specs",
        ], errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Specs_are_each_validated_under_their_own_path()
    {
        var yaml = "apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: p, namespace: x}\nspecs:\n- endpointSelector: {}\n  ingress: [{}]\n- ingress: [{}]";
        Assert.Equal("CiliumNetworkPolicy x/p: specs[1].endpointSelector: Required value: rule must have one of endpointSelector or nodeSelector",
            Assert.Single(CiliumPolicies.Validate(ManifestReader.ReadText(yaml)[0], PolicyContext.Empty)).ToString());
    }

    [Fact]
    public void L7_rules_on_a_host_policy_are_rejected()
    {
        var error = Assert.Single(Errors("nodeSelector: {}\ningress:\n- toPorts: [{ports: [{port: \"80\", protocol: TCP}], rules: {http: [{}]}}]", clusterwide: true));
        Assert.StartsWith("CiliumClusterwideNetworkPolicy c: spec.ingress[0].toPorts[0].rules: Forbidden: L7 policy is not supported on host ingress yet", error);
    }

    [Fact]
    public void Every_error_of_a_policy_is_reported_not_just_the_first()
    {
        var errors = Errors(Ingress + "fromEntities: [internet]\n  toPorts: [{ports: [{port: \"99999\"}, {port: \"1\", protocol: ICMP}]}]\n- fromCIDR: [nonsense]");
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void A_valid_policy_has_no_errors()
    {
        Assert.Empty(Errors("""
            endpointSelector: {matchExpressions: [{key: "k8s:app", operator: In, values: [a, b]}]}
            enableDefaultDeny: {ingress: true, egress: false}
            log: {value: audit-me}
            description: every kind of field
            ingress:
            - fromEndpoints: [{matchLabels: {"any:app": b, "io.cilium.k8s.namespace.labels.team": red}}]
              toPorts: [{ports: [{port: "80", protocol: TCP}, {port: http}, {port: "8000", endPort: 8080, protocol: UDP}]}]
            - fromCIDRSet: [{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}, {cidrGroupRef: office}]
            - fromEntities: [world, cluster, host, remote-node, kube-apiserver, cluster-mesh]
              icmps: [{fields: [{type: EchoRequest}, {family: IPv6, type: 128}]}]
            - fromNodes: [{matchLabels: {"node:zone": a}}]
            ingressDeny:
            - fromCIDR: [192.168.0.0/16]
              toPorts: [{ports: [{port: "22"}]}]
            egress:
            - toFQDNs: [{matchPattern: "**.example.com"}, {matchName: api.example.com}]
              toPorts: [{ports: [{port: "443", protocol: TCP}], serverNames: [api.example.com]}]
            - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, "k8s:k8s-app": kube-dns}}]
              toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
            - toPorts: [{ports: [{port: "0", protocol: VRRP}]}]
            egressDeny:
            - toEntities: [world]
            """));
    }

    [Fact]
    public void An_invalid_policy_never_half_applies()
    {
        var good = Cnp("endpointSelector: {}\ningress: [{}]", "good");
        var bad = Cnp("endpointSelector: {}\ningress:\n- toPorts: [{ports: [{port: \"80\", endPort: 70000}]}]", "bad");
        var resources = ManifestReader.ReadText(good + "---\n" + bad);
        var e = Assert.Throws<ValidationException>(() => CiliumPolicies.Compile(resources[1], PolicyContext.Empty));
        Assert.Contains("CiliumNetworkPolicy x/bad: spec.ingress[0].toPorts[0].ports[0].endPort", e.Message, StringComparison.Ordinal);
        var all = Assert.Throws<ValidationException>(() => CiliumPolicies.CompileAll(resources, PolicyContext.Empty));
        Assert.Single(all.Errors);
        Assert.NotEmpty(CiliumPolicies.Compile(resources[0], PolicyContext.Empty).Isolations);
    }
}
