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

    [Test]
    public async Task The_size_estimate_of_a_candidate_is_near_the_built_index_and_hypothetical_only()
    {
        var definitions = new[]
        {
            new IndexDefinition("e1", new QualifiedName(null, "shop_orders"), [new IndexKey("customer_id", null, false), new IndexKey("created_at", null, false)], default),
            new IndexDefinition("e2", new QualifiedName(null, "shop_orders"), [new IndexKey("status", null, false)], default) { Include = ["total"] },
            new IndexDefinition("e3", new QualifiedName(null, "shop_orders"), [new IndexKey("created_at", null, false)], default) { Predicate = "status = 'disputed'" },
            // Repeated keys: 2,000 customers, 30 orders each; 3 statuses. CREATE INDEX deduplicates them.
            new IndexDefinition("e4", new QualifiedName(null, "shop_orders"), [new IndexKey("customer_id", null, false)], default),
            new IndexDefinition("e5", new QualifiedName(null, "shop_orders"), [new IndexKey("status", null, false), new IndexKey("customer_id", null, false)], default),
            // numeric is never deduplicated (equal values can differ in scale): every row a tuple.
            new IndexDefinition("e6", new QualifiedName(null, "shop_orders"), [new IndexKey("total", null, false)], default),
        };
        IReadOnlyList<long?> estimated;
        await using (var session = await ProviderRegistry.Default.OpenAsync(_db.Target("pg"), CancellationToken.None))
        {
            if (!session.Capabilities.HypotheticalIndexes) Assert.Ignore("HypoPG is not installed on this PostgreSQL server: " + session.Capabilities.Notes);
            estimated = (await session.WhatIfBatchAsync([], definitions, new ReadOnlyQueryOptions(), CancellationToken.None)).IndexSizes;
        }
        Assert.That(Convert.ToInt64((await _db.QueryAsync("SELECT count(*) FROM pg_indexes WHERE tablename = 'shop_orders' AND indexname NOT LIKE 'ix_%' AND indexname <> 'shop_orders_pkey'"))[0][0]), Is.Zero, "estimating built nothing");
        var ddl = new[]
        {
            "CREATE INDEX size_probe_1 ON shop_orders (customer_id, created_at)",
            "CREATE INDEX size_probe_2 ON shop_orders (status) INCLUDE (total)",
            "CREATE INDEX size_probe_3 ON shop_orders (created_at) WHERE status = 'disputed'",
            "CREATE INDEX size_probe_4 ON shop_orders (customer_id)",
            "CREATE INDEX size_probe_5 ON shop_orders (status, customer_id)",
            "CREATE INDEX size_probe_6 ON shop_orders (total)",
        };
        try
        {
            for (var i = 0; i < ddl.Length; i++)
            {
                await _db.ExecuteAsync(ddl[i]);
                var built = Convert.ToInt64((await _db.QueryAsync($"SELECT pg_relation_size('size_probe_{i + 1}')"))[0][0]);
                TestContext.Out.WriteLine($"{ddl[i]}: estimated {estimated[i]}, built {built}");
                // Deduplication (PostgreSQL 13+) of repeated keys is counted: near the built size, plain or deduplicated (correlated
                // columns have fewer combinations than independent ones would: (status, customer_id) is estimated 1.3x).
                Assert.That(estimated[i], Is.Not.Null.And.InRange(built * 0.75, built * 1.5), ddl[i]);
            }
        }
        finally
        {
            await _db.ExecuteAsync(string.Concat(Enumerable.Range(1, ddl.Length).Select(i => $"DROP INDEX IF EXISTS size_probe_{i};")));
        }
    }

    [Test]
    public async Task Where_they_win_the_advisor_picks_more_than_two_keys_INCLUDE_and_mixed_directions()
    {
        await _db.ExecuteAsync("""
            CREATE TABLE wide_items(id bigint PRIMARY KEY, product_id int NOT NULL, quantity int NOT NULL, order_id bigint NOT NULL, price numeric(10,2) NOT NULL, kind text NOT NULL);
            INSERT INTO wide_items SELECT g, 1 + (power(random(), 3) * 999)::int, 1 + g % 10, g / 3, g % 500, CASE WHEN g % 7 = 0 THEN 'gift' ELSE 'plain' END
              FROM generate_series(1, 200000) g;
            """);
        await _db.ExecuteAsync("VACUUM ANALYZE wide_items"); // the visibility map makes index-only scans cheap, as on a settled table
        try
        {
            await using var session = await ProviderRegistry.Default.OpenAsync(_db.Target("pg"), CancellationToken.None);
            if (!session.Capabilities.HypotheticalIndexes) Assert.Ignore("HypoPG is not installed on this PostgreSQL server: " + session.Capabilities.Notes);
            var advice = await WorkloadAdvisor.AdviseAsync(session, SqlDialect.Postgres, WorkloadText.Queries("""
                SELECT order_id FROM wide_items WHERE product_id = 1 AND quantity = 10 ORDER BY order_id DESC LIMIT 20;
                SELECT sum(price) FROM wide_items WHERE kind = 'gift' AND order_id >= 60000;
                SELECT id, kind, price FROM wide_items ORDER BY kind, price DESC LIMIT 20;
                """, SqlDialect.Postgres, "w.sql"), null,
                // Room for all three (the default, the table's size, holds two of these): the choice, not the budget, is tested.
                new WorkloadAdviceOptions { BudgetBytes = 64L << 20 }, CancellationToken.None);
            var chosen = advice.Selection.Indexes.Select(i => i.Index.DefinitionKey).ToList();
            TestContext.Out.WriteLine(string.Join("\n", chosen));
            Assert.That(chosen, Has.Some.EqualTo("wide_items(product_id,quantity,order_id)"), "two equalities and the ORDER BY: three keys");
            Assert.That(advice.Selection.Indexes.Any(i => i.Index.Include.Contains("price") && i.Index.Keys[0].Key.Column == "kind"), Is.True, "the sum is read from the index: INCLUDE (price)");
            Assert.That(chosen, Has.Some.StartsWith("wide_items(kind,price desc)"), "ORDER BY kind, price DESC: the direction is declared");
        }
        finally
        {
            await _db.ExecuteAsync("DROP TABLE wide_items");
        }
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
