using System.Text.Json;
using System.Text.Json.Nodes;

namespace Weft.Model.Tests;

public sealed class ManifestReaderTests
{
    [Fact]
    public void Multi_document_yaml_gives_one_resource_per_document_and_skips_empty_ones()
    {
        const string yaml = """
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: a
            ---
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: a
            """;
        var resources = ManifestReader.ReadText(yaml);
        Assert.Equal(["Namespace/a", "Pod/a/p"], resources.Select(r => r.Key.ToString()));
    }

    [Fact]
    public void Json_array_and_concatenated_json_objects_are_flattened()
    {
        const string array = """[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}},{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"}}]""";
        Assert.Equal(["a", "b"], ManifestReader.ReadText(array).Select(r => r.Metadata.Name));

        const string stream = """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"c"}}
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"d"}}
            """;
        Assert.Equal(["c", "d"], ManifestReader.ReadText(stream).Select(r => r.Metadata.Name));
    }

    [Fact]
    public void List_kinds_are_flattened_and_typed_lists_give_their_items_kind_and_apiVersion()
    {
        const string yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Namespace
              metadata: {name: x}
            - apiVersion: v1
              kind: PodList
              items:
              - metadata: {name: inner, namespace: x}
            """;
        var resources = ManifestReader.ReadText(yaml);
        Assert.Equal(["Namespace/x", "Pod/x/inner"], resources.Select(r => r.Key.ToString()));
        Assert.Equal("v1", resources[1].ApiVersion);
    }

    [Fact]
    public void Directory_reads_yaml_yml_and_json_sorted_by_name_and_not_recursively()
    {
        var resources = ManifestReader.Read(TestFiles.Path("dir"));
        Assert.Equal(["Namespace/shop", "Pod/shop/cart", "Pod/shop/pay", "Node/n1"], resources.Select(r => r.Key.ToString()));
    }

    [Fact]
    public void Reader_input_is_read_to_the_end()
    {
        using var reader = new StringReader("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n");
        Assert.Equal("from-stdin", Assert.Single(ManifestReader.Read(reader, ManifestReader.StdinOrigin)).Metadata.Name);
    }

    [Fact]
    public void Unquoted_scalars_get_kubernetes_types_and_quoted_ones_stay_strings()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: types}
            data:
              int: 42
              negative: -7
              float: 1.50
              yes11: yes
              bool: true
              boolCaps: False
              nul: null
              tilde: ~
              empty:
              quotedInt: "42"
              singleQuotedBool: 'true'
              taggedStr: !!str 12
              version: 1.2.3
              ip: 10.0.0.1
              hex: 0x1F
              block: |
                line one
                line two
              after: x
            """;
        var data = Assert.Single(ManifestReader.ReadText(yaml)).Body["data"]!.AsObject();
        Assert.Equal(JsonValueKind.Number, data["int"]!.GetValueKind());
        Assert.Equal(42, data["int"]!.GetValue<int>());
        Assert.Equal(-7, data["negative"]!.GetValue<int>());
        Assert.Equal("1.50", data["float"]!.ToJsonString());
        Assert.Equal(JsonValueKind.String, data["yes11"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, data["bool"]!.GetValueKind());
        Assert.Equal(JsonValueKind.False, data["boolCaps"]!.GetValueKind());
        Assert.True(data.ContainsKey("nul") && data["nul"] is null);
        Assert.True(data.ContainsKey("tilde") && data["tilde"] is null);
        Assert.True(data.ContainsKey("empty") && data["empty"] is null);
        Assert.Equal("42", data["quotedInt"]!.GetValue<string>());
        Assert.Equal("true", data["singleQuotedBool"]!.GetValue<string>());
        Assert.Equal("12", data["taggedStr"]!.GetValue<string>());
        Assert.Equal("1.2.3", data["version"]!.GetValue<string>());
        Assert.Equal("10.0.0.1", data["ip"]!.GetValue<string>());
        Assert.Equal(31, data["hex"]!.GetValue<long>());
        Assert.Equal("line one\nline two\n", data["block"]!.GetValue<string>());
    }

    [Fact]
    public void Numeric_and_boolean_labels_and_annotations_become_strings()
    {
        const string yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              labels:
                tier: 2
                canary: true
              annotations:
                ovn.kubernetes.io/latency: 3
                ratio: 0.5
                nothing: null
            """;
        var meta = Assert.Single(ManifestReader.ReadText(yaml)).Metadata;
        Assert.Equal("2", meta.Labels["tier"]);
        Assert.Equal("true", meta.Labels["canary"]);
        Assert.Equal("3", meta.Annotations["ovn.kubernetes.io/latency"]);
        Assert.Equal("0.5", meta.Annotations["ratio"]);
        Assert.Equal("", meta.Annotations["nothing"]);
    }

    [Fact]
    public void Anchors_aliases_and_merge_keys_are_resolved()
    {
        const string yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: anchors}
            data:
              base: &base {a: 1, b: 2}
              copy: *base
              merged:
                <<: *base
                b: 3
            """;
        var data = Assert.Single(ManifestReader.ReadText(yaml)).Body["data"]!;
        Assert.True(JsonNode.DeepEquals(data["base"], data["copy"]));
        Assert.Equal(1, data["merged"]!["a"]!.GetValue<int>());
        Assert.Equal(3, data["merged"]!["b"]!.GetValue<int>());
    }

    [Fact]
    public void Missing_kind_names_file_and_document()
    {
        var path = TestFiles.Path("two-docs-second-bad.yaml");
        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read(path));
        Assert.Equal($"{path} document 2: field 'kind' is required", e.Message);
        Assert.Equal(2, e.Document);
        Assert.Equal(path, e.Origin);
    }

    [Theory]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nkind: Pod\n", "pods.yaml document 2: field 'apiVersion' is required")]
    [InlineData("apiVersion: 1\nkind: Pod\n", "pods.yaml document 1: field 'apiVersion' must be a string, got the number 1")]
    [InlineData("just text\n", "pods.yaml document 1: expected an object, got the string \"just text\"")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata: [1]\n", "pods.yaml document 1: field 'metadata' must be an object, got a list")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  name: 5\n", "pods.yaml document 1: field 'metadata.name' has the wrong type")]
    [InlineData("apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    a: [x]\n", "pods.yaml document 1: field 'metadata.labels.a' must be a string, got a list")]
    [InlineData("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n- apiVersion: v1\n  kind: Pod\n", "pods.yaml document 1: items[0]: field 'kind' is required")]
    [InlineData("a: 1\na: 2\n", "pods.yaml document 1: invalid YAML at line 2, column 1: duplicate key 'a'")]
    public void Errors_name_origin_document_and_field(string text, string expected)
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadText(text, "pods.yaml"));
        Assert.Equal(expected, e.Message);
    }

    [Fact]
    public void Yaml_syntax_errors_give_the_document_and_line()
    {
        const string yaml = "apiVersion: v1\nkind: Pod\n---\nmetadata:\n  name: [unclosed\n";
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadText(yaml, "bad.yaml"));
        Assert.StartsWith("bad.yaml document 2: invalid YAML at line ", e.Message);
    }

    [Fact]
    public void Json_syntax_errors_give_a_one_based_line()
    {
        const string json = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",,\n}";
        var e = Assert.Throws<ManifestException>(() => ManifestReader.ReadText(json, "bad.json"));
        Assert.StartsWith("bad.json document 1: invalid JSON at line 3,", e.Message);
    }

    [Fact]
    public void Missing_path_is_reported_with_its_name()
    {
        var e = Assert.Throws<ManifestException>(() => ManifestReader.Read("/nonexistent/weft/pods.yaml"));
        Assert.Equal("/nonexistent/weft/pods.yaml: no such file or directory", e.Message);
    }

    [Fact]
    public void Flow_style_yaml_starting_with_a_brace_is_read_as_yaml()
    {
        var r = Assert.Single(ManifestReader.ReadText("{apiVersion: v1, kind: Namespace, metadata: {name: flow}}"));
        Assert.Equal("flow", r.Metadata.Name);
    }
}
