using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Statistics;

/// <summary>PostgreSQL: pg_class, the size functions, pg_stat_user_tables / _indexes and pg_stats.</summary>
public static class PostgresStatisticsReader
{
    /// <summary>
    /// The table a name means: the exact spelling first (pg_class's name index answers it), then regardless of case,
    /// in search-path order when unqualified. Reading the statistics views only for that one oid keeps a hover as
    /// fast at 50,000 tables as at 50: joined by name, the views compute their counters for every table first.
    /// </summary>
    private static async Task<uint?> FindAsync(DbConnection connection, DbTransaction? transaction, QualifiedName table, string kinds, CancellationToken ct)
    {
        foreach (var match in new[] { "c.relname = @name", "lower(c.relname) = lower(@name)" })
        {
            var sql = $"""
                SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ({kinds}) AND {match}
                  AND (CASE WHEN CAST(@schema AS text) IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE lower(n.nspname) = lower(CAST(@schema AS text)) END)
                ORDER BY array_position(current_schemas(false), n.nspname)
                LIMIT 1
                """;
            var found = await AdoCommands.QueryAsync(connection, transaction, sql, r => Convert.ToUInt32(r.GetValue(0)), ct, null,
                ("name", table.Name), ("schema", (object?)table.Schema ?? DBNull.Value));
            if (found.Count > 0) return found[0];
        }
        return null;
    }

    public static async Task<TableStats?> ReadTableAsync(DbConnection connection, DbTransaction? transaction, QualifiedName table, CancellationToken ct)
    {
        if (await FindAsync(connection, transaction, table, "'r', 'p', 'm'", ct) is not { } oid)
            return null;
        const string tableSql = """
            SELECT c.oid, n.nspname, c.relname, c.reltuples::float8, pg_relation_size(c.oid), pg_indexes_size(c.oid), pg_total_relation_size(c.oid),
                   s.seq_scan, s.idx_scan, s.n_live_tup, s.n_dead_tup, s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN (SELECT * FROM pg_stat_user_tables WHERE relid = CAST(@oid AS bigint)::oid) s ON true
            WHERE c.oid = CAST(@oid AS bigint)::oid
            """;
        var found = await AdoCommands.QueryAsync(connection, transaction, tableSql, r => new TableStats(new QualifiedName(r.GetString(1), r.GetString(2)))
        {
            EstimatedRows = r.Double(3) is { } rows && rows >= 0 ? rows : null,
            TableBytes = r.Long(4), IndexBytes = r.Long(5), TotalBytes = r.Long(6),
            SequentialScans = r.Long(7), IndexScans = r.Long(8), LiveRows = r.Long(9), DeadRows = r.Long(10),
            LastVacuum = r.Time(11), LastAutoVacuum = r.Time(12), LastAnalyze = r.Time(13), LastAutoAnalyze = r.Time(14),
        }, ct, null, ("oid", (long)oid));
        if (found.Count == 0)
            return null;
        var stats = found[0];

        var indexes = await AdoCommands.QueryAsync(connection, transaction, """
            SELECT ic.relname, pg_get_indexdef(i.indexrelid), pg_relation_size(i.indexrelid), s.idx_scan, i.indisunique, i.indisprimary
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            LEFT JOIN (SELECT indexrelid, idx_scan FROM pg_stat_user_indexes WHERE relid = CAST(@oid AS bigint)::oid) s ON s.indexrelid = i.indexrelid
            WHERE i.indrelid = CAST(@oid AS bigint)::oid ORDER BY ic.relname
            """, r => new IndexStats(r.GetString(0))
        {
            Definition = r.Str(1), SizeBytes = r.Long(2), Scans = r.Long(3), Unique = r.Bool(4), Primary = r.Bool(5),
        }, ct, null, ("oid", (long)oid));
        return stats with { Indexes = indexes };
    }

    public static async Task<ColumnStats?> ReadColumnAsync(DbConnection connection, DbTransaction? transaction, QualifiedName table, string column, CancellationToken ct)
    {
        if (await FindAsync(connection, transaction, table, "'r', 'p', 'm', 'v', 'f'", ct) is not { } oid)
            return null;
        const string sql = """
            SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = CAST(@oid AS bigint)::oid AND a.attnum > 0 AND NOT a.attisdropped AND lower(a.attname) = lower(@column)
            ORDER BY (a.attname = @column) DESC
            LIMIT 1
            """;
        var found = await AdoCommands.QueryAsync(connection, transaction, sql, r => new ColumnStats(new QualifiedName(r.GetString(0), r.GetString(1)), r.GetString(2))
        {
            DataType = r.Str(3), Nullable = r.Bool(4), Default = r.Str(5),
        }, ct, null, ("oid", (long)oid), ("column", column));
        if (found.Count == 0)
            return null;
        var stats = found[0];
        // pg_stats by constant names: the view then reads pg_statistic for this one column.
        var values = await AdoCommands.QueryAsync(connection, transaction, """
            SELECT s.null_frac::float8, s.n_distinct::float8, s.most_common_vals::text, s.most_common_freqs::float8[], s.correlation::float8
            FROM pg_stats s WHERE s.schemaname = @schema AND s.tablename = @name AND s.attname = @column
            ORDER BY (s.inherited IS TRUE)
            LIMIT 1
            """, r => stats with
        {
            NullFraction = r.Double(0), DistinctValues = r.Double(1),
            MostCommonValues = ParseArray(r.Str(2)),
            MostCommonFrequencies = r.IsDBNull(3) ? [] : ((double[])r.GetValue(3)).ToList(),
            Correlation = r.Double(4),
        }, ct, null, ("schema", stats.Table.Schema!), ("name", stats.Table.Name), ("column", stats.Column));
        return values.FirstOrDefault() ?? stats;
    }

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
