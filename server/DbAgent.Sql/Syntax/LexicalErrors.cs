using DbAgent.Sql.Lexing;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// The errors our own front end is certain of, from the tokens alone: unterminated strings, identifiers and comments,
/// and unbalanced parentheses within a statement. Anything less certain is left to the engines' own grammars.
/// </summary>
internal static class LexicalErrors
{
    public static List<SyntaxError> Find(string text, IReadOnlyList<Token> tokens, SqlDialect dialect)
    {
        var errors = new List<SyntaxError>();
        var open = new Stack<int>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsUnterminated)
            {
                var what = t.Kind switch
                {
                    TokenKind.BlockComment => "block comment",
                    TokenKind.QuotedIdentifier => "quoted identifier",
                    _ when (t.Flags & TokenFlags.DollarQuoted) != 0 => "dollar-quoted string",
                    _ => "string literal",
                };
                // Point at the opening quote: the rest of the document is swallowed, so underlining it all helps nobody.
                errors.Add(new SyntaxError(new TextSpan(t.Start, Math.Min(t.Length, OpeningLength(text, t))), $"Unterminated {what}: it runs to the end of the file."));
                continue;
            }
            switch (t.Kind)
            {
                case TokenKind.OpenParen:
                    open.Push(i);
                    break;
                case TokenKind.CloseParen when open.Count > 0:
                    open.Pop();
                    break;
                case TokenKind.CloseParen:
                    errors.Add(new SyntaxError(t.Span, "Unbalanced parenthesis: this ')' has no matching '('."));
                    break;
                case TokenKind.Semicolon or TokenKind.CustomDelimiter or TokenKind.BatchSeparator:
                    ReportUnclosed(open, tokens, errors);
                    break;
            }
        }
        ReportUnclosed(open, tokens, errors);
        errors.Sort((a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return errors;
    }

    private static void ReportUnclosed(Stack<int> open, IReadOnlyList<Token> tokens, List<SyntaxError> errors)
    {
        while (open.Count > 0)
        {
            var t = tokens[open.Pop()];
            errors.Add(new SyntaxError(t.Span, "Unbalanced parenthesis: this '(' is never closed."));
        }
    }

    private static int OpeningLength(string text, Token t)
    {
        if ((t.Flags & TokenFlags.DollarQuoted) != 0)
        {
            var close = text.IndexOf('$', t.Start + 1);
            return close < 0 ? 1 : close - t.Start + 1;
        }
        return t.Kind == TokenKind.BlockComment ? 2 : 1 + ((t.Flags & TokenFlags.Prefixed) != 0 ? 1 : 0);
    }
}
