using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace DbAgent.Sql.Validation;

/// <summary>T-SQL syntax errors from Microsoft's own T-SQL parser (ScriptDom), with quoted identifiers on as SQL Server's default.</summary>
public sealed class TSqlSyntaxValidator : ISyntaxValidator
{
    public const string SourceName = "ScriptDom";

    public SqlDialect Dialect => SqlDialect.TSql;
    public bool IsAvailable => true;
    public string UnavailableReason => "";

    /// <summary>The newest grammar the referenced ScriptDom has (SQL Server 2025).</summary>
    public static TSqlParser CreateParser() => new TSql170Parser(initialQuotedIdentifiers: true);

    /// <summary>
    /// ScriptDom's parser recurses for every level of nesting and a stack overflow ends the process, so nesting
    /// deeper than the default stack holds is parsed on a thread with a large stack, and beyond this depth not at all.
    /// </summary>
    public const int MaxNesting = 20_000;
    private const int InlineNesting = 100;
    private const int LargeStackBytes = 512 * 1024 * 1024;

    /// <summary>True when ScriptDom parses the text without errors; null when it is nested too deeply to parse safely.</summary>
    public static bool? Accepts(string text) => Parse(text, SqlLexer.Lex(text, SqlDialect.TSql)) is { } errors ? errors.Count == 0 : null;

    public IReadOnlyList<SyntaxError> Validate(string statementText, int offsetInDocument)
    {
        if (string.IsNullOrWhiteSpace(statementText)) return [];
        var tokens = SqlLexer.Lex(statementText, SqlDialect.TSql);
        var errors = Parse(statementText, tokens);
        if (errors is null || errors.Count == 0) return [];
        var result = new List<SyntaxError>(errors.Count);
        foreach (var error in errors)
        {
            var span = ErrorSpans.AtOffset(statementText, tokens, Math.Clamp(error.Offset, 0, statementText.Length));
            result.Add(new SyntaxError(new Text.TextSpan(span.Start + offsetInDocument, span.Length), error.Message, SourceName));
        }
        return result;
    }

    private static IList<ParseError>? Parse(string text, List<Token> tokens)
    {
        var nesting = Nesting(text, tokens);
        if (nesting > MaxNesting) return null;
        if (nesting <= InlineNesting) return ParseHere(text);
        IList<ParseError>? errors = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try { errors = ParseHere(text); }
            catch (Exception e) { failure = e; }
        }, LargeStackBytes) { IsBackground = true, Name = "ScriptDom (deep nesting)" };
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("ScriptDom failed on a deeply nested statement.", failure);
        return errors;
    }

    private static IList<ParseError> ParseHere(string text)
    {
        using var reader = new StringReader(text);
        CreateParser().Parse(reader, out var errors);
        return errors;
    }

    /// <summary>
    /// How deep a recursive parser can go on these tokens: the deepest nesting of parentheses and CASE/BEGIN blocks,
    /// plus every binary operator and set operation, since `1 + 1 + ...` and `SELECT 1 UNION SELECT 1 ...` build
    /// left-deep trees as tall as the chain is long (ScriptDom's visitors then recurse once per level).
    /// </summary>
    private static int Nesting(string text, List<Token> tokens)
    {
        int depth = 0, max = 0, chain = 0;
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.OpenParen || t.IsWord(text, "CASE") || t.IsWord(text, "BEGIN")) max = Math.Max(max, ++depth);
            else if (t.Kind == TokenKind.CloseParen || t.IsWord(text, "END")) depth = Math.Max(0, depth - 1);
            else if (t.Kind == TokenKind.Operator || t.IsWord(text, "UNION") || t.IsWord(text, "EXCEPT") || t.IsWord(text, "INTERSECT") ||
                     t.IsWord(text, "AND") || t.IsWord(text, "OR")) chain++;
        }
        return max + chain;
    }
}
