using Weft.Policy.Ir;

namespace Weft.Policy.Calico;

/// <summary>
/// Calico's selector expression language (libcalico-go's grammar) read into the IR selector records:
/// <c>all()</c>, <c>global()</c>, <c>has(k)</c>, <c>k == "v"</c>, <c>k != "v"</c>, <c>k in {"a","b"}</c>,
/// <c>k not in {…}</c>, <c>k contains "s"</c>, <c>k starts with "s"</c>, <c>k ends with "s"</c>, <c>!</c>,
/// <c>&amp;&amp;</c> (binds tighter than <c>||</c>) and parentheses. The empty selector is <c>all()</c>.
/// <c>!=</c> and <c>not in</c> hold when the key is absent, so a negated test becomes its negative operator.
/// </summary>
public static class SelectorParser
{
    /// <summary>Longest label key Calico accepts.</summary>
    public const int MaxLabelLength = 512;

    /// <summary>Parses a selector.</summary>
    /// <exception cref="SelectorSyntaxException">The text is not a selector; the message gives the position.</exception>
    public static Selector Parse(string text)
    {
        var tokens = SelectorTokenizer.Tokenize(text);
        if (tokens[0].Kind == TokenKind.End)
        {
            return Selector.All;
        }
        var reader = new Reader(tokens);
        var result = reader.Or();
        var rest = reader.Peek;
        return rest.Kind == TokenKind.End ? result : throw Unexpected(rest, "at the end of the selector");
    }

    /// <summary>Parses a selector, or gives the syntax error as text.</summary>
    public static bool TryParse(string text, out Selector selector, out string? error)
    {
        try
        {
            selector = Parse(text);
            error = null;
            return true;
        }
        catch (SelectorSyntaxException e)
        {
            selector = Selector.All;
            error = e.Message;
            return false;
        }
    }

    private static SelectorSyntaxException Unexpected(Token token, string where) =>
        new(token.Kind == TokenKind.End ? $"unexpected end of selector {where}" : $"unexpected \"{Show(token)}\" {where}", token.Position);

    private static string Show(Token token) => token.Kind switch
    {
        TokenKind.String => $"'{token.Value}'",
        TokenKind.Has => $"has({token.Value})",
        _ => token.Value,
    };

    /// <summary>Recursive descent: or := and ("||" and)*; and := operation ("&amp;&amp;" operation)*.</summary>
    private sealed class Reader(List<Token> tokens)
    {
        private int _next;

        public Token Peek => tokens[_next];

        public Selector Or()
        {
            List<Selector> parts = [And()];
            while (Peek.Kind == TokenKind.Or)
            {
                _next++;
                parts.Add(And());
            }
            return parts.Count == 1 ? parts[0] : new OrSelector(parts);
        }

        private Selector And()
        {
            List<Selector> parts = [Operation()];
            while (Peek.Kind == TokenKind.And)
            {
                _next++;
                parts.Add(Operation());
            }
            return parts.Count == 1 ? parts[0] : new AndSelector(parts);
        }

        /// <summary>A possibly negated test or parenthesised expression; leading "!"s collapse to one flag.</summary>
        private Selector Operation()
        {
            var negated = false;
            while (Peek.Kind == TokenKind.Not)
            {
                negated = !negated;
                _next++;
            }
            var token = tokens[_next++];
            Selector result;
            switch (token.Kind)
            {
                case TokenKind.Has:
                    result = new LabelExpression(token.Value, SelectorOperator.Exists, []);
                    break;
                case TokenKind.All:
                    result = Selector.All;
                    break;
                case TokenKind.Global:
                    result = new GlobalSelector();
                    break;
                case TokenKind.Label:
                    result = Test(token);
                    break;
                case TokenKind.LParen:
                    result = Or();
                    var close = tokens[_next++];
                    if (close.Kind != TokenKind.RParen)
                    {
                        throw Unexpected(close, "where \")\" was expected");
                    }
                    break;
                default:
                    throw Unexpected(token, "where a label, has(), all() or \"(\" was expected");
            }
            return negated ? Negate(result) : result;
        }

        /// <summary>label op "value" or label (not) in {"a", "b"}; a trailing comma in the set is accepted as Calico does.</summary>
        private LabelExpression Test(Token label)
        {
            var op = tokens[_next++];
            if (op.Kind is TokenKind.In or TokenKind.NotIn)
            {
                var open = tokens[_next++];
                if (open.Kind != TokenKind.LBrace)
                {
                    throw Unexpected(open, $"after \"{op.Value}\" where a set such as {{\"a\", \"b\"}} was expected");
                }
                var values = new List<string>();
                while (Peek.Kind == TokenKind.String)
                {
                    values.Add(tokens[_next++].Value);
                    if (Peek.Kind != TokenKind.Comma)
                    {
                        break;
                    }
                    _next++;
                }
                var end = tokens[_next++];
                if (end.Kind != TokenKind.RBrace)
                {
                    throw Unexpected(end, "in a set where a quoted string or \"}\" was expected");
                }
                return new LabelExpression(label.Value, op.Kind == TokenKind.In ? SelectorOperator.In : SelectorOperator.NotIn, [.. values.Distinct(StringComparer.Ordinal)]);
            }
            SelectorOperator? kind = op.Kind switch
            {
                TokenKind.Eq => SelectorOperator.Equals,
                TokenKind.Ne => SelectorOperator.NotEquals,
                TokenKind.Contains => SelectorOperator.Contains,
                TokenKind.StartsWith => SelectorOperator.StartsWith,
                TokenKind.EndsWith => SelectorOperator.EndsWith,
                _ => null,
            };
            if (kind is null)
            {
                throw Unexpected(op, $"after label \"{label.Value}\" where an operator was expected");
            }
            var value = tokens[_next++];
            return value.Kind == TokenKind.String
                ? new LabelExpression(label.Value, kind.Value, [value.Value])
                : throw Unexpected(value, $"after \"{op.Value}\" where a quoted string was expected");
        }

        /// <summary>
        /// Calico's != and "not in" hold for absent keys, so they are exact negations of == and "in"; using them
        /// keeps the tree flat. Other tests are wrapped.
        /// </summary>
        private static Selector Negate(Selector s) => s switch
        {
            LabelExpression { Operator: SelectorOperator.Equals } e => e with { Operator = SelectorOperator.NotEquals },
            LabelExpression { Operator: SelectorOperator.NotEquals } e => e with { Operator = SelectorOperator.Equals },
            LabelExpression { Operator: SelectorOperator.In } e => e with { Operator = SelectorOperator.NotIn },
            LabelExpression { Operator: SelectorOperator.NotIn } e => e with { Operator = SelectorOperator.In },
            LabelExpression { Operator: SelectorOperator.Exists } e => e with { Operator = SelectorOperator.NotExists },
            LabelExpression { Operator: SelectorOperator.NotExists } e => e with { Operator = SelectorOperator.Exists },
            _ => new NotSelector(s),
        };
    }
}

/// <summary>A selector that is not valid Calico syntax; <see cref="Position"/> is the 0-based offset of the problem.</summary>
public sealed class SelectorSyntaxException : FormatException
{
    public SelectorSyntaxException(string reason, int position)
        : base($"{reason} at position {position}")
    {
        Reason = reason;
        Position = position;
    }

    public string Reason { get; }

    public int Position { get; }
}

/// <summary>
/// Calico's <c>global()</c>: as a whole EntityRule namespaceSelector it selects only non-namespaced endpoints
/// (GlobalNetworkSets, host endpoints). Elsewhere Calico rejects it; on its own it matches every labelled object.
/// </summary>
public sealed record GlobalSelector : Selector
{
    public override bool Matches(IReadOnlyDictionary<string, string> labels) => true;

    public override string ToString() => "global()";
}
