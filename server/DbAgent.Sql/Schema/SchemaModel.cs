using DbAgent.Sql.Semantics;

namespace DbAgent.Sql.Schema;

/// <summary>Where a piece of the schema model came from: a migration replayed, or a live catalog.</summary>
public sealed record SchemaOrigin(string? DocumentUri, DbAgent.Sql.Text.TextSpan Span);

public sealed class ColumnModel
{
    public required string Name { get; set; }
    /// <summary>Normalised type name (integer, bigint, text, varchar(255), numeric(10,2), timestamp, boolean, ...).</summary>
    public required string DataType { get; set; }
    public bool Nullable { get; set; } = true;
    public string? Default { get; set; }
    public bool IsIdentity { get; set; }
    public SchemaOrigin? Origin { get; set; }

    public ColumnModel Clone() => (ColumnModel)MemberwiseClone();
}

public sealed class IndexModel
{
    public required string Name { get; set; }
    public required QualifiedName Table { get; set; }
    public List<IndexKey> Keys { get; set; } = [];
    public bool Unique { get; set; }
    public bool IsPrimaryKey { get; set; }
    public string? Method { get; set; }
    public string? Predicate { get; set; }
    public List<string> Include { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public IndexModel Clone() => new()
    {
        Name = Name, Table = Table, Keys = [.. Keys], Unique = Unique, IsPrimaryKey = IsPrimaryKey, Method = Method,
        Predicate = Predicate, Include = [.. Include], Origin = Origin,
    };
}

public sealed class ConstraintModel
{
    public required ConstraintKind Kind { get; set; }
    public string? Name { get; set; }
    public List<string> Columns { get; set; } = [];
    public QualifiedName? ReferencedTable { get; set; }
    public List<string> ReferencedColumns { get; set; } = [];
    public string? CheckExpression { get; set; }
    public SchemaOrigin? Origin { get; set; }

    public ConstraintModel Clone() => new()
    {
        Kind = Kind, Name = Name, Columns = [.. Columns], ReferencedTable = ReferencedTable,
        ReferencedColumns = [.. ReferencedColumns], CheckExpression = CheckExpression, Origin = Origin,
    };
}

public sealed class TableModel
{
    public required QualifiedName Name { get; set; }
    public List<ColumnModel> Columns { get; set; } = [];
    public List<ConstraintModel> Constraints { get; set; } = [];
    public List<IndexModel> Indexes { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    /// <summary>True when the table was created from a query (CREATE TABLE ... AS): the model does not know all its columns.</summary>
    public bool ColumnsIncomplete { get; set; }

    public ColumnModel? FindColumn(string name) => Columns.FirstOrDefault(c => NameComparer.SameName(c.Name, name));

    public ConstraintModel? PrimaryKey => Constraints.FirstOrDefault(c => c.Kind == ConstraintKind.PrimaryKey);

    public IEnumerable<ConstraintModel> ForeignKeys => Constraints.Where(c => c.Kind == ConstraintKind.ForeignKey);

    public TableModel Clone() => new()
    {
        Name = Name,
        Columns = Columns.Select(c => c.Clone()).ToList(),
        Constraints = Constraints.Select(c => c.Clone()).ToList(),
        Indexes = Indexes.Select(i => i.Clone()).ToList(),
        Origin = Origin,
        ColumnsIncomplete = ColumnsIncomplete,
    };
}

public sealed class ViewModel
{
    public required QualifiedName Name { get; set; }
    public bool Materialized { get; set; }
    public string? Definition { get; set; }
    public List<string> Columns { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public ViewModel Clone() => new() { Name = Name, Materialized = Materialized, Definition = Definition, Columns = [.. Columns], Origin = Origin };
}

public sealed class EnumModel
{
    public required QualifiedName Name { get; set; }
    public List<string> Values { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public EnumModel Clone() => new() { Name = Name, Values = [.. Values], Origin = Origin };
}

/// <summary>
/// The schema: replayed from migrations (DDL in order) or read from a live catalog. Mutable while it is built;
/// share a <see cref="Clone"/> once built, and treat shared instances as read-only.
/// </summary>
public sealed class SchemaModel
{
    public SchemaModel(SqlDialect dialect) => Dialect = dialect;

    public SqlDialect Dialect { get; }

    /// <summary>The schema an unqualified name means (public, dbo, the MySQL database, main).</summary>
    public string? DefaultSchema { get; set; }

    public List<TableModel> Tables { get; } = [];
    public List<ViewModel> Views { get; } = [];
    public List<EnumModel> Enums { get; } = [];
    public List<QualifiedName> Sequences { get; } = [];
    public List<string> Schemas { get; } = [];

    public TableModel? FindTable(QualifiedName name) => Tables.FirstOrDefault(t => Matches(t.Name, name));

    public ViewModel? FindView(QualifiedName name) => Views.FirstOrDefault(v => Matches(v.Name, name));

    public EnumModel? FindEnum(QualifiedName name) => Enums.FirstOrDefault(e => Matches(e.Name, name));

    public IndexModel? FindIndex(QualifiedName name) =>
        Tables.SelectMany(t => t.Indexes).FirstOrDefault(i => NameComparer.SameName(i.Name, name.Name));

    private bool Matches(QualifiedName stored, QualifiedName wanted) =>
        NameComparer.SameName(stored.Name, wanted.Name) &&
        NameComparer.SameName(stored.Schema ?? DefaultSchema, wanted.Schema ?? DefaultSchema);

    public SchemaModel Clone()
    {
        var copy = new SchemaModel(Dialect) { DefaultSchema = DefaultSchema };
        copy.Tables.AddRange(Tables.Select(t => t.Clone()));
        copy.Views.AddRange(Views.Select(v => v.Clone()));
        copy.Enums.AddRange(Enums.Select(e => e.Clone()));
        copy.Sequences.AddRange(Sequences);
        copy.Schemas.AddRange(Schemas);
        return copy;
    }
}
