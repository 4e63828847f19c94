using System.Collections.Concurrent;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using DbAgent.Sql.Validation;

namespace DbAgent.Analysis.Pipeline;

/// <summary>
/// The engines' own grammars (libpg_query, ScriptDom) over each statement, cached by statement text: while typing,
/// only the statement being edited is new, so an edit costs one statement's parse, not the document's.
/// Statements our own front end already found broken are left to its message (one error per problem).
/// </summary>
public static class ExactSyntaxErrors
{
    /// <summary>
    /// Two generations: a lookup promotes an entry from the old one to the new one, and when the new one is full the
    /// old one is dropped. What every analysis run uses stays; what no document has any more goes within two turns.
    /// </summary>
    private const int GenerationSize = 100_000;
    private static readonly object Gate = new();
    private static ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>> _current = new();
    private static ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>> _previous = new();
    /// <summary>Entries added to the current generation. ConcurrentDictionary.Count takes every lock; this does not.</summary>
    private static int _added;

    public static SyntaxValidators Validators { get; set; } = SyntaxValidators.Default;

    public static IReadOnlyList<SyntaxError> Find(SqlScript script, CancellationToken cancellationToken)
    {
        if (Validators.For(script.Dialect) is not { } validator) return [];
        var errors = new List<SyntaxError>();
        var broken = script.Errors;
        var next = 0;
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Both lists are in document order: walk the lexical errors alongside.
            while (next < broken.Count && broken[next].Span.End < statement.Span.Start) next++;
            if (next < broken.Count && broken[next].Span.IntersectsWith(statement.Span)) continue;
            var key = (script.Dialect, script.Text.ToString(statement.Span));
            foreach (var error in Lookup(key, validator))
                errors.Add(error with { Span = new TextSpan(error.Span.Start + statement.Span.Start, error.Span.Length) });
        }
        return errors;
    }

    private static IReadOnlyList<SyntaxError> Lookup((SqlDialect, string) key, ISyntaxValidator validator)
    {
        var current = _current;
        if (current.TryGetValue(key, out var found)) return found;
        if (!_previous.TryGetValue(key, out found)) found = validator.Validate(key.Item2, 0);
        if (current.TryAdd(key, found) && Interlocked.Increment(ref _added) > GenerationSize)
        {
            lock (Gate)
            {
                if (ReferenceEquals(current, _current))
                {
                    _previous = current;
                    _current = new ConcurrentDictionary<(SqlDialect, string), IReadOnlyList<SyntaxError>>();
                    Volatile.Write(ref _added, 0);
                }
            }
        }
        return found;
    }
}
