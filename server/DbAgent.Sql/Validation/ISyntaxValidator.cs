using DbAgent.Sql.Syntax;

namespace DbAgent.Sql.Validation;

/// <summary>
/// Exact syntax errors from an engine's own grammar, one statement at a time so that one bad statement does not hide
/// the others. Errors come back in document offsets: the statement's offset in the document is added.
/// </summary>
public interface ISyntaxValidator
{
    SqlDialect Dialect { get; }

    /// <summary>False when the grammar is not at hand (e.g. libpg_query is not installed): <see cref="Validate"/> then finds nothing.</summary>
    bool IsAvailable { get; }

    /// <summary>Why the validator is not available; empty when it is.</summary>
    string UnavailableReason { get; }

    IReadOnlyList<SyntaxError> Validate(string statementText, int offsetInDocument);
}
