using System.Globalization;
using DbAgent.Databases.Statistics;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Engines.Sqlite;

/// <summary>
/// A private in-memory database with the schema (tables, indexes, views) and the planner statistics
/// (sqlite_stat1, and sqlite_stat4 when both libraries keep it) of the user's SQLite file, and no rows. SQLite's
/// planner decides from the schema and those statistics, not from the rows, so EXPLAIN QUERY PLAN there plans as
/// it would on the file; an index created there is a hypothetical index. The user's file is only read: no write
/// connection, no lock beyond the read one, nothing that can wait on DbAgent's own reads.
/// </summary>
internal sealed class SqliteWhatIfCopy : IAsyncDisposable
{
    private SqliteWhatIfCopy(SqliteConnection connection) => Connection = connection;

    public SqliteConnection Connection { get; }

    public static async Task<SqliteWhatIfCopy> CreateAsync(SqliteConnection source, CancellationToken ct)
    {
        var objects = await AdoCommands.QueryAsync(source, null,
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL AND type IN ('table', 'index', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' " +
            "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
            r => (Type: r.GetString(0), Name: r.GetString(1), Sql: r.GetString(2)), ct);
        var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ":memory:", Pooling = false }.ConnectionString);
        try
        {
            await copy.OpenAsync(ct);
            foreach (var o in objects)
            {
                try
                {
                    await AdoCommands.ExecuteAsync(copy, null, o.Sql, ct);
                }
                catch (SqliteException)
                {
                    // A virtual table's shadow tables (its CREATE VIRTUAL TABLE made them already) or a module this
                    // library lacks: planning goes on without that object, as it would for a query not using it.
                }
            }
            await CopyStatisticsAsync(source, copy, ct);
            return new SqliteWhatIfCopy(copy);
        }
        catch
        {
            await copy.DisposeAsync();
            throw;
        }
    }

    private static async Task CopyStatisticsAsync(SqliteConnection source, SqliteConnection copy, CancellationToken ct)
    {
        var tables = await AdoCommands.QueryAsync(source, null, "SELECT name FROM sqlite_schema WHERE name IN ('sqlite_stat1', 'sqlite_stat4')", r => r.GetString(0), ct);
        if (!tables.Contains("sqlite_stat1")) return;
        // ANALYZE of the empty copy creates the statistics tables this library keeps; their rows are then replaced
        // by the file's.
        await AdoCommands.ExecuteAsync(copy, null, "ANALYZE", ct);
        await AdoCommands.ExecuteAsync(copy, null, "DELETE FROM sqlite_stat1", ct);
        var stat1 = await AdoCommands.QueryAsync(source, null, "SELECT tbl, idx, stat FROM sqlite_stat1", r => (r.Str(0), r.Str(1), r.Str(2)), ct);
        await InsertAsync(copy, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ($a, $b, $c)", stat1.Select(r => new object?[] { r.Item1, r.Item2, r.Item3 }), ct);

        var copyHasStat4 = (await AdoCommands.QueryAsync(copy, null, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat4'", r => 1, ct)).Count > 0;
        if (copyHasStat4)
        {
            await AdoCommands.ExecuteAsync(copy, null, "DELETE FROM sqlite_stat4", ct);
            if (tables.Contains("sqlite_stat4"))
            {
                var stat4 = await AdoCommands.QueryAsync(source, null, "SELECT tbl, idx, neq, nlt, ndlt, sample FROM sqlite_stat4",
                    r => new object?[] { r.GetValue(0), r.GetValue(1), r.GetValue(2), r.GetValue(3), r.GetValue(4), r.GetValue(5) }, ct);
                await InsertAsync(copy, "INSERT INTO sqlite_stat4 (tbl, idx, neq, nlt, ndlt, sample) VALUES ($a, $b, $c, $d, $e, $f)", stat4, ct);
            }
        }
        await ReloadStatisticsAsync(copy, ct);
    }

    /// <summary>The planner reads the statistics tables when it loads the schema; this makes it read them again.</summary>
    private static Task ReloadStatisticsAsync(SqliteConnection copy, CancellationToken ct) => AdoCommands.ExecuteAsync(copy, null, "ANALYZE sqlite_schema", ct);

    private static async Task InsertAsync(SqliteConnection copy, string sql, IEnumerable<object?[]> rows, CancellationToken ct)
    {
        await using var tx = (SqliteTransaction)await copy.BeginTransactionAsync(ct);
        await using var command = copy.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        var names = new[] { "$a", "$b", "$c", "$d", "$e", "$f" };
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var i = 0; i < row.Length; i++)
                command.Parameters.AddWithValue(names[i], row[i] is null or DBNull ? DBNull.Value : row[i]);
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Creates the index in the copy, with a sqlite_stat1 line estimated from the file's rows (read-only), so the
    /// planner weighs it as it would weigh the index once built and analysed. An expression or partial index gets
    /// SQLite's default estimates instead.
    /// </summary>
    public async Task AddIndexAsync(SqliteConnection source, IndexDefinition index, string name, CancellationToken ct)
    {
        await AdoCommands.ExecuteAsync(Connection, null, IndexDdl.Create(DatabaseEngine.Sqlite, index, name), ct);
        var hasStat1 = (await AdoCommands.QueryAsync(Connection, null, "SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'", r => 1, ct)).Count > 0;
        if (!hasStat1) return; // the file was never analysed: every index plans on defaults, this one too
        if (await EstimateStatAsync(source, index, ct) is not { } stat) return;
        await InsertAsync(Connection, "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ($a, $b, $c)", [[index.Table.Name, name, stat]], ct);
        await ReloadStatisticsAsync(Connection, ct);
    }

    /// <summary>
    /// "rows avg-rows-per-key-of-each-prefix", as ANALYZE writes it, from a sample of at most
    /// <see cref="SqliteStatisticsReader.SampleRows"/> rows. When the table is larger, a prefix with few distinct
    /// values in the sample (under a tenth of it) is taken to have them all; one with many is scaled with the table.
    /// </summary>
    internal static async Task<string?> EstimateStatAsync(SqliteConnection source, IndexDefinition index, CancellationToken ct)
    {
        if (index.Predicate is { Length: > 0 } || index.Keys.Count == 0 || index.Keys.Any(k => k.Column is null)) return null;
        var table = AdoCommands.Quote(DatabaseEngine.Sqlite, index.Table.Name);
        var columns = index.Keys.Select(k => AdoCommands.Quote(DatabaseEngine.Sqlite, k.Column!)).ToList();
        var prefixes = Enumerable.Range(1, columns.Count)
            .Select(n => $"(SELECT count(*) FROM (SELECT DISTINCT {string.Join(", ", columns.Take(n))} FROM sample))");
        var sql = $"WITH sample AS MATERIALIZED (SELECT {string.Join(", ", columns)} FROM {table} LIMIT {SqliteStatisticsReader.SampleRows}) " +
                  $"SELECT (SELECT count(*) FROM sample), {string.Join(", ", prefixes)}";
        var counts = (await AdoCommands.QueryAsync(source, null, sql, r => Enumerable.Range(0, r.FieldCount).Select(i => (double)(r.Long(i) ?? 0)).ToArray(), ct)).Single();
        var sampled = counts[0];
        if (sampled == 0) return null;
        var stat1 = await SqliteStatisticsReader.Stat1Async(source, ct);
        var rows = sampled < SqliteStatisticsReader.SampleRows ? sampled : (await SqliteStatisticsReader.RowsAsync(source, index.Table.Name, stat1, ct)).Rows;
        var figures = new List<long> { (long)Math.Round(rows) };
        foreach (var distinct in counts.Skip(1))
        {
            var d = Math.Max(1, distinct);
            var estimatedDistinct = rows <= sampled || d < sampled / 10 ? d : d * rows / sampled;
            figures.Add((long)Math.Max(1, Math.Ceiling(rows / estimatedDistinct)));
        }
        return string.Join(' ', figures.Select(f => f.ToString(CultureInfo.InvariantCulture)));
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
