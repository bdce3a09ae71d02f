using System.Text.Json.Nodes;

namespace Weft.Model.Tests;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "front" };
    private static readonly Dictionary<string, string> NoLabels = [];

    private static LabelSelector Parse(string json) => LabelSelector.Parse(JsonNode.Parse(json));

    [Fact]
    public void Empty_and_null_selectors_match_everything()
    {
        Assert.True(Parse("{}").Matches(NoLabels));
        Assert.True(Parse("{}").IsEmpty);
        Assert.True(LabelSelector.Parse(null).Matches(Web));
        Assert.True(LabelSelector.Everything.Matches(Web));
    }

    [Fact]
    public void MatchLabels_need_every_pair()
    {
        var selector = Parse("""{"matchLabels": {"app": "web", "tier": "front"}}""");
        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web" }));
        Assert.False(selector.Matches(new Dictionary<string, string> { ["app"] = "web", ["tier"] = "back" }));
    }

    [Theory]
    [InlineData("In", """["web","api"]""", true, false)]
    [InlineData("NotIn", """["web"]""", false, true)]
    [InlineData("NotIn", """["api"]""", true, true)]
    [InlineData("Exists", "[]", true, false)]
    [InlineData("DoesNotExist", "[]", false, true)]
    public void Expressions_follow_kubernetes_semantics(string op, string values, bool matchesWeb, bool matchesUnlabelled)
    {
        var selector = Parse($$"""{"matchExpressions": [{"key": "app", "operator": "{{op}}", "values": {{values}}}]}""");
        Assert.Equal(matchesWeb, selector.Matches(Web));
        Assert.Equal(matchesUnlabelled, selector.Matches(NoLabels));
    }

    [Fact]
    public void Labels_and_expressions_must_all_hold_and_print_like_kubectl()
    {
        var selector = Parse("""
            {"matchLabels": {"app": "web"},
             "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "edge"]},
                                  {"key": "debug", "operator": "DoesNotExist"}]}
            """);
        Assert.True(selector.Matches(Web));
        Assert.False(selector.Matches(new Dictionary<string, string>(Web) { ["debug"] = "1" }));
        Assert.Equal("app=web,tier in (front,edge),!debug", selector.ToString());
    }

    [Fact]
    public void Numbers_in_match_labels_compare_as_text()
    {
        var selector = Parse("""{"matchLabels": {"tier": 2}}""");
        Assert.True(selector.Matches(new Dictionary<string, string> { ["tier"] = "2" }));
    }

    [Theory]
    [InlineData("""{"matchExpressions": [{"key": "a", "operator": "Equals", "values": ["x"]}]}""",
        "spec.podSelector.matchExpressions[0].operator: Unsupported value: \"Equals\": supported values: \"DoesNotExist\", \"Exists\", \"In\", \"NotIn\"")]
    [InlineData("""{"matchExpressions": [{"key": "a", "operator": "In"}]}""",
        "spec.podSelector.matchExpressions[0].values: Invalid value: must be specified when operator is In or NotIn")]
    [InlineData("""{"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}""",
        "spec.podSelector.matchExpressions[0].values: Invalid value: may not be specified when operator is Exists or DoesNotExist")]
    [InlineData("""{"matchExpressions": [{"operator": "Exists"}]}""", "spec.podSelector.matchExpressions[0].key: Required value")]
    [InlineData("""{"matchLabels": ["a"]}""", "spec.podSelector.matchLabels: must be an object")]
    [InlineData("[]", "spec.podSelector: must be an object")]
    public void Bad_selectors_name_the_field(string json, string expected)
    {
        var e = Assert.Throws<FormatException>(() => LabelSelector.Parse(JsonNode.Parse(json), "spec.podSelector"));
        Assert.Equal(expected, e.Message);
    }
}
