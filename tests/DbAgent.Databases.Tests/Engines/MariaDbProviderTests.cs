using System.Diagnostics;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.MySql;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using MySqlConnector;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>Against a real MariaDB/MySQL (DBAGENT_TEST_MYSQL, else Testcontainers, else skipped with the reason).</summary>
[NonParallelizable]
public class MariaDbProviderTests
{
    private ScratchDatabase _db = null!;
    private ConnectionTarget _target = null!;

    public const string Schema = """
        CREATE TABLE customers(
          id int AUTO_INCREMENT PRIMARY KEY,
          email varchar(200) NOT NULL,
          country char(2) DEFAULT 'se',
          created_at datetime NOT NULL DEFAULT CURRENT_TIMESTAMP,
          UNIQUE KEY uq_customers_email (email)) ENGINE=InnoDB;
        CREATE TABLE orders(
          id bigint AUTO_INCREMENT PRIMARY KEY,
          customer_id int NOT NULL,
          status enum('new','paid','shipped','cancelled') NOT NULL,
          total decimal(10,2),
          note varchar(100),
          created_at datetime NOT NULL,
          KEY ix_orders_customer (customer_id, created_at DESC),
          KEY ix_orders_note (note(10)),
          CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id),
          CONSTRAINT total_not_negative CHECK (total >= 0)) ENGINE=InnoDB;
        CREATE VIEW paid_orders AS SELECT id, customer_id, total FROM orders WHERE status = 'paid';
        INSERT INTO customers(email, country) SELECT CONCAT('c', seq, '@example.org'), ELT(1 + seq % 4, 'se', 'de', 'fr', NULL) FROM seq_1_to_5000;
        INSERT INTO orders(customer_id, status, total, note, created_at)
          SELECT 1 + seq % 5000, ELT(1 + seq % 4, 'paid', 'new', 'shipped', 'cancelled'), seq % 500, IF(seq % 10 = 0, 'gift', NULL), '2024-01-01' + INTERVAL seq MINUTE
          FROM seq_1_to_50000;
        ANALYZE TABLE customers, orders;
        """;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await ScratchDatabase.MySqlAsync();
        var version = (await _db.QueryAsync("SELECT VERSION()"))[0][0] as string ?? "";
        if (!MySqlProvider.IsMariaDbVersion(version))
            Assert.Ignore($"These tests use MariaDB's seq_1_to_N tables; the server is {version}.");
        await _db.ExecuteAsync(Schema);
        _target = _db.Target("maria");
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_db is not null)
            await _db.DisposeAsync();
    }

    private Task<IDatabaseSession> Open(ConnectionTarget? target = null) => new MySqlProvider().OpenAsync(target ?? _target, CancellationToken.None);

    [Test]
    public async Task MariaDb_is_detected_from_the_version_and_says_what_it_cannot_do()
    {
        await using var session = await Open();
        Assert.That(session.ServerInfo.IsMariaDb, Is.True);
        Assert.That(session.ServerInfo.Database, Is.EqualTo(_db.SchemaName));
        Assert.That(session.Capabilities.HypotheticalIndexes, Is.False);
        var whatIf = await session.ExplainWithIndexAsync("SELECT * FROM orders WHERE note = 'gift'",
            new IndexDefinition(null, new QualifiedName(null, "orders"), [new IndexKey("status", null, false)], default), new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(whatIf.Supported, Is.False);
        Assert.That(whatIf.Message, Does.Contain("only proposed"));
    }

    [Test]
    public async Task Catalog_reads_columns_keys_indexes_and_views()
    {
        await using var session = await Open();
        var sw = Stopwatch.StartNew();
        var schema = await session.LoadSchemaAsync(CancellationToken.None);
        TestContext.Out.WriteLine($"MariaDB catalog load: {sw.ElapsedMilliseconds} ms ({schema.Tables.Count} tables)");
        Assert.That(schema.DefaultSchema, Is.EqualTo(_db.SchemaName));
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        Assert.That(orders.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id", "status", "total", "note", "created_at" }));
        Assert.That((orders.FindColumn("id")!.DataType, orders.FindColumn("id")!.IsIdentity), Is.EqualTo(("bigint", true)));
        Assert.That(orders.FindColumn("customer_id")!.DataType, Is.EqualTo("integer"));
        Assert.That(orders.FindColumn("total")!.DataType, Is.EqualTo("numeric(10,2)").Or.EqualTo("decimal(10,2)"));
        Assert.That(orders.FindColumn("status")!.DataType, Does.StartWith("enum("));
        Assert.That(orders.FindColumn("note")!.Nullable, Is.True);
        Assert.That(orders.PrimaryKey!.Columns, Is.EqualTo(new[] { "id" }));
        var fk = orders.ForeignKeys.Single();
        Assert.That((fk.Name, fk.Columns.Single(), fk.ReferencedTable!.Name, fk.ReferencedColumns.Single()), Is.EqualTo(("fk_orders_customer", "customer_id", "customers", "id")));
        Assert.That(orders.Constraints.Single(c => c.Kind == ConstraintKind.Check).CheckExpression, Does.Contain("total").And.Contain(">= 0"));
        var ix = orders.Indexes.Single(i => i.Name == "ix_orders_customer");
        Assert.That(ix.Keys.Select(k => (k.Column, k.Descending)), Is.EqualTo(new[] { ("customer_id", false), ("created_at", true) }));
        Assert.That(ix.Method, Is.EqualTo("btree"));
        Assert.That(orders.Indexes.Single(i => i.Name == "ix_orders_note").Keys.Single().Expression, Is.EqualTo("note(10)"));
        var customers = schema.FindTable(new QualifiedName(_db.SchemaName, "customers"))!;
        Assert.That(customers.FindColumn("country")!.Default, Does.Contain("se"));
        Assert.That(customers.Indexes.Single(i => i.Name == "uq_customers_email").Unique, Is.True);
        Assert.That(customers.Constraints.Any(c => c.Kind == ConstraintKind.Unique && c.Columns.SequenceEqual(["email"])), Is.True);
        Assert.That(schema.FindView(new QualifiedName(null, "paid_orders"))!.Columns, Is.EqualTo(new[] { "id", "customer_id", "total" }));
    }

    [Test]
    public async Task Table_and_column_statistics()
    {
        await using var session = await Open();
        var stats = (await session.GetTableStatsAsync(new QualifiedName(null, "orders"), CancellationToken.None))!;
        Assert.That(stats.EstimatedRows, Is.InRange(25000, 100000), "InnoDB's estimate");
        Assert.That(stats.TableBytes, Is.GreaterThan(1_000_000));
        Assert.That(stats.IndexBytes, Is.GreaterThan(0));
        Assert.That(stats.Indexes.Select(i => i.Name), Is.SupersetOf(new[] { "PRIMARY", "ix_orders_customer", "fk_orders_customer" }.Where(n => n != "fk_orders_customer")));
        Assert.That(stats.Indexes.Single(i => i.Name == "PRIMARY").Primary, Is.True);
        Assert.That(stats.Indexes.Single(i => i.Name == "ix_orders_note").Definition, Is.EqualTo("INDEX ix_orders_note (note(10))"));
        Assert.That(await session.GetTableStatsAsync(new QualifiedName(null, "nope"), CancellationToken.None), Is.Null);

        var customer = (await session.GetColumnStatsAsync(new QualifiedName(null, "orders"), "customer_id", CancellationToken.None))!;
        Assert.That((customer.DataType, customer.Nullable), Is.EqualTo(("int(11)", false)));
        Assert.That(customer.DistinctValues, Is.InRange(1000, 50000), "index cardinality (an InnoDB estimate)");
    }

    [Test]
    public async Task Json_plans_of_mariadb_with_real_table_names()
    {
        await using var session = await Open();
        var slow = await session.ExplainAsync("SELECT * FROM orders o WHERE o.total > 10 ORDER BY o.created_at", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(slow.Engine, Is.EqualTo("mariadb"));
        var scan = slow.Nodes.Single(n => n.Operation == PlanOperation.FullScan);
        Assert.That((scan.Relation, scan.Alias), Is.EqualTo(("orders", "o")));
        Assert.That(scan.EstimatedRows, Is.GreaterThan(10000));
        Assert.That(slow.Nodes.Any(n => n.Operation == PlanOperation.Sort), Is.True);

        var join = await session.ExplainAsync("SELECT c.email FROM customers c JOIN orders o ON o.customer_id = c.id WHERE c.country = 'se'", new ReadOnlyQueryOptions(), CancellationToken.None);
        var seek = join.Nodes.Single(n => n.Relation == "orders");
        Assert.That((seek.Operation, seek.IndexName), Is.EqualTo((PlanOperation.IndexSeek, "ix_orders_customer")));

        var delete = await session.ExplainAsync("DELETE FROM orders WHERE status = 'cancelled'", new ReadOnlyQueryOptions { Analyze = true }, CancellationToken.None);
        Assert.That(delete.Nodes.Single(n => n.Relation == "orders").Operation, Is.EqualTo(PlanOperation.FullScan));
        Assert.That((await _db.QueryAsync("SELECT count(*) FROM orders WHERE status = 'cancelled'"))[0][0], Is.EqualTo(12500L), "ANALYZE was not applied to a DELETE");

        var analyzed = await session.ExplainAsync("SELECT count(*) FROM customers WHERE country = 'se'", new ReadOnlyQueryOptions { Analyze = true }, CancellationToken.None);
        Assert.That(analyzed.Nodes.Any(n => n.Details.ContainsKey("r_rows")), Is.True, "MariaDB's ANALYZE FORMAT=JSON for an opted-in read-only statement");
    }

    [Test]
    public async Task Analysing_destructive_statements_changes_no_row_and_no_catalog()
    {
        var before = await Fingerprint();
        await using (var session = await Open())
        {
            var outcomes = await SafetyHarness.AnalyseAllAsync(session, SafetyHarness.MySqlScript, SqlDialect.MySql);
            foreach (var o in outcomes)
                TestContext.Out.WriteLine($"{o.Statement} analyze={o.Analyze} -> {o.Result}");
            Assert.That(outcomes.Where(o => !o.WholeScript && (o.Statement.StartsWith("DELETE") || o.Statement.StartsWith("UPDATE") || o.Statement.StartsWith("INSERT"))).Select(o => o.Result),
                Is.Not.Empty.And.All.StartWith("plan:"));
            Assert.That(outcomes.Where(o => !o.WholeScript && (o.Statement.StartsWith("DROP") || o.Statement.StartsWith("TRUNCATE") || o.Statement.StartsWith("ALTER") || o.Statement.StartsWith("CREATE"))).Select(o => o.Result),
                Is.Not.Empty.And.All.StartWith("refused:"));
        }
        Assert.That(await Fingerprint(), Is.EqualTo(before));
    }

    private async Task<string> Fingerprint()
    {
        var parts = new List<string>();
        foreach (var table in new[] { "customers", "orders" })
        {
            var rows = await _db.QueryAsync($"SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS('|', {(table == "orders" ? "id, customer_id, status, total, note, created_at" : "id, email, country, created_at")}))), 0) FROM {table}");
            parts.Add($"{table}: {rows[0][0]} {rows[0][1]}");
            parts.Add($"checksum {table}: {(await _db.QueryAsync($"CHECKSUM TABLE {table}"))[0][1]}");
        }
        parts.Add("auto_increment: " + (await _db.QueryAsync("SELECT GROUP_CONCAT(TABLE_NAME, '=', AUTO_INCREMENT ORDER BY TABLE_NAME) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"))[0][0]);
        parts.Add("columns: " + (await _db.QueryAsync("SELECT GROUP_CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLUMN_TYPE ORDER BY TABLE_NAME, ORDINAL_POSITION) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"))[0][0]);
        parts.Add("indexes: " + (await _db.QueryAsync("SELECT GROUP_CONCAT(DISTINCT TABLE_NAME, '.', INDEX_NAME ORDER BY TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()"))[0][0]);
        return string.Join("\n", parts);
    }

    [Test]
    public async Task Wrong_password_gives_one_clear_message_without_the_password()
    {
        var wrong = _target with { Password = "Wr0ng-Pa55word" };
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => Open(wrong));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(e.ToString(), Does.Not.Contain("Wr0ng-Pa55word"));
        Assert.That(e.ToString(), Does.Not.Contain(new MySqlConnectionStringBuilder(_db.ConnectionString).Password));
        await Task.CompletedTask;
    }

    [Test]
    public async Task A_statement_waiting_on_a_metadata_lock_hits_the_lock_timeout()
    {
        await using var blocker = new MySqlConnection(_db.ConnectionString);
        await blocker.OpenAsync();
        await using (var cmd = new MySqlCommand("LOCK TABLES customers WRITE", blocker))
            await cmd.ExecuteNonQueryAsync();
        try
        {
            await using var session = await Open();
            var sw = Stopwatch.StartNew();
            var e = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync("SELECT * FROM customers", new ReadOnlyQueryOptions { LockTimeoutMs = 1000 }, CancellationToken.None));
            Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Timeout), e.Message);
            Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(6)));
        }
        finally
        {
            await using var unlock = new MySqlCommand("UNLOCK TABLES", blocker);
            await unlock.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task Killed_connection_mid_analysis_is_reported_unreachable()
    {
        await using var blocker = new MySqlConnection(_db.ConnectionString);
        await blocker.OpenAsync();
        await using (var cmd = new MySqlCommand("LOCK TABLES orders WRITE", blocker))
            await cmd.ExecuteNonQueryAsync();
        try
        {
            await using var session = await Open();
            var explain = session.ExplainAsync("SELECT * FROM orders", new ReadOnlyQueryOptions { LockTimeoutMs = 20000, StatementTimeoutMs = 30000 }, CancellationToken.None);
            await using var killer = new MySqlConnection(_db.ConnectionString);
            await killer.OpenAsync();
            for (var i = 0; i < 50; i++)
            {
                var ids = await _db.QueryAsync($"SELECT ID FROM information_schema.PROCESSLIST WHERE DB = '{_db.SchemaName}' AND INFO LIKE 'EXPLAIN FORMAT=JSON SELECT * FROM orders%'");
                if (ids.Count > 0)
                {
                    await using var kill = new MySqlCommand($"KILL CONNECTION {ids[0][0]}", killer);
                    await kill.ExecuteNonQueryAsync();
                    break;
                }
                await Task.Delay(100);
            }
            var e = Assert.ThrowsAsync<DatabaseAccessException>(() => explain);
            Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Unreachable), e.Message);
        }
        finally
        {
            await using var unlock = new MySqlCommand("UNLOCK TABLES", blocker);
            await unlock.ExecuteNonQueryAsync();
        }
    }
}
