using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

/// <summary>What a statement does, as every feature reads it: rules, hovers, the advisor and the chat tools.</summary>
public enum StatementKind
{
    Unknown,
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Truncate,
    CreateTable,
    AlterTable,
    DropTable,
    CreateIndex,
    AlterIndex,
    DropIndex,
    CreateView,
    CreateMaterializedView,
    AlterView,
    DropView,
    CreateSequence,
    AlterSequence,
    DropSequence,
    CreateType,
    AlterType,
    DropType,
    CreateSchema,
    DropSchema,
    CreateFunction,
    DropFunction,
    CreateTrigger,
    DropTrigger,
    Transaction,
    Set,
    Use,
    Explain,
    Grant,
    Comment,
    Analyze,
    Vacuum,
    Other,
}

/// <summary>How a statement touches a relation.</summary>
public enum RelationRole
{
    Read,
    Written,
    Created,
    Altered,
    Dropped,
}

/// <summary>A possibly schema-qualified object name, with quoting removed. Comparison follows <see cref="NameComparer"/>.</summary>
public sealed record QualifiedName(string? Schema, string Name)
{
    public static QualifiedName Parse(string text)
    {
        var dot = text.LastIndexOf('.');
        return dot < 0 ? new QualifiedName(null, text) : new QualifiedName(text[..dot], text[(dot + 1)..]);
    }

    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";
}

/// <summary>Unquoted identifiers compare case-insensitively in every dialect we read; this is the one place that says so.</summary>
public static class NameComparer
{
    public static readonly StringComparer Instance = StringComparer.OrdinalIgnoreCase;

    public static bool SameName(string? a, string? b) => Instance.Equals(a ?? string.Empty, b ?? string.Empty);

    /// <summary>Same object when names match and schemas match or either side leaves the schema out.</summary>
    public static bool SameObject(QualifiedName a, QualifiedName b) =>
        SameName(a.Name, b.Name) && (a.Schema is null || b.Schema is null || SameName(a.Schema, b.Schema));
}

/// <summary>A table, view or CTE named by a statement.</summary>
public sealed record RelationReference(QualifiedName Name, string? Alias, TextSpan Span, RelationRole Role)
{
    /// <summary>True for a name that resolves to a CTE of the same statement rather than a stored relation.</summary>
    public bool IsCommonTableExpression { get; init; }
}

/// <summary>A column named by a statement, resolved to its relation where the model can tell.</summary>
public sealed record ColumnReference(string? Qualifier, string Name, TextSpan Span)
{
    public RelationReference? Relation { get; init; }
}

/// <summary>How a predicate can use an index.</summary>
public enum PredicateKind
{
    Equality,
    NotEqual,
    Range,
    Between,
    InList,
    InSubquery,
    LikePrefix,
    LikeInfix,
    IsNull,
    IsNotNull,
    /// <summary>The column is wrapped in a function or cast (e.g. lower(email) = ?), which defeats a plain index.</summary>
    FunctionWrapped,
    /// <summary>Column compared with a column of another relation.</summary>
    Join,
    Exists,
    Other,
}

/// <summary>One comparison of a WHERE, ON or HAVING clause.</summary>
public sealed record Predicate(PredicateKind Kind, ColumnReference? Column, TextSpan Span)
{
    /// <summary>The comparison operator or keyword as written (=, &lt;, IN, LIKE, ...).</summary>
    public string? Operator { get; init; }

    /// <summary>For join predicates, the column on the other side.</summary>
    public ColumnReference? OtherColumn { get; init; }

    /// <summary>For function-wrapped columns, the function or cast (lower, date, ::date).</summary>
    public string? Function { get; init; }

    /// <summary>Predicates that share a group number are alternatives joined by OR; null when not under an OR.</summary>
    public int? OrGroup { get; init; }

    /// <summary>Where the predicate sits: WHERE, ON, HAVING.</summary>
    public PredicateClause Clause { get; init; } = PredicateClause.Where;
}

public enum PredicateClause
{
    Where,
    JoinOn,
    Having,
}

public sealed record OrderItem(ColumnReference? Column, string Expression, bool Descending, TextSpan Span)
{
    public bool? NullsFirst { get; init; }
}

public sealed record LimitClause(TextSpan Span)
{
    public long? Limit { get; init; }
    public long? Offset { get; init; }
}
