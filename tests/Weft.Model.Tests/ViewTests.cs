using System.Net;

namespace Weft.Model.Tests;

public sealed class ViewTests
{
    private const string PodYaml = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          uid: "1234"
          labels: {app: web}
          ownerReferences:
          - apiVersion: apps/v1
            kind: ReplicaSet
            name: web-abc
            controller: true
        spec:
          nodeName: n1
          hostNetwork: false
          containers:
          - name: nginx
            image: nginx:alpine
            ports:
            - name: http
              containerPort: 80
            - containerPort: 53
              protocol: UDP
              hostPort: 5353
          - name: sidecar
        status:
          phase: Running
          podIPs:
          - ip: 10.244.1.5
          - ip: fd00::5
          conditions:
          - type: Ready
            status: "True"
        """;

    [Fact]
    public void PodView_reads_identity_placement_containers_and_status()
    {
        var pod = new PodView(Assert.Single(ManifestReader.ReadText(PodYaml)));
        Assert.Equal(("default", "web", "1234"), (pod.Namespace, pod.Name, pod.Uid));
        Assert.Equal("n1", pod.NodeName);
        Assert.False(pod.HostNetwork);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Equal("ReplicaSet", Assert.Single(pod.OwnerReferences).Kind);
        Assert.Equal("Running", pod.Phase);
        Assert.Equal(["10.244.1.5", "fd00::5"], pod.PodIPs);
        Assert.True(pod.Ready);

        Assert.Equal(["nginx", "sidecar"], pod.Containers.Select(c => c.Name));
        Assert.Equal(
            [new ContainerPortInfo("http", 80, "TCP", null), new ContainerPortInfo(null, 53, "UDP", 5353)],
            pod.Containers[0].Ports);
        Assert.Empty(pod.Containers[1].Ports);
    }

    [Fact]
    public void PodView_setters_write_the_fields_the_view_reads()
    {
        var resource = Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: ns}\nspec:\n  containers:\n  - name: c\n"));
        var pod = new PodView(resource);
        Assert.Null(pod.NodeName);
        Assert.Empty(pod.PodIPs);
        Assert.False(pod.Ready);

        PodView.SetNodeName(resource, "n2");
        PodView.SetPhase(resource, "Running");
        PodView.SetPodIPs(resource, ["10.0.0.9", "fd00::9"]);
        PodView.SetReady(resource, true);

        Assert.Equal("n2", pod.NodeName);
        Assert.Equal("Running", pod.Phase);
        Assert.Equal(["10.0.0.9", "fd00::9"], pod.PodIPs);
        Assert.Equal("10.0.0.9", resource.Status!["podIP"]!.GetValue<string>());
        Assert.True(pod.Ready);
        Assert.Equal([new ContainerStatusInfo("c", true, 0)], pod.ContainerStatuses);

        PodView.SetReady(resource, false);
        Assert.False(pod.Ready);
        Assert.Single(resource.Status!["conditions"]!.AsArray());
    }

    [Fact]
    public void PodView_falls_back_to_podIP_and_rejects_other_kinds()
    {
        var resource = Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus: {podIP: 10.1.1.1}\n"));
        Assert.Equal(["10.1.1.1"], new PodView(resource).PodIPs);
        var e = Assert.Throws<ArgumentException>(() => new PodView(NamespaceView.Build("x")));
        Assert.Contains("expected kind Pod, got Namespace", e.Message);
    }

    [Fact]
    public void NodeView_Build_makes_a_ready_node_the_view_reads_back()
    {
        var resource = NodeView.Build("n1", [IPAddress.Parse("172.18.0.2"), IPAddress.Parse("fd00:18::2")],
            ["10.244.1.0/24", "fd00:244:1::/64"], new Dictionary<string, string> { ["node-role.kubernetes.io/control-plane"] = "" }, "v1.31.0");
        var node = new NodeView(resource);
        Assert.Equal("n1", node.Name);
        Assert.Equal(IPAddress.Parse("172.18.0.2"), node.InternalIP);
        Assert.Equal([IPAddress.Parse("172.18.0.2"), IPAddress.Parse("fd00:18::2")], node.InternalIPs);
        Assert.Equal(["10.244.1.0/24", "fd00:244:1::/64"], node.PodCIDRs);
        Assert.Equal("10.244.1.0/24", resource.Spec!["podCIDR"]!.GetValue<string>());
        Assert.True(node.Ready);
        Assert.Equal(["control-plane"], node.Roles);
        Assert.Equal("v1.31.0", node.KubeletVersion);
        Assert.Equal("n1", node.Labels["kubernetes.io/hostname"]);
        Assert.Empty(Validation.GetErrors(resource));

        NodeView.SetReady(resource, false);
        Assert.Equal("False", node.ReadyStatus);
    }

    [Fact]
    public void NodeView_reads_the_single_podCIDR_of_older_objects()
    {
        var resource = Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Node\nmetadata: {name: n}\nspec: {podCIDR: 10.0.1.0/24}\n"));
        var node = new NodeView(resource);
        Assert.Equal(["10.0.1.0/24"], node.PodCIDRs);
        Assert.Null(node.InternalIP);
        Assert.Null(node.ReadyStatus);
        Assert.False(node.Ready);
    }

    [Fact]
    public void NamespaceView_always_has_the_metadata_name_label()
    {
        var stored = NamespaceView.Build("prod", new Dictionary<string, string> { ["env"] = "prod" });
        Assert.Equal("prod", stored.Metadata.Labels[NamespaceView.NameLabel]);
        Assert.Equal("Active", new NamespaceView(stored).Phase);

        var bare = Assert.Single(ManifestReader.ReadText("apiVersion: v1\nkind: Namespace\nmetadata: {name: dev, labels: {kubernetes.io/metadata.name: wrong}}\n"));
        var view = new NamespaceView(bare);
        Assert.Equal("dev", view.Labels[NamespaceView.NameLabel]);
        NamespaceView.ApplyDefaults(bare);
        Assert.Equal("dev", bare.Metadata.Labels[NamespaceView.NameLabel]);
    }
}
