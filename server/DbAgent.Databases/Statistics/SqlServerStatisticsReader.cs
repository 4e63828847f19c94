using System.Data.Common;
using DbAgent.Databases.Engines;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Statistics;

/// <summary>
/// SQL Server: rows and pages from sys.dm_db_partition_stats, index use from sys.dm_db_index_usage_stats (since the
/// last restart), column figures from the statistics object that leads with the column (sys.dm_db_stats_properties
/// and sys.dm_db_stats_histogram, SQL Server 2016 SP1 CU2+), the catalog-view alternative to DBCC SHOW_STATISTICS.
/// </summary>
public static class SqlServerStatisticsReader
{
    private const string ResolveTable = "OBJECT_ID(QUOTENAME(COALESCE(@schema, SCHEMA_NAME())) + '.' + QUOTENAME(@name))";

    public static async Task<TableStats?> ReadTableAsync(DbConnection c, DbTransaction? tx, QualifiedName table, CancellationToken ct)
    {
        var found = await AdoCommands.QueryAsync(c, tx, $"""
            SELECT SCHEMA_NAME(t.schema_id), t.name,
                   (SELECT SUM(ps.row_count) FROM sys.dm_db_partition_stats ps WHERE ps.object_id = t.object_id AND ps.index_id IN (0, 1)),
                   (SELECT SUM(ps.used_page_count) * 8192 FROM sys.dm_db_partition_stats ps WHERE ps.object_id = t.object_id AND ps.index_id IN (0, 1)),
                   (SELECT SUM(ps.used_page_count) * 8192 FROM sys.dm_db_partition_stats ps WHERE ps.object_id = t.object_id AND ps.index_id > 1),
                   (SELECT SUM(us.user_scans) FROM sys.dm_db_index_usage_stats us WHERE us.database_id = DB_ID() AND us.object_id = t.object_id AND us.index_id IN (0, 1)),
                   (SELECT SUM(us.user_seeks + CASE WHEN us.index_id > 1 THEN us.user_scans ELSE 0 END) FROM sys.dm_db_index_usage_stats us WHERE us.database_id = DB_ID() AND us.object_id = t.object_id),
                   (SELECT MAX(STATS_DATE(s.object_id, s.stats_id)) FROM sys.stats s WHERE s.object_id = t.object_id)
            FROM sys.tables t WHERE t.object_id = {ResolveTable}
            """, r => new TableStats(new QualifiedName(r.GetString(0), r.GetString(1)))
            {
                EstimatedRows = r.Double(2), LiveRows = r.Long(2), TableBytes = r.Long(3), IndexBytes = r.Long(4) ?? 0,
                TotalBytes = (r.Long(3) ?? 0) + (r.Long(4) ?? 0), SequentialScans = r.Long(5), IndexScans = r.Long(6), LastAnalyze = r.Time(7),
            }, ct, null, ("schema", table.Schema), ("name", table.Name));
        if (found.Count == 0)
            return null;
        var stats = found[0];
        var indexes = await AdoCommands.QueryAsync(c, tx, $"""
            SELECT i.name, i.type_desc, i.is_unique, i.is_primary_key,
                   (SELECT SUM(ps.used_page_count) * 8192 FROM sys.dm_db_partition_stats ps WHERE ps.object_id = i.object_id AND ps.index_id = i.index_id),
                   (SELECT SUM(us.user_seeks + us.user_scans + us.user_lookups) FROM sys.dm_db_index_usage_stats us WHERE us.database_id = DB_ID() AND us.object_id = i.object_id AND us.index_id = i.index_id),
                   STUFF((SELECT ', ' + c.name + CASE WHEN ic.is_descending_key = 1 THEN ' DESC' ELSE '' END FROM sys.index_columns ic JOIN sys.columns c ON c.object_id = ic.object_id AND c.column_id = ic.column_id
                          WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id AND ic.is_included_column = 0 ORDER BY ic.key_ordinal FOR XML PATH('')), 1, 2, '')
            FROM sys.indexes i WHERE i.object_id = {ResolveTable} AND i.type > 0 ORDER BY i.name
            """, r => new IndexStats(r.GetString(0))
            {
                Definition = $"{r.GetString(1)} ({r.Str(6)})", Unique = r.Bool(2), Primary = r.Bool(3), SizeBytes = r.Long(4), Scans = r.Long(5),
            }, ct, null, ("schema", stats.Table.Schema), ("name", stats.Table.Name));
        return stats with { Indexes = indexes };
    }

    public static async Task<ColumnStats?> ReadColumnAsync(DbConnection c, DbTransaction? tx, QualifiedName table, string column, CancellationToken ct)
    {
        var found = await AdoCommands.QueryAsync(c, tx, $"""
            SELECT SCHEMA_NAME(o.schema_id), o.name, col.name, ty.name, col.max_length, col.precision, col.scale, col.is_nullable, dc.definition
            FROM sys.columns col JOIN sys.objects o ON o.object_id = col.object_id JOIN sys.types ty ON ty.user_type_id = col.user_type_id
            LEFT JOIN sys.default_constraints dc ON dc.object_id = col.default_object_id
            WHERE col.object_id = {ResolveTable} AND col.name = @column
            """, r => new ColumnStats(new QualifiedName(r.GetString(0), r.GetString(1)), r.GetString(2))
            {
                DataType = Catalog.SqlServerCatalogReader.TypeName(r.GetString(3), r.Int(4), r.Int(5), r.Int(6)), Nullable = r.Bool(7), Default = r.Str(8),
            }, ct, null, ("schema", table.Schema), ("name", table.Name), ("column", column));
        if (found.Count == 0)
            return null;
        var stats = found[0];
        // The statistics object whose first column is this one; its histogram steps give distinct values and the most common ones.
        var histogram = await AdoCommands.QueryAsync(c, tx, $"""
            SELECT CONVERT(nvarchar(4000), h.range_high_key), h.equal_rows, h.distinct_range_rows, sp.rows
            FROM sys.stats s
            JOIN sys.stats_columns sc ON sc.object_id = s.object_id AND sc.stats_id = s.stats_id AND sc.stats_column_id = 1
            JOIN sys.columns col ON col.object_id = sc.object_id AND col.column_id = sc.column_id
            CROSS APPLY sys.dm_db_stats_properties(s.object_id, s.stats_id) sp
            CROSS APPLY sys.dm_db_stats_histogram(s.object_id, s.stats_id) h
            WHERE s.object_id = {ResolveTable} AND col.name = @column
              AND s.stats_id = (SELECT TOP 1 s2.stats_id FROM sys.stats s2 JOIN sys.stats_columns sc2 ON sc2.object_id = s2.object_id AND sc2.stats_id = s2.stats_id AND sc2.stats_column_id = 1
                                WHERE s2.object_id = s.object_id AND sc2.column_id = sc.column_id ORDER BY s2.stats_id)
            """, r => (Key: r.Str(0), Equal: r.Double(1) ?? 0, DistinctRange: r.Double(2) ?? 0, Rows: r.Double(3) ?? 0), ct, null,
            ("schema", stats.Table.Schema), ("name", stats.Table.Name), ("column", stats.Column));
        if (histogram.Count == 0)
            return stats;
        var rows = histogram[0].Rows;
        var nullRows = histogram.Where(h => h.Key is null).Sum(h => h.Equal);
        var top = histogram.Where(h => h.Key is not null).OrderByDescending(h => h.Equal).Take(5).ToList();
        return stats with
        {
            NullFraction = rows > 0 ? nullRows / rows : null,
            DistinctValues = histogram.Count(h => h.Key is not null) + histogram.Sum(h => h.DistinctRange),
            MostCommonValues = top.Select(t => t.Key!).ToList(),
            MostCommonFrequencies = rows > 0 ? top.Select(t => t.Equal / rows).ToList() : [],
        };
    }
}
