using System.Collections.Concurrent;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using DbAgent.Sql.Validation;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>
/// The engines' own grammars (libpg_query, ScriptDom) over each statement, cached by statement text: while typing,
/// only the statement being edited is new, so an edit costs one statement's parse, not the document's.
/// Statements our own front end already found broken are left to its message (one error per problem).
/// </summary>
public static class ExactSyntaxErrors
{
    private const int MaxCachedStatements = 20_000;
    private static readonly ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>> Cache = new();

    public static SyntaxValidators Validators { get; set; } = SyntaxValidators.Default;

    public static IReadOnlyList<SyntaxError> Find(SqlScript script, CancellationToken cancellationToken)
    {
        if (Validators.For(script.Dialect) is not { } validator) return [];
        var errors = new List<SyntaxError>();
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (script.Errors.Any(e => e.Span.IntersectsWith(statement.Span))) continue;
            var text = script.Text.ToString(statement.Span);
            if (Cache.Count > MaxCachedStatements) Cache.Clear();
            var relative = Cache.GetOrAdd((script.Dialect, text), static (key, v) => v.Validate(key.Item2, 0), validator);
            foreach (var error in relative)
                errors.Add(error with { Span = new TextSpan(error.Span.Start + statement.Span.Start, error.Span.Length) });
        }
        return errors;
    }
}
