using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

/// <summary>A column as a DDL statement defines it. <see cref="DataType"/> is normalised (see the schema layer).</summary>
public sealed record ColumnDefinition(string Name, string DataType, TextSpan Span)
{
    /// <summary>The type as written.</summary>
    public string RawType { get; init; } = "";
    /// <summary>null when the statement does not say (a nullable column by default).</summary>
    public bool? Nullable { get; init; }
    public string? Default { get; init; }
    public bool IsIdentity { get; init; }
    public bool IsPrimaryKey { get; init; }
    public bool IsUnique { get; init; }
    /// <summary>An inline REFERENCES clause.</summary>
    public ConstraintDefinition? References { get; init; }
}

public enum ConstraintKind
{
    PrimaryKey,
    ForeignKey,
    Unique,
    Check,
    Exclusion,
}

public sealed record ConstraintDefinition(ConstraintKind Kind, string? Name, IReadOnlyList<string> Columns, TextSpan Span)
{
    public QualifiedName? ReferencedTable { get; init; }
    public IReadOnlyList<string> ReferencedColumns { get; init; } = [];
    public string? CheckExpression { get; init; }
    public string? OnDelete { get; init; }
    public string? OnUpdate { get; init; }
    /// <summary>PostgreSQL NOT VALID: added without scanning existing rows.</summary>
    public bool NotValid { get; init; }
}

/// <summary>One key of an index: a column, or an expression.</summary>
public sealed record IndexKey(string? Column, string? Expression, bool Descending)
{
    public override string ToString() => (Column ?? Expression ?? "?") + (Descending ? " DESC" : "");
}

/// <summary>An index definition with its options, as CREATE INDEX (or an inline constraint) states it.</summary>
public sealed record IndexDefinition(string? Name, QualifiedName Table, IReadOnlyList<IndexKey> Keys, TextSpan Span)
{
    public bool Unique { get; init; }
    /// <summary>btree, hash, gin, gist, brin, ... (null: the engine's default).</summary>
    public string? Method { get; init; }
    /// <summary>The WHERE of a partial index, as written.</summary>
    public string? Predicate { get; init; }
    public IReadOnlyList<string> Include { get; init; } = [];
    public bool Concurrently { get; init; }
    /// <summary>SQL Server ONLINE = ON.</summary>
    public bool Online { get; init; }
    /// <summary>MySQL ALGORITHM= and LOCK= options.</summary>
    public string? Algorithm { get; init; }
    public string? Lock { get; init; }
    public bool IfNotExists { get; init; }
    public bool Clustered { get; init; }
}

/// <summary>What a DDL statement changes, as data. Replaying these in order builds the schema model.</summary>
public abstract record DdlAction(TextSpan Span);

public sealed record CreateTableAction(QualifiedName Table, IReadOnlyList<ColumnDefinition> Columns, IReadOnlyList<ConstraintDefinition> Constraints, TextSpan Span) : DdlAction(Span)
{
    public bool IfNotExists { get; init; }
    public bool Temporary { get; init; }
    /// <summary>CREATE TABLE ... AS SELECT: columns are unknown to the model.</summary>
    public bool FromQuery { get; init; }
}

public sealed record AddColumnAction(QualifiedName Table, ColumnDefinition Column, TextSpan Span) : DdlAction(Span)
{
    public bool IfNotExists { get; init; }
}

public sealed record DropColumnAction(QualifiedName Table, string Column, TextSpan Span) : DdlAction(Span)
{
    public bool IfExists { get; init; }
}

public sealed record AlterColumnTypeAction(QualifiedName Table, string Column, string DataType, string RawType, TextSpan Span) : DdlAction(Span);

public sealed record SetColumnNullabilityAction(QualifiedName Table, string Column, bool Nullable, TextSpan Span) : DdlAction(Span);

public sealed record SetColumnDefaultAction(QualifiedName Table, string Column, string? Default, TextSpan Span) : DdlAction(Span);

public sealed record RenameColumnAction(QualifiedName Table, string OldName, string NewName, TextSpan Span) : DdlAction(Span);

public sealed record RenameTableAction(QualifiedName Table, QualifiedName NewName, TextSpan Span) : DdlAction(Span);

public sealed record AddConstraintAction(QualifiedName Table, ConstraintDefinition Constraint, TextSpan Span) : DdlAction(Span);

public sealed record DropConstraintAction(QualifiedName Table, string Name, TextSpan Span) : DdlAction(Span)
{
    public bool IfExists { get; init; }
}

public sealed record CreateIndexAction(IndexDefinition Index, TextSpan Span) : DdlAction(Span);

public sealed record RenameIndexAction(QualifiedName Index, string NewName, TextSpan Span) : DdlAction(Span);

public sealed record CreateViewAction(QualifiedName View, TextSpan Span) : DdlAction(Span)
{
    public bool Materialized { get; init; }
    public bool OrReplace { get; init; }
    /// <summary>The query text of the view, as written.</summary>
    public string? Definition { get; init; }
    public IReadOnlyList<string> Columns { get; init; } = [];
}

public sealed record CreateEnumAction(QualifiedName Type, IReadOnlyList<string> Values, TextSpan Span) : DdlAction(Span);

public sealed record AddEnumValueAction(QualifiedName Type, string Value, TextSpan Span) : DdlAction(Span)
{
    public string? Before { get; init; }
    public string? After { get; init; }
}

public sealed record CreateSequenceAction(QualifiedName Sequence, TextSpan Span) : DdlAction(Span);

public sealed record CreateSchemaAction(string Schema, TextSpan Span) : DdlAction(Span);

public enum DroppedObjectKind
{
    Table,
    View,
    MaterializedView,
    Index,
    Sequence,
    Type,
    Schema,
    Function,
    Trigger,
    Other,
}

public sealed record DropObjectAction(DroppedObjectKind ObjectKind, IReadOnlyList<QualifiedName> Names, TextSpan Span) : DdlAction(Span)
{
    public bool IfExists { get; init; }
    public bool Cascade { get; init; }
    /// <summary>For DROP INDEX ... ON table (MySQL, T-SQL).</summary>
    public QualifiedName? OnTable { get; init; }
}
