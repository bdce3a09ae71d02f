using Weft.Model;
using Weft.Policy.Antrea;
using static Weft.Policy.Tests.Antrea.AntreaCluster;

namespace Weft.Policy.Tests.Antrea;

/// <summary>What Antrea's CRD schema and admission webhook refuse, each error naming the field.</summary>
public class AntreaValidationTests
{
    private const string All = "appliedTo: [{podSelector: {}}]";

    private static string Only(string yaml) => Assert.Single(Errors(yaml));

    [Theory]
    // Tier and priority.
    [InlineData("priority: 1\ntier: gold\n" + All, "spec.tier: Invalid value: \"gold\": tier gold does not exist")]
    [InlineData(All, "spec.priority: Required value")]
    [InlineData("priority: 0.5\n" + All, "spec.priority: Invalid value: 0.5: should be greater than or equal to 1")]
    [InlineData("priority: 10001\n" + All, "spec.priority: Invalid value: 10001: should be less than or equal to 10000")]
    [InlineData("priority: high\n" + All, "spec.priority: Invalid value: \"high\": must be a number")]
    // appliedTo placement and content.
    [InlineData("priority: 1\ningress: [{action: Drop}]", "spec.appliedTo: Required value: appliedTo needs to be set in either spec or rules")]
    [InlineData("priority: 1\ningress: [{action: Drop, appliedTo: [{podSelector: {}}]}, {action: Drop}]",
        "spec.ingress[1].appliedTo: Required value: appliedTo field should either be set in all rules or in none of them")]
    [InlineData("priority: 1\nappliedTo: [{ipBlock: {cidr: 10.0.0.0/8}}]", "spec.appliedTo[0].ipBlock: Forbidden: ipBlock is not allowed in appliedTo")]
    [InlineData("priority: 1\nappliedTo: [{group: g, podSelector: {}}]", "spec.appliedTo[0]: Forbidden: group cannot be set with other peers in appliedTo")]
    [InlineData("priority: 1\nappliedTo: [{service: {name: s, namespace: prod}}]\negress: [{action: Drop}]",
        "spec.appliedTo[0].service: Forbidden: egress rule cannot be applied to Services")]
    [InlineData("priority: 1\nappliedTo: [{service: {name: s, namespace: prod}}]\ningress: [{action: Drop, from: [{podSelector: {}}]}]",
        "spec.ingress[0].from[0]: Forbidden: a rule/policy that is applied to Services can only use ipBlock to select workloads")]
    // Rules.
    [InlineData("priority: 1\n" + All + "\ningress: [{from: [{podSelector: {}}]}]", "spec.ingress[0].action: Required value")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Deny}]", "spec.ingress[0].action: Unsupported value: \"Deny\": supported values: \"Allow\", \"Drop\", \"Pass\", \"Reject\"")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, name: r}]\negress: [{action: Drop, name: r}]",
        "spec.egress[0].name: Duplicate value: \"r\": rules names must be unique within the policy")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, enableLogging: true, logLabel: 'not a label'}]",
        "spec.ingress[0].logLabel: Invalid value: \"not a label\": must be up to 63 letters")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, to: [{podSelector: {}}]}]", "spec.ingress[0].to: Forbidden: ingress rules take `from`")]
    // Peers.
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{group: g, podSelector: {}}]}]",
        "spec.ingress[0].from[0]: Forbidden: group cannot be set with other peers in rules")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{nodeSelector: {}, podSelector: {}}]}]",
        "spec.ingress[0].from[0]: Forbidden: nodeSelector cannot be set with other peers in rules")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{namespaceSelector: {}, namespaces: {match: Self}}]}]",
        "spec.ingress[0].from[0]: Forbidden: namespaces and namespaceSelector cannot be set at the same time for a single NetworkPolicyPeer")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{namespaces: {match: Self, sameLabels: [team]}}]}]",
        "spec.ingress[0].from[0].namespaces: Forbidden: only one matching criteria can be specified in a single peer namespaces field")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{namespaces: {match: Other}}]}]",
        "spec.ingress[0].from[0].namespaces.match: Unsupported value: \"Other\": supported values: \"Self\"")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{namespaces: {sameLabels: ['bad key']}}]}]",
        "spec.ingress[0].from[0].namespaces.sameLabels[0]: Invalid value: \"bad key\": Invalid label key in sameLabels rule: bad key")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{ipBlock: {}}]}]",
        "spec.ingress[0].from[0].ipBlock.cidr: Required value: field 'cidr' is required in an ipBlock")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]",
        "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": invalid CIDR address: 10.0.0.0/33")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]}]",
        "spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": except CIDR 10.0.0.0/8 is not a strict subset of CIDR 10.0.0.0/8")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{fqdn: a.com}]}]", "spec.ingress[0].from[0].fqdn: Forbidden: fqdn can only be set in egress rules")]
    [InlineData("priority: 1\n" + All + "\negress: [{action: Drop, to: [{fqdn: 'a_b.com'}]}]",
        "spec.egress[0].to[0].fqdn: Invalid value: \"a_b.com\": invalid characters in egress rule fqdn field: a_b.com")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{group: missing}]}]",
        "spec.ingress[0].from[0].group: Not found: \"missing\": ClusterGroup missing does not exist")]
    [InlineData("priority: 1\n" + All + "\negress: [{action: Drop, to: [{podSelector: {}, scope: ClusterSet}]}]",
        "spec.egress[0].to[0].scope: Forbidden: scope can only be set in ingress peers")]
    [InlineData("priority: 1\n" + All + "\negress: [{action: Drop, toServices: [{name: s, namespace: prod}], ports: [{port: 80}]}]",
        "spec.egress[0].toServices: Forbidden: `toServices` cannot be used with `to`, `ports` or `protocols`")]
    [InlineData("priority: 1\n" + All + "\negress: [{action: Reject, to: [{ipBlock: {cidr: 224.1.2.3/32}}]}]",
        "spec.egress[0].action: Forbidden: multicast does not support action Pass or Reject")]
    // Ports and protocols.
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{endPort: 90}]}]",
        "spec.ingress[0].ports[0].endPort: Invalid value: 90: if `endPort` is specified `port` must be specified")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{port: 80, endPort: 70}]}]",
        "spec.ingress[0].ports[0].endPort: Invalid value: 70: `endPort` should be greater than or equal to `port`")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{port: http, endPort: 90}]}]",
        "spec.ingress[0].ports[0].endPort: Invalid value: 90: if `port` is a string `endPort` cannot be specified")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{sourceEndPort: 90}]}]",
        "spec.ingress[0].ports[0].sourceEndPort: Invalid value: 90: if `sourceEndPort` is specified `sourcePort` must be specified")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{sourcePort: 9000, sourceEndPort: 80}]}]",
        "spec.ingress[0].ports[0].sourceEndPort: Invalid value: 80: `sourceEndPort` should be greater than or equal to `sourcePort`")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, ports: [{protocol: ICMP}]}]",
        "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, protocols: [{icmp: {icmpType: 256}}]}]",
        "spec.ingress[0].protocols[0].icmp.icmpType: Invalid value: 256: must be an integer between 0 and 255, inclusive")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, protocols: [{}]}]",
        "spec.ingress[0].protocols[0]: Invalid value: {…}: must set exactly one of icmp and igmp")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Reject, protocols: [{igmp: {igmpType: 0x11}}]}]",
        "spec.ingress[0].protocols[0].igmp: Forbidden: protocol IGMP does not support Pass or Reject")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, protocols: [{igmp: {igmpType: 0x16}}]}]",
        "spec.ingress[0].protocols[0].igmp.igmpType: Unsupported value: 22: supported values: \"17\"")]
    [InlineData("priority: 1\n" + All + "\negress: [{action: Drop, protocols: [{igmp: {groupAddress: 10.1.2.3}}]}]",
        "spec.egress[0].protocols[0].igmp.groupAddress: Invalid value: \"10.1.2.3\": is not multicast address")]
    // L7.
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, l7Protocols: [{http: {}}]}]",
        "spec.ingress[0].l7Protocols: Forbidden: layer 7 protocols only support Allow")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Allow, ports: [{protocol: UDP}], l7Protocols: [{http: {}}]}]",
        "spec.ingress[0].l7Protocols[0].http: Forbidden: HTTP protocol can only be used when layer 4 protocol is TCP or unset")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Allow, l7Protocols: [{http: {method: FETCH}}]}]",
        "spec.ingress[0].l7Protocols[0].http.method: Unsupported value: \"FETCH\"")]
    public void Each_admission_rule_names_the_field(string spec, string expected)
    {
        Assert.StartsWith(expected, Only(Acnp(spec)));
    }

    [Theory]
    [InlineData("priority: 1\nappliedTo: [{namespaceSelector: {}}]", "spec.appliedTo[0].namespaceSelector: Forbidden: namespaceSelector is not allowed in the appliedTo of an Antrea NetworkPolicy")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{namespaces: {match: Self}}]}]",
        "spec.ingress[0].from[0].namespaces: Forbidden: namespaces can only be set in ClusterNetworkPolicy rules")]
    [InlineData("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{group: g}]}]", "spec.ingress[0].from[0].group: Not found: \"g\": Group g does not exist")]
    public void NetworkPolicy_specific_rules_name_the_field(string spec, string expected)
    {
        Assert.StartsWith(expected, Only(Annp(spec)));
    }

    [Theory]
    [InlineData("egress: [{action: Drop, to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]}]", "spec.egress[0].to[0].ipBlock.except: Unknown field")]
    [InlineData("egress: [{action: Drop, to: [{namespaces: {sameLabels: [team]}}]}]", "spec.egress[0].to[0].namespaces.sameLabels: Unknown field")]
    public void V1alpha1_lacks_except_and_sameLabels(string rules, string expected)
    {
        var spec = "priority: 1\n" + All + "\n" + rules;
        Assert.StartsWith(expected, Only(Acnp(spec, version: "v1alpha1")));
        Assert.Empty(Errors(Acnp(spec)));
    }

    [Fact]
    public void Errors_name_the_object_and_every_error_is_reported()
    {
        var objects = ManifestReader.ReadText(Acnp("priority: 0\ntier: gold\ningress: [{action: Deny}]", "bad"));
        var errors = AntreaPolicies.Validate(objects[0], PolicyContext.Empty);
        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.Equal("ClusterNetworkPolicy.crd.antrea.io bad", e.Object));
        Assert.Equal("NetworkPolicy.crd.antrea.io prod/p", AntreaPolicies.Validate(ManifestReader.ReadText(Annp("priority: 1"))[0], PolicyContext.Empty)[0].Object);
    }

    [Fact]
    public void An_invalid_policy_compiles_to_nothing_and_throws()
    {
        var policy = ManifestReader.ReadText(Acnp("priority: 1\n" + All + "\ningress: [{action: Allow}, {action: Deny}]"))[0];
        var e = Assert.Throws<ValidationException>(() => AntreaPolicies.Compile(policy, PolicyContext.Empty));
        Assert.Contains("spec.ingress[1].action", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_custom_tier_must_exist_with_a_priority_below_250()
    {
        const string Tier = "apiVersion: crd.antrea.io/v1beta1\nkind: Tier\nmetadata: {name: gold}\nspec: {priority: 251}\n---\n";
        Assert.StartsWith("spec.tier: Invalid value: \"gold\": Tier gold has no usable spec.priority", Only(Tier + Acnp("priority: 1\ntier: gold\n" + All)));
        Assert.Empty(Errors(Tier.Replace("251", "20", StringComparison.Ordinal) + Acnp("priority: 1\ntier: gold\n" + All)));
    }

    [Theory]
    [InlineData("{ipBlocks: [{cidr: 10.0.0.0/8, except: [192.168.0.0/16]}]}", "spec.ingress[0].from[0].group: Invalid value: \"g\": ClusterGroup g: ipBlocks: except of 10.0.0.0/8 must be CIDRs strictly inside it")]
    [InlineData("{childGroups: [missing]}", "spec.ingress[0].from[0].group: Not found: \"missing\": ClusterGroup missing does not exist")]
    [InlineData("{podSelector: {matchExpressions: [{key: a, operator: Equals}]}}", "spec.ingress[0].from[0].group: Invalid value: ClusterGroup g: podSelector.matchExpressions[0].operator: Unsupported value")]
    public void A_group_that_cannot_be_resolved_is_an_error_on_the_field_that_names_it(string groupSpec, string expected)
    {
        var group = $"apiVersion: crd.antrea.io/v1beta1\nkind: ClusterGroup\nmetadata: {{name: g}}\nspec: {groupSpec}\n---\n";
        Assert.StartsWith(expected, Only(group + Acnp("priority: 1\n" + All + "\ningress: [{action: Drop, from: [{group: g}]}]")));
    }

    [Fact]
    public void A_valid_policy_using_every_feature_has_no_errors()
    {
        Assert.Empty(Errors(Acnp("""
            priority: 2.5
            tier: SecurityOps
            appliedTo: [{podSelector: {matchLabels: {role: server}}, namespaceSelector: {matchLabels: {env: prod}}}]
            ingress:
            - action: Allow
              name: web
              enableLogging: true
              logLabel: web-in
              from: [{namespaces: {match: Self}}, {namespaces: {sameLabels: [team]}, podSelector: {}}, {nodeSelector: {}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}, {podSelector: {}, scope: Cluster}]
              ports: [{port: 80, endPort: 90, sourcePort: 1000, sourceEndPort: 2000}, {port: http, protocol: TCP}, {protocol: SCTP}]
              protocols: [{icmp: {icmpType: 8}}]
            - action: Pass
            egress:
            - action: Allow
              to: [{fqdn: '*.example.com'}, {serviceAccount: {name: sa, namespace: prod}}]
              l7Protocols: [{http: {method: GET, path: '/api/*', host: '*.example.com'}}, {tls: {sni: '*.example.com'}}]
            - action: Drop
              toServices: [{name: s, namespace: prod}]
            """)));
    }
}
