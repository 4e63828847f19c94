using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Validation;

/// <summary>PostgreSQL syntax errors from PostgreSQL's own parser (libpg_query), when the library is installed.</summary>
public sealed class PostgresSyntaxValidator : ISyntaxValidator
{
    public const string SourceName = "libpg_query";

    /// <summary>
    /// Longer statements (bulk INSERTs of generated data) are not sent: libpg_query builds a JSON tree many times
    /// the input's size, and the editor must stay responsive. Our own certain errors still cover them.
    /// </summary>
    public const int MaxStatementLength = 1_000_000;

    public SqlDialect Dialect => SqlDialect.Postgres;
    public bool IsAvailable => LibPgQuery.IsAvailable;
    public string UnavailableReason => LibPgQuery.UnavailableReason;

    public IReadOnlyList<SyntaxError> Validate(string statementText, int offsetInDocument)
    {
        if (!IsAvailable || string.IsNullOrWhiteSpace(statementText) || statementText.Length > MaxStatementLength) return [];
        var tokens = SqlLexer.Lex(statementText, SqlDialect.Postgres);
        var text = WithoutPsqlSyntax(statementText, tokens, out var skip);
        if (skip || text.Contains('\0')) return []; // psql variables are substituted by psql, and C strings end at NUL: no exact answer
        if (LibPgQuery.FindError(text) is not { } error) return [];
        var offset = LibPgQuery.CursorToUtf16Offset(text, error.CursorPosition);
        var span = ErrorSpans.AtOffset(text, tokens, error.CursorPosition > 0 ? offset : 0);
        return [new SyntaxError(new Text.TextSpan(span.Start + offsetInDocument, span.Length), Capitalise(error.Message), SourceName)];
    }

    /// <summary>
    /// psql's parts of a script are not SQL: a backslash command that follows SQL on its line (\gset, \g, \watch)
    /// ends the statement; :name, :'name' and :"name" variables make the text unknowable until psql substitutes them.
    /// </summary>
    private static string WithoutPsqlSyntax(string text, List<Token> tokens, out bool hasVariables)
    {
        hasVariables = false;
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Parameter && text[t.Start] == ':')
            {
                hasVariables = true;
                return text;
            }
            if ((t.Kind is TokenKind.Unknown or TokenKind.MetaCommand) && text[t.Start] == '\\')
                return text[..t.Start];
        }
        return text;
    }

    private static string Capitalise(string message) => message.Length > 0 && char.IsLower(message[0]) ? char.ToUpperInvariant(message[0]) + message[1..] : message;
}
