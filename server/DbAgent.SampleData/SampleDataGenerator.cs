using System.Diagnostics;
using DbAgent.Sql;

namespace DbAgent.SampleData;

public sealed record SampleGenerationOptions(
    SqlDialect Engine,
    string Connection,
    string MigrationsDirectory,
    SampleSize Size,
    int Seed = SampleShop.DefaultSeed,
    bool Force = false);

public sealed record SampleTableResult(string Table, long Rows, TimeSpan Elapsed);

public sealed record SampleGenerationResult(IReadOnlyList<SampleTableResult> Tables, TimeSpan Elapsed)
{
    public long TotalRows => Tables.Sum(t => t.Rows);
}

/// <summary>The target already holds tables; generating would mix the sample with someone's data.</summary>
public sealed class SampleTargetNotEmptyException(IReadOnlyList<string> tables)
    : InvalidOperationException(
        $"the target database is not empty (it has {tables.Count} table(s): {string.Join(", ", tables.Take(10))}" +
        $"{(tables.Count > 10 ? ", ..." : "")}); use --force to replace the sample's tables")
{
    public IReadOnlyList<string> Tables { get; } = tables;
}

/// <summary>
/// Applies the sample workspace's migrations to the database it is given and fills the shop's tables with
/// deterministic rows, then refreshes the optimizer statistics. It writes only into that database, and only into
/// an empty one unless forced (and then it replaces the sample's own tables, nothing else).
/// </summary>
public static class SampleDataGenerator
{
    public static async Task<SampleGenerationResult> GenerateAsync(
        SampleGenerationOptions options, Action<string>? log = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        log ??= _ => { };
        var migrations = MigrationFiles(options.MigrationsDirectory);
        var total = Stopwatch.StartNew();

        await using ISampleTarget target = options.Engine switch
        {
            SqlDialect.Sqlite => await SqliteSampleTarget.OpenAsync(options.Connection, cancellationToken),
            SqlDialect.Postgres => await PostgresSampleTarget.OpenAsync(options.Connection, cancellationToken),
            SqlDialect.MySql => await MySqlSampleTarget.OpenAsync(options.Connection, cancellationToken),
            _ => throw new ArgumentException(
                $"the sample generator fills sqlite, postgres and mysql databases, not {options.Engine.ToName()}"),
        };

        var existing = await target.ExistingTablesAsync(cancellationToken);
        if (existing.Count > 0)
        {
            if (!options.Force) throw new SampleTargetNotEmptyException(existing);
            log($"--force: dropping the sample's tables from {target.Description}");
            await target.DropSampleObjectsAsync(cancellationToken);
        }

        var results = new List<SampleTableResult>();
        try
        {
            foreach (var file in migrations)
            {
                log($"migration {Path.GetFileName(file)}");
                await target.ExecuteScriptAsync(await File.ReadAllTextAsync(file, cancellationToken), cancellationToken);
            }

            foreach (var table in SampleShop.Tables)
            {
                var watch = Stopwatch.StartNew();
                var rows = await target.LoadAsync(table, SampleShop.Rows(table, options.Size, options.Seed), cancellationToken);
                watch.Stop();
                results.Add(new SampleTableResult(table.Name, rows, watch.Elapsed));
                log($"{table.Name}: {rows:N0} rows in {watch.Elapsed.TotalSeconds:F1}s");
            }

            var analyze = Stopwatch.StartNew();
            await target.FinishAsync(cancellationToken);
            log($"statistics refreshed (ANALYZE) in {analyze.Elapsed.TotalSeconds:F1}s");
        }
        catch (Exception) when (options.Engine != SqlDialect.Sqlite)
        {
            // DDL commits on its own on the servers: take a half-made sample away rather than leave it for --force.
            // (SQLite rolls the whole run back in its one transaction.)
            await RemovePartialSampleAsync(target, log);
            throw;
        }
        return new SampleGenerationResult(results, total.Elapsed);
    }

    private static async Task RemovePartialSampleAsync(ISampleTarget target, Action<string> log)
    {
        try
        {
            await target.DropSampleObjectsAsync(CancellationToken.None);
            log("the run failed: the sample's tables were removed again");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The connection that failed may be the reason; the original error is the one to report.
            log($"the run failed and the sample's tables could not be removed ({e.GetType().Name}); use --force next time");
        }
    }

    /// <summary>The forward migrations of a workspace folder, in file-name order (V001__..., 0001_..., ...).</summary>
    public static IReadOnlyList<string> MigrationFiles(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"no migrations folder at {directory}");
        var files = Directory.EnumerateFiles(directory, "*.sql")
            .Where(f => !IsUndoMigration(Path.GetFileName(f)))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new FileNotFoundException($"no .sql migrations in {directory}");
        return files;
    }

    private static bool IsUndoMigration(string name) =>
        name.StartsWith('U') && name.Contains("__", StringComparison.Ordinal)
        || name.Contains(".down.", StringComparison.OrdinalIgnoreCase)
        || name.EndsWith("_down.sql", StringComparison.OrdinalIgnoreCase);
}

internal interface ISampleTarget : IAsyncDisposable
{
    /// <summary>What the target is, for messages; never contains a password.</summary>
    string Description { get; }

    Task<IReadOnlyList<string>> ExistingTablesAsync(CancellationToken cancellationToken);

    Task DropSampleObjectsAsync(CancellationToken cancellationToken);

    Task ExecuteScriptAsync(string sql, CancellationToken cancellationToken);

    Task<long> LoadAsync(SampleTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>Commits what is pending, lines up identity sequences with the loaded ids, and runs ANALYZE.</summary>
    Task FinishAsync(CancellationToken cancellationToken);
}
