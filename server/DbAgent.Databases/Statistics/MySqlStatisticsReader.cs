using System.Data.Common;
using System.Text.Json;
using DbAgent.Databases.Engines;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Statistics;

/// <summary>
/// MySQL/MariaDB: information_schema.TABLES (TABLE_ROWS is InnoDB's estimate), STATISTICS (index cardinality),
/// index sizes from mysql.innodb_index_stats, index use from performance_schema when it is on, and column
/// histograms (MariaDB mysql.column_stats after ANALYZE ... PERSISTENT, MySQL 8 information_schema.COLUMN_STATISTICS).
/// </summary>
public static class MySqlStatisticsReader
{
    public static async Task<TableStats?> ReadTableAsync(DbConnection c, DbTransaction? tx, QualifiedName table, CancellationToken ct)
    {
        var found = await AdoCommands.QueryAsync(c, tx, """
            SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, DATA_FREE, UPDATE_TIME
            FROM information_schema.TABLES
            WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @name AND TABLE_TYPE <> 'VIEW'
            """, r => new TableStats(new QualifiedName(r.GetString(0), r.GetString(1)))
            {
                EstimatedRows = r.Double(2), TableBytes = r.Long(3), IndexBytes = r.Long(4),
                TotalBytes = r.Long(3) is { } d && r.Long(4) is { } i ? d + i : null,
            }, ct, null, ("schema", table.Schema), ("name", table.Name));
        if (found.Count == 0)
            return null;
        var stats = found[0];
        var schema = stats.Table.Schema!;
        var name = stats.Table.Name;

        var indexRows = await AdoCommands.QueryAsync(c, tx, """
            SELECT INDEX_NAME, NON_UNIQUE, GROUP_CONCAT(CONCAT(COLUMN_NAME, CASE WHEN SUB_PART IS NULL THEN '' ELSE CONCAT('(', SUB_PART, ')') END) ORDER BY SEQ_IN_INDEX SEPARATOR ', '), MAX(INDEX_TYPE)
            FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = @name GROUP BY INDEX_NAME, NON_UNIQUE ORDER BY INDEX_NAME
            """, r => (Name: r.GetString(0), Unique: r.Int(1) == 0, Columns: r.Str(2) ?? "", Type: r.Str(3)), ct, null, ("schema", schema), ("name", name));

        // InnoDB keeps each index's size in pages; readable where the account may read the mysql schema.
        var sizes = await OptionalAsync(() => AdoCommands.QueryAsync(c, tx, """
            SELECT s.index_name, s.stat_value * @@innodb_page_size FROM mysql.innodb_index_stats s
            WHERE s.database_name = @schema AND s.table_name = @name AND s.stat_name = 'size'
            """, r => (Name: r.GetString(0), Bytes: r.Long(1)), ct, null, ("schema", schema), ("name", name)));
        // performance_schema counts reads per index since the server started (when it is enabled).
        var usage = await OptionalAsync(() => AdoCommands.QueryAsync(c, tx, """
            SELECT INDEX_NAME, COUNT_READ FROM performance_schema.table_io_waits_summary_by_index_usage
            WHERE OBJECT_SCHEMA = @schema AND OBJECT_NAME = @name
            """, r => (Name: r.Str(0), Reads: r.Long(1)), ct, null, ("schema", schema), ("name", name)));

        var indexes = indexRows.Select(ix => new IndexStats(ix.Name)
        {
            Definition = $"{(ix.Name == "PRIMARY" ? "PRIMARY KEY" : (ix.Unique ? "UNIQUE " : "") + "INDEX " + ix.Name)} ({ix.Columns}){(ix.Type is null or "BTREE" ? "" : " USING " + ix.Type)}",
            Unique = ix.Unique, Primary = ix.Name == "PRIMARY",
            SizeBytes = sizes?.FirstOrDefault(s => s.Name == ix.Name).Bytes,
            Scans = usage?.FirstOrDefault(u => u.Name == ix.Name).Reads,
        }).ToList();
        // The row with a NULL index is reads that used no index: full scans (in rows read, not scans).
        var fullReads = usage?.FirstOrDefault(u => u.Name is null).Reads;
        return stats with
        {
            Indexes = indexes,
            SequentialScans = fullReads,
            IndexScans = usage is null ? null : usage.Where(u => u.Name is not null).Sum(u => u.Reads ?? 0),
        };
    }

    public static async Task<ColumnStats?> ReadColumnAsync(DbConnection c, DbTransaction? tx, QualifiedName table, string column, bool mariaDb, CancellationToken ct)
    {
        var found = await AdoCommands.QueryAsync(c, tx, """
            SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE = 'YES', COLUMN_DEFAULT
            FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @name AND COLUMN_NAME = @column
            """, r => new ColumnStats(new QualifiedName(r.GetString(0), r.GetString(1)), r.GetString(2))
            {
                DataType = r.Str(3), Nullable = r.Bool(4), Default = r.Str(5) == "NULL" && mariaDb ? null : r.Str(5),
            }, ct, null, ("schema", table.Schema), ("name", table.Name), ("column", column));
        if (found.Count == 0)
            return null;
        var stats = found[0];
        var schema = stats.Table.Schema!;

        // Distinct values of a column that leads an index: the index's cardinality.
        var cardinality = await AdoCommands.QueryAsync(c, tx, """
            SELECT MAX(CARDINALITY) FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = @name AND COLUMN_NAME = @column AND SEQ_IN_INDEX = 1
            """, r => r.Double(0), ct, null, ("schema", schema), ("name", stats.Table.Name), ("column", stats.Column));
        stats = stats with { DistinctValues = cardinality.FirstOrDefault() };

        if (mariaDb)
        {
            // Engine-independent statistics, filled by ANALYZE TABLE ... PERSISTENT FOR ALL (or use_stat_tables).
            var persistent = await OptionalAsync(() => AdoCommands.QueryAsync(c, tx, """
                SELECT nulls_ratio, avg_frequency FROM mysql.column_stats WHERE db_name = @schema AND table_name = @name AND column_name = @column
                """, r => (Nulls: r.Double(0), AvgFrequency: r.Double(1)), ct, null, ("schema", schema), ("name", stats.Table.Name), ("column", stats.Column)));
            if (persistent is { Count: > 0 } && persistent[0] is var p)
            {
                var rows = (await ReadTableAsync(c, tx, stats.Table, ct))?.EstimatedRows;
                stats = stats with
                {
                    NullFraction = p.Nulls,
                    DistinctValues = p.AvgFrequency is > 0 && rows is > 0 ? Math.Round(rows.Value * (1 - (p.Nulls ?? 0)) / p.AvgFrequency.Value) : stats.DistinctValues,
                };
            }
        }
        else
        {
            // MySQL 8: ANALYZE TABLE ... UPDATE HISTOGRAM ON col stores a JSON histogram with its null fraction.
            var histogram = await OptionalAsync(() => AdoCommands.QueryAsync(c, tx, """
                SELECT HISTOGRAM FROM information_schema.COLUMN_STATISTICS WHERE SCHEMA_NAME = @schema AND TABLE_NAME = @name AND COLUMN_NAME = @column
                """, r => r.Str(0), ct, null, ("schema", schema), ("name", stats.Table.Name), ("column", stats.Column)));
            if (histogram is { Count: > 0 } && histogram[0] is { } json)
            {
                try
                {
                    using var doc = JsonDocument.Parse(json);
                    if (doc.RootElement.TryGetProperty("null-values", out var nulls))
                        stats = stats with { NullFraction = nulls.GetDouble() };
                    if (doc.RootElement.TryGetProperty("histogram-type", out var type) && type.GetString() == "singleton" && doc.RootElement.TryGetProperty("buckets", out var buckets))
                    {
                        // Singleton buckets: [value, cumulative frequency].
                        var previous = 0.0;
                        var values = new List<(string Value, double Frequency)>();
                        foreach (var bucket in buckets.EnumerateArray())
                        {
                            var cumulative = bucket[1].GetDouble();
                            values.Add((bucket[0].ToString(), cumulative - previous));
                            previous = cumulative;
                        }
                        var top = values.OrderByDescending(v => v.Frequency).Take(5).ToList();
                        stats = stats with { MostCommonValues = top.Select(t => t.Value).ToList(), MostCommonFrequencies = top.Select(t => t.Frequency).ToList(), DistinctValues = values.Count };
                    }
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
                {
                }
            }
        }
        return stats;
    }

    /// <summary>Reads that need privileges or features a server may not give (mysql.*, performance_schema): null when refused.</summary>
    private static async Task<List<T>?> OptionalAsync<T>(Func<Task<List<T>>> read)
    {
        try
        {
            return await read();
        }
        catch (MySqlConnector.MySqlException)
        {
            return null;
        }
    }
}
