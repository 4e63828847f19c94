using System.Text.RegularExpressions;
using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Drift;

/// <summary>
/// Compares the schema the migrations build with the one a live catalog reports: missing and extra tables, columns
/// and indexes, and columns whose type or nullability differ. Each difference is a <c>schema-drift</c> finding on the
/// migration statement that declared the object (<see cref="SchemaOrigin"/>); what no migration declared (an extra
/// table) goes to <c>fallback</c>, typically the latest migration.
/// </summary>
public static partial class SchemaDrift
{
    /// <summary>Tables migration tools keep for themselves; their absence from the migrations is no drift.</summary>
    private static readonly HashSet<string> BookkeepingTables = new(StringComparer.OrdinalIgnoreCase)
    {
        "__EFMigrationsHistory", "schema_migrations", "flyway_schema_history", "_prisma_migrations", "alembic_version",
        "knex_migrations", "knex_migrations_lock", "goose_db_version", "databasechangelog", "databasechangeloglock",
        "_sqlx_migrations", "ar_internal_metadata", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4", "migrations",
        "dbup_schemaversions", "schemaversions", "refinery_schema_history", "atlas_schema_revisions", "diesel_schema_migrations",
    };

    public static IReadOnlyList<Finding> Compare(SchemaModel migrations, SchemaModel live, SchemaOrigin? fallback = null, string liveName = "the live database")
    {
        var findings = new List<Finding>();
        var matchedLive = new HashSet<TableModel>();

        foreach (var declared in migrations.Tables)
        {
            if (BookkeepingTables.Contains(declared.Name.Name)) continue;
            var actual = live.Tables.FirstOrDefault(t => !matchedLive.Contains(t) && SameTable(declared.Name, migrations.DefaultSchema, t.Name, live.DefaultSchema));
            if (actual is null)
            {
                findings.Add(Make(declared.Origin ?? fallback, "missing-table",
                    $"Table {declared.Name} is created by the migrations but does not exist in {liveName}.", declared.Name, null, "exists", "missing"));
                continue;
            }
            matchedLive.Add(actual);
            CompareColumns(declared, actual, live.Dialect, fallback, liveName, findings);
            CompareIndexes(declared, actual, live, fallback, liveName, findings);
        }

        var managed = ManagedSchemas(migrations, live);
        foreach (var actual in live.Tables)
        {
            if (matchedLive.Contains(actual) || BookkeepingTables.Contains(actual.Name.Name)) continue;
            if (!IsManaged(actual.Name, live, managed, migrations)) continue;
            findings.Add(Make(fallback, "extra-table",
                $"Table {actual.Name} exists in {liveName} but no migration creates it.", actual.Name, null, "missing", "exists"));
        }

        CompareViews(migrations, live, fallback, liveName, findings);
        CompareEnums(migrations, live, fallback, liveName, findings);
        return findings;
    }

    private static void CompareViews(SchemaModel migrations, SchemaModel live, SchemaOrigin? fallback, string liveName, List<Finding> findings)
    {
        var matched = new HashSet<ViewModel>();
        foreach (var view in migrations.Views)
        {
            var other = live.Views.FirstOrDefault(v => !matched.Contains(v) && SameTable(view.Name, migrations.DefaultSchema, v.Name, live.DefaultSchema));
            if (other is null)
            {
                var kind = view.Materialized ? "Materialized view" : "View";
                findings.Add(Make(view.Origin ?? fallback, "missing-view",
                    $"{kind} {view.Name} is created by the migrations but does not exist in {liveName}.", view.Name, null, "exists", "missing"));
                continue;
            }
            matched.Add(other);
        }
        var managed = ManagedSchemas(migrations, live);
        foreach (var other in live.Views)
        {
            if (matched.Contains(other) || !IsManaged(other.Name, live, managed, migrations)) continue;
            findings.Add(Make(fallback, "extra-view", $"View {other.Name} exists in {liveName} but no migration creates it.", other.Name, null, "missing", "exists"));
        }
    }

    private static void CompareEnums(SchemaModel migrations, SchemaModel live, SchemaOrigin? fallback, string liveName, List<Finding> findings)
    {
        foreach (var type in migrations.Enums)
        {
            var other = live.Enums.FirstOrDefault(e => SameTable(type.Name, migrations.DefaultSchema, e.Name, live.DefaultSchema));
            if (other is null)
            {
                findings.Add(Make(type.Origin ?? fallback, "missing-enum",
                    $"Enum type {type.Name} is created by the migrations but does not exist in {liveName}.", type.Name, null, "exists", "missing"));
                continue;
            }
            // Enum values are ordered: a different order sorts rows differently.
            if (!type.Values.SequenceEqual(other.Values, StringComparer.Ordinal))
            {
                var expected = string.Join(", ", type.Values.Select(v => "'" + v + "'"));
                var actual = string.Join(", ", other.Values.Select(v => "'" + v + "'"));
                findings.Add(Make(type.Origin ?? fallback, "enum-values",
                    $"Enum type {type.Name} has values ({expected}) in the migrations but ({actual}) in {liveName}.", type.Name, null, expected, actual));
            }
        }
    }

    private static HashSet<string> ManagedSchemas(SchemaModel migrations, SchemaModel live) =>
        migrations.Tables.Select(t => t.Name.Schema).Concat(migrations.Views.Select(v => v.Name.Schema))
            .Select(s => s ?? migrations.DefaultSchema ?? live.DefaultSchema ?? "")
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra objects count only in the schemas the migrations manage: other applications' schemas are not drift.</summary>
    private static bool IsManaged(QualifiedName name, SchemaModel live, HashSet<string> managed, SchemaModel migrations)
    {
        var schema = name.Schema ?? live.DefaultSchema;
        if (schema is null || managed.Count == 0 || managed.Contains("")) return true;
        return managed.Contains(schema);
    }

    private static void CompareColumns(TableModel declared, TableModel actual, SqlDialect dialect, SchemaOrigin? fallback, string liveName, List<Finding> findings)
    {
        var declaredKey = declared.PrimaryKey?.Columns ?? [];
        var actualKey = actual.PrimaryKey?.Columns ?? [];
        foreach (var column in declared.Columns)
        {
            var origin = column.Origin ?? declared.Origin ?? fallback;
            var other = actual.FindColumn(column.Name);
            if (other is null)
            {
                findings.Add(Make(origin, "missing-column",
                    $"Column {declared.Name}.{column.Name} is declared by the migrations but does not exist in {liveName}.", declared.Name, column.Name, column.DataType, "missing"));
                continue;
            }
            var expectedType = NormalizeType(column.DataType, dialect);
            var actualType = NormalizeType(other.DataType, dialect);
            if (expectedType != actualType)
            {
                // On the statement that gave the column the type the live one lacks: the last ALTER ... TYPE, else its declaration.
                findings.Add(Make(column.TypeOrigin ?? origin, "column-type",
                    $"Column {declared.Name}.{column.Name} is {column.DataType} in the migrations but {other.DataType} in {liveName}.", declared.Name, column.Name, column.DataType, other.DataType));
            }
            // A primary key column is NOT NULL whatever the declaration says.
            var expectedNullable = column.Nullable && !declaredKey.Any(k => NameComparer.SameName(k, column.Name));
            var actualNullable = other.Nullable && !actualKey.Any(k => NameComparer.SameName(k, other.Name));
            if (expectedNullable != actualNullable)
            {
                findings.Add(Make(column.NullabilityOrigin ?? origin, "column-nullability",
                    $"Column {declared.Name}.{column.Name} is {Nullability(expectedNullable)} in the migrations but {Nullability(actualNullable)} in {liveName}.",
                    declared.Name, column.Name, Nullability(expectedNullable), Nullability(actualNullable)));
            }
        }
        foreach (var other in actual.Columns)
        {
            if (declared.FindColumn(other.Name) is not null) continue;
            findings.Add(Make(declared.Origin ?? fallback, "extra-column",
                $"Column {declared.Name}.{other.Name} ({other.DataType}) exists in {liveName} but no migration declares it.", declared.Name, other.Name, "missing", other.DataType));
        }
    }

    private static void CompareIndexes(TableModel declared, TableModel actual, SchemaModel live, SchemaOrigin? fallback, string liveName, List<Finding> findings)
    {
        // Primary keys are compared as constraints by the engines themselves; their index names differ per engine.
        var expected = declared.Indexes.Where(i => !i.IsPrimaryKey).ToList();
        var present = actual.Indexes.Where(i => !i.IsPrimaryKey).ToList();
        var matched = new HashSet<IndexModel>();

        foreach (var index in expected)
        {
            var other = present.FirstOrDefault(i => !matched.Contains(i) && NameComparer.SameName(i.Name, index.Name))
                ?? present.FirstOrDefault(i => !matched.Contains(i) && SameKeys(i, index) && i.Unique == index.Unique);
            if (other is not null)
            {
                matched.Add(other);
                if (!SameKeys(other, index))
                {
                    findings.Add(Make(index.Origin ?? declared.Origin ?? fallback, "index-keys",
                        $"Index {index.Name} on {declared.Name} is ({Keys(index)}) in the migrations but ({Keys(other)}) in {liveName}.",
                        declared.Name, index.Name, Keys(index), Keys(other), isIndex: true));
                }
                continue;
            }
            findings.Add(Make(index.Origin ?? declared.Origin ?? fallback, "missing-index",
                $"Index {index.Name} on {declared.Name} ({Keys(index)}) is created by the migrations but does not exist in {liveName}.",
                declared.Name, index.Name, Keys(index), "missing", isIndex: true));
        }

        foreach (var other in present)
        {
            if (matched.Contains(other)) continue;
            // Unique constraints and (on MySQL) foreign keys bring an index of their own: not drift.
            if (declared.Constraints.Any(c => c.Kind is ConstraintKind.Unique or ConstraintKind.PrimaryKey or ConstraintKind.ForeignKey
                    && c.Columns.Count > 0 && c.Columns.Count <= other.Keys.Count
                    && c.Columns.Select((col, i) => NameComparer.SameName(col, other.Keys[i].Column)).All(x => x)
                    && (c.Kind != ConstraintKind.Unique || (other.Unique && c.Columns.Count == other.Keys.Count))))
                continue;
            findings.Add(Make(declared.Origin ?? fallback, "extra-index",
                $"Index {other.Name} on {declared.Name} ({Keys(other)}) exists in {liveName} but no migration creates it.",
                declared.Name, other.Name, "missing", Keys(other), isIndex: true));
        }
    }

    private static Finding Make(SchemaOrigin? origin, string kind, string message, QualifiedName table, string? member, string expected, string actual, bool isIndex = false)
    {
        var data = new Dictionary<string, string>
        {
            ["kind"] = kind,
            ["table"] = table.ToString(),
            ["expected"] = expected,
            ["actual"] = actual,
        };
        if (member is not null) data[isIndex ? "index" : "column"] = member;
        return new Finding(Rule.Id, Rule.DefaultSeverity, message, origin?.Span ?? default(TextSpan))
        {
            DocumentUri = origin?.DocumentUri,
            Data = data,
        };
    }

    private static bool SameTable(QualifiedName a, string? aDefault, QualifiedName b, string? bDefault)
    {
        if (!NameComparer.SameName(a.Name, b.Name)) return false;
        var sa = a.Schema ?? aDefault;
        var sb = b.Schema ?? bDefault;
        return sa is null || sb is null || NameComparer.SameName(sa, sb);
    }

    private static bool SameKeys(IndexModel a, IndexModel b) =>
        a.Keys.Count == b.Keys.Count && a.Keys.Zip(b.Keys).All(p => KeyText(p.First) == KeyText(p.Second));

    private static string KeyText(IndexKey key) =>
        (key.Column?.ToLowerInvariant() ?? WhitespaceOrQuotes().Replace(key.Expression ?? "", "").ToLowerInvariant().Trim('(', ')'))
        + (key.Descending ? " desc" : "");

    private static string Keys(IndexModel index) => string.Join(", ", index.Keys.Select(k => k.ToString()));

    private static string Nullability(bool nullable) => nullable ? "NULL" : "NOT NULL";

    /// <summary>Spellings of one type across migrations and catalogs (int4/integer, varchar/character varying, int(11)/int): the schema layer's normaliser.</summary>
    internal static string NormalizeType(string? type, SqlDialect dialect) => TypeNames.Normalize(type, dialect);

    [GeneratedRegex(@"[\s""`\[\]]+")]
    private static partial Regex WhitespaceOrQuotes();
}
