using static Weft.Policy.Tests.Calico.CalicoTestCluster;

namespace Weft.Policy.Tests.Calico;

/// <summary>Calico admission rules, each error naming the object and the field.</summary>
public class CalicoValidationTests
{
    private const string Object = "NetworkPolicy.projectcalico.org x/p: ";

    [Theory]
    [InlineData("selector: app = 'a'", "spec.selector: Invalid value: \"app = 'a'\": invalid selector: expected \"==\" at position 4")]
    [InlineData("selector: global()", "spec.selector: Invalid value: \"global()\": global() can only be used in an EntityRule namespaceSelector")]
    [InlineData("serviceAccountSelector: 'role =='", "spec.serviceAccountSelector: Invalid value: \"role ==\": invalid selector")]
    [InlineData("order: first", "spec.order: Invalid value: \"first\": must be a number")]
    [InlineData("types: [Ingress, Sideways]", "spec.types[1]: Unsupported value: \"Sideways\": supported values: \"Egress\", \"Ingress\"")]
    [InlineData("types: [Ingress, Ingress]", "spec.types: Invalid value: […]: 'Ingress' type specified more than once")]
    [InlineData("types: [Ingress, Egress, Ingress]", "spec.types: Too many: 3: must have at most 2 items")]
    [InlineData("tier: security", "spec.tier: Not found: \"security\"")]
    [InlineData("tier: Bad_Tier", "spec.tier: Invalid value: \"Bad_Tier\": must be a tier name")]
    [InlineData("ingress: [{}]", "spec.ingress[0].action: Required value")]
    [InlineData("ingress: [{action: Drop}]", "spec.ingress[0].action: Unsupported value: \"Drop\": supported values: \"Allow\", \"Deny\", \"Log\", \"Pass\"")]
    [InlineData("ingress: [{action: Allow, ipVersion: 5}]", "spec.ingress[0].ipVersion: Unsupported value: 5")]
    [InlineData("ingress: [{action: Allow, protocol: tcp}]", "spec.ingress[0].protocol: Invalid value: \"tcp\": protocol name invalid")]
    [InlineData("ingress: [{action: Allow, protocol: 0}]", "spec.ingress[0].protocol: Invalid value: 0: protocol number invalid")]
    [InlineData("ingress: [{action: Allow, notProtocol: 256}]", "spec.ingress[0].notProtocol: Invalid value: 256: protocol number invalid")]
    [InlineData("ingress: [{action: Allow, protocol: ICMP, ipVersion: 6}]", "spec.ingress[0].protocol: Invalid value: \"ICMP\": protocol ICMP requires ipVersion 4")]
    [InlineData("ingress: [{action: Allow, protocol: ICMPv6, ipVersion: 4}]", "spec.ingress[0].protocol: Invalid value: \"ICMPv6\": protocol ICMPv6 requires ipVersion 6")]
    [InlineData("ingress: [{action: Allow, protocol: TCP, icmp: {type: 8}}]", "spec.ingress[0].icmp: Invalid value: {…}: ICMP fields require protocol to be ICMP or ICMPv6")]
    [InlineData("ingress: [{action: Allow, protocol: ICMP, icmp: {type: 255}}]", "spec.ingress[0].icmp.type: Invalid value: 255: must be between 0 and 254, inclusive")]
    [InlineData("ingress: [{action: Allow, protocol: ICMP, icmp: {type: 3, code: 256}}]", "spec.ingress[0].icmp.code: Invalid value: 256: must be between 0 and 255, inclusive")]
    [InlineData("ingress: [{action: Allow, protocol: ICMP, destination: {ports: [80]}}]", "spec.ingress[0].destination.ports: Invalid value: rules that specify ports must set protocol to TCP or UDP or SCTP")]
    [InlineData("ingress: [{action: Allow, source: {notPorts: ['1:2']}}]", "spec.ingress[0].source.notPorts: Invalid value: rules with numeric port or port range must set protocol")]
    [InlineData("ingress: [{action: Allow, protocol: TCP, destination: {ports: [0]}}]", "spec.ingress[0].destination.ports[0]: Invalid value: 0: port range invalid, port number must be between 1 and 65535")]
    [InlineData("ingress: [{action: Allow, protocol: TCP, destination: {ports: [70000]}}]", "spec.ingress[0].destination.ports[0]: Invalid value: 70000: port range invalid")]
    [InlineData("ingress: [{action: Allow, protocol: TCP, destination: {ports: ['90:80']}}]", "spec.ingress[0].destination.ports[0]: Invalid value: \"90:80\": minimum port number (90) is greater than maximum port number (80) in port range")]
    [InlineData("ingress: [{action: Allow, protocol: TCP, destination: {ports: ['80:70000']}}]", "spec.ingress[0].destination.ports[0]: Invalid value: \"80:70000\": invalid port format (80:70000)")]
    [InlineData("ingress: [{action: Allow, destination: {ports: ['no way']}}]", "spec.ingress[0].destination.ports[0]: Invalid value: \"no way\": invalid name for named port (no way)")]
    [InlineData("ingress: [{action: Allow, source: {nets: [10.0.0.1]}}]", "spec.ingress[0].source.nets[0]: Invalid value: \"10.0.0.1\": invalid CIDR")]
    [InlineData("ingress: [{action: Allow, source: {nets: [10.0.0.0/8], notNets: ['fd00::/8']}}]", "spec.ingress[0].source.notNets: Invalid value: […]: rule contains both IPv4 and IPv6 CIDRs")]
    [InlineData("ingress: [{action: Allow, ipVersion: 6, destination: {nets: [10.0.0.0/8]}}]", "spec.ingress[0].destination.nets: Invalid value: […]: rule IP version doesn't match CIDR version")]
    [InlineData("ingress: [{action: Allow, source: {selector: global()}}]", "spec.ingress[0].source.selector: Invalid value: \"global()\": global() can only be used in an EntityRule namespaceSelector")]
    [InlineData("ingress: [{action: Allow, source: {namespaceSelector: global() || has(a)}}]", "spec.ingress[0].source.namespaceSelector: Invalid value: \"global() || has(a)\": global() cannot be combined with other selectors")]
    [InlineData("ingress: [{action: Allow, source: {notSelector: 'has(a'}}]", "spec.ingress[0].source.notSelector: Invalid value: \"has(a\": invalid selector: expected \")\" to close has( at position 5")]
    [InlineData("ingress: [{action: Allow, source: {serviceAccounts: {selector: 'a ='}}}]", "spec.ingress[0].source.serviceAccounts.selector: Invalid value")]
    [InlineData("ingress: [{action: Deny, http: {methods: [GET]}}]", "spec.ingress[0].http: Forbidden: HTTP match is only valid on Allow rules")]
    [InlineData("ingress: [{action: Allow, protocol: UDP, http: {methods: [GET]}}]", "spec.ingress[0].http: Invalid value: {…}: rules with HTTP match must have protocol TCP or unset")]
    [InlineData("egress: [{action: Allow, http: {methods: [GET]}}]", "spec.egress[0].http: Forbidden: not allowed in egress rule")]
    [InlineData("ingress: [{action: Allow, http: {methods: [GET, GET]}}]", "spec.ingress[0].http.methods: Invalid value: […]: Invalid methods (duplicates)")]
    [InlineData("ingress: [{action: Allow, http: {paths: [{exact: /a, prefix: /b}]}}]", "spec.ingress[0].http.paths[0]: Invalid value: {…}: Invalid path match. Both 'exact' and 'prefix' are set")]
    [InlineData("ingress: [{action: Allow, http: {paths: [{prefix: 'api?x'}]}}]", "spec.ingress[0].http.paths[0]: Invalid value: {…}: Invalid path api?x. (must start with `/` and not contain `?` or `#`)")]
    [InlineData("ingress: [{action: Allow, http: {paths: [{}]}}]", "spec.ingress[0].http.paths[0]: Invalid value: {…}: Invalid path match. Either 'exact' or 'prefix' must be set")]
    [InlineData("ingress: [{action: Allow, destination: {services: {name: web}}}]", "spec.ingress[0].destination.services: Forbidden: not allowed in ingress rule destination")]
    [InlineData("egress: [{action: Allow, source: {services: {name: web}}}]", "spec.egress[0].source.services: Forbidden: not allowed in egress rule source")]
    [InlineData("egress: [{action: Allow, destination: {services: {namespace: y}}}]", "spec.egress[0].destination.services.name: Required value: services must specify a service name")]
    [InlineData("egress: [{action: Allow, destination: {services: {name: web}, selector: has(a)}}]", "spec.egress[0].destination: Forbidden: cannot specify Selector/NotSelector and Services on the same rule")]
    [InlineData("egress: [{action: Allow, destination: {services: {name: web}, nets: [10.0.0.0/8]}}]", "spec.egress[0].destination: Forbidden: cannot specify Nets/NotNets and Services on the same rule")]
    [InlineData("egress: [{action: Allow, destination: {services: {name: web}, namespaceSelector: has(a)}}]", "spec.egress[0].destination: Forbidden: cannot specify NamespaceSelector and Services on the same rule")]
    [InlineData("egress: [{action: Allow, destination: {services: {name: web}, serviceAccounts: {names: [a]}}}]", "spec.egress[0].destination: Forbidden: cannot specify ServiceAccounts and Services on the same rule")]
    [InlineData("egress: [{action: Allow, protocol: TCP, destination: {services: {name: web}, ports: [80]}}]", "spec.egress[0].destination: Forbidden: ports and notPorts cannot be specified with services")]
    public void Each_bad_field_is_named(string spec, string expected)
    {
        Assert.Contains(Errors(Np(spec)), e => e.StartsWith(Object + expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Bad_Name", "default", "metadata.name: Invalid value: \"Bad_Name\": name must consist of lower case alphanumeric characters or '-'")]
    [InlineData("a.b.c", "default", "metadata.name: Invalid value: \"a.b.c\": name must consist of lower case")]
    [InlineData("other.p", "default", "metadata.name: Invalid value: \"other.p\": a policy in tier \"default\" must be named \"default.<name>\" or have no '.'")]
    [InlineData("p", "sec", "metadata.name: Invalid value: \"p\": a policy in tier \"sec\" must be named \"sec.<name>\"")]
    [InlineData("other.p", "sec", "metadata.name: Invalid value: \"other.p\": a policy in tier \"sec\" must be named \"sec.<name>\"")]
    public void Names_follow_Calico_and_carry_the_tier_prefix(string name, string tier, string expected)
    {
        var errors = Errors(Tier("sec", 100), Np($"tier: {tier}", name));
        Assert.Contains(errors, e => e.EndsWith(expected, StringComparison.Ordinal) || e.Contains(": " + expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("p", "default")]
    [InlineData("default.p", "default")]
    [InlineData("knp.default.p", "default")]
    [InlineData("sec.p", "sec")]
    public void Well_formed_names_are_accepted(string name, string tier)
    {
        Assert.Empty(Errors(Tier("sec", 100), Np($"tier: {tier}\ntypes: [Ingress]", name)));
    }

    [Fact]
    public void A_Tier_with_a_bad_default_action_is_named_in_the_error()
    {
        var errors = Errors(Tier("sec", 100, "Drop"), Np("tier: sec", "sec.p"));
        Assert.Equal("Tier.projectcalico.org sec: spec.defaultAction: Unsupported value: \"Drop\": supported values: \"Deny\", \"Pass\"", Assert.Single(errors));
    }

    [Fact]
    public void A_GlobalNetworkPolicy_must_name_the_namespace_of_a_service_and_may_not_use_global_in_its_namespaceSelector()
    {
        var errors = Errors(Gnp("namespaceSelector: global()\negress: [{action: Allow, destination: {services: {name: web}}}]"));
        Assert.Contains("GlobalNetworkPolicy.projectcalico.org p: spec.namespaceSelector: Invalid value: \"global()\": global() can only be used in an EntityRule namespaceSelector", errors);
        Assert.Contains("GlobalNetworkPolicy.projectcalico.org p: spec.egress[0].destination.services.namespace: Required value: must specify a namespace", errors);
        Assert.Contains(Errors(Gnp("egress: [{action: Allow, http: {methods: [GET]}}]")), e => e.EndsWith("spec.egress[0].http: Forbidden: not allowed in egress rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_error_is_reported_not_just_the_first()
    {
        Assert.Equal(3, Errors(Np("order: x\ningress: [{action: Go}, {action: Allow, protocol: XTP}]")).Count);
    }

    [Fact]
    public void A_valid_policy_using_every_field_has_no_errors()
    {
        Assert.Empty(Errors(Tier("sec", 100), Np("""
            tier: sec
            order: 10.5
            selector: app == 'a' && !has(legacy)
            serviceAccountSelector: role == 'web'
            types: [Ingress, Egress]
            ingress:
            - action: Allow
              ipVersion: 4
              protocol: TCP
              notProtocol: UDP
              source: {nets: [10.0.0.0/8], notNets: [10.1.0.0/16], selector: has(app), notSelector: app == 'x', namespaceSelector: "team in {'red', 'blue'}", ports: ['1024:65535'], notPorts: [2000]}
              destination: {ports: [80, http, '8000:8080'], notPorts: [8001]}
              http: {methods: [GET, POST], paths: [{exact: /a}, {prefix: /b/}]}
            - action: Log
              protocol: ICMP
              icmp: {type: 8, code: 0}
              notICMP: {type: 0}
            - action: Pass
              source: {serviceAccounts: {names: [api], selector: tier == 'x'}}
            egress:
            - action: Deny
              protocol: 17
              destination: {services: {name: dns, namespace: kube-system}}
            - action: Allow
              destination: {namespaceSelector: global()}
            """, "sec.p")));
    }
}
