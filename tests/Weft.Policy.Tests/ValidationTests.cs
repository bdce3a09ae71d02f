using Weft.Model;
using Weft.Policy.Kubernetes;
using static Weft.Policy.Tests.TestCluster;

namespace Weft.Policy.Tests;

/// <summary>NetworkPolicy validation in the API server's words; an invalid policy never half-applies.</summary>
public class ValidationTests
{
    private static string Only(string spec) => Assert.Single(Errors(spec)).ToString();

    [Fact]
    public void EndPort_below_port_names_the_object_field_and_value()
    {
        Assert.Equal(
            "NetworkPolicy x/p: spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to port",
            Only("ingress:\n- ports: [{port: 80, endPort: 70}]"));
    }

    [Theory]
    [InlineData("ingress:\n- ports: [{port: http, endPort: 90}]", "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric")]
    [InlineData("ingress:\n- ports: [{endPort: 90}]", "spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified")]
    [InlineData("egress:\n- ports: [{port: 0}]", "spec.egress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")]
    [InlineData("ingress:\n- ports: [{port: 80, endPort: 70000}]", "spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive")]
    [InlineData("ingress:\n- ports: [{protocol: ICMP}]", "spec.ingress[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")]
    [InlineData("ingress:\n- ports: [{port: Not_A_Name}]", "spec.ingress[0].ports[0].port: Invalid value: \"Not_A_Name\": must be a port number or an IANA_SVC_NAME")]
    [InlineData("ingress:\n- from: [{}]", "spec.ingress[0].from[0]: Required value: must specify a peer")]
    [InlineData("ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]", "spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer")]
    [InlineData("egress:\n- to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.0.0.0/8]}}]", "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/8\": must be a strict subset of `cidr`")]
    [InlineData("egress:\n- to: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]", "spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"192.168.0.0/16\": must be a strict subset of `cidr`")]
    [InlineData("egress:\n- to: [{ipBlock: {cidr: 10.0.0.0/33}}]", "spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": must be a valid CIDR")]
    [InlineData("egress:\n- to: [{ipBlock: {}}]", "spec.egress[0].to[0].ipBlock.cidr: Required value")]
    [InlineData("policyTypes: [Ingress, Sideways]", "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Egress\", \"Ingress\"")]
    [InlineData("podSelector: {matchExpressions: [{key: app, operator: Equals}]}", "spec.podSelector.matchExpressions[0].operator: Unsupported value: \"Equals\"")]
    [InlineData("ingress:\n- from: [{namespaceSelector: {matchLabels: {'bad key': x}}}]", "spec.ingress[0].from[0].namespaceSelector.matchLabels: Invalid value: \"bad key\"")]
    public void Each_bad_field_is_named(string spec, string expected)
    {
        var error = Only(spec);
        Assert.StartsWith("NetworkPolicy x/p: " + expected, error);
    }

    [Fact]
    public void Every_error_of_a_policy_is_reported_not_just_the_first()
    {
        var errors = Errors("policyTypes: [Up]\ningress:\n- ports: [{port: 0}]\n  from: [{}]");
        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void A_valid_policy_has_no_errors()
    {
        Assert.Empty(Errors("""
            podSelector: {matchExpressions: [{key: app, operator: In, values: [a, b]}]}
            policyTypes: [Ingress, Egress]
            ingress:
            - from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}, {ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}]
              ports: [{port: 80, endPort: 90}, {port: http, protocol: UDP}, {protocol: SCTP}]
            egress: [{}]
            """));
    }

    [Fact]
    public void An_invalid_policy_never_half_applies()
    {
        var good = NetPol("podSelector: {}\npolicyTypes: [Ingress]", "good");
        var bad = NetPol("ingress:\n- from: [{podSelector: {}}]\n  ports: [{port: 80, endPort: 70}]", "bad");
        var resources = ManifestReader.ReadText(good + "---\n" + bad);
        var e = Assert.Throws<ValidationException>(() => NetworkPolicies.Compile(resources[1]));
        Assert.Contains("NetworkPolicy x/bad: spec.ingress[0].ports[0].endPort", e.Message);
        var all = Assert.Throws<ValidationException>(() => NetworkPolicies.CompileAll(resources));
        Assert.Single(all.Errors);
        Assert.NotEmpty(NetworkPolicies.Compile(resources[0]).Isolations);
    }
}
