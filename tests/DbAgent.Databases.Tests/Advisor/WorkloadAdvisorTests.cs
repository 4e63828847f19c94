using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Databases.Advisor;
using DbAgent.Databases.Tests.Support;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases.Tests.Advisor;

/// <summary>The workload advisor against a real PostgreSQL with HypoPG (DBAGENT_TEST_POSTGRES, else skipped with the reason).</summary>
[NonParallelizable]
public class WorkloadAdvisorTests
{
    private ScratchDatabase _db = null!;

    private const string Schema = """
        CREATE TABLE shop_orders(id bigint PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, total numeric(10,2) NOT NULL);
        INSERT INTO shop_orders SELECT g, 1 + g % 2000,
            CASE WHEN g % 200 = 0 THEN 'disputed' WHEN g % 10 = 0 THEN 'pending' ELSE 'delivered' END,
            timestamptz '2024-01-01' + g * interval '1 minute', g % 1000
          FROM generate_series(1, 60000) g;
        -- a duplicate (its keys lead the next one) and an index no query uses
        CREATE INDEX ix_dup_customer ON shop_orders(customer_id);
        CREATE INDEX ix_customer_created ON shop_orders(customer_id, created_at);
        CREATE INDEX ix_total_unused ON shop_orders(total);
        ANALYZE shop_orders;
        """;

    private const string Workload = """
        SELECT id, total FROM shop_orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 10;
        SELECT id, total FROM shop_orders WHERE customer_id = 7 ORDER BY created_at DESC LIMIT 10;
        SELECT id, total FROM shop_orders WHERE status = 'disputed' ORDER BY created_at DESC LIMIT 20;
        SELECT count(*) FROM shop_orders WHERE created_at >= '2024-01-20' AND created_at < '2024-01-21';
        """;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        _db = await ScratchDatabase.PostgresAsync();
        await _db.ExecuteAsync(Schema);
    }

    [OneTimeTearDown]
    public async Task Drop()
    {
        if (_db is not null) await _db.DisposeAsync();
    }

    [Test]
    public async Task Advising_a_workload_leaves_the_database_byte_for_byte_as_it_was()
    {
        var before = await CatalogSnapshot();
        WorkloadAdvice advice;
        await using (var session = await ProviderRegistry.Default.OpenAsync(_db.Target("pg"), CancellationToken.None))
        {
            if (!session.Capabilities.HypotheticalIndexes) Assert.Ignore("HypoPG is not installed on this PostgreSQL server: " + session.Capabilities.Notes);
            advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.Postgres, WorkloadText.Queries(Workload, SqlDialect.Postgres, "w.sql"), null,
                new WorkloadAdviceOptions(), CancellationToken.None);

            // HypoPG's indexes are reset after every batch: the same session plans as if none had been made.
            var plan = await session.ExplainAsync("SELECT count(*) FROM shop_orders WHERE created_at >= '2024-01-20' AND created_at < '2024-01-21'", new ReadOnlyQueryOptions(), CancellationToken.None);
            Assert.That(plan.Nodes.Select(n => n.IndexName).Where(n => n is not null), Has.None.Contains("<"), "no hypothetical index (HypoPG names them <oid>btree_...) remains");
        }
        Assert.That(await CatalogSnapshot(), Is.EqualTo(before), "no index built, nothing changed");

        Assert.That(advice.Selection.Verified, Is.True);
        Assert.That(advice.Queries, Has.Count.EqualTo(3), "the two customer queries differ only by a constant: one shape");
        Assert.That(advice.Queries.Single(q => q.Query.Sql.Contains("customer_id = 42")).Query.Calls, Is.EqualTo(2));
        Assert.That(advice.Selection.Counters.Batches, Is.GreaterThan(0));
        Assert.That(advice.Selection.Counters.CacheHits, Is.GreaterThan(0));
        var ddl = advice.Selection.Indexes.Select(i => i.Index.DefinitionKey).ToList();
        TestContext.Out.WriteLine(string.Join("\n", ddl));
        Assert.That(ddl, Has.Some.Contains("where status='disputed'"), "the rare status gets a partial index");
        Assert.That(advice.Selection.Indexes.Any(i => i.Index.Table.Name == "shop_orders" && i.Index.Keys[0].Key.Column == "customer_id"), Is.False,
            "ix_customer_created already serves the customer queries");
        foreach (var q in advice.Selection.Queries.Where(q => q.Query.Sql.Contains("disputed") || q.Query.Sql.Contains("count(*)")))
            Assert.That(q.After, Is.LessThan(q.Before!.Value), q.Query.Sql);

        var drops = advice.Selection.Drops.ToDictionary(d => d.Name, d => d.Reason);
        Assert.That(drops.GetValueOrDefault("ix_dup_customer"), Is.EqualTo("duplicate"));
        Assert.That(drops.GetValueOrDefault("ix_total_unused"), Is.EqualTo("unused"));
        Assert.That(drops.ContainsKey("shop_orders_pkey"), Is.False, "a primary key enforces a rule: never proposed for dropping");
    }

    /// <summary>The schema's catalog rows (relations with their file nodes, indexes, columns, constraints) and the table's content.</summary>
    private async Task<string> CatalogSnapshot()
    {
        var parts = new List<string>
        {
            (string)(await _db.QueryAsync("""
                SELECT string_agg(c.relname || ':' || c.relkind::text || ':' || c.relfilenode || ':' || c.relnatts, ',' ORDER BY c.relname)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
                """))[0][0]!,
            (string)(await _db.QueryAsync("""
                SELECT string_agg(pg_get_indexdef(i.indexrelid), ';' ORDER BY 1) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
                """))[0][0]!,
            (string)(await _db.QueryAsync("""
                SELECT string_agg(a.attrelid::regclass::text || '.' || a.attname || ':' || a.atttypid, ',' ORDER BY 1) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND a.attnum > 0
                """))[0][0]!,
            (string)(await _db.QueryAsync("SELECT count(*) || ':' || md5(string_agg(t::text, '|' ORDER BY t.id)) FROM shop_orders t"))[0][0]!,
        };
        return string.Join("\n", parts);
    }
}

/// <summary>On MariaDB there is no what-if: the advice is the merged per-statement proposals, marked unverified, and nothing changes.</summary>
[NonParallelizable]
public class MariaDbWorkloadAdvisorTests
{
    [Test]
    public async Task Advice_is_unverified_merged_and_leaves_the_database_unchanged()
    {
        await using var db = await ScratchDatabase.MySqlAsync();
        await db.ExecuteAsync("""
            CREATE TABLE shop_orders(id bigint PRIMARY KEY, customer_id int NOT NULL, status varchar(20) NOT NULL, created_at datetime NOT NULL, INDEX ix_status (status));
            INSERT INTO shop_orders SELECT seq, seq % 500, IF(seq % 50 = 0, 'disputed', 'delivered'), '2024-01-01' + INTERVAL seq MINUTE FROM seq_1_to_20000;
            ANALYZE TABLE shop_orders;
            """);
        async Task<string> Snapshot() => string.Join("|", (await db.QueryAsync(
            "SELECT CONCAT_WS(':', TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX, COLUMN_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY 1"))
            .Select(r => r[0])) + "|" + (await db.QueryAsync("CHECKSUM TABLE shop_orders"))[0][1];
        var before = await Snapshot();
        await using (var session = await ProviderRegistry.Default.OpenAsync(db.Target("my"), CancellationToken.None))
        {
            var advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.MySql, WorkloadText.Queries("""
                SELECT id FROM shop_orders WHERE customer_id = 4;
                SELECT id FROM shop_orders WHERE customer_id = 5 AND created_at > '2024-01-05' ORDER BY created_at;
                """, SqlDialect.MySql), null, new WorkloadAdviceOptions(), CancellationToken.None);
            Assert.That(advice.Selection.Verified, Is.False);
            Assert.That(advice.Notes, Has.Some.Contains("no hypothetical indexes"));
            Assert.That(advice.Selection.Indexes.Select(i => i.Index.DefinitionKey), Is.EqualTo(new[] { "shop_orders(customer_id,created_at)" }),
                "(customer_id) is a prefix of (customer_id, created_at)");
            Assert.That(advice.Selection.Counters.Batches, Is.Zero);
        }
        Assert.That(await Snapshot(), Is.EqualTo(before));
    }
}
