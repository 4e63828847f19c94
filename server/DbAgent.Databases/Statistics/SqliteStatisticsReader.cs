using System.Globalization;
using DbAgent.Databases.Engines;
using DbAgent.Databases.Plans;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Statistics;

/// <summary>
/// SQLite: rows from sqlite_stat1 when the database was ANALYZEd, else a count bounded at <see cref="CountLimit"/>;
/// sizes from the dbstat virtual table when the library has it. Column figures come from a bounded sample of
/// the table (SQLite keeps no per-column statistics beyond sqlite_stat1/4 for indexed columns).
/// </summary>
public static class SqliteStatisticsReader
{
    public const int CountLimit = 1_000_000;
    public const int SampleRows = 100_000;

    private static async Task<string?> RealNameAsync(SqliteConnection c, string name, CancellationToken ct) =>
        (await AdoCommands.QueryAsync(c, null, "SELECT name FROM sqlite_schema WHERE type = 'table' AND lower(name) = lower(@n)", r => r.GetString(0), ct, null, ("n", name))).FirstOrDefault();

    public static async Task<Dictionary<string, string>> Stat1Async(SqliteConnection c, CancellationToken ct)
    {
        var exists = (await AdoCommands.QueryAsync(c, null, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'", r => 1, ct)).Count > 0;
        if (!exists)
            return new(StringComparer.OrdinalIgnoreCase);
        var rows = await AdoCommands.QueryAsync(c, null, "SELECT tbl, idx, stat FROM sqlite_stat1", r => (Table: r.GetString(0), Index: r.Str(1), Stat: r.Str(2) ?? ""), ct);
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in rows)
            result[row.Index ?? "table:" + row.Table] = row.Stat;
        return result;
    }

    public static double[] ParseStat(string stat) =>
        stat.Split(' ', StringSplitOptions.RemoveEmptyEntries).TakeWhile(p => char.IsDigit(p[0]))
            .Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Rows of a table: sqlite_stat1 (the table's or any index's first figure), else a bounded count.</summary>
    public static async Task<(double Rows, bool Exact)> RowsAsync(SqliteConnection c, string table, Dictionary<string, string> stat1, CancellationToken ct)
    {
        if (stat1.TryGetValue("table:" + table, out var ts) && ParseStat(ts) is { Length: > 0 } t)
            return (t[0], false);
        var indexes = await AdoCommands.QueryAsync(c, null, "SELECT name FROM pragma_index_list(@t)", r => r.GetString(0), ct, null, ("t", table));
        foreach (var index in indexes)
            if (stat1.TryGetValue(index, out var s) && ParseStat(s) is { Length: > 0 } figures)
                return (figures[0], false);
        var count = await AdoCommands.QueryAsync(c, null, $"SELECT count(*) FROM (SELECT 1 FROM {AdoCommands.Quote(DatabaseEngine.Sqlite, table)} LIMIT {CountLimit + 1})", r => r.Long(0) ?? 0, ct);
        return (count[0], count[0] <= CountLimit);
    }

    public static async Task<SqliteRowEstimates> EstimatesAsync(SqliteConnection c, IEnumerable<string> tables, CancellationToken ct)
    {
        var estimates = new SqliteRowEstimates();
        var stat1 = await Stat1Async(c, ct);
        foreach (var (key, value) in stat1)
            if (!key.StartsWith("table:", StringComparison.Ordinal))
                estimates.IndexStats[key] = ParseStat(value);
        foreach (var table in tables.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (await RealNameAsync(c, table, ct) is not { } real)
                continue;
            estimates.TableRows[table] = (await RowsAsync(c, real, stat1, ct)).Rows;
        }
        return estimates;
    }

    private static async Task<bool> HasDbstatAsync(SqliteConnection c, CancellationToken ct)
    {
        try
        {
            await AdoCommands.QueryAsync(c, null, "SELECT 1 FROM dbstat LIMIT 1", r => 1, ct);
            return true;
        }
        catch (SqliteException)
        {
            return false; // the library was built without SQLITE_ENABLE_DBSTAT_VTAB
        }
    }

    public static async Task<TableStats?> ReadTableAsync(SqliteConnection c, QualifiedName table, CancellationToken ct)
    {
        if (await RealNameAsync(c, table.Name, ct) is not { } name)
            return null;
        var stat1 = await Stat1Async(c, ct);
        var (rows, _) = await RowsAsync(c, name, stat1, ct);
        var dbstat = await HasDbstatAsync(c, ct);
        async Task<long?> SizeAsync(string objectName) => dbstat
            ? (await AdoCommands.QueryAsync(c, null, "SELECT sum(pgsize) FROM dbstat WHERE name = @n", r => r.Long(0), ct, null, ("n", objectName))).FirstOrDefault()
            : null;

        var indexRows = await AdoCommands.QueryAsync(c, null, """
            SELECT il.name, il."unique", il.origin, s.sql FROM pragma_index_list(@t) il LEFT JOIN sqlite_schema s ON s.type = 'index' AND s.name = il.name
            """, r => (Name: r.GetString(0), Unique: r.Bool(1), Origin: r.Str(2), Sql: r.Str(3)), ct, null, ("t", name));
        var indexes = new List<IndexStats>();
        foreach (var ix in indexRows)
            indexes.Add(new IndexStats(ix.Name) { Definition = ix.Sql, Unique = ix.Unique, Primary = ix.Origin == "pk", SizeBytes = await SizeAsync(ix.Name) });
        var tableBytes = await SizeAsync(name);
        long? indexBytes = dbstat ? indexes.Sum(i => i.SizeBytes ?? 0) : null;
        return new TableStats(new QualifiedName("main", name))
        {
            EstimatedRows = rows, TableBytes = tableBytes, IndexBytes = indexBytes,
            TotalBytes = tableBytes is null ? null : tableBytes + (indexBytes ?? 0),
            Indexes = indexes,
        };
    }

    public static async Task<ColumnStats?> ReadColumnAsync(SqliteConnection c, QualifiedName table, string column, CancellationToken ct)
    {
        if (await RealNameAsync(c, table.Name, ct) is not { } name)
            return null;
        var info = (await AdoCommands.QueryAsync(c, null, "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(@t) WHERE lower(name) = lower(@c)",
            r => (Name: r.GetString(0), Type: r.Str(1), NotNull: r.Bool(2), Default: r.Str(3), Pk: r.Int(4)), ct, null, ("t", name), ("c", column))).FirstOrDefault();
        if (info.Name is null)
            return null;
        var q = AdoCommands.Quote(DatabaseEngine.Sqlite, info.Name);
        var sample = $"(SELECT {q} AS v FROM {AdoCommands.Quote(DatabaseEngine.Sqlite, name)} LIMIT {SampleRows})";
        var counts = (await AdoCommands.QueryAsync(c, null, $"SELECT count(*), count(v), count(DISTINCT v) FROM {sample}",
            r => (All: r.Long(0) ?? 0, NonNull: r.Long(1) ?? 0, Distinct: r.Long(2) ?? 0), ct)).First();
        var common = await AdoCommands.QueryAsync(c, null, $"SELECT CAST(v AS TEXT), count(*) AS n FROM {sample} WHERE v IS NOT NULL GROUP BY v HAVING count(*) > 1 ORDER BY n DESC LIMIT 5",
            r => (Value: r.Str(0) ?? "", Count: r.Long(1) ?? 0), ct);
        double? distinct = counts.All == 0 ? null : counts.Distinct == counts.NonNull && counts.NonNull > 0 ? -(double)counts.NonNull / counts.All : counts.Distinct;
        return new ColumnStats(new QualifiedName("main", name), info.Name)
        {
            DataType = info.Type?.ToLowerInvariant(), Nullable = !info.NotNull && info.Pk == 0, Default = info.Default,
            NullFraction = counts.All == 0 ? null : (double)(counts.All - counts.NonNull) / counts.All,
            DistinctValues = distinct,
            MostCommonValues = common.Select(m => m.Value).ToList(),
            MostCommonFrequencies = counts.All == 0 ? [] : common.Select(m => (double)m.Count / counts.All).ToList(),
        };
    }
}
