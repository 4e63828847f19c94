using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Catalog;

/// <summary>
/// PostgreSQL's catalog (pg_class, pg_attribute, pg_constraint, pg_index, pg_enum) into the schema model. Types are
/// the engine's own names as format_type prints them (integer, character varying(255), numeric(10,2)).
/// </summary>
public static class PostgresCatalogReader
{
    private const string UserSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname NOT LIKE 'pg\\_temp\\_%' AND n.nspname NOT LIKE 'pg\\_toast\\_temp\\_%'";

    /// <summary>
    /// Every DDL writes a new row version (xmin) of the catalog rows it changes: pg_class for tables and indexes,
    /// pg_attribute for columns, pg_constraint for keys. Counts and the newest xmin of each, in one query, change
    /// when the schema does. (xmin wraps after 2^32 transactions; the counts still move.)
    /// </summary>
    public static async Task<string?> VersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var row = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT (SELECT count(*)::text || ':' || coalesce(max(c.xmin::text::bigint), 0)::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {UserSchemas}),
                   (SELECT count(*)::text || ':' || coalesce(max(a.xmin::text::bigint), 0)::text FROM pg_attribute a WHERE a.attrelid >= 16384),
                   (SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM pg_constraint),
                   (SELECT count(*)::text FROM pg_enum)
            """, r => $"{r.GetString(0)}/{r.GetString(1)}/{r.GetString(2)}/{r.GetString(3)}", ct);
        return row.FirstOrDefault();
    }

    public static async Task<SchemaModel> ReadAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        var defaultSchema = (string?)await AdoCommands.ScalarAsync(connection, transaction, "SELECT current_schema()", ct);
        var rows = new CatalogRows { DefaultSchema = defaultSchema ?? "public" };
        rows.Schemas.AddRange(await AdoCommands.QueryAsync(connection, transaction,
            $"SELECT n.nspname FROM pg_namespace n WHERE {UserSchemas} ORDER BY 1", r => r.GetString(0), ct));

        rows.Tables.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p', 'f') AND NOT c.relispartition AND {UserSchemas} ORDER BY 1, 2
            """, r => new CatalogTableRow(r.GetString(0), r.GetString(1)), ct));

        var columns = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname, a.attname, a.attnum, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull,
                   pg_get_expr(d.adbin, d.adrelid), a.attidentity <> '' OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%', c.relkind
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'f', 'v', 'm') AND {UserSchemas}
            ORDER BY a.attrelid, a.attnum
            """, r => (Row: new CatalogColumnRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3), r.GetString(4))
            {
                Nullable = r.Bool(5), Default = r.Str(6), IsIdentity = r.Bool(7),
            }, Kind: r.Str(8)), ct);
        rows.Columns.AddRange(columns.Where(c => c.Kind is "r" or "p" or "f").Select(c => c.Row));
        rows.ViewColumns.AddRange(columns.Where(c => c.Kind is "v" or "m").Select(c => c.Row));

        // Key constraints: one row per column, in key order; CHECK constraints as a whole.
        rows.Constraints.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname, con.conname, con.contype::text, k.ord::int, a.attname, fn.nspname, fc.relname, fa.attname,
                   CASE WHEN con.contype = 'c' THEN pg_get_constraintdef(con.oid, true) END
            FROM pg_constraint con
            JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) ON true
            LEFT JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum
            LEFT JOIN pg_class fc ON fc.oid = con.confrelid LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
            LEFT JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[k.ord]
            WHERE con.contype IN ('p', 'f', 'u', 'c', 'x') AND {UserSchemas}
            """, r => new CatalogConstraintRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3) switch
            {
                "p" => ConstraintKind.PrimaryKey, "f" => ConstraintKind.ForeignKey, "u" => ConstraintKind.Unique, "c" => ConstraintKind.Check, _ => ConstraintKind.Exclusion,
            })
            {
                Ordinal = r.Int(4), Column = r.Str(5), ReferencedSchema = r.Str(6), ReferencedTable = r.Str(7), ReferencedColumn = r.Str(8),
                CheckExpression = StripCheck(r.Str(9)),
            }, ct));

        rows.Indexes.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, t.relname, ic.relname, k.ord::int, a.attname,
                   CASE WHEN k.attnum = 0 THEN pg_get_indexdef(i.indexrelid, k.ord::int, true) END,
                   k.ord <= i.indnkeyatts AND (i.indoption[k.ord - 1] & 1) = 1, k.ord > i.indnkeyatts,
                   i.indisunique, i.indisprimary, am.amname, pg_get_expr(i.indpred, i.indrelid, true)
            FROM pg_index i
            JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = ic.relam
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
            WHERE {UserSchemas} AND t.relkind IN ('r', 'p', 'm')
            """, r => new CatalogIndexRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3))
            {
                Column = r.Str(4), Expression = r.Str(5), Descending = r.Bool(6), Included = r.Bool(7), Unique = r.Bool(8), Primary = r.Bool(9),
                Method = r.Str(10), Predicate = r.Str(11),
            }, ct));

        // Sorted here rather than by the server: at 500,000 catalog rows a collation-aware sort of names costs
        // seconds, an ordinal one in memory a fraction of that.
        SortByName(rows.Constraints, c => (c.Schema, c.Table, c.Name), c => c.Ordinal);
        SortByName(rows.Indexes, i => (i.Schema, i.Table, i.Name), i => i.Ordinal);

        rows.Views.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname, c.relkind = 'm', pg_get_viewdef(c.oid, true)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('v', 'm') AND {UserSchemas} ORDER BY 1, 2
            """, r => new CatalogViewRow(r.GetString(0), r.GetString(1), r.Bool(2), r.Str(3)), ct));

        var enumLabels = await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, t.typname, e.enumsortorder::float8, e.enumlabel
            FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE {UserSchemas} ORDER BY 1, 2, 3
            """, r => (Schema: r.GetString(0), Name: r.GetString(1), Sort: r.Double(2) ?? 0, Value: r.GetString(3)), ct);
        rows.Enums.AddRange(enumLabels.GroupBy(e => (e.Schema, e.Name)).SelectMany(g => g.Select((e, i) => new CatalogEnumRow(e.Schema, e.Name, i, e.Value))));

        rows.Sequences.AddRange(await AdoCommands.QueryAsync(connection, transaction, $"""
            SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'S' AND {UserSchemas} ORDER BY 1, 2
            """, r => new QualifiedName(r.GetString(0), r.GetString(1)), ct));

        return CatalogBuilder.Build(SqlDialect.Postgres, rows);
    }

    private static void SortByName<T>(List<T> list, Func<T, (string? Schema, string Table, string Name)> key, Func<T, int> ordinal)
    {
        var sorted = list.OrderBy(x => key(x).Schema, StringComparer.Ordinal).ThenBy(x => key(x).Table, StringComparer.Ordinal)
            .ThenBy(x => key(x).Name, StringComparer.Ordinal).ThenBy(ordinal).ToList();
        list.Clear();
        list.AddRange(sorted);
    }

    private static bool Balanced(string s)
    {
        var depth = 0;
        foreach (var ch in s)
        {
            depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
            if (depth < 0)
                return false;
        }
        return depth == 0;
    }

    /// <summary>"CHECK ((total >= 0))" → "(total >= 0)", as a migration would have written it.</summary>
    private static string? StripCheck(string? definition)
    {
        if (definition is null)
            return null;
        var d = definition.Trim();
        if (d.StartsWith("CHECK ", StringComparison.OrdinalIgnoreCase))
            d = d[6..].Trim();
        if (d.EndsWith(" NOT VALID", StringComparison.OrdinalIgnoreCase))
            d = d[..^10];
        if (d.StartsWith('(') && d.EndsWith(')') && Balanced(d[1..^1]))
            d = d[1..^1];
        return d;
    }
}
