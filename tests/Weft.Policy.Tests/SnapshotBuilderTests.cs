using Weft.Model;
using Weft.Policy.Evaluation;

namespace Weft.Policy.Tests;

/// <summary>
/// The builder hands consumers the previous pod list of every namespace whose pods are unchanged, so they can
/// skip it by reference; a namespace with any change gets a new list, sorted by name.
/// </summary>
public class SnapshotBuilderTests
{
    [Fact]
    public void Only_a_namespace_whose_pods_changed_gets_a_new_list()
    {
        var objects = ManifestReader.ReadText(TestCluster.Manifests);
        var namespaces = objects.Where(o => o.Kind == "Namespace").ToList();
        var pods = objects.Where(o => o.Kind == "Pod").ToList();
        var builder = new SnapshotBuilder();
        var first = builder.Build(namespaces, pods);

        var same = builder.Build(namespaces, [.. pods]);
        Assert.Same(first.PodsIn("x"), same.PodsIn("x"));
        Assert.Same(first.PodsIn("y"), same.PodsIn("y"));

        // A pod of y replaced by a new object (an update), another pod of y added: x keeps its list.
        var yPod = pods.First(p => p.Metadata.Namespace == "y");
        var changed = pods.Select(p => p == yPod ? ResourceJson.Parse(ResourceJson.Serialize(p)) : p)
            .Append(ResourceJson.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"namespace":"y","name":"0-first"},"status":{"podIPs":[{"ip":"10.0.2.9"}]}}"""))
            .ToList();
        var next = builder.Build(namespaces, changed);
        Assert.Same(same.PodsIn("x"), next.PodsIn("x"));
        Assert.NotSame(same.PodsIn("y"), next.PodsIn("y"));
        Assert.Equal("0-first", next.PodsIn("y")[0].Name);
        Assert.Equal(same.PodsIn("y").Count + 1, next.PodsIn("y").Count);

        // The same pods in another order are a change too (the arrival is compared, not the set).
        var reordered = builder.Build(namespaces, [.. Enumerable.Reverse(changed)]);
        Assert.NotSame(next.PodsIn("y"), reordered.PodsIn("y"));
        Assert.Equal(next.PodsIn("y").Select(p => p.Name), reordered.PodsIn("y").Select(p => p.Name));

        // A namespace whose last pod went has no list.
        var withoutY = builder.Build(namespaces, [.. Enumerable.Reverse(changed).Where(p => p.Metadata.Namespace != "y")]);
        Assert.Empty(withoutY.PodsIn("y"));
        Assert.Same(reordered.PodsIn("x"), withoutY.PodsIn("x"));
    }

    [Fact]
    public void A_relabelled_ServiceAccount_gives_its_pods_a_new_view()
    {
        var objects = ManifestReader.ReadText(TestCluster.Manifests);
        var namespaces = objects.Where(o => o.Kind == "Namespace").ToList();
        var pods = objects.Where(o => o.Kind == "Pod").ToList();
        Resource Account(string ns, string team) => ManifestReader.ReadText(
            $"apiVersion: v1\nkind: ServiceAccount\nmetadata: {{namespace: {ns}, name: default, labels: {{team: {team}}}}}\n")[0];
        var builder = new SnapshotBuilder();
        var first = builder.Build(namespaces, pods, serviceAccounts: [Account("x", "red"), Account("y", "red")]);
        Assert.Equal("red", first.PodsIn("x")[0].Labels[Weft.Policy.Ir.ReservedLabels.ServiceAccountLabelPrefix + "team"]);

        var next = builder.Build(namespaces, pods, serviceAccounts: [Account("x", "blue"), Account("y", "red")]);
        Assert.Equal("blue", next.PodsIn("x")[0].Labels[Weft.Policy.Ir.ReservedLabels.ServiceAccountLabelPrefix + "team"]);
        Assert.NotSame(first.PodsIn("x"), next.PodsIn("x"));

        var gone = builder.Build(namespaces, pods);
        Assert.False(gone.PodsIn("x")[0].Labels.ContainsKey(Weft.Policy.Ir.ReservedLabels.ServiceAccountLabelPrefix + "team"));
        Assert.Equal("default", gone.PodsIn("x")[0].Labels[Weft.Policy.Ir.ReservedLabels.ServiceAccount]);
    }
}
