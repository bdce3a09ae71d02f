namespace Weft.Model.Tests;

public sealed class ValidationTests
{
    private static Resource Pod(string body) =>
        Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Pod\n" + body));

    [Fact]
    public void Out_of_range_container_port_is_reported_with_object_and_path()
    {
        var pod = Pod("""
            metadata: {name: web, namespace: default}
            spec:
              containers:
              - name: nginx
                ports:
                - containerPort: 80
                - containerPort: 70000
            """);
        var error = Assert.Single(Validation.GetErrors(pod));
        Assert.Equal("Pod default/web: spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            error.ToString());
        var e = Assert.Throws<ValidationException>(() => Validation.Validate(pod));
        Assert.Equal(error.ToString(), e.Message);
    }

    [Fact]
    public void Every_pod_problem_is_listed()
    {
        var pod = Pod("""
            metadata:
              name: Web_1
              namespace: Bad_NS
              labels: {"-bad": "ok", good: "-bad"}
            spec:
              nodeName: "n 1"
              hostNetwork: "yes"
              containers:
              - name: a
                ports:
                - {containerPort: "80"}
                - {containerPort: 0, protocol: ICMP, name: this-name-is-far-too-long}
                - {containerPort: 8080, hostPort: 70000, name: "1234"}
                - {name: http, containerPort: 81}
                - {name: http, containerPort: 82}
              - name: a
              - {image: nginx}
            """);
        var errors = Validation.GetErrors(pod).Select(e => e.ToString()).ToList();
        const string at = "Pod Bad_NS/Web_1: ";
        Assert.Contains(at + "metadata.name: Invalid value: \"Web_1\": " + Validation.SubdomainRule, errors);
        Assert.Contains(at + "metadata.namespace: Invalid value: \"Bad_NS\": " + Validation.LabelRule, errors);
        Assert.Contains(at + "metadata.labels: Invalid value: \"-bad\": " + Validation.QualifiedNameRule, errors);
        Assert.Contains(at + "metadata.labels: Invalid value: \"-bad\": " + Validation.LabelValueRule, errors);
        Assert.Contains(at + "spec.containers[0].ports[0].containerPort: Invalid value: \"80\": must be an integer", errors);
        Assert.Contains(at + "spec.containers[0].ports[1].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive", errors);
        Assert.Contains(at + "spec.containers[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", errors);
        Assert.Contains(errors, e => e.StartsWith(at + "spec.containers[0].ports[1].name: Invalid value: \"this-name-is-far-too-long\": must be an IANA service name"));
        Assert.Contains(errors, e => e.StartsWith(at + "spec.containers[0].ports[2].name: Invalid value: \"1234\": must be an IANA service name"));
        Assert.Contains(at + "spec.containers[0].ports[2].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive", errors);
        Assert.Contains(at + "spec.containers[0].ports[4].name: Duplicate value: \"http\"", errors);
        Assert.Contains(at + "spec.containers[1].name: Duplicate value: \"a\"", errors);
        Assert.Contains(at + "spec.containers[2].name: Required value", errors);
        Assert.Contains(errors, e => e.StartsWith(at + "spec.nodeName: Invalid value: \"n 1\": must be a lowercase RFC 1123 subdomain"));
        Assert.Contains(at + "spec.hostNetwork: Invalid value: \"yes\": must be a boolean", errors);
        Assert.Equal(15, errors.Count);
    }

    [Fact]
    public void Pod_without_containers_or_name_is_invalid()
    {
        var errors = Validation.GetErrors(Pod("metadata: {namespace: default}\nspec: {}\n")).Select(e => e.ToString());
        Assert.Equal(["Pod default/<unnamed>: metadata.name: Required value", "Pod default/<unnamed>: spec.containers: Required value"], errors);
    }

    [Theory]
    [InlineData("web", true)]
    [InlineData("web-1.example.com", true)]
    [InlineData("-web", false)]
    [InlineData("web.", false)]
    [InlineData("Web", false)]
    [InlineData("web\n", false)]
    public void Pod_names_are_dns_subdomains(string name, bool valid)
    {
        var pod = Pod($"metadata: {{name: \"{name.Replace("\n", "\\n")}\"}}\nspec: {{containers: [{{name: c}}]}}\n");
        Assert.Equal(valid, Validation.GetErrors(pod).Count == 0);
    }

    [Fact]
    public void Namespace_names_are_dns_labels()
    {
        Assert.Empty(Validation.GetErrors(NamespaceView.Build("kube-system")));
        var error = Assert.Single(Validation.GetErrors(NamespaceView.Build("a.b")));
        Assert.Equal($"Namespace a.b: metadata.name: Invalid value: \"a.b\": {Validation.LabelRule}", error.ToString());
    }

    [Fact]
    public void Node_pod_cidrs_and_internal_ip_are_checked()
    {
        var node = Assert.Single(ManifestReader.ReadText("""
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            spec:
              podCIDR: 10.0.0.0/24
              podCIDRs: [10.0.1.0/24, 10.0.2.1/24]
            status:
              addresses:
              - {type: InternalIP, address: "10.1"}
              - {type: Hostname, address: n1}
            """));
        var errors = Validation.GetErrors(node).Select(e => e.ToString()).ToList();
        Assert.Equal(
        [
            "Node n1: spec.podCIDRs[1]: Invalid value: \"10.0.2.1/24\": must be a CIDR with no host bits set, e.g. 10.244.1.0/24",
            "Node n1: spec.podCIDR: Invalid value: \"10.0.0.0/24\": must equal spec.podCIDRs[0]",
            "Node n1: status.addresses[0].address: Invalid value: \"10.1\": must be an IPv4 or IPv6 address",
        ], errors);
    }

    [Fact]
    public void Node_with_two_cidrs_of_one_family_is_invalid()
    {
        var node = new Resource { ApiVersion = "v1", Kind = "Node", Metadata = new ObjectMeta { Name = "n" } };
        NodeView.SetPodCIDRs(node, ["10.0.1.0/24", "10.0.2.0/24"]);
        Assert.Contains("one CIDR for each IP family", Assert.Single(Validation.GetErrors(node)).Detail);
    }

    [Theory]
    [InlineData("app", true)]
    [InlineData("app.kubernetes.io/name", true)]
    [InlineData("K8s:io.kubernetes.pod.namespace", false)]
    [InlineData("example.com/", false)]
    [InlineData("/name", false)]
    [InlineData("a/b/c", false)]
    public void Qualified_names(string key, bool valid) => Assert.Equal(valid, NameRules.IsQualifiedName(key));

    [Theory]
    [InlineData("http", true)]
    [InlineData("http-alt", true)]
    [InlineData("h2c", true)]
    [InlineData("80", false)]
    [InlineData("-http", false)]
    [InlineData("http--alt", false)]
    [InlineData("HTTP", false)]
    [InlineData("abcdefghijklmnop", false)]
    public void Iana_service_names(string name, bool valid) => Assert.Equal(valid, NameRules.IsIanaServiceName(name));
}
