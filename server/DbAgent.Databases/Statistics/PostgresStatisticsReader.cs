using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Statistics;

/// <summary>PostgreSQL: pg_class, the size functions, pg_stat_user_tables / _indexes and pg_stats.</summary>
public static class PostgresStatisticsReader
{
    public static async Task<TableStats?> ReadTableAsync(DbConnection connection, DbTransaction? transaction, QualifiedName table, CancellationToken ct)
    {
        const string tableSql = """
            SELECT c.oid, n.nspname, c.relname, c.reltuples::float8, pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),
                   s.seq_scan, s.idx_scan, s.n_live_tup, s.n_dead_tup, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
            WHERE c.relkind IN ('r', 'p', 'm') AND lower(c.relname) = lower(@name)
              AND (CASE WHEN CAST(@schema AS text) IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE lower(n.nspname) = lower(CAST(@schema AS text)) END)
            ORDER BY (c.relname = @name) DESC, array_position(current_schemas(false), n.nspname)
            LIMIT 1
            """;
        var found = await Db.QueryAsync(connection, transaction, tableSql, r => (Oid: Convert.ToUInt32(r.GetValue(0)), Stats: new TableStats(new QualifiedName(r.GetString(1), r.GetString(2)))
        {
            // reltuples is -1 for a table never vacuumed or analyzed (PG14+): unknown, not empty.
            EstimatedRows = r.Double(3) is { } rows && rows >= 0 ? rows : null,
            TableBytes = r.Long(4), IndexBytes = r.Long(5), TotalBytes = r.Long(6),
            SequentialScans = r.Long(7), IndexScans = r.Long(8), LiveRows = r.Long(9), DeadRows = r.Long(10),
            LastVacuum = r.Time(11), LastAutoVacuum = r.Time(12), LastAnalyze = r.Time(13), LastAutoAnalyze = r.Time(14),
        }), ct, null, ("name", table.Name), ("schema", (object?)table.Schema ?? DBNull.Value));
        if (found.Count == 0)
            return null;
        var (oid, stats) = found[0];

        var indexes = await Db.QueryAsync(connection, transaction, """
            SELECT ic.relname, pg_get_indexdef(i.indexrelid), pg_relation_size(i.indexrelid), s.idx_scan, i.indisunique, i.indisprimary
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = i.indexrelid
            WHERE i.indrelid = CAST(@oid AS bigint)::oid ORDER BY ic.relname
            """, r => new IndexStats(r.GetString(0))
        {
            Definition = r.Str(1), SizeBytes = r.Long(2), Scans = r.Long(3), Unique = r.Bool(4), Primary = r.Bool(5),
        }, ct, null, ("oid", (long)oid));
        return stats with { Indexes = indexes };
    }

    public static async Task<ColumnStats?> ReadColumnAsync(DbConnection connection, DbTransaction? transaction, QualifiedName table, string column, CancellationToken ct)
    {
        const string sql = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                   s.null_frac::float8, s.n_distinct::float8, s.most_common_vals::text, s.most_common_freqs::float8[], s.correlation::float8
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
            WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm', 'v', 'f')
              AND lower(c.relname) = lower(@name) AND lower(a.attname) = lower(@column)
              AND (CASE WHEN CAST(@schema AS text) IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE lower(n.nspname) = lower(CAST(@schema AS text)) END)
            ORDER BY (c.relname = @name) DESC, array_position(current_schemas(false), n.nspname), (s.inherited IS TRUE)
            LIMIT 1
            """;
        var found = await Db.QueryAsync(connection, transaction, sql, r => new ColumnStats(new QualifiedName(r.GetString(0), r.GetString(1)), r.GetString(2))
        {
            DataType = r.Str(3), Nullable = r.Bool(4), Default = r.Str(5), NullFraction = r.Double(6), DistinctValues = r.Double(7),
            MostCommonValues = ParseArray(r.Str(8)),
            MostCommonFrequencies = r.IsDBNull(9) ? [] : ((double[])r.GetValue(9)).ToList(),
            Correlation = r.Double(10),
        }, ct, null, ("name", table.Name), ("schema", (object?)table.Schema ?? DBNull.Value), ("column", column));
        return found.FirstOrDefault();
    }

    /// <summary>Parses PostgreSQL's text form of an array ({a,"b c",NULL}) into its elements.</summary>
    public static IReadOnlyList<string> ParseArray(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length < 2 || text[0] != '{')
            return [];
        var result = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var wasQuoted = false;
        for (var i = 1; i < text.Length - 1; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '\\' && i + 1 < text.Length - 1) current.Append(text[++i]);
                else if (ch == '"') quoted = false;
                else current.Append(ch);
            }
            else if (ch == '"') { quoted = true; wasQuoted = true; }
            else if (ch == ',')
            {
                result.Add(!wasQuoted && current.ToString() == "NULL" ? "NULL" : current.ToString());
                current.Clear();
                wasQuoted = false;
            }
            else current.Append(ch);
        }
        result.Add(current.ToString());
        return result;
    }
}
