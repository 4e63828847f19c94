using System.Diagnostics;
using System.Security.Cryptography;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>SQLite always runs: a temporary file per fixture.</summary>
public class SqliteProviderTests
{
    private string _path = "";
    private ConnectionTarget _target = null!;

    public const string Schema = """
        CREATE TABLE customers(id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, country TEXT DEFAULT 'se', created_at TEXT);
        CREATE TABLE orders(
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          customer_id INTEGER NOT NULL REFERENCES customers(id),
          status TEXT NOT NULL,
          total REAL CHECK (total >= 0),
          created_at TEXT NOT NULL);
        CREATE INDEX ix_orders_customer ON orders(customer_id, created_at DESC);
        CREATE INDEX ix_orders_open ON orders(created_at) WHERE status = 'new';
        CREATE INDEX ix_customers_lower_email ON customers(lower(email));
        CREATE VIEW paid_orders AS SELECT id, customer_id, total FROM orders WHERE status = 'paid';
        """;

    [OneTimeSetUp]
    public void CreateDatabase()
    {
        _path = Path.Combine(Path.GetTempPath(), $"dbagent-sqlite-{Guid.NewGuid():N}.db");
        using (var c = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            c.Open();
            using var tx = c.BeginTransaction();
            using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = Schema + """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                INSERT INTO customers(id, email, country) SELECT i, 'c' || i || '@example.org', CASE i % 4 WHEN 0 THEN 'se' WHEN 1 THEN 'de' WHEN 2 THEN 'fr' ELSE NULL END FROM n;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
                INSERT INTO orders(customer_id, status, total, created_at) SELECT 1 + i % 2000, CASE i % 4 WHEN 0 THEN 'paid' WHEN 1 THEN 'new' WHEN 2 THEN 'shipped' ELSE 'cancelled' END, i % 500, datetime('2024-01-01', '+' || i || ' minutes') FROM n;
                """;
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
        _target = ConnectionTargetParser.FromUrl("sqlite:" + _path, "lite");
    }

    [OneTimeTearDown]
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private Task<IDatabaseSession> Open() => new SqliteProvider().OpenAsync(_target, CancellationToken.None);

    [Test]
    public async Task Catalog_has_tables_columns_keys_indexes_and_views()
    {
        await using var session = await Open();
        var sw = Stopwatch.StartNew();
        var schema = await session.LoadSchemaAsync(CancellationToken.None);
        TestContext.Out.WriteLine($"SQLite catalog load: {sw.ElapsedMilliseconds} ms");
        Assert.That(schema.Dialect, Is.EqualTo(SqlDialect.Sqlite));
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        Assert.That(orders.Columns.Select(c => (c.Name, c.DataType, c.Nullable)), Is.EqualTo(new[]
        {
            ("id", "integer", false), ("customer_id", "integer", false), ("status", "text", false), ("total", "real", true), ("created_at", "text", false),
        }));
        Assert.That(orders.Columns[0].IsIdentity, Is.True);
        Assert.That(orders.PrimaryKey!.Columns, Is.EqualTo(new[] { "id" }));
        var fk = orders.ForeignKeys.Single();
        Assert.That((fk.Columns.Single(), fk.ReferencedTable!.Name, fk.ReferencedColumns.Single()), Is.EqualTo(("customer_id", "customers", "id")));
        var ix = orders.Indexes.Single(i => i.Name == "ix_orders_customer");
        Assert.That(ix.Keys.Select(k => (k.Column, k.Descending)), Is.EqualTo(new[] { ("customer_id", false), ("created_at", true) }));
        Assert.That(orders.Indexes.Single(i => i.Name == "ix_orders_open").Predicate, Is.EqualTo("status = 'new'"));
        var customers = schema.FindTable(new QualifiedName("main", "customers"))!;
        Assert.That(customers.FindColumn("country")!.Default, Is.EqualTo("'se'"));
        Assert.That(customers.Constraints.Any(c => c.Kind == ConstraintKind.Unique && c.Columns.SequenceEqual(["email"])), Is.True);
        Assert.That(customers.Indexes.Single(i => i.Name == "ix_customers_lower_email").Keys.Single().Expression, Is.EqualTo("lower(email)"));
        var view = schema.FindView(new QualifiedName(null, "paid_orders"))!;
        Assert.That(view.Columns, Is.EqualTo(new[] { "id", "customer_id", "total" }));
        Assert.That(view.Definition, Does.StartWith("SELECT id, customer_id, total FROM orders"));
    }

    [Test]
    public async Task Table_and_column_statistics()
    {
        await using var session = await Open();
        var stats = (await session.GetTableStatsAsync(new QualifiedName(null, "ORDERS"), CancellationToken.None))!;
        Assert.That(stats.Table.Name, Is.EqualTo("orders"));
        Assert.That(stats.EstimatedRows, Is.EqualTo(20000));
        Assert.That(stats.Indexes.Select(i => i.Name), Is.SupersetOf(new[] { "ix_orders_customer", "ix_orders_open" }));
        if (stats.TableBytes is not null) // dbstat compiled in
            Assert.That(stats.TableBytes, Is.GreaterThan(100_000));
        Assert.That(await session.GetTableStatsAsync(new QualifiedName(null, "nope"), CancellationToken.None), Is.Null);

        var country = (await session.GetColumnStatsAsync(new QualifiedName(null, "customers"), "country", CancellationToken.None))!;
        Assert.That(country.NullFraction, Is.EqualTo(0.25).Within(0.001));
        Assert.That(country.DistinctValues, Is.EqualTo(3));
        Assert.That(country.MostCommonValues, Is.EquivalentTo(new[] { "se", "de", "fr" }));
        Assert.That(country.Default, Is.EqualTo("'se'"));
        var email = (await session.GetColumnStatsAsync(new QualifiedName(null, "customers"), "email", CancellationToken.None))!;
        Assert.That(email.DistinctValues, Is.EqualTo(-1), "unique: every row distinct, in PostgreSQL's negative-fraction form");
        Assert.That(email.Nullable, Is.False);
    }

    [Test]
    public async Task Plans_show_full_scans_seeks_and_sorts_with_row_estimates()
    {
        await using var session = await Open();
        var slow = await session.ExplainAsync("SELECT * FROM orders o WHERE o.status = 'paid' ORDER BY o.total", new ReadOnlyQueryOptions(), CancellationToken.None);
        var scan = slow.Nodes.Single(n => n.Operation == PlanOperation.FullScan);
        Assert.That((scan.Relation, scan.Alias, scan.EstimatedRows), Is.EqualTo(("orders", "o", (double?)20000)));
        Assert.That(slow.Nodes.Single(n => n.Operation == PlanOperation.Sort).EstimatedRows, Is.EqualTo(20000));

        var fast = await session.ExplainAsync("SELECT * FROM orders WHERE customer_id = 42;", new ReadOnlyQueryOptions(), CancellationToken.None);
        var seek = fast.Nodes.Single(n => n.Relation == "orders");
        Assert.That((seek.Operation, seek.IndexName), Is.EqualTo((PlanOperation.IndexSeek, "ix_orders_customer")));

        var join = await session.ExplainAsync("SELECT c.email FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.total > 400",
            new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(join.Nodes.Any(n => n.Operation == PlanOperation.NestedLoop), Is.True);

        var parameters = await session.ExplainAsync("SELECT * FROM orders WHERE customer_id = ? AND status = :status", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(parameters.Nodes.Single(n => n.Relation == "orders").IndexName, Is.EqualTo("ix_orders_customer"));
    }

    [Test]
    public async Task What_if_index_is_tried_on_a_private_copy_and_leaves_nothing()
    {
        await using var session = await Open();
        Assert.That(session.Capabilities.HypotheticalIndexes, Is.True);
        var index = new IndexDefinition(null, new QualifiedName(null, "orders"), [new IndexKey("status", null, false), new IndexKey("total", null, false)], default);
        var result = await session.ExplainWithIndexAsync("SELECT * FROM orders WHERE status = 'paid' ORDER BY total", index, new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(result.Supported, Is.True);
        Assert.That(result.IndexUsed, Is.True, result.Message);
        Assert.That(result.Before!.Nodes.Any(n => n.Operation == PlanOperation.FullScan), Is.True);
        Assert.That(result.After!.Nodes.Any(n => n.Operation == PlanOperation.FullScan), Is.False);
        var schema = await session.LoadSchemaAsync(CancellationToken.None);
        Assert.That(schema.Tables.SelectMany(t => t.Indexes).Any(i => i.Name.StartsWith("dbagent_whatif")), Is.False);
    }

    [Test]
    public async Task Analysing_destructive_statements_changes_nothing()
    {
        var before = await Snapshot();
        var fileHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(_path)));
        await using (var session = await Open())
        {
            var catalogBefore = Describe(await session.LoadSchemaAsync(CancellationToken.None));
            var outcomes = await SafetyHarness.AnalyseAllAsync(session, SafetyHarness.SqliteScript, SqlDialect.Sqlite);
            foreach (var o in outcomes)
                TestContext.Out.WriteLine($"{o.Statement} analyze={o.Analyze} -> {o.Result}");
            Assert.That(outcomes.Where(o => !o.WholeScript && (o.Statement.StartsWith("DELETE") || o.Statement.StartsWith("UPDATE"))).Select(o => o.Result), Is.Not.Empty.And.All.StartWith("plan:"),
                "DML gets a plan (EXPLAIN QUERY PLAN never runs it)");
            Assert.That(outcomes.Where(o => o.Statement.StartsWith("DROP") || o.Statement.StartsWith("ALTER") || o.Statement.StartsWith("CREATE") || o.Statement.StartsWith("VACUUM")).Select(o => o.Result),
                Is.Not.Empty.And.All.StartWith("refused:"));
            Assert.That(outcomes.Where(o => o.WholeScript).Select(o => o.Result), Is.Not.Empty.And.All.StartWith("refused:"), "a batch is never sent");
            Assert.That(Describe(await session.LoadSchemaAsync(CancellationToken.None)), Is.EqualTo(catalogBefore));
        }
        Assert.That(await Snapshot(), Is.EqualTo(before));
        SqliteConnection.ClearAllPools();
        Assert.That(Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(_path))), Is.EqualTo(fileHash), "not one byte of the file changed");
    }

    [Test]
    public async Task A_missing_file_or_a_file_that_is_not_a_database_gives_one_clear_message()
    {
        var missing = new ConnectionTarget("gone", DatabaseEngine.Sqlite) { Database = "/nonexistent/dir/shop.db" };
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => new SqliteProvider().OpenAsync(missing, CancellationToken.None));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.DatabaseNotFound));
        Assert.That(e.Message, Does.Contain("does not exist"));

        var garbage = Path.Combine(Path.GetTempPath(), $"dbagent-garbage-{Guid.NewGuid():N}.db");
        await File.WriteAllBytesAsync(garbage, Enumerable.Range(0, 4096).Select(i => (byte)(i * 7)).ToArray());
        try
        {
            var bad = new ConnectionTarget("garbage", DatabaseEngine.Sqlite) { Database = garbage };
            var e2 = Assert.ThrowsAsync<DatabaseAccessException>(() => new SqliteProvider().OpenAsync(bad, CancellationToken.None));
            Assert.That(e2!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.InvalidConfiguration));
            Assert.That(e2.Message, Does.Contain("not a SQLite database"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(garbage);
        }
    }

    [Test]
    public async Task Malformed_sql_is_a_query_failure_not_a_crash()
    {
        await using var session = await Open();
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync("SELECT FROM WHERE ((", new ReadOnlyQueryOptions(), CancellationToken.None));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.QueryFailed));
        var missing = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync("SELECT * FROM no_such_table", new ReadOnlyQueryOptions(), CancellationToken.None));
        Assert.That(missing!.Message, Does.Contain("no such table"));
        // The session is still usable afterwards.
        Assert.That((await session.ExplainAsync("SELECT 1", new ReadOnlyQueryOptions(), CancellationToken.None)).Root, Is.Not.Null);
    }

    private async Task<string> Snapshot()
    {
        await using var c = new SqliteConnection($"Data Source={_path};Mode=ReadOnly;Pooling=False");
        await c.OpenAsync();
        var parts = new List<string>();
        foreach (var table in new[] { "customers", "orders" })
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT count(*) || ':' || coalesce(sum(length(quote({(table == "orders" ? "customer_id || status || total || created_at" : "email || coalesce(country, '')")}))), 0) FROM {table}";
            parts.Add(table + "=" + await cmd.ExecuteScalarAsync());
        }
        await using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT group_concat(type || ' ' || name || ' ' || coalesce(sql, ''), ';') FROM (SELECT * FROM sqlite_schema ORDER BY name)";
            parts.Add((string)(await cmd.ExecuteScalarAsync())!);
        }
        return string.Join("\n", parts);
    }

    internal static string Describe(DbAgent.Sql.Schema.SchemaModel schema) => string.Join("\n", schema.Tables.OrderBy(t => t.Name.ToString()).Select(t =>
        $"{t.Name}: {string.Join(", ", t.Columns.Select(c => $"{c.Name} {c.DataType} {c.Nullable} {c.Default}"))} | " +
        $"{string.Join(", ", t.Constraints.Select(c => $"{c.Kind} {c.Name} ({string.Join(",", c.Columns)})"))} | " +
        $"{string.Join(", ", t.Indexes.OrderBy(i => i.Name).Select(i => $"{i.Name} ({string.Join(",", i.Keys)}) {i.Predicate}"))}"))
        + "\nviews: " + string.Join(", ", schema.Views.Select(v => v.Name.ToString()));
}
