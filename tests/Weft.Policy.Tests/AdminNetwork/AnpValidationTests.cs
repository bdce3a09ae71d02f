using Weft.Model;
using Weft.Policy.AdminNetwork;
using static Weft.Policy.Tests.AdminNetwork.AnpTestCluster;

namespace Weft.Policy.Tests.AdminNetwork;

/// <summary>The CRDs' schema and CEL rules, each reported naming the object and the field; an invalid policy yields nothing.</summary>
public class AnpValidationTests
{
    private const string Ingress = "ingress:\n- {action: Deny, from: [{namespaces: {}}]}";

    private static string Only(string document) => Assert.Single(Errors(document));

    private static string AnpWith(string body) => Anp("p", 10, body);

    private static string Raw(string kind, string spec, string name = "p", string version = "v1alpha1") =>
        $"apiVersion: policy.networking.k8s.io/{version}\nkind: {kind}\nmetadata: {{name: {name}}}\nspec:\n"
        + string.Join("\n", spec.Split('\n').Select(l => "  " + l)) + "\n";

    [Theory]
    [InlineData("subject: {namespaces: {}}", "spec.priority: Required value")]
    [InlineData("priority: 1001\nsubject: {namespaces: {}}", "spec.priority: Invalid value: 1001: should be less than or equal to 1000")]
    [InlineData("priority: -1\nsubject: {namespaces: {}}", "spec.priority: Invalid value: -1: should be greater than or equal to 0")]
    [InlineData("priority: high\nsubject: {namespaces: {}}", "spec.priority: Invalid value: \"high\": must be an integer")]
    [InlineData("priority: 1", "spec.subject: Required value")]
    [InlineData("priority: 1\nsubject: {}", "spec.subject: Required value: exactly one of namespaces, pods must be set")]
    [InlineData("priority: 1\nsubject: {namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}", "spec.subject: Forbidden: only one of namespaces, pods may be set, found namespaces, pods")]
    [InlineData("priority: 1\nsubject: {pods: {namespaceSelector: {}}}", "spec.subject.pods.podSelector: Required value")]
    [InlineData("priority: 1\nsubject: {pods: {podSelector: {}}}", "spec.subject.pods.namespaceSelector: Required value")]
    [InlineData("priority: 1\nsubject: {namespaces: {matchExpressions: [{key: a, operator: Equals}]}}", "spec.subject.namespaces.matchExpressions[0].operator: Unsupported value: \"Equals\"")]
    public void Spec_and_subject_fields_are_named(string spec, string expected)
    {
        Assert.StartsWith("AdminNetworkPolicy p: " + expected, Only(Raw("AdminNetworkPolicy", spec)));
    }

    [Theory]
    [InlineData("ingress:\n- {from: [{namespaces: {}}]}", "spec.ingress[0].action: Required value")]
    [InlineData("ingress:\n- {action: Reject, from: [{namespaces: {}}]}", "spec.ingress[0].action: Unsupported value: \"Reject\": supported values: \"Allow\", \"Deny\", \"Pass\"")]
    [InlineData("ingress:\n- {action: Deny}", "spec.ingress[0].from: Required value")]
    [InlineData("egress:\n- {action: Deny, to: []}", "spec.egress[0].to: Invalid value: 0: should have at least 1 items")]
    [InlineData("ingress:\n- {action: Deny, from: [{}]}", "spec.ingress[0].from[0]: Required value: exactly one of namespaces, pods must be set")]
    [InlineData("egress:\n- {action: Deny, to: [{}]}", "spec.egress[0].to[0]: Required value: exactly one of namespaces, pods, nodes, networks, domainNames must be set")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}, pods: {namespaceSelector: {}, podSelector: {}}}]}", "spec.ingress[0].from[0]: Forbidden: only one of namespaces, pods may be set")]
    [InlineData("ingress:\n- {action: Deny, from: [{networks: [10.0.0.0/8]}]}", "spec.ingress[0].from[0].networks: Forbidden: only allowed in egress peers")]
    [InlineData("ingress:\n- {action: Deny, from: [{nodes: {}}]}", "spec.ingress[0].from[0].nodes: Forbidden: only allowed in egress peers")]
    [InlineData("egress:\n- {action: Deny, to: [{networks: [10.0.0.0/8, 10.0.0.0/33]}]}", "spec.egress[0].to[0].networks[1]: Invalid value: \"10.0.0.0/33\": Invalid CIDR format provided")]
    [InlineData("egress:\n- {action: Deny, to: [{networks: [not-a-cidr]}]}", "spec.egress[0].to[0].networks[0]: Invalid value: \"not-a-cidr\": Invalid CIDR format provided")]
    [InlineData("egress:\n- {action: Deny, to: [{networks: [10.0.0.0/8, 10.0.0.0/8]}]}", "spec.egress[0].to[0].networks[1]: Duplicate value: \"10.0.0.0/8\"")]
    [InlineData("egress:\n- {action: Deny, to: [{networks: []}]}", "spec.egress[0].to[0].networks: Invalid value: 0: should have at least 1 items")]
    [InlineData("egress:\n- {action: Allow, to: [{domainNames: ['foo*.com']}]}", "spec.egress[0].to[0].domainNames[0]: Invalid value: \"foo*.com\"")]
    [InlineData("egress:\n- {action: Allow, to: [{domainNames: [a.com, a.com]}]}", "spec.egress[0].to[0].domainNames[1]: Duplicate value: \"a.com\"")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: []}", "spec.ingress[0].ports: Invalid value: 0: should have at least 1 items")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{}]}", "spec.ingress[0].ports[0]: Required value: exactly one of portNumber, namedPort, portRange must be set")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{namedPort: web, portNumber: {port: 80}}]}", "spec.ingress[0].ports[0]: Forbidden: only one of portNumber, namedPort, portRange may be set")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 0}}]}", "spec.ingress[0].ports[0].portNumber.port: Invalid value: 0: should be greater than or equal to 1")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: UDP}}]}", "spec.ingress[0].ports[0].portNumber.port: Required value")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: ICMP, port: 1}}]}", "spec.ingress[0].ports[0].portNumber.protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portRange: {start: 90, end: 80}}]}", "spec.ingress[0].ports[0].portRange.start: Invalid value: 90: must be less than end")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portRange: {start: 90, end: 70000}}]}", "spec.ingress[0].ports[0].portRange.end: Invalid value: 70000: should be less than or equal to 65535")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{portRange: {start: 90}}]}", "spec.ingress[0].ports[0].portRange.end: Required value")]
    [InlineData("ingress:\n- {action: Deny, from: [{namespaces: {}}], ports: [{namedPort: ''}]}", "spec.ingress[0].ports[0].namedPort: Invalid value: \"\": must be a non-empty string")]
    [InlineData("egress:\n- {action: Deny, to: [{pods: {namespaceSelector: {}, podSelector: {}}}, {networks: [10.0.0.0/8]}], ports: [{namedPort: web}]}", "spec.egress[0]: Invalid value: \"object\": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames")]
    [InlineData("ingress:\n- action: Deny\n  from: [{namespaces: {sameLabels: ['bad key']}}]", "spec.ingress[0].from[0].namespaces.sameLabels[0]: Invalid value: \"bad key\"")]
    [InlineData("ingress:\n- action: Deny\n  from: [{namespaces: {sameLabels: [a], notSameLabels: [b]}}]", "spec.ingress[0].from[0].namespaces: Forbidden: only one of namespaceSelector, sameLabels, notSameLabels may be set")]
    [InlineData("ingress:\n- action: Deny\n  from: [{pods: {namespaces: {sameLabels: [a]}}}]", "spec.ingress[0].from[0].pods.podSelector: Required value")]
    public void Rule_peer_and_port_fields_are_named(string rules, string expected)
    {
        Assert.StartsWith("AdminNetworkPolicy p: " + expected, Only(AnpWith($"{SubjectAll}\n{rules}")));
    }

    [Fact]
    public void A_rule_name_may_have_at_most_100_characters()
    {
        var name = new string('n', 101);
        Assert.Equal("AdminNetworkPolicy p: spec.ingress[0].name: Too long: may not be more than 100 characters",
            Only(AnpWith($"{SubjectAll}\ningress:\n- {{name: {name}, action: Deny, from: [{{namespaces: {{}}}}]}}")));
        Assert.Empty(Errors(AnpWith($"{SubjectAll}\ningress:\n- {{name: {name[1..]}, action: Deny, from: [{{namespaces: {{}}}}]}}")));
    }

    [Fact]
    public void At_most_100_rules_per_direction_and_100_peers_per_rule()
    {
        var rules = string.Concat(Enumerable.Repeat("\n- {action: Deny, from: [{namespaces: {}}]}", 101));
        Assert.Equal("AdminNetworkPolicy p: spec.ingress: Too many: 101: must have at most 100 items", Only(AnpWith($"{SubjectAll}\ningress:{rules}")));
        var peers = string.Join(", ", Enumerable.Repeat("{namespaces: {}}", 101));
        Assert.Equal("AdminNetworkPolicy p: spec.egress[0].to: Too many: 101: must have at most 100 items", Only(AnpWith($"{SubjectAll}\negress:\n- {{action: Deny, to: [{peers}]}}")));
        var networks = string.Join(", ", Enumerable.Range(1, 26).Select(i => $"10.{i}.0.0/16"));
        Assert.Equal("AdminNetworkPolicy p: spec.egress[0].to[0].networks: Too many: 26: must have at most 25 items", Only(AnpWith($"{SubjectAll}\negress:\n- {{action: Deny, to: [{{networks: [{networks}]}}]}}")));
    }

    [Theory]
    [InlineData("Bad_Name", "metadata.name: Invalid value: \"Bad_Name\": must be a lowercase RFC 1123 subdomain")]
    public void The_object_name_is_checked(string name, string expected)
    {
        Assert.Equal($"AdminNetworkPolicy {name}: {expected}", Only(Raw("AdminNetworkPolicy", "priority: 1\nsubject: {namespaces: {}}", name)));
    }

    [Fact]
    public void A_policy_without_spec_is_rejected()
    {
        Assert.Equal("AdminNetworkPolicy p: spec: Required value",
            Only("apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: p}"));
    }

    [Theory]
    [InlineData("ingress:\n- {action: Pass, from: [{namespaces: {}}]}", "spec.ingress[0].action: Unsupported value: \"Pass\": supported values: \"Allow\", \"Deny\"")]
    [InlineData("egress:\n- {action: Allow, to: [{domainNames: [a.com]}]}", "spec.egress[0].to[0].domainNames: Forbidden: not supported by BaselineAdminNetworkPolicy")]
    [InlineData("egress:\n- {action: Deny, to: [{nodes: {}}], ports: [{namedPort: web}]}", "spec.egress[0]: Invalid value: \"object\": networks/nodes peer cannot be set with namedPorts since there are no namedPorts for networks/nodes")]
    public void Baseline_rules_are_checked_as_its_crd_does(string rules, string expected)
    {
        Assert.Equal("BaselineAdminNetworkPolicy default: " + expected, Only(Banp($"{SubjectAll}\n{rules}")));
    }

    [Theory]
    [InlineData("priority: 1\nsubject: {namespaces: {}}", "spec.tier: Required value")]
    [InlineData("tier: Developer\npriority: 1\nsubject: {namespaces: {}}", "spec.tier: Unsupported value: \"Developer\": supported values: \"Admin\", \"Baseline\"")]
    [InlineData("tier: Admin\nsubject: {namespaces: {}}", "spec.priority: Required value")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Allow, from: [{namespaces: {}}]}", "spec.ingress[0].action: Unsupported value: \"Allow\": supported values: \"Accept\", \"Deny\", \"Pass\"")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {}}]}", "spec.ingress[0].protocols[0].tcp.destinationPort: Required value")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Deny, from: [{namespaces: {}}], protocols: [{tcp: {destinationPort: {number: 80, range: {start: 1, end: 2}}}}]}", "spec.ingress[0].protocols[0].tcp.destinationPort: Forbidden: only one of number, range may be set")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Deny, from: [{namespaces: {}}], protocols: [{udp: {destinationPort: {range: {start: 80, end: 80}}}}]}", "spec.ingress[0].protocols[0].udp.destinationPort.range: Invalid value: \"object\": Start port must be less than End port")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\ningress:\n- {action: Deny, from: [{namespaces: {}}], protocols: [{icmp: {}}]}", "spec.ingress[0].protocols[0]: Required value: exactly one of tcp, udp, sctp, destinationNamedPort must be set")]
    [InlineData("tier: Admin\npriority: 1\nsubject: {namespaces: {}}\negress:\n- {action: Deny, to: [{nodes: {}}], protocols: [{destinationNamedPort: web}]}", "spec.egress[0]: Invalid value: \"object\": networks/nodes/domainNames peer cannot be set with namedPorts")]
    public void ClusterNetworkPolicy_fields_are_named(string spec, string expected)
    {
        Assert.StartsWith("ClusterNetworkPolicy p: " + expected, Only(Raw("ClusterNetworkPolicy", spec, version: "v1alpha2")));
    }

    [Fact]
    public void ClusterNetworkPolicy_allows_at_most_25_rules()
    {
        var rules = string.Concat(Enumerable.Repeat("\n- {action: Deny, to: [{namespaces: {}}]}", 26));
        Assert.Equal("ClusterNetworkPolicy p: spec.egress: Too many: 26: must have at most 25 items",
            Only(Raw("ClusterNetworkPolicy", $"tier: Admin\npriority: 1\nsubject: {{namespaces: {{}}}}\negress:{rules}", version: "v1alpha2")));
    }

    [Fact]
    public void Every_error_is_reported_and_an_invalid_policy_compiles_to_nothing()
    {
        var document = Raw("AdminNetworkPolicy", "priority: 2000\nsubject: {}\ningress:\n- {action: Drop, from: [{}]}");
        Assert.Equal(4, Errors(document).Count);
        var e = Assert.Throws<ValidationException>(() => Compile(document));
        Assert.Equal(4, e.Errors.Count);
        var valid = AnpWith($"{SubjectAll}\n{Ingress}");
        Assert.Throws<ValidationException>(() => AdminNetworkPolicies.CompileAll(Read(valid, document), PolicyContext.Empty));
        Assert.Single(AdminNetworkPolicies.CompileAll(Read(valid), PolicyContext.Empty).Rules);
    }

    [Fact]
    public void Valid_policies_of_every_kind_have_no_errors()
    {
        Assert.Empty(Errors(AnpWith($"{SubjectAll}\n{Ingress}\negress:\n- {{action: Allow, to: [{{nodes: {{}}}}, {{networks: ['fd00::/8']}}, {{domainNames: ['*.example.com']}}], ports: [{{portRange: {{start: 1, end: 2}}}}]}}")));
        Assert.Empty(Errors(Banp($"{SubjectAll}\n{Ingress}")));
        Assert.Empty(Errors(Cnp("c", "Baseline", 0, $"{SubjectAll}\n{Ingress}")));
    }
}
