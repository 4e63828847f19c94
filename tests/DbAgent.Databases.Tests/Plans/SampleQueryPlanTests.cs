using DbAgent.Analysis.Plans;
using DbAgent.Databases.Engines.MySql;
using DbAgent.Databases.Engines.Postgres;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.SampleData;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Syntax;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Plans;

/// <summary>
/// Every statement of the sample workspace's queries, explained on the generated data of each engine: each gets a
/// plan whose operators name the tables the query reads (aliases resolved), the "good" order-history query seeks its
/// index, and the clean-up script's DELETE and UPDATE are planned as full scans without touching a row.
/// </summary>
[NonParallelizable]
public class SampleQueryPlanTests
{
    private static string Workspace(string name)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", name);
            if (Directory.Exists(candidate))
                return candidate;
        }
        // The samples are part of the repository: their absence is a broken checkout, not a reason to skip.
        Assert.Fail($"samples/{name} is not in this checkout.");
        return "";
    }

    private static async Task<Dictionary<string, QueryPlan>> ExplainAll(IDatabaseSession session, string workspace, SqlDialect dialect)
    {
        var plans = new Dictionary<string, QueryPlan>();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        foreach (var file in Directory.GetFiles(Path.Combine(workspace, "queries"), "*.sql").Order())
        {
            var text = await File.ReadAllTextAsync(file);
            var script = SqlScript.Parse(text, dialect);
            var index = 0;
            foreach (var statement in script.Statements)
            {
                var sql = text[statement.Span.Start..statement.Span.End];
                var plan = await session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None);
                // Every plan names the tables it reads, or carries the engine's reason for reading none (MariaDB:
                // "Impossible WHERE noticed after reading const tables" when a looked-up key does not exist).
                Assert.That(plan.Nodes.Any(n => n.Relation is not null) || plan.Root.Details.ContainsKey("message"), Is.True, $"{Path.GetFileName(file)}#{index}: {plan.RawPlan}");
                plans[$"{Path.GetFileName(file)}#{index++}"] = plan;
            }
        }
        TestContext.Out.WriteLine($"{dialect.ToName()}: {plans.Count} statements explained in {sw.ElapsedMilliseconds} ms ({sw.ElapsedMilliseconds / Math.Max(1, plans.Count)} ms each, session already open)");
        return plans;
    }

    private static void AssertShape(Dictionary<string, QueryPlan> plans)
    {
        var history = plans["customer-orders.sql#0"].Nodes.Single(n => n.Relation == "orders");
        Assert.That(history.Operation, Is.AnyOf(PlanOperation.IndexSeek, PlanOperation.BitmapScan, PlanOperation.IndexScan));
        // A bitmap heap scan names its index on the bitmap index scan under it.
        Assert.That(history.DescendantsAndSelf().Select(n => n.IndexName).OfType<string>(), Does.Contain("idx_orders_customer_ordered_at"));
        Assert.That(plans["maintenance.sql#0"].Nodes.Any(n => n.Relation == "orders" && n.Operation == PlanOperation.FullScan), Is.True);
        Assert.That(plans["maintenance.sql#1"].Nodes.Any(n => n.Relation == "customers" && n.Operation == PlanOperation.FullScan), Is.True);
        // Full scans carry the engine's (or, for SQLite, the statistics') row estimate.
        var fullScanRows = plans.Values.SelectMany(p => p.Nodes).Where(n => n.Operation == PlanOperation.FullScan).Select(n => n.EstimatedRows).ToList();
        Assert.That(fullScanRows, Is.Not.Empty.And.All.GreaterThan(0));
    }

    [Test]
    public async Task Sqlite_sample_queries()
    {
        var workspace = Workspace("workspace");
        var path = Path.Combine(Path.GetTempPath(), $"dbagent-sample-plans-{Guid.NewGuid():N}.db");
        try
        {
            await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.Sqlite, path, Path.Combine(workspace, "migrations"), SampleSize.ForOrders(10_000)));
            var before = await File.ReadAllBytesAsync(path);
            await using (var session = await new SqliteProvider().OpenAsync(new ConnectionTarget("sample", DatabaseEngine.Sqlite) { Database = path }, CancellationToken.None))
                AssertShape(await ExplainAll(session, workspace, SqlDialect.Sqlite));
            SqliteConnection.ClearAllPools();
            Assert.That(await File.ReadAllBytesAsync(path), Is.EqualTo(before), "explaining the clean-up script changed nothing");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Test]
    public async Task Postgres_sample_queries()
    {
        var workspace = Workspace("workspace-postgres");
        await using var db = await ScratchDatabase.PostgresAsync();
        await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.Postgres, db.ConnectionString, Path.Combine(workspace, "migrations"), SampleSize.ForOrders(10_000)));
        await using var session = await new PostgresProvider().OpenAsync(db.Target(), CancellationToken.None);
        AssertShape(await ExplainAll(session, workspace, SqlDialect.Postgres));
        Assert.That((await db.QueryAsync("SELECT count(*) FROM orders"))[0][0], Is.EqualTo(10_000L));
    }

    [Test]
    public async Task MariaDb_sample_queries()
    {
        var workspace = Workspace("workspace-mysql");
        await using var db = await ScratchDatabase.MySqlAsync();
        await SampleDataGenerator.GenerateAsync(new SampleGenerationOptions(SqlDialect.MySql, db.ConnectionString, Path.Combine(workspace, "migrations"), SampleSize.ForOrders(10_000)));
        await using var session = await new MySqlProvider().OpenAsync(db.Target(), CancellationToken.None);
        AssertShape(await ExplainAll(session, workspace, SqlDialect.MySql));
        Assert.That((await db.QueryAsync("SELECT count(*) FROM orders"))[0][0], Is.EqualTo(10_000L));
    }
}
