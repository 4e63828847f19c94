using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

/// <summary>
/// The semantic model of one statement: the contract every feature reads (rules, hovers, advisor, chat tools).
/// Immutable once built.
/// </summary>
public sealed class StatementModel
{
    public required StatementKind Kind { get; init; }

    /// <summary>The whole statement, without the terminating semicolon.</summary>
    public required TextSpan Span { get; init; }

    /// <summary>The leading keyword(s) (e.g. "DELETE FROM"): where a statement-level diagnostic points when the whole statement is too long to underline.</summary>
    public TextSpan KeywordSpan { get; init; }

    /// <summary>Every relation named, with its role. CTE names appear with <see cref="RelationReference.IsCommonTableExpression"/>.</summary>
    public IReadOnlyList<RelationReference> Relations { get; init; } = [];

    public IReadOnlyList<ColumnReference> Columns { get; init; } = [];

    public IReadOnlyList<Predicate> Predicates { get; init; } = [];

    /// <summary>True when the statement (its outermost query) has a WHERE clause.</summary>
    public bool HasWhere { get; init; }

    public TextSpan? WhereSpan { get; init; }

    public IReadOnlyList<ColumnReference> GroupBy { get; init; } = [];

    public IReadOnlyList<OrderItem> OrderBy { get; init; } = [];

    public LimitClause? Limit { get; init; }

    /// <summary>For DDL, what it changes, in order.</summary>
    public IReadOnlyList<DdlAction> Ddl { get; init; } = [];

    /// <summary>True when the parser did not know the statement's form: the model has only its span and the relations it could see.</summary>
    public bool IsOpaque { get; init; }

    /// <summary>Statement-specific detail that does not fit above (e.g. "BEGIN", "COMMIT", the SET variable).</summary>
    public string? Detail { get; init; }

    /// <summary>The relations the statement writes, creates, alters or drops.</summary>
    public IEnumerable<RelationReference> Targets => Relations.Where(r => r.Role != RelationRole.Read);
}
