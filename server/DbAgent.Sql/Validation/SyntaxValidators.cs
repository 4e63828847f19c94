using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Validation;

/// <summary>The exact-syntax validators by dialect. MySQL and SQLite have none: their grammars are not at hand as libraries.</summary>
public sealed class SyntaxValidators
{
    private readonly Dictionary<SqlDialect, ISyntaxValidator> _byDialect;

    public SyntaxValidators(IEnumerable<ISyntaxValidator> validators) => _byDialect = validators.ToDictionary(v => v.Dialect);

    public static SyntaxValidators Default { get; } = new([new PostgresSyntaxValidator(), new TSqlSyntaxValidator()]);

    /// <summary>The validator for a dialect, when there is one and it is available.</summary>
    public ISyntaxValidator? For(SqlDialect dialect) => _byDialect.TryGetValue(dialect, out var v) && v.IsAvailable ? v : null;

    /// <summary>Validators that exist but cannot run here, with why: to be logged once, not per document.</summary>
    public IEnumerable<(SqlDialect Dialect, string Reason)> Unavailable =>
        _byDialect.Values.Where(v => !v.IsAvailable).Select(v => (v.Dialect, v.UnavailableReason));

    /// <summary>Exact errors for every statement of a script, in document offsets and in document order.</summary>
    public IReadOnlyList<SyntaxError> Validate(SqlScript script, CancellationToken cancellationToken = default)
    {
        if (For(script.Dialect) is not { } validator) return [];
        var errors = new List<SyntaxError>();
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            errors.AddRange(validator.Validate(script.Text.ToString(statement.Span), statement.Span.Start));
        }
        return errors;
    }
}
