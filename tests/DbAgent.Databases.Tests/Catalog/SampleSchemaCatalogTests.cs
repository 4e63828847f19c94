using System.Diagnostics;
using DbAgent.Databases.Engines.MySql;
using DbAgent.Databases.Engines.Postgres;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.SampleData;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Migrations;
using DbAgent.Sql.Schema;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Catalog;

/// <summary>
/// The live catalog of the generated sample shop against the schema replayed from the same migrations: both must
/// agree on tables, columns and normalised types, or drift would be reported where there is none. Also measures
/// how long loading the catalog takes.
/// </summary>
[NonParallelizable]
public class SampleSchemaCatalogTests
{
    private static string Workspace(SqlDialect engine)
    {
        var relative = engine switch
        {
            SqlDialect.Postgres => "samples/workspace-postgres",
            SqlDialect.MySql => "samples/workspace-mysql",
            _ => "samples/workspace",
        };
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
                return candidate;
        }
        // The samples are part of the repository: their absence is a broken checkout, not a reason to skip.
        Assert.Fail($"{relative} is not in this checkout.");
        return "";
    }

    private static SchemaModel Replayed(SqlDialect dialect)
    {
        var workspace = Workspace(dialect);
        var set = MigrationDiscovery.Discover(workspace).Single();
        return MigrationReplay.Replay(set, dialect).Schema;
    }

    private static void AssertSameTables(SchemaModel live, SchemaModel replayed)
    {
        var differences = new List<string>();
        foreach (var table in replayed.Tables)
        {
            var liveTable = live.FindTable(table.Name with { Schema = null });
            if (liveTable is null)
            {
                differences.Add($"missing table {table.Name}");
                continue;
            }
            foreach (var column in table.Columns)
            {
                var liveColumn = liveTable.FindColumn(column.Name);
                if (liveColumn is null)
                    differences.Add($"missing column {table.Name}.{column.Name}");
                else if (liveColumn.DataType != column.DataType || liveColumn.Nullable != column.Nullable)
                    differences.Add($"{table.Name}.{column.Name}: live {liveColumn.DataType} {(liveColumn.Nullable ? "null" : "not null")}, replayed {column.DataType} {(column.Nullable ? "null" : "not null")}");
            }
            // Indexes match by name, or (SQLite's sqlite_autoindex_* for UNIQUE constraints, whose numbers a replay
            // can only guess) by being unique on the same keys.
            foreach (var index in table.Indexes.Where(i => !i.IsPrimaryKey))
                if (liveTable.Indexes.All(i => !string.Equals(i.Name, index.Name, StringComparison.OrdinalIgnoreCase) &&
                                               !(i.Unique && index.Unique && i.Keys.Select(k => k.ToString()).SequenceEqual(index.Keys.Select(k => k.ToString()), StringComparer.OrdinalIgnoreCase))))
                    differences.Add($"missing index {index.Name} ({string.Join(", ", index.Keys)})");
        }
        Assert.That(differences, Is.Empty);
    }

    [Test]
    public async Task Sqlite_sample_catalog_matches_its_migrations()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dbagent-sample-{Guid.NewGuid():N}.db");
        try
        {
            await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.Sqlite, path, Path.Combine(Workspace(SqlDialect.Sqlite), "migrations"), SampleSize.ForOrders(5_000)));
            await using var session = await new SqliteProvider().OpenAsync(new ConnectionTarget("sample", DatabaseEngine.Sqlite) { Database = path }, CancellationToken.None);
            var sw = Stopwatch.StartNew();
            var live = await session.LoadSchemaAsync(CancellationToken.None);
            TestContext.Out.WriteLine($"SQLite sample catalog: {live.Tables.Count} tables, {live.Tables.Sum(t => t.Indexes.Count)} indexes in {sw.ElapsedMilliseconds} ms");
            AssertSameTables(live, Replayed(SqlDialect.Sqlite));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Test]
    public async Task Postgres_sample_catalog_matches_its_migrations()
    {
        await using var db = await ScratchDatabase.PostgresAsync();
        await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.Postgres, db.ConnectionString, Path.Combine(Workspace(SqlDialect.Postgres), "migrations"), SampleSize.ForOrders(5_000)));
        await using var session = await new PostgresProvider().OpenAsync(db.Target(), CancellationToken.None);
        var sw = Stopwatch.StartNew();
        var live = await session.LoadSchemaAsync(CancellationToken.None);
        TestContext.Out.WriteLine($"PostgreSQL sample catalog: {live.Tables.Count} tables, {live.Tables.Sum(t => t.Indexes.Count)} indexes in {sw.ElapsedMilliseconds} ms");
        AssertSameTables(live, Replayed(SqlDialect.Postgres));
    }

    [Test]
    public async Task MariaDb_sample_catalog_matches_its_migrations()
    {
        await using var db = await ScratchDatabase.MySqlAsync();
        await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.MySql, db.ConnectionString, Path.Combine(Workspace(SqlDialect.MySql), "migrations"), SampleSize.ForOrders(5_000)));
        await using var session = await new MySqlProvider().OpenAsync(db.Target(), CancellationToken.None);
        var sw = Stopwatch.StartNew();
        var live = await session.LoadSchemaAsync(CancellationToken.None);
        TestContext.Out.WriteLine($"MariaDB sample catalog: {live.Tables.Count} tables, {live.Tables.Sum(t => t.Indexes.Count)} indexes in {sw.ElapsedMilliseconds} ms");
        AssertSameTables(live, Replayed(SqlDialect.MySql));
    }
}
