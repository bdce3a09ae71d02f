namespace Weft.Policy.Calico;

internal enum TokenKind
{
    Label,
    String,
    LBrace,
    RBrace,
    Comma,
    Eq,
    Ne,
    In,
    NotIn,
    Contains,
    StartsWith,
    EndsWith,
    All,
    Global,
    Has,
    Not,
    And,
    Or,
    LParen,
    RParen,
    End,
}

/// <summary>One token and the offset of its first character in the selector text.</summary>
internal readonly record struct Token(TokenKind Kind, string Value, int Position);

/// <summary>
/// Splits a Calico selector into tokens the way libcalico-go does: spaces and tabs separate, strings are
/// single- or double-quoted without escapes, and the word operators (in, not in, contains, starts with,
/// ends with) are only recognised straight after a label.
/// </summary>
internal static class SelectorTokenizer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (true)
        {
            i = SkipBlanks(text, i);
            if (i == text.Length)
            {
                tokens.Add(new Token(TokenKind.End, "", i));
                return tokens;
            }
            var start = i;
            var afterLabel = tokens.Count > 0 && tokens[^1].Kind == TokenKind.Label;
            switch (text[i])
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LParen, "(", i++));
                    break;
                case ')':
                    tokens.Add(new Token(TokenKind.RParen, ")", i++));
                    break;
                case '{':
                    tokens.Add(new Token(TokenKind.LBrace, "{", i++));
                    break;
                case '}':
                    tokens.Add(new Token(TokenKind.RBrace, "}", i++));
                    break;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", i++));
                    break;
                case '"' or '\'':
                    var close = text.IndexOf(text[i], i + 1);
                    if (close < 0)
                    {
                        throw new SelectorSyntaxException("unterminated string", start);
                    }
                    tokens.Add(new Token(TokenKind.String, text[(i + 1)..close], start));
                    i = close + 1;
                    break;
                case '=':
                    i = Pair(text, i, "==", "expected \"==\"");
                    tokens.Add(new Token(TokenKind.Eq, "==", start));
                    break;
                case '!':
                    var ne = i + 1 < text.Length && text[i + 1] == '=';
                    tokens.Add(ne ? new Token(TokenKind.Ne, "!=", start) : new Token(TokenKind.Not, "!", start));
                    i += ne ? 2 : 1;
                    break;
                case '&':
                    i = Pair(text, i, "&&", "expected \"&&\"");
                    tokens.Add(new Token(TokenKind.And, "&&", start));
                    break;
                case '|':
                    i = Pair(text, i, "||", "expected \"||\"");
                    tokens.Add(new Token(TokenKind.Or, "||", start));
                    break;
                default:
                    i = afterLabel ? Operator(text, i, tokens) : Word(text, i, tokens);
                    break;
            }
        }
    }

    /// <summary>After a label only an operator may follow; "not in", "starts with" and "ends with" allow blanks between the words.</summary>
    private static int Operator(string text, int i, List<Token> tokens)
    {
        (TokenKind Kind, string[] Words)[] operators =
        [
            (TokenKind.Contains, ["contains"]),
            (TokenKind.StartsWith, ["starts", "with"]),
            (TokenKind.EndsWith, ["ends", "with"]),
            (TokenKind.NotIn, ["not", "in"]),
            (TokenKind.In, ["in"]),
        ];
        foreach (var (kind, words) in operators)
        {
            if (Words(text, i, words) is { } end)
            {
                tokens.Add(new Token(kind, string.Join(' ', words), i));
                return end;
            }
        }
        throw new SelectorSyntaxException(
            $"expected an operator (==, !=, in, not in, contains, starts with, ends with) after label \"{tokens[^1].Value}\"", i);
    }

    /// <summary>has(label), all(), global() or a label.</summary>
    private static int Word(string text, int i, List<Token> tokens)
    {
        if (text.AsSpan(i).StartsWith("has("))
        {
            var j = SkipBlanks(text, i + 4);
            var (label, end) = Identifier(text, j);
            end = SkipBlanks(text, end);
            if (end == text.Length || text[end] != ')')
            {
                throw new SelectorSyntaxException("expected \")\" to close has(", end);
            }
            tokens.Add(new Token(TokenKind.Has, label, i));
            return end + 1;
        }
        foreach (var (word, kind) in new[] { ("all(", TokenKind.All), ("global(", TokenKind.Global) })
        {
            if (text.AsSpan(i).StartsWith(word))
            {
                var end = SkipBlanks(text, i + word.Length);
                if (end == text.Length || text[end] != ')')
                {
                    throw new SelectorSyntaxException($"expected \")\" to close {word}", end);
                }
                tokens.Add(new Token(kind, word + ")", i));
                return end + 1;
            }
        }
        var (name, after) = Identifier(text, i);
        tokens.Add(new Token(TokenKind.Label, name, i));
        return after;
    }

    private static (string Label, int End) Identifier(string text, int i)
    {
        var end = i;
        while (end < text.Length && IsLabelChar(text[end]))
        {
            end++;
        }
        if (end == i)
        {
            throw new SelectorSyntaxException(i < text.Length ? $"unexpected character '{text[i]}'" : "expected a label", i);
        }
        if (end - i > SelectorParser.MaxLabelLength)
        {
            throw new SelectorSyntaxException($"label longer than {SelectorParser.MaxLabelLength} characters", i);
        }
        return (text[i..end], end);
    }

    /// <summary>The end of the words (blanks allowed between them) when they follow at <paramref name="i"/> and end on a word boundary.</summary>
    private static int? Words(string text, int i, string[] words)
    {
        foreach (var word in words)
        {
            if (!text.AsSpan(i).StartsWith(word))
            {
                return null;
            }
            i = SkipBlanks(text, i + word.Length);
        }
        // "in{" is an operator, "inside" is not.
        return i < text.Length && IsLabelChar(text[i]) ? null : i;
    }

    private static int Pair(string text, int i, string pair, string error) =>
        text.AsSpan(i).StartsWith(pair) ? i + 2 : throw new SelectorSyntaxException(error, i);

    private static int SkipBlanks(string text, int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
        return i;
    }

    /// <summary>Label characters: letters, digits, '_', '.', '/', '-'.</summary>
    public static bool IsLabelChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '/' or '-';
}
