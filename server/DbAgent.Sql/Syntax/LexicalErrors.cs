using DbAgent.Sql.Lexing;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// The errors our own front end is certain of, from the tokens alone: unterminated strings, identifiers and comments,
/// and unbalanced parentheses within a statement. Anything less certain is left to the engines' own grammars.
/// Parentheses are balanced between statement delimiters, so after an edit only the delimited stretch around the
/// re-lexed tokens is checked again (<see cref="Update"/>); the errors outside it are kept or moved.
/// </summary>
internal static class LexicalErrors
{
    /// <summary>
    /// The errors of a whole document whose statements the parser found balanced: each statement's parentheses match
    /// and none holds a delimiter. Every parenthesis lies in a statement, so no stretch between delimiters can then be
    /// unbalanced, and <see cref="Find"/> would report only an unterminated token, which can only be the last one
    /// (it runs to the end of the input). Equal to <see cref="Find"/> for such a document, without reading its tokens.
    /// </summary>
    public static List<SyntaxError> FindInBalanced(SourceText text, IReadOnlyList<Token> tokens)
    {
        var errors = new List<SyntaxError>();
        if (tokens.Count > 0 && tokens[^1].IsUnterminated) errors.Add(Unterminated(text, tokens[^1]));
        return errors;
    }

    public static List<SyntaxError> Find(SourceText text, IReadOnlyList<Token> tokens, SqlDialect dialect)
    {
        _ = dialect;
        var errors = new List<SyntaxError>();
        Scan(text, tokens, 0, tokens.Count, errors);
        errors.Sort(static (a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return errors;
    }

    /// <summary>
    /// The errors after an edit that replaced old tokens [<paramref name="firstChanged"/>, resume) by new tokens
    /// [<paramref name="firstChanged"/>, <paramref name="changedEnd"/>), the tokens after being the old ones moved by
    /// <paramref name="delta"/> characters. Equal to <see cref="Find"/> over the new tokens.
    /// </summary>
    public static List<SyntaxError> Update(SourceText text, IReadOnlyList<Token> tokens, IReadOnlyList<SyntaxError> oldErrors, int firstChanged, int changedEnd, int delta)
    {
        // The scan's state is empty just after a delimiter: start after the last one before the change, stop at
        // (and including) the first one after it.
        var from = Math.Min(firstChanged, tokens.Count);
        while (from > 0 && !IsDelimiter(tokens[from - 1].Kind)) from--;
        var to = changedEnd;
        while (to < tokens.Count && !IsDelimiter(tokens[to].Kind)) to++;
        if (to < tokens.Count) to++; // the delimiter reports what is still open
        var keepBefore = from < tokens.Count ? tokens[from].Start : from > 0 ? tokens[from - 1].End : 0;
        // Old errors at or after this (old) offset belong to the unchanged tokens after the stretch.
        var oldAfter = to < tokens.Count ? tokens[to].Start - delta : int.MaxValue;

        var errors = new List<SyntaxError>(oldErrors.Count + 2);
        var i = 0;
        for (; i < oldErrors.Count && oldErrors[i].Span.Start < keepBefore; i++) errors.Add(oldErrors[i]);
        var middle = errors.Count;
        Scan(text, tokens, from, to, errors);
        if (errors.Count - middle > 1) errors.Sort(middle, errors.Count - middle, Comparer<SyntaxError>.Create(static (a, b) => a.Span.Start.CompareTo(b.Span.Start)));
        if (oldAfter != int.MaxValue)
        {
            for (; i < oldErrors.Count && oldErrors[i].Span.Start < oldAfter; i++) { }
            for (; i < oldErrors.Count; i++)
            {
                var e = oldErrors[i];
                errors.Add(delta == 0 ? e : e with { Span = new TextSpan(e.Span.Start + delta, e.Span.Length) });
            }
        }
        return errors;
    }

    /// <summary>The kinds that can be unterminated, parentheses and delimiters, as a bit set.</summary>
    private const uint Checked = 1u << (int)TokenKind.BlockComment | 1u << (int)TokenKind.QuotedIdentifier | 1u << (int)TokenKind.String
        | 1u << (int)TokenKind.OpenParen | 1u << (int)TokenKind.CloseParen | 1u << (int)TokenKind.Semicolon
        | 1u << (int)TokenKind.CustomDelimiter | 1u << (int)TokenKind.BatchSeparator;

    private static bool IsDelimiter(TokenKind kind) => kind is TokenKind.Semicolon or TokenKind.CustomDelimiter or TokenKind.BatchSeparator;

    /// <summary>Checks tokens [from, to); the stretch starts with nothing open and what is open at its end is reported.</summary>
    private static void Scan(SourceText text, IReadOnlyList<Token> tokens, int from, int to, List<SyntaxError> errors)
    {
        if (TokenSource.TryGetSpan(tokens, out var span)) Scan(text, new SpanTokens(span), from, to, errors);
        else Scan(text, new ListTokens(tokens), from, to, errors);
    }

    private static void Scan<TTokens>(SourceText text, TTokens tokens, int from, int to, List<SyntaxError> errors)
        where TTokens : ITokenSource, allows ref struct
    {
        var open = new Stack<int>();
        for (var i = from; i < to; i++)
        {
            // Most tokens are none of the kinds this looks at: skip them on the kind alone.
            if ((Checked & (1u << (int)tokens.KindAt(i))) == 0) continue;
            var t = tokens[i];
            if (t.IsUnterminated)
            {
                errors.Add(Unterminated(text, t));
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
    }

    private static void ReportUnclosed<TTokens>(Stack<int> open, TTokens tokens, List<SyntaxError> errors)
        where TTokens : ITokenSource, allows ref struct
    {
        while (open.Count > 0)
        {
            var t = tokens[open.Pop()];
            errors.Add(new SyntaxError(t.Span, "Unbalanced parenthesis: this '(' is never closed."));
        }
    }

    private static SyntaxError Unterminated(SourceText text, Token t)
    {
        var what = t.Kind switch
        {
            TokenKind.BlockComment => "block comment",
            TokenKind.QuotedIdentifier => "quoted identifier",
            _ when (t.Flags & TokenFlags.DollarQuoted) != 0 => "dollar-quoted string",
            _ => "string literal",
        };
        // Point at the opening quote: the rest of the document is swallowed, so underlining it all helps nobody.
        return new SyntaxError(new TextSpan(t.Start, Math.Min(t.Length, OpeningLength(text, t))), $"Unterminated {what}: it runs to the end of the file.");
    }

    private static int OpeningLength(SourceText text, Token t)
    {
        if ((t.Flags & TokenFlags.DollarQuoted) != 0)
        {
            var close = text.IndexOf('$', t.Start + 1);
            return close < 0 ? 1 : close - t.Start + 1;
        }
        return t.Kind == TokenKind.BlockComment ? 2 : 1 + ((t.Flags & TokenFlags.Prefixed) != 0 ? 1 : 0);
    }
}
