using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model.Tests;

public sealed class ManifestWriterTests
{
    private const string PodYaml = """
        status:
          phase: Running
        spec:
          containers:
          - name: web
            image: nginx:alpine
            ports:
            - containerPort: 80
              name: http
        kind: Pod
        metadata:
          name: web
          namespace: default
          labels:
            app: web
          annotations:
            ovn.kubernetes.io/ingress_rate: "3"
            note: |
              first
              second
        apiVersion: v1
        """;

    [Fact]
    public void Yaml_puts_apiVersion_kind_metadata_spec_status_first_and_leaves_empty_metadata_out()
    {
        var pod = Assert.Single(ManifestReader.ReadText(PodYaml));
        Assert.Equal("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              namespace: default
              labels:
                app: web
              annotations:
                ovn.kubernetes.io/ingress_rate: "3"
                note: |
                  first
                  second
            spec:
              containers:
              - name: web
                image: nginx:alpine
                ports:
                - containerPort: 80
                  name: http
            status:
              phase: Running

            """, ManifestWriter.ToYaml(pod));
    }

    [Fact]
    public void Yaml_round_trip_gives_an_equal_resource()
    {
        var first = Assert.Single(ManifestReader.ReadText(PodYaml));
        var second = Assert.Single(ManifestReader.ReadText(ManifestWriter.ToYaml(first)));
        Assert.True(JsonNode.DeepEquals(ResourceJson.ToNode(first), ResourceJson.ToNode(second)));
        Assert.Equal(ManifestWriter.ToYaml(first), ManifestWriter.ToYaml(second));
    }

    [Theory]
    [InlineData("3")]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("")]
    [InlineData("yes")]
    [InlineData("1_000")]
    [InlineData("0x1F")]
    [InlineData("1e3")]
    [InlineData("*foobar.com")]
    [InlineData("a: b")]
    [InlineData("- item")]
    [InlineData("# not a comment")]
    [InlineData("trailing space ")]
    [InlineData("[\"192.168.0.1\"]")]
    [InlineData("K8s:io.kubernetes.pod.namespace")]
    [InlineData("<ip-in-pod-ip-pool1>")]
    [InlineData("ünïcode ✓")]
    [InlineData("line1\nline2")]
    [InlineData(" indented first\nsecond")]
    [InlineData("ends with newline\n")]
    [InlineData("two trailing\n\n")]
    [InlineData("trailing space \nx")]
    [InlineData("\ttab")]
    [InlineData("a\tb\r\nc")]
    [InlineData("bell\u0007")]
    [InlineData("quote \" and 'single'")]
    public void Strings_that_look_like_other_types_or_syntax_survive_a_round_trip(string text)
    {
        var node = new JsonObject { ["value"] = text, [text] = "as key" };
        var yaml = ManifestWriter.ToYaml(node);
        var back = Assert.Single(ManifestReader.ReadText($"apiVersion: v1\nkind: X\ndata:\n{Indent(yaml)}")).Body["data"]!;
        Assert.Equal(JsonValueKind.String, back["value"]!.GetValueKind());
        Assert.Equal(text, back["value"]!.GetValue<string>());
        Assert.Equal("as key", back[text]!.GetValue<string>());
    }

    [Theory]
    [InlineData("70:90")]
    [InlineData("1:30:00")]
    public void Port_ranges_are_quoted_so_yaml_1_1_readers_do_not_see_base_60_numbers(string range)
    {
        Assert.Contains($"\"{range}\"", ManifestWriter.ToYaml(new JsonObject { ["ports"] = new JsonArray(range) }), StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_booleans_nulls_and_empty_collections_keep_their_types()
    {
        var node = new JsonObject
        {
            ["int"] = 5,
            ["float"] = 1.5,
            ["bool"] = false,
            ["nothing"] = null,
            ["emptyMap"] = new JsonObject(),
            ["emptyList"] = new JsonArray(),
        };
        Assert.Equal("""
            int: 5
            float: 1.5
            bool: false
            nothing: null
            emptyMap: {}
            emptyList: []

            """, ManifestWriter.ToYaml(node));
    }

    [Fact]
    public void Several_resources_become_a_List_and_one_stays_itself()
    {
        var a = NamespaceView.Build("a");
        var b = NamespaceView.Build("b");
        var list = ManifestReader.ReadText(ManifestWriter.ToYaml([a, b]));
        Assert.Equal(["a", "b"], list.Select(r => r.Metadata.Name));
        Assert.StartsWith("apiVersion: v1\nkind: List\n", ManifestWriter.ToYaml([a, b]));
        Assert.StartsWith("apiVersion: v1\nkind: Namespace\n", ManifestWriter.ToYaml([a]));
        Assert.Contains("items: []", ManifestWriter.ToYaml(Array.Empty<Resource>()));
    }

    [Fact]
    public void Json_is_indented_ordered_and_reads_back()
    {
        var pod = Assert.Single(ManifestReader.ReadText(PodYaml));
        var json = ManifestWriter.ToJson(pod);
        Assert.StartsWith("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Pod\",\n    \"metadata\": {", json);
        Assert.EndsWith("}\n", json);
        var back = Assert.Single(ManifestReader.ReadText(json));
        Assert.True(JsonNode.DeepEquals(ResourceJson.ToNode(pod), ResourceJson.ToNode(back)));
    }

    private static string Indent(string yaml) =>
        string.Concat(yaml.TrimEnd('\n').Split('\n').Select(l => (l.Length > 0 ? "  " + l : l) + "\n"));
}
