using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Catalog;

// Flat rows as every engine's catalog query returns them; CatalogBuilder folds them into the schema model. Keeping
// the SQL (per engine) apart from the folding (shared, pure) lets the mapping be tested on recorded rows.

public sealed record CatalogTableRow(string? Schema, string Name);

public sealed record CatalogColumnRow(string? Schema, string Table, string Name, int Ordinal, string DataType)
{
    public bool Nullable { get; init; } = true;
    public string? Default { get; init; }
    public bool IsIdentity { get; init; }
}

/// <summary>One column of a key constraint (ordinal within the constraint), or a whole CHECK constraint (no column).</summary>
public sealed record CatalogConstraintRow(string? Schema, string Table, string Name, ConstraintKind Kind)
{
    public int Ordinal { get; init; }
    public string? Column { get; init; }
    public string? ReferencedSchema { get; init; }
    public string? ReferencedTable { get; init; }
    public string? ReferencedColumn { get; init; }
    public string? CheckExpression { get; init; }
    /// <summary>PostgreSQL: the referenced table's oid and this key's attribute number there, to name them when the read did not hold that table.</summary>
    internal long? ReferencedOid { get; init; }
    internal int ReferencedAttnum { get; init; }
}

/// <summary>One key (or included column) of an index; index-level fields repeat on every row.</summary>
public sealed record CatalogIndexRow(string? Schema, string Table, string Name, int Ordinal)
{
    public string? Column { get; init; }
    /// <summary>An expression key (PostgreSQL expression indexes, MySQL 8 functional key parts).</summary>
    public string? Expression { get; init; }
    public bool Descending { get; init; }
    public bool Included { get; init; }
    public bool Unique { get; init; }
    public bool Primary { get; init; }
    public string? Method { get; init; }
    public string? Predicate { get; init; }
}

public sealed record CatalogViewRow(string? Schema, string Name, bool Materialized, string? Definition);

public sealed record CatalogEnumRow(string? Schema, string Name, int Ordinal, string Value);

public sealed class CatalogRows
{
    public string? DefaultSchema { get; init; }
    public List<CatalogTableRow> Tables { get; } = [];
    public List<CatalogColumnRow> Columns { get; } = [];
    public List<CatalogConstraintRow> Constraints { get; } = [];
    public List<CatalogIndexRow> Indexes { get; } = [];
    public List<CatalogViewRow> Views { get; } = [];
    /// <summary>Columns of views, in order (same row shape as table columns).</summary>
    public List<CatalogColumnRow> ViewColumns { get; } = [];
    public List<CatalogEnumRow> Enums { get; } = [];
    public List<QualifiedName> Sequences { get; } = [];
    public List<string> Schemas { get; } = [];
}

/// <summary>Folds catalog rows into a <see cref="SchemaModel"/>. Pure.</summary>
public static class CatalogBuilder
{
    public static SchemaModel Build(SqlDialect dialect, CatalogRows rows)
    {
        var model = new SchemaModel(dialect) { DefaultSchema = rows.DefaultSchema };
        model.Schemas.AddRange(rows.Schemas.Distinct(StringComparer.Ordinal));
        var tables = new Dictionary<(string?, string), TableModel>();
        foreach (var t in rows.Tables)
        {
            var table = new TableModel { Name = new QualifiedName(t.Schema, t.Name) };
            if (tables.TryAdd((t.Schema, t.Name), table))
                model.Tables.Add(table);
        }

        // A catalog of 500,000 columns spells a few dozen types: normalise each spelling once.
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        string Normalized(string raw)
        {
            if (!types.TryGetValue(raw, out var normal)) types[raw] = normal = DbAgent.Sql.Schema.TypeNames.Normalize(raw, dialect);
            return normal;
        }
        // Catalogs list a table's columns together and in order (500,000 rows at 50,000 tables): take each run of
        // rows for one table with one lookup, and sort only when the rows come out of order.
        var columnRows = InOrder(rows.Columns) ? (IEnumerable<CatalogColumnRow>)rows.Columns : rows.Columns.OrderBy(c => c.Ordinal);
        TableModel? current = null;
        CatalogColumnRow? previous = null;
        foreach (var c in columnRows)
        {
            if (previous is null || !ReferenceEquals(previous.Table, c.Table) || !ReferenceEquals(previous.Schema, c.Schema))
                current = tables.GetValueOrDefault((c.Schema, c.Table));
            previous = c;
            current?.Columns.Add(new ColumnModel
            {
                // The same spelling the migration replay uses, so live and replayed schemas compare equal.
                Name = c.Name, DataType = Normalized(c.DataType), Nullable = c.Nullable, Default = c.Default, IsIdentity = c.IsIdentity,
            });
        }

        foreach (var group in rows.Constraints.GroupBy(c => (c.Schema, c.Table, c.Name, c.Kind)))
        {
            if (!tables.TryGetValue((group.Key.Schema, group.Key.Table), out var table))
                continue;
            var ordered = group.OrderBy(c => c.Ordinal).ToList();
            var first = ordered[0];
            table.Constraints.Add(new ConstraintModel
            {
                Kind = group.Key.Kind,
                Name = group.Key.Name,
                Columns = ordered.Where(c => c.Column is not null).Select(c => c.Column!).ToList(),
                ReferencedTable = first.ReferencedTable is null ? null : new QualifiedName(first.ReferencedSchema, first.ReferencedTable),
                ReferencedColumns = ordered.Where(c => c.ReferencedColumn is not null).Select(c => c.ReferencedColumn!).ToList(),
                CheckExpression = first.CheckExpression,
            });
        }
        // A primary key known only from an index (SQLite rowid tables, MySQL's PRIMARY) still counts as one.
        foreach (var group in rows.Indexes.Where(i => i.Primary).GroupBy(i => (i.Schema, i.Table, i.Name)))
        {
            if (tables.TryGetValue((group.Key.Schema, group.Key.Table), out var table) && table.PrimaryKey is null)
                table.Constraints.Insert(0, new ConstraintModel
                {
                    Kind = ConstraintKind.PrimaryKey, Name = group.Key.Name,
                    Columns = group.Where(i => !i.Included && i.Column is not null).OrderBy(i => i.Ordinal).Select(i => i.Column!).ToList(),
                });
        }

        foreach (var group in rows.Indexes.GroupBy(i => (i.Schema, i.Table, i.Name)))
        {
            if (!tables.TryGetValue((group.Key.Schema, group.Key.Table), out var table))
                continue;
            var ordered = group.OrderBy(i => i.Ordinal).ToList();
            var first = ordered[0];
            table.Indexes.Add(new IndexModel
            {
                Name = group.Key.Name,
                Table = table.Name,
                Keys = ordered.Where(i => !i.Included).Select(i => new IndexKey(i.Column, i.Column is null ? i.Expression : null, i.Descending)).ToList(),
                Include = ordered.Where(i => i.Included && i.Column is not null).Select(i => i.Column!).ToList(),
                Unique = first.Unique || first.Primary,
                IsPrimaryKey = first.Primary,
                Method = first.Method,
                Predicate = first.Predicate,
            });
        }

        var viewColumns = rows.ViewColumns.GroupBy(c => (c.Schema, c.Table)).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Ordinal).Select(c => c.Name).ToList());
        foreach (var v in rows.Views)
        {
            model.Views.Add(new ViewModel
            {
                Name = new QualifiedName(v.Schema, v.Name), Materialized = v.Materialized, Definition = v.Definition?.Trim(),
                Columns = viewColumns.TryGetValue((v.Schema, v.Name), out var cols) ? cols : [],
            });
        }

        foreach (var group in rows.Enums.GroupBy(e => (e.Schema, e.Name)))
            model.Enums.Add(new EnumModel { Name = new QualifiedName(group.Key.Schema, group.Key.Name), Values = group.OrderBy(e => e.Ordinal).Select(e => e.Value).ToList() });

        model.Sequences.AddRange(rows.Sequences);
        return model;
    }

    /// <summary>True when each table's rows come together and in rising ordinal (no table's rows come back after another's).</summary>
    private static bool InOrder(List<CatalogColumnRow> columns)
    {
        var seen = new HashSet<(string?, string)>();
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var sameTable = i > 0 && string.Equals(columns[i - 1].Table, c.Table, StringComparison.Ordinal) && string.Equals(columns[i - 1].Schema, c.Schema, StringComparison.Ordinal);
            if (sameTable)
            {
                if (columns[i - 1].Ordinal >= c.Ordinal) return false;
            }
            else if (!seen.Add((c.Schema, c.Table))) return false;
        }
        return true;
    }
}
