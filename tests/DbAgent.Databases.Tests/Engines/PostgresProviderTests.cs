using System.Diagnostics;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Postgres;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using Npgsql;

namespace DbAgent.Databases.Tests.Engines;

/// <summary>Against a real PostgreSQL (DBAGENT_TEST_POSTGRES, else Testcontainers, else skipped with the reason).</summary>
[NonParallelizable]
public class PostgresProviderTests
{
    private ScratchDatabase _db = null!;
    private ConnectionTarget _target = null!;

    public const string Schema = """
        CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
        CREATE TABLE customers(
          id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          email varchar(200) NOT NULL UNIQUE,
          country char(2) DEFAULT 'se',
          created_at timestamptz NOT NULL DEFAULT now());
        CREATE TABLE orders(
          id bigserial PRIMARY KEY,
          customer_id integer NOT NULL REFERENCES customers(id),
          status order_status NOT NULL,
          total numeric(10,2) CONSTRAINT total_not_negative CHECK (total >= 0),
          note text,
          created_at timestamptz NOT NULL);
        CREATE INDEX ix_orders_customer ON orders(customer_id, created_at DESC) INCLUDE (total);
        CREATE INDEX ix_orders_open ON orders(created_at) WHERE status = 'new';
        CREATE INDEX ix_customers_lower_email ON customers USING hash (lower(email));
        CREATE VIEW paid_orders AS SELECT id, customer_id, total FROM orders WHERE status = 'paid';
        CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
        CREATE SEQUENCE invoice_numbers;
        INSERT INTO customers(email, country) SELECT 'c' || g || '@example.org', (ARRAY['se','de','fr', NULL])[1 + g % 4] FROM generate_series(1, 5000) g;
        INSERT INTO orders(customer_id, status, total, note, created_at)
          SELECT 1 + g % 5000, (ARRAY['paid','new','shipped','cancelled'])[1 + g % 4]::order_status, g % 500, CASE WHEN g % 10 = 0 THEN 'gift' END,
                 timestamptz '2024-01-01' + g * interval '1 minute'
          FROM generate_series(1, 50000) g;
        REFRESH MATERIALIZED VIEW order_totals;
        ANALYZE;
        """;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await ScratchDatabase.PostgresAsync();
        await _db.ExecuteAsync(Schema);
        _target = _db.Target("pg");
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_db is not null)
            await _db.DisposeAsync();
    }

    private Task<IDatabaseSession> Open(ConnectionTarget? target = null) => new PostgresProvider().OpenAsync(target ?? _target, CancellationToken.None);

    [Test]
    public async Task Catalog_reads_columns_constraints_indexes_views_and_enums()
    {
        await using var session = await Open();
        Assert.That(session.ServerInfo.Version, Does.StartWith("1"));
        var sw = Stopwatch.StartNew();
        var schema = await session.LoadSchemaAsync(CancellationToken.None);
        TestContext.Out.WriteLine($"PostgreSQL catalog load: {sw.ElapsedMilliseconds} ms ({schema.Tables.Count} tables)");
        Assert.That(schema.DefaultSchema, Is.EqualTo(_db.SchemaName));
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        Assert.That(orders.Columns.Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id", "status", "total", "note", "created_at" }));
        Assert.That(orders.FindColumn("id")!.DataType, Is.EqualTo("bigint"));
        Assert.That(orders.FindColumn("id")!.IsIdentity, Is.True, "bigserial");
        Assert.That(orders.FindColumn("total")!.DataType, Is.EqualTo("numeric(10,2)"));
        Assert.That(orders.FindColumn("status")!.DataType, Is.EqualTo("order_status"));
        Assert.That(orders.FindColumn("note")!.Nullable, Is.True);
        Assert.That(orders.FindColumn("created_at")!.Nullable, Is.False);
        Assert.That(orders.PrimaryKey!.Columns, Is.EqualTo(new[] { "id" }));
        var fk = orders.ForeignKeys.Single();
        Assert.That((fk.Columns.Single(), fk.ReferencedTable!.Name, fk.ReferencedColumns.Single()), Is.EqualTo(("customer_id", "customers", "id")));
        Assert.That(orders.Constraints.Single(c => c.Kind == ConstraintKind.Check).CheckExpression, Is.EqualTo("total >= 0::numeric"));
        var ix = orders.Indexes.Single(i => i.Name == "ix_orders_customer");
        Assert.That(ix.Keys.Select(k => (k.Column, k.Descending)), Is.EqualTo(new[] { ("customer_id", false), ("created_at", true) }));
        Assert.That((ix.Include.Single(), ix.Method, ix.Unique), Is.EqualTo(("total", "btree", false)));
        Assert.That(orders.Indexes.Single(i => i.Name == "ix_orders_open").Predicate, Is.EqualTo("status = 'new'::order_status"));
        Assert.That(orders.Indexes.Single(i => i.IsPrimaryKey).Name, Is.EqualTo("orders_pkey"));

        var customers = schema.FindTable(new QualifiedName(_db.SchemaName, "customers"))!;
        Assert.That(customers.FindColumn("id")!.IsIdentity, Is.True);
        Assert.That(customers.FindColumn("email")!.DataType, Is.EqualTo("varchar(200)"));
        Assert.That(customers.FindColumn("country")!.Default, Does.Contain("'se'"));
        Assert.That(customers.Constraints.Any(c => c.Kind == ConstraintKind.Unique && c.Columns.SequenceEqual(["email"])), Is.True);
        var hash = customers.Indexes.Single(i => i.Name == "ix_customers_lower_email");
        Assert.That((hash.Method, hash.Keys.Single().Expression), Is.EqualTo(("hash", "lower(email::text)")));

        Assert.That(schema.FindEnum(new QualifiedName(null, "order_status"))!.Values, Is.EqualTo(new[] { "new", "paid", "shipped", "cancelled" }));
        Assert.That(schema.FindView(new QualifiedName(null, "paid_orders"))!.Columns, Is.EqualTo(new[] { "id", "customer_id", "total" }));
        Assert.That(schema.FindView(new QualifiedName(null, "order_totals"))!.Materialized, Is.True);
        Assert.That(schema.Sequences.Select(s => s.Name), Does.Contain("invoice_numbers"));
    }

    [Test]
    public async Task Table_and_column_statistics()
    {
        await using var session = await Open();
        var stats = (await session.GetTableStatsAsync(new QualifiedName(null, "Orders"), CancellationToken.None))!;
        Assert.That(stats.Table, Is.EqualTo(new QualifiedName(_db.SchemaName, "orders")));
        Assert.That(stats.EstimatedRows, Is.EqualTo(50000).Within(500));
        Assert.That(stats.TableBytes, Is.GreaterThan(1_000_000));
        Assert.That(stats.TotalBytes, Is.GreaterThan(stats.TableBytes!.Value));
        Assert.That(stats.Indexes.Select(i => i.Name), Is.SupersetOf(new[] { "orders_pkey", "ix_orders_customer", "ix_orders_open" }));
        Assert.That(stats.Indexes.Single(i => i.Name == "orders_pkey"), Has.Property("Primary").True.And.Property("SizeBytes").GreaterThan(0));
        Assert.That(stats.Indexes.Single(i => i.Name == "ix_orders_customer").Definition, Does.Contain("INCLUDE (total)"));
        Assert.That(stats.SequentialScans, Is.Not.Null);
        Assert.That(await session.GetTableStatsAsync(new QualifiedName(null, "nope"), CancellationToken.None), Is.Null);

        var status = (await session.GetColumnStatsAsync(new QualifiedName(null, "orders"), "status", CancellationToken.None))!;
        Assert.That((status.DataType, status.Nullable), Is.EqualTo(("order_status", false)));
        Assert.That(status.NullFraction, Is.EqualTo(0));
        Assert.That(status.DistinctValues, Is.EqualTo(4));
        Assert.That(status.MostCommonValues, Is.EquivalentTo(new[] { "new", "paid", "shipped", "cancelled" }));
        Assert.That(status.MostCommonFrequencies.Sum(), Is.EqualTo(1).Within(0.01));
        var note = (await session.GetColumnStatsAsync(new QualifiedName(_db.SchemaName, "orders"), "NOTE", CancellationToken.None))!;
        Assert.That(note.NullFraction, Is.EqualTo(0.9).Within(0.05));
        var created = (await session.GetColumnStatsAsync(new QualifiedName(null, "orders"), "created_at", CancellationToken.None))!;
        Assert.That(created.Correlation, Is.EqualTo(1).Within(0.05));
        Assert.That(created.DistinctValues, Is.EqualTo(-1), "unique values: a fraction of the rows, negative");
    }

    [Test]
    public async Task Plans_in_json_with_generic_plans_for_parameters()
    {
        await using var session = await Open();
        var slow = await session.ExplainAsync("SELECT * FROM orders o WHERE o.note = 'gift' ORDER BY o.total;", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(slow.Engine, Is.EqualTo("postgres"));
        Assert.That(slow.RawPlan, Does.Contain("\"Node Type\""));
        var scan = slow.Nodes.Single(n => n.Operation == PlanOperation.FullScan);
        Assert.That((scan.Relation, scan.Alias, scan.FilterColumns.Single()), Is.EqualTo(("orders", "o", "note")));
        Assert.That(slow.Nodes.Any(n => n.Operation == PlanOperation.Sort && n.SortKeys.Any(k => k.EndsWith("total"))), Is.True);

        var seek = await session.ExplainAsync("SELECT * FROM orders WHERE id = 42", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That((seek.Root.Operation, seek.Root.IndexName, seek.Root.EstimatedRows), Is.EqualTo((PlanOperation.IndexSeek, "orders_pkey", (double?)1)));

        // $1 parameters: planned without values (PREPARE + generic plan on PostgreSQL 15, GENERIC_PLAN on 16+).
        var generic = await session.ExplainAsync("SELECT * FROM orders WHERE customer_id = $1 AND created_at > $2", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(generic.Nodes.Any(n => n.IndexName == "ix_orders_customer"), Is.True, generic.RawPlan);
        Assert.That(generic.Nodes.SelectMany(n => n.FilterColumns), Does.Contain("customer_id"));
        // Twice, to show the prepared statement was deallocated (same name space, no clash) and the session is reusable.
        var again = await session.ExplainAsync("UPDATE orders SET note = $2 WHERE id = $1", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(again.Root.NodeType, Is.EqualTo("ModifyTable"));
    }

    [Test]
    public async Task Analyze_runs_only_for_read_only_statements_when_asked()
    {
        await using var session = await Open();
        var analyzed = await session.ExplainAsync("SELECT count(*) FROM customers", new ReadOnlyQueryOptions { Analyze = true }, CancellationToken.None);
        Assert.That(analyzed.Root.Details.ContainsKey("Actual Rows"), Is.True);
        var notAnalyzed = await session.ExplainAsync("DELETE FROM customers WHERE id = 1", new ReadOnlyQueryOptions { Analyze = true }, CancellationToken.None);
        Assert.That(notAnalyzed.Root.Details.ContainsKey("Actual Rows"), Is.False);
        Assert.That((await _db.QueryAsync("SELECT count(*) FROM customers WHERE id = 1"))[0][0], Is.EqualTo(1L));
    }

    [Test]
    public async Task Hypothetical_index_through_hypopg_changes_the_plan_and_leaves_nothing()
    {
        await using var session = await Open();
        if (!session.Capabilities.HypotheticalIndexes)
            Assert.Ignore("HypoPG is not installed on this PostgreSQL server: " + session.Capabilities.Notes);
        var index = new IndexDefinition(null, new QualifiedName(null, "orders"), [new IndexKey("note", null, false)], default);
        var result = await session.ExplainWithIndexAsync("SELECT * FROM orders WHERE note = 'gift' AND total > 490", index, new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(result.Supported, Is.True);
        Assert.That(result.IndexUsed, Is.True, result.Message);
        Assert.That(result.After!.TotalCost, Is.LessThan(result.Before!.TotalCost!.Value));
        Assert.That(result.Before.Nodes.Any(n => n.Operation == PlanOperation.FullScan), Is.True);
        var count = await _db.QueryAsync($"SELECT count(*) FROM pg_indexes WHERE schemaname = '{_db.SchemaName}' AND tablename = 'orders'");
        Assert.That(count[0][0], Is.EqualTo(3L), "no real index was built");
        // HypoPG's indexes live in the backend: none remain for the next statement of the session.
        var after = await session.ExplainAsync("SELECT * FROM orders WHERE note = 'gift' AND total > 490", new ReadOnlyQueryOptions(), CancellationToken.None);
        Assert.That(after.Nodes.Any(n => n.IndexName?.Contains("note") == true), Is.False);
    }

    [Test]
    public async Task Analysing_destructive_statements_changes_no_row_and_no_catalog()
    {
        var before = await Fingerprint();
        await using (var session = await Open())
        {
            var outcomes = await SafetyHarness.AnalyseAllAsync(session, SafetyHarness.PostgresScript, SqlDialect.Postgres);
            foreach (var o in outcomes)
                TestContext.Out.WriteLine($"{o.Statement} analyze={o.Analyze} -> {o.Result}");
            Assert.That(outcomes.Where(o => !o.WholeScript && (o.Statement.StartsWith("DELETE") || o.Statement.StartsWith("UPDATE") || o.Statement.StartsWith("INSERT"))).Select(o => o.Result),
                Is.Not.Empty.And.All.StartWith("plan:"));
            Assert.That(outcomes.Where(o => !o.WholeScript && (o.Statement.StartsWith("DROP") || o.Statement.StartsWith("TRUNCATE") || o.Statement.StartsWith("ALTER") || o.Statement.StartsWith("CREATE"))).Select(o => o.Result),
                Is.Not.Empty.And.All.StartWith("refused:"));
            Assert.That(outcomes.Where(o => o.WholeScript).Select(o => o.Result), Is.Not.Empty.And.All.StartWith("refused:"));
        }
        Assert.That(await Fingerprint(), Is.EqualTo(before));
    }

    /// <summary>Every table's row count and content checksum, sequence positions, and the catalog's shape.</summary>
    private async Task<string> Fingerprint()
    {
        var parts = new List<string>();
        foreach (var table in new[] { "customers", "orders" })
        {
            var rows = await _db.QueryAsync($"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {table} t");
            parts.Add($"{table}: {rows[0][0]} {rows[0][1]}");
        }
        parts.Add("seq: " + (await _db.QueryAsync("SELECT last_value, is_called FROM orders_id_seq"))[0][0]);
        var catalog = await _db.QueryAsync("""
            SELECT string_agg(c.relname || ':' || c.relkind::text || ':' || c.relnatts, ',' ORDER BY c.relname) FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
            """);
        parts.Add("catalog: " + catalog[0][0]);
        parts.Add("constraints: " + (await _db.QueryAsync("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()"))[0][0]);
        return string.Join("\n", parts);
    }

    [Test]
    public async Task Wrong_password_gives_one_clear_message_without_the_password()
    {
        var wrong = _target with { Password = "Wr0ng-Pa55word" };
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => Open(wrong));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(e.Message, Does.Contain("wrong user name or password"));
        Assert.That(e.ToString(), Does.Not.Contain("Wr0ng-Pa55word"));
        Assert.That(e.ToString(), Does.Not.Contain(new NpgsqlConnectionStringBuilder(_db.ConnectionString).Password));
        await using var manager = new ConnectionManager();
        var (ok, message, _) = await manager.TestAsync(wrong, CancellationToken.None);
        Assert.That(ok, Is.False);
        Assert.That(message, Does.Not.Contain("Wr0ng-Pa55word"));
    }

    [Test]
    public async Task The_password_comes_from_the_client_when_the_settings_have_none()
    {
        var password = new NpgsqlConnectionStringBuilder(_db.ConnectionString).Password;
        var withoutPassword = _target with { Name = "asks", Password = null };
        var asked = 0;
        var answer = "Wr0ng-Pa55word";
        await using var manager = new ConnectionManager { InitialBackoff = TimeSpan.FromMilliseconds(10), PasswordProvider = (t, ct) => { asked++; return Task.FromResult<string?>(answer); } };
        manager.Configure([withoutPassword]);
        var refused = await manager.UseAsync("asks", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "orders"), ct), CancellationToken.None);
        Assert.That(refused.Failure!.Kind, Is.EqualTo(ConnectionFailureKind.AuthenticationFailed));
        Assert.That(refused.Failure.Message, Does.Not.Contain(answer));
        answer = password!;
        manager.ForgetPassword("asks");
        var accepted = await manager.UseAsync("asks", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "orders"), ct), CancellationToken.None);
        Assert.That(accepted.Ok, Is.True, accepted.Failure?.Message);
        Assert.That(asked, Is.GreaterThanOrEqualTo(2), "asked again after the refusal");
        Assert.That(manager.GetStatus("asks").State, Is.EqualTo(ConnectionState.Connected));
    }

    [Test]
    public void Nothing_listening_and_unknown_host_are_told_apart()
    {
        var closedPort = _target with { Host = "127.0.0.1", Port = 1 };
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => Open(closedPort));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Unreachable));
        var unknown = _target with { Host = "no-such-host.invalid" };
        var e2 = Assert.ThrowsAsync<DatabaseAccessException>(() => Open(unknown));
        Assert.That(e2!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.UnknownHost));
    }

    /// <summary>A second connection holding an exclusive lock on a table until it is released or disposed.</summary>
    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public Task ReleaseAsync() => transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task<TableLock> LockAsync(string table)
    {
        var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var cmd = new NpgsqlCommand($"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE", connection, transaction))
            await cmd.ExecuteNonQueryAsync();
        return new TableLock(connection, transaction);
    }

    [Test]
    public async Task A_statement_waiting_on_a_lock_hits_the_lock_timeout()
    {
        await using var tableLock = await LockAsync("customers");
        await using var session = await Open();
        var sw = Stopwatch.StartNew();
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync("SELECT * FROM customers", new ReadOnlyQueryOptions { LockTimeoutMs = 500 }, CancellationToken.None));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Timeout));
        Assert.That(e.Message, Does.Contain("lock timeout"));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        await tableLock.ReleaseAsync();
        // The session is usable again once the lock is gone.
        Assert.That((await session.ExplainAsync("SELECT * FROM customers", new ReadOnlyQueryOptions(), CancellationToken.None)).Root.Relation, Is.EqualTo("customers"));
    }

    [Test]
    public async Task A_statement_that_takes_too_long_to_plan_hits_the_statement_timeout()
    {
        await using var session = await Open();
        // A 12-way self join with join_collapse_limit raised by nothing: planning alone takes long; 1 ms is far too little.
        var joins = string.Join(" ", Enumerable.Range(1, 12).Select(i => $"JOIN orders o{i} ON o{i}.customer_id = o{i - 1}.customer_id"));
        var sql = $"SELECT count(*) FROM orders o0 {joins} WHERE o0.total > 10";
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync(sql, new ReadOnlyQueryOptions { StatementTimeoutMs = 1 }, CancellationToken.None));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Timeout));
        Assert.That(e.Message, Does.Contain("statement timeout"));
    }

    [Test]
    public async Task Cancelling_a_waiting_explain_returns_at_once_and_the_session_stays_usable()
    {
        await using var tableLock = await LockAsync("customers");
        await using var session = await Open();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var sw = Stopwatch.StartNew();
        Assert.CatchAsync<OperationCanceledException>(() => session.ExplainAsync("SELECT * FROM customers", new ReadOnlyQueryOptions { LockTimeoutMs = 20000 }, cts.Token));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        await tableLock.ReleaseAsync();
        Assert.That((await session.ExplainAsync("SELECT * FROM customers", new ReadOnlyQueryOptions(), CancellationToken.None)).Root.Relation, Is.EqualTo("customers"));
    }

    [Test]
    public async Task Binary_garbage_is_refused_without_reaching_the_server()
    {
        await using var session = await Open();
        var garbage = new string(Enumerable.Range(0, 2000).Select(i => (char)((i * 7919) % 0xD7FF)).ToArray());
        Assert.ThrowsAsync<DbAgent.Databases.Plans.StatementNotExplainableException>(() => session.ExplainAsync(garbage, new ReadOnlyQueryOptions(), CancellationToken.None));
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => session.ExplainAsync("SELECT FROM WHERE ((", new ReadOnlyQueryOptions(), CancellationToken.None));
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.QueryFailed));
        Assert.That((await session.ExplainAsync("SELECT 1", new ReadOnlyQueryOptions(), CancellationToken.None)).Root, Is.Not.Null);
    }

    [Test]
    public async Task Backend_killed_mid_analysis_is_reported_unreachable_without_a_hang()
    {
        // The backend is killed from a second connection while the EXPLAIN waits on a lock.
        await using var tableLock = await LockAsync("orders");
        await using var session = await Open();
        var explain = session.ExplainAsync("SELECT * FROM orders", new ReadOnlyQueryOptions { LockTimeoutMs = 20000, StatementTimeoutMs = 30000 }, CancellationToken.None);
        var database = new NpgsqlConnectionStringBuilder(_db.ConnectionString).Database;
        // A connection of its own: pg_stat_activity is a snapshot that stays fixed inside a transaction.
        await using var killer = new NpgsqlConnection(_db.ConnectionString);
        await killer.OpenAsync();
        for (var i = 0; i < 50; i++)
        {
            await using var kill = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @db AND application_name = 'dbagent' AND wait_event_type = 'Lock' AND query LIKE 'EXPLAIN%orders%'", killer);
            kill.Parameters.AddWithValue("db", database!);
            if ((long)(await kill.ExecuteScalarAsync())! > 0)
                break;

            await Task.Delay(100);
        }
        var e = Assert.ThrowsAsync<DatabaseAccessException>(() => explain);
        Assert.That(e!.Failure.Kind, Is.EqualTo(ConnectionFailureKind.Unreachable), e.Message);
        await tableLock.ReleaseAsync();
    }

    [Test]
    public async Task Manager_marks_a_stopped_server_unreachable_fails_fast_and_reconnects_when_it_is_back()
    {
        var upstream = new NpgsqlConnectionStringBuilder(_db.ConnectionString);
        await using var proxy = new TcpProxy(upstream.Host!, upstream.Port);
        proxy.Start();
        var target = _target with { Name = "proxied", Host = "127.0.0.1", Port = proxy.Port, ConnectionString = null, Database = upstream.Database, User = upstream.Username, Password = upstream.Password };
        await using var manager = new ConnectionManager { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromMilliseconds(400) };
        var events = new List<ConnectionStatus>();
        manager.StatusChanged += s => { lock (events) events.Add(s); };
        manager.Configure([target]);

        var schema = await manager.GetSchemaAsync("proxied", refresh: false, CancellationToken.None);
        Assert.That(schema.Ok, Is.True, schema.Failure?.Message);
        Assert.That(manager.GetStatus("proxied").State, Is.EqualTo(ConnectionState.Connected));

        proxy.Stop();
        NpgsqlConnection.ClearAllPools();
        var down = await manager.UseAsync("proxied", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "orders"), ct), CancellationToken.None);
        Assert.That(down.Ok, Is.False);
        Assert.That(down.Failure!.Kind, Is.EqualTo(ConnectionFailureKind.Unreachable));
        Assert.That(manager.GetStatus("proxied").State, Is.EqualTo(ConnectionState.Unreachable));
        Assert.That(manager.GetStatus("proxied").Message, Does.Contain("Cannot reach 'proxied'").And.Not.Contain(upstream.Password!));
        // The cached catalog still answers while the server is away, flagged with why it is not fresh.
        var stale = await manager.GetSchemaAsync("proxied", refresh: true, CancellationToken.None);
        Assert.That((stale.Value is not null, stale.Ok), Is.EqualTo((true, false)));

        proxy.Start();
        var sw = Stopwatch.StartNew();
        while (manager.GetStatus("proxied").State != ConnectionState.Connected && sw.Elapsed < TimeSpan.FromSeconds(15))
            await Task.Delay(100);
        Assert.That(manager.GetStatus("proxied").State, Is.EqualTo(ConnectionState.Connected), "reconnected by the backoff loop");
        lock (events)
            Assert.That(events.Select(e => e.State), Is.EqualTo(new[] { ConnectionState.Connected, ConnectionState.Unreachable, ConnectionState.Connected }).Or.EqualTo(
                new[] { ConnectionState.Connected, ConnectionState.Unreachable, ConnectionState.Unreachable, ConnectionState.Connected }));
        var up = await manager.UseAsync("proxied", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "orders"), ct), CancellationToken.None);
        Assert.That(up.Ok, Is.True);
    }
}
