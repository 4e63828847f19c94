using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>An error the front end is certain of, with where it comes from (our lexer/parser, libpg_query, ScriptDom).</summary>
public sealed record SyntaxError(TextSpan Span, string Message, string Source = "dbagent");

/// <summary>One statement of a script: its slice of tokens and its semantic model.</summary>
public sealed class ParsedStatement
{
    public required StatementSlice Slice { get; init; }
    public required StatementModel Model { get; init; }
    public TextSpan Span => Slice.Span;
}

/// <summary>
/// The immutable parse of a whole document: tokens, statements with their models, and certain syntax errors.
/// Safe to share across threads; an edit produces a new instance.
/// </summary>
public sealed class SqlScript
{
    private SqlScript(SourceText text, SqlDialect dialect, List<Token> tokens, List<ParsedStatement> statements, List<SyntaxError> errors)
    {
        Text = text;
        Dialect = dialect;
        Tokens = tokens;
        Statements = statements;
        Errors = errors;
    }

    public SourceText Text { get; }
    public SqlDialect Dialect { get; }
    public IReadOnlyList<Token> Tokens { get; }
    public IReadOnlyList<ParsedStatement> Statements { get; }
    public IReadOnlyList<SyntaxError> Errors { get; }

    public static SqlScript Parse(string text, SqlDialect dialect) => Parse(SourceText.From(text), dialect);

    public static SqlScript Parse(SourceText text, SqlDialect dialect)
    {
        var tokens = SqlLexer.Lex(text.Text, dialect);
        var slices = StatementSplitter.Split(text.Text, tokens, dialect);
        var statements = new List<ParsedStatement>(slices.Count);
        foreach (var slice in slices)
        {
            statements.Add(new ParsedStatement { Slice = slice, Model = StatementClassifier.Classify(text.Text, tokens, slice, dialect) });
        }
        return new SqlScript(text, dialect, tokens, statements, LexicalErrors.Find(text.Text, tokens, dialect));
    }

    /// <summary>The statement whose span contains (or touches) the offset, if any.</summary>
    public ParsedStatement? StatementAt(int offset)
    {
        var lo = 0;
        var hi = Statements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var s = Statements[mid].Span;
            if (offset < s.Start) hi = mid - 1;
            else if (offset > s.End) lo = mid + 1;
            else return Statements[mid];
        }
        return null;
    }

    /// <summary>The comments that stand before a statement (and on its last line after it), for inline suppressions.</summary>
    public IEnumerable<Token> CommentsAround(ParsedStatement statement)
    {
        for (var i = statement.Slice.LeadingTriviaStart; i < statement.Slice.FirstToken; i++)
            if (Tokens[i].IsComment) yield return Tokens[i];
        var after = statement.Slice.TerminatorToken >= 0 ? statement.Slice.TerminatorToken + 1 : statement.Slice.LastToken + 1;
        for (var i = after; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.Kind == TokenKind.Whitespace && Text.Text.AsSpan(t.Start, t.Length).IndexOfAny('\n', '\r') >= 0) break;
            if (t.IsComment) { yield return t; break; }
            if (!t.IsTrivia) break;
        }
    }
}
