using System.Security.Cryptography;
using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Advisor;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.Sql;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Advisor;

/// <summary>
/// The workload advisor on a real SQLite file: what-if on a private in-memory copy of the schema and sqlite_stat1,
/// plans costed by their shape (SQLite's have no cost) and said to be, and the file byte for byte as it was.
/// </summary>
public sealed class SqliteWorkloadAdvisorTests
{
    [Test]
    public async Task Advice_comes_from_the_plan_shape_says_so_and_leaves_the_file_unchanged()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dbagent-advise-{Guid.NewGuid():N}.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = """
                    CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, total REAL);
                    CREATE INDEX ix_orders_status ON orders(status);
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000)
                    INSERT INTO orders(customer_id, status, created_at, total)
                    SELECT 1 + i % 5000, CASE WHEN i % 100 = 0 THEN 'disputed' ELSE 'delivered' END, date('2024-01-01', '+' || (i % 365) || ' days'), i % 700 FROM n;
                    ANALYZE;
                    """;
                cmd.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();
            var before = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path)));
            var written = File.GetLastWriteTimeUtc(path);

            WorkloadAdvice advice;
            var target = ConnectionTargetParser.FromConnectionString(path, DatabaseEngine.Sqlite, "advise");
            await using (var session = await new SqliteProvider().OpenAsync(target, CancellationToken.None))
            {
                advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.Sqlite, WorkloadText.Queries("""
                    SELECT id, total FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 10;
                    SELECT id, total FROM orders WHERE customer_id = 7 ORDER BY created_at DESC LIMIT 10;
                    SELECT count(*) FROM orders WHERE created_at >= '2024-06-01' AND created_at < '2024-06-08';
                    """, SqlDialect.Sqlite, "w.sql"), null, new WorkloadAdviceOptions(), CancellationToken.None);
            }
            SqliteConnection.ClearAllPools();
            Assert.That(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(path))), Is.EqualTo(before), "the file is byte for byte as it was");
            Assert.That(File.GetLastWriteTimeUtc(path), Is.EqualTo(written));
            Assert.That(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0, Is.False, "nothing written to a WAL either");

            var s = advice.Selection;
            TestContext.Out.WriteLine(string.Join("\n", s.Indexes.Select(i => i.Index.DefinitionKey)));
            TestContext.Out.WriteLine(string.Join("\n", s.Queries.Select(q => $"{q.Before} -> {q.After}: {q.Query.Sql}")));
            Assert.That(s.Verified, Is.True, "costed on the what-if copy");
            Assert.That(s.CostBasis, Is.EqualTo(PlanShapeCost.Basis), "SQLite plans carry no cost: the basis says so");
            Assert.That(advice.Notes, Has.Some.Contains("no costs").And.Some.Contains("SCAN to SEARCH"));
            Assert.That(s.Counters.Batches, Is.GreaterThan(0));
            Assert.That(s.Indexes.Select(i => i.Index.DefinitionKey), Has.Some.StartsWith("orders(customer_id"), "the customer lookup goes from SCAN to SEARCH");
            var customer = s.Queries.Single(q => q.Query.Sql.Contains("customer_id"));
            Assert.That(customer.After, Is.LessThan(customer.Before! / 10), "SCAN and a temp B-tree sort become one SEARCH");
            var range = s.Queries.Single(q => q.Query.Sql.Contains("count(*)"));
            Assert.That(range.After, Is.LessThan(range.Before!.Value), "the date range reads an index instead of the table");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}

/// <summary>The plan-shape measure on plans as SQLite's parser builds them.</summary>
public sealed class PlanShapeCostTests
{
    private static QueryPlan Plan(params PlanNode[] children) => new()
    {
        Engine = "sqlite",
        Root = new PlanNode { NodeType = "QUERY PLAN", Operation = PlanOperation.Other, Children = children },
    };

    [Test]
    public void A_search_costs_what_it_reaches_a_scan_the_table_a_sort_n_log_n_and_a_covering_index_half()
    {
        var scan = Plan(new PlanNode { NodeType = "SCAN", Operation = PlanOperation.FullScan, Relation = "orders", EstimatedRows = 50000 },
            new PlanNode { NodeType = "USE TEMP B-TREE FOR ORDER BY", Operation = PlanOperation.Sort, EstimatedRows = 10 });
        var search = Plan(new PlanNode { NodeType = "SEARCH", Operation = PlanOperation.IndexSeek, Relation = "orders", IndexName = "ix", EstimatedRows = 10 });
        var covering = Plan(new PlanNode { NodeType = "SEARCH", Operation = PlanOperation.IndexOnlyScan, Relation = "orders", IndexName = "ix", EstimatedRows = 10 });
        Assert.That(PlanShapeCost.Estimate(scan), Is.EqualTo(50000 + 10 * Math.Log2(11)).Within(1e-9));
        Assert.That(PlanShapeCost.Estimate(search), Is.EqualTo(13));
        Assert.That(PlanShapeCost.Estimate(covering), Is.EqualTo(8));
    }

    [Test]
    public void An_inner_loop_counts_once_per_outer_row()
    {
        var join = Plan(new PlanNode { NodeType = "SCAN", Operation = PlanOperation.FullScan, Relation = "customers", EstimatedRows = 100 },
            new PlanNode { NodeType = "SEARCH", Operation = PlanOperation.IndexSeek, Relation = "orders", IndexName = "ix", EstimatedRows = 5 });
        Assert.That(PlanShapeCost.Estimate(join), Is.EqualTo(100 + 100 * (3 + 5)));
    }
}
