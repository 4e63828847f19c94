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

    /// <summary>True when ScriptDom parses the text without errors.</summary>
    public static bool Accepts(string text)
    {
        using var reader = new StringReader(text);
        CreateParser().Parse(reader, out var errors);
        return errors.Count == 0;
    }

    public IReadOnlyList<SyntaxError> Validate(string statementText, int offsetInDocument)
    {
        if (string.IsNullOrWhiteSpace(statementText)) return [];
        IList<ParseError> errors;
        using (var reader = new StringReader(statementText))
            CreateParser().Parse(reader, out errors);
        if (errors.Count == 0) return [];
        var tokens = SqlLexer.Lex(statementText, SqlDialect.TSql);
        var result = new List<SyntaxError>(errors.Count);
        foreach (var error in errors)
        {
            var span = ErrorSpans.AtOffset(statementText, tokens, Math.Clamp(error.Offset, 0, statementText.Length));
            result.Add(new SyntaxError(new Text.TextSpan(span.Start + offsetInDocument, span.Length), error.Message, SourceName));
        }
        return result;
    }
}
