using System.Security.Cryptography;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>
/// SQLite what-if indexes are planned on a private in-memory copy of the schema and statistics. They must not wait
/// on any lock (DbAgent's own reads included: the old rolled-back CREATE INDEX on a second connection waited 30 s
/// for "database is locked" on the sample), and must leave the user's file byte for byte as it was.
/// </summary>
public sealed class SqliteWhatIfTests
{
    private string _path = "";
    private ConnectionTarget _target = null!;

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"dbagent-whatif-{Guid.NewGuid():N}.db");
        using var c = new SqliteConnection($"Data Source={_path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        // 200,000 rows: enough that building an index no longer fits SQLite's page cache, which is what made the
        // old what-if wait for an exclusive lock. Two indexes an equality on customer_id and status could use:
        // without statistics SQLite takes ix_status_total (it matches two terms); with them, the far more
        // selective ix_customer.
        cmd.CommandText = """
            CREATE TABLE orders(id INTEGER PRIMARY KEY, customer_id INT NOT NULL, status TEXT NOT NULL, coupon TEXT, total REAL);
            CREATE INDEX ix_status_total ON orders(status, total);
            CREATE INDEX ix_customer ON orders(customer_id);
            CREATE VIEW paid AS SELECT * FROM orders WHERE status = 'paid';
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)
            INSERT INTO orders(customer_id, status, coupon, total)
            SELECT 1 + i % 2000, CASE i % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'new' WHEN 2 THEN 'shipped' ELSE 'cancelled' END,
                   CASE WHEN i % 50 = 0 THEN 'C' || (i % 7) END, i % 500 FROM n;
            ANALYZE;
            """;
        cmd.ExecuteNonQuery();
        _target = ConnectionTargetParser.FromConnectionString(_path, DatabaseEngine.Sqlite, "whatif");
    }

    [OneTimeTearDown]
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private async Task<IDatabaseSession> Open() => await new SqliteProvider().OpenAsync(_target, CancellationToken.None);

    private string Hash()
    {
        SqliteConnection.ClearAllPools();
        return Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_path)));
    }

    private static IndexDefinition Index(string table, params string[] columns) =>
        new(null, new QualifiedName(null, table), columns.Select(c => new IndexKey(c, null, false)).ToList(), default);

    [Test]
    public async Task What_if_runs_while_a_read_transaction_is_open_on_the_file_and_leaves_its_bytes_unchanged()
    {
        var before = Hash();
        var modified = File.GetLastWriteTimeUtc(_path);
        await using (var reader = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            reader.Open();
            using var tx = reader.BeginTransaction(deferred: true);
            using (var read = reader.CreateCommand())
            {
                read.Transaction = tx;
                read.CommandText = "SELECT count(*) FROM orders";
                Assert.That(read.ExecuteScalar(), Is.EqualTo(200000L)); // the read transaction now holds its lock
            }
            await using var session = await Open();
            // A lock wait would end in "database is locked" (or this token): neither may happen.
            using var noWait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var result = await session.ExplainWithIndexAsync("SELECT id, total FROM orders WHERE coupon = 'C3'", Index("orders", "coupon"), new ReadOnlyQueryOptions(), noWait.Token);
            Assert.That(result.Supported, Is.True, result.Message);
            Assert.That(result.Before!.Nodes.Any(n => n.Operation == PlanOperation.FullScan && n.Relation == "orders"), Is.True);
            Assert.That(result.IndexUsed, Is.True, result.Message);
            Assert.That(File.Exists(_path + "-journal"), Is.False, "nothing opened a write journal on the file");
            tx.Rollback();
        }
        Assert.That(Hash(), Is.EqualTo(before), "not one byte of the file changed");
        Assert.That(File.GetLastWriteTimeUtc(_path), Is.EqualTo(modified));
    }

    [Test]
    public async Task What_if_runs_while_another_connection_is_writing()
    {
        // A writer's RESERVED lock shuts out every other writer; the old what-if (CREATE INDEX on a second
        // connection) waited here. Reading is still allowed, and reading is all the what-if does now.
        await using var writer = new SqliteConnection($"Data Source={_path};Pooling=False");
        writer.Open();
        using var tx = writer.BeginTransaction(deferred: false);
        using (var write = writer.CreateCommand())
        {
            write.Transaction = tx;
            write.CommandText = "UPDATE orders SET total = total WHERE id = 1";
            write.ExecuteNonQuery();
        }
        await using var session = await Open();
        using var noWait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var result = await session.ExplainWithIndexAsync("SELECT id FROM orders WHERE coupon = 'C3'", Index("orders", "coupon"), new ReadOnlyQueryOptions(), noWait.Token);
        Assert.That(result.IndexUsed, Is.True, result.Message);
        tx.Rollback();
    }

    [Test]
    public async Task The_copy_plans_with_the_files_statistics()
    {
        await using var session = await Open();
        const string sql = "SELECT * FROM orders WHERE customer_id = 5 AND status = 'paid' AND total > 10";
        var onFile = await session.ExplainAsync(sql, new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(onFile.Nodes.Single(n => n.Relation == "orders").IndexName, Is.EqualTo("ix_customer"), "the file's statistics choose ix_customer");

        // An index the planner has no reason to take leaves the copy's plan as the file's: the "before" plan is
        // the copy's, so it shows the statistics arrived (without them SQLite takes ix_status_total).
        var result = await session.ExplainWithIndexAsync(sql, Index("orders", "total"), new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(result.Before!.Nodes.Single(n => n.Relation == "orders").IndexName, Is.EqualTo("ix_customer"));
        Assert.That(result.IndexUsed, Is.False, result.Message);
        Assert.That(result.After!.Nodes.Single(n => n.Relation == "orders").IndexName, Is.EqualTo("ix_customer"));

        // Views come along.
        var view = await session.ExplainWithIndexAsync("SELECT * FROM paid WHERE coupon = 'C1'", Index("orders", "coupon"), new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(view.IndexUsed, Is.True, view.Message);
    }

    [Test]
    public async Task The_hypothetical_index_is_weighed_with_statistics_estimated_from_the_rows()
    {
        await using var session = await Open();
        // status has four values (5,000 rows each): a full scan is as good, and SQLite with the estimated
        // statistics keeps the index on customer_id rather than a new one on status.
        var result = await session.ExplainWithIndexAsync("SELECT * FROM orders WHERE customer_id = 7 AND status = 'new'",
            Index("orders", "status"), new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(result.IndexUsed, Is.False, result.Message);
        Assert.That(result.After!.Nodes.Single(n => n.Relation == "orders").IndexName, Is.EqualTo("ix_customer"));
    }
}
