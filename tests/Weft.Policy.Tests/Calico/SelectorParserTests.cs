using Weft.Policy.Calico;
using Weft.Policy.Ir;

namespace Weft.Policy.Tests.Calico;

/// <summary>Calico's selector language: grammar, precedence, absent-key semantics and errors with positions.</summary>
public class SelectorParserTests
{
    private static readonly Dictionary<string, string> Web = new() { ["app"] = "web", ["tier"] = "frontend", ["env"] = "prod" };
    private static readonly Dictionary<string, string> Db = new() { ["app"] = "db", ["tier"] = "backend" };
    private static readonly Dictionary<string, string> Bare = [];

    private static bool Matches(string selector, Dictionary<string, string> labels) => SelectorParser.Parse(selector).Matches(labels);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("all()")]
    [InlineData("all( )")]
    public void Empty_and_all_match_everything(string selector)
    {
        Assert.IsType<AllSelector>(SelectorParser.Parse(selector));
        Assert.True(Matches(selector, Bare));
    }

    [Theory]
    [InlineData("app == 'web'", true, false, false)]
    [InlineData("app == \"web\"", true, false, false)]
    [InlineData("app != 'web'", false, true, true)]
    [InlineData("app in {'web', 'api'}", true, false, false)]
    [InlineData("app not in {'web'}", false, true, true)]
    [InlineData("app notin {'web'}", false, true, true)]
    [InlineData("has(env)", true, false, false)]
    [InlineData("has( env )", true, false, false)]
    [InlineData("!has(env)", false, true, true)]
    [InlineData("tier contains 'end'", true, true, false)]
    [InlineData("tier starts with 'front'", true, false, false)]
    [InlineData("tier startswith 'back'", false, true, false)]
    [InlineData("tier ends with 'end'", true, true, false)]
    [InlineData("tier ends  with 'end'", true, true, false)]
    [InlineData("app in {}", false, false, false)]
    [InlineData("app not in {}", true, true, true)]
    [InlineData("app in {'web',}", true, false, false)]
    public void Each_operator_against_web_db_and_unlabelled(string selector, bool web, bool db, bool bare)
    {
        Assert.Equal(web, Matches(selector, Web));
        Assert.Equal(db, Matches(selector, Db));
        Assert.Equal(bare, Matches(selector, Bare));
    }

    [Fact]
    public void And_binds_tighter_than_or()
    {
        var s = SelectorParser.Parse("app == 'db' || app == 'web' && has(env)");
        var or = Assert.IsType<OrSelector>(s);
        Assert.IsType<AndSelector>(or.Parts[1]);
        Assert.True(s.Matches(Db));
        Assert.False(SelectorParser.Parse("(app == 'db' || app == 'web') && has(env)").Matches(Db));
    }

    [Fact]
    public void Negations_collapse_and_negated_tests_become_their_negative_operator()
    {
        Assert.Equal(SelectorOperator.NotEquals, Assert.IsType<LabelExpression>(SelectorParser.Parse("!app == 'web'")).Operator);
        Assert.Equal(SelectorOperator.NotIn, Assert.IsType<LabelExpression>(SelectorParser.Parse("!app in {'a'}")).Operator);
        Assert.Equal(SelectorOperator.Exists, Assert.IsType<LabelExpression>(SelectorParser.Parse("!!has(app)")).Operator);
        var not = Assert.IsType<NotSelector>(SelectorParser.Parse("!(app == 'web' || has(env))"));
        Assert.IsType<OrSelector>(not.Inner);
        Assert.True(SelectorParser.Parse("!tier contains 'end'").Matches(Bare));
    }

    [Fact]
    public void Labels_may_hold_prefixes_dots_dashes_and_underscores()
    {
        var e = Assert.IsType<LabelExpression>(SelectorParser.Parse("example.com/my-key_1 == 'x y'"));
        Assert.Equal("example.com/my-key_1", e.Key);
        Assert.Equal("x y", e.Values[0]);
    }

    [Fact]
    public void Global_parses_as_its_own_node()
    {
        Assert.IsType<GlobalSelector>(SelectorParser.Parse("global()"));
        Assert.Equal("global()", SelectorParser.Parse("global()").ToString());
    }

    [Fact]
    public void Case_44_not_equal_and_not_in_match_an_endpoint_without_the_key()
    {
        Assert.True(Matches("env != \"prod\"", Db));
        Assert.True(Matches("env not in {\"prod\"}", Db));
        Assert.True(Matches("!has(env)", Db));
        Assert.False(Matches("env == \"prod\"", Db));
        Assert.False(Matches("env in {\"prod\"}", Db));
        Assert.True(Matches("", Db));
    }

    [Theory]
    [InlineData("app = 'a'", 4, "expected \"==\"")]
    [InlineData("app == 'a", 7, "unterminated string")]
    [InlineData("app 'a'", 4, "after label \"app\" where an operator was expected")]
    [InlineData("app == a", 7, "unexpected \"a\" after \"==\" where a quoted string was expected")]
    [InlineData("app in 'a'", 7, "where a set")]
    [InlineData("app in {'a' 'b'}", 12, "in a set")]
    [InlineData("(has(a)", 7, "unexpected end of selector where \")\" was expected")]
    [InlineData("has(a))", 6, "at the end of the selector")]
    [InlineData("has(a) & has(b)", 7, "expected \"&&\"")]
    [InlineData("has(a) | has(b)", 7, "expected \"||\"")]
    [InlineData("has(a) &&", 9, "unexpected end of selector")]
    [InlineData("app is 'a'", 4, "expected an operator (==, !=, in, not in, contains, starts with, ends with) after label \"app\"")]
    [InlineData("has (a)", 4, "where an operator was expected")]
    [InlineData("has(a", 5, "expected \")\" to close has(")]
    [InlineData("all(x)", 4, "expected \")\" to close all(")]
    [InlineData("app == 'a' $", 11, "unexpected character '$'")]
    [InlineData("&& has(a)", 0, "unexpected \"&&\"")]
    public void Syntax_errors_give_the_position(string selector, int position, string reason)
    {
        var e = Assert.Throws<SelectorSyntaxException>(() => SelectorParser.Parse(selector));
        Assert.Equal(position, e.Position);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.EndsWith($"at position {position}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_longer_than_512_characters_are_rejected()
    {
        var e = Assert.Throws<SelectorSyntaxException>(() => SelectorParser.Parse($"has({new string('a', 513)})"));
        Assert.Contains("longer than 512", e.Message, StringComparison.Ordinal);
        Assert.True(SelectorParser.TryParse($"has({new string('a', 512)})", out _, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_reports_instead_of_throwing()
    {
        Assert.False(SelectorParser.TryParse("a ==", out var s, out var error));
        Assert.IsType<AllSelector>(s);
        Assert.Contains("position", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Printing_gives_back_an_equivalent_selector()
    {
        foreach (var text in new[] { "app == 'web' && (has(env) || tier in {'backend','x'})", "!(tier starts with 'f') && app != 'db'", "!has(a) || env not in {'prod'}" })
        {
            var once = SelectorParser.Parse(text);
            var twice = SelectorParser.Parse(once.ToString()!);
            foreach (var labels in new[] { Web, Db, Bare })
            {
                Assert.Equal(once.Matches(labels), twice.Matches(labels));
            }
        }
    }
}
