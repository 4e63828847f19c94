using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Tests.Advisor.Workload;

public class QueryFingerprintTests
{
    [Test]
    public void Queries_that_differ_only_by_constants_have_one_shape()
    {
        Assert.That(QueryFingerprint.Of("SELECT * FROM orders WHERE customer_id = 42 AND status = 'paid'"),
            Is.EqualTo(QueryFingerprint.Of("select *  from orders\nwhere customer_id=7 and status = 'it''s' -- note")));
        Assert.That(QueryFingerprint.Of("SELECT id FROM t WHERE x IN (1, 2, 3)"), Is.EqualTo(QueryFingerprint.Of("SELECT id FROM t WHERE x IN (9)")));
        Assert.That(QueryFingerprint.Of("SELECT id FROM t WHERE x = $1"), Is.EqualTo(QueryFingerprint.Of("SELECT id FROM t WHERE x = 5")));
        Assert.That(QueryFingerprint.Of("SELECT id FROM t1 WHERE x = 1"), Is.Not.EqualTo(QueryFingerprint.Of("SELECT id FROM t2 WHERE x = 1")), "digits in names stay");
        Assert.That(QueryFingerprint.Of("SELECT id FROM t WHERE x = 1"), Is.Not.EqualTo(QueryFingerprint.Of("SELECT id FROM t WHERE y = 1")));
    }

    [Test]
    public void Grouping_adds_calls_and_times_and_prefers_a_text_with_constants()
    {
        var grouped = DbAgent.Analysis.Advisor.Workload.Workload.Group([
            new WorkloadQuery("SELECT * FROM t WHERE x = $1", QueryFingerprint.Of("SELECT * FROM t WHERE x = $1"), WorkloadSource.PgStatStatements) { Calls = 100, TotalTimeMs = 50 },
            new WorkloadQuery("SELECT * FROM t WHERE x = 3", QueryFingerprint.Of("SELECT * FROM t WHERE x = 3"), WorkloadSource.File),
            new WorkloadQuery("SELECT * FROM u", QueryFingerprint.Of("SELECT * FROM u"), WorkloadSource.File),
        ]);
        Assert.That(grouped, Has.Count.EqualTo(2));
        Assert.That(grouped[0].Calls, Is.EqualTo(101));
        Assert.That(grouped[0].TotalTimeMs, Is.EqualTo(50));
        Assert.That(grouped[0].Sql, Is.EqualTo("SELECT * FROM t WHERE x = 3"));
    }

    [Test]
    public void A_script_gives_its_queries_with_their_lines_and_leaves_ddl_out()
    {
        var queries = WorkloadText.Queries("CREATE TABLE t(x int);\nSELECT * FROM t WHERE x = 1;\n\nUPDATE t SET x = 2 WHERE x = 3;\n", SqlDialect.Postgres, "w.sql");
        Assert.That(queries.Select(q => q.Origin), Is.EqualTo(new[] { "w.sql:2", "w.sql:4" }));
    }
}

public class WorkloadCandidateTests
{
    private static SchemaModel Shop()
    {
        var schema = new SchemaModel(SqlDialect.Postgres);
        var orders = new TableModel { Name = new QualifiedName(null, "orders") };
        orders.Columns.AddRange(new[] { "id", "customer_id", "status", "created_at", "total" }.Select(c => new ColumnModel { Name = c, DataType = "integer" }));
        orders.Constraints.Add(new ConstraintModel { Kind = ConstraintKind.PrimaryKey, Name = "orders_pkey", Columns = ["id"] });
        schema.Tables.Add(orders);
        return schema;
    }

    private static IReadOnlyList<AnalysedQuery> Read(SqlDialect dialect, params string[] sql) =>
        sql.Select((s, i) => AnalysedQuery.From(i, new WorkloadQuery(s, QueryFingerprint.Of(s), WorkloadSource.File), dialect)!).ToList();

    private static readonly Func<QualifiedName, string, ValueFrequencies?> StatusStats = (table, column) =>
        column == "status" ? new ValueFrequencies(["delivered", "shipped", "pending", "disputed"], [0.8, 0.15, 0.04, 0.01]) { Distinct = 4 }
        : column == "customer_id" ? new ValueFrequencies(["1", "2"], [0.001, 0.001]) { Distinct = -0.1 }
        : null;

    [Test]
    public void Postgres_gets_equality_range_order_keys_an_include_variant_the_prefix_and_a_rare_value_partial()
    {
        var queries = Read(SqlDialect.Postgres,
            "SELECT id, total FROM orders WHERE customer_id = 42 AND status = 'disputed' ORDER BY created_at DESC LIMIT 10");
        var candidates = WorkloadCandidates.Generate(queries, SqlDialect.Postgres, Shop(), StatusStats);
        var keys = candidates.Select(c => c.Index.DefinitionKey).ToList();
        TestContext.Out.WriteLine(string.Join("\n", keys));
        Assert.That(keys, Does.Contain("orders(customer_id,status,created_at)"), "two equalities then the sort key: three columns");
        Assert.That(keys, Does.Contain("orders(customer_id,status)"), "the equality prefix alone");
        Assert.That(keys, Does.Contain("orders(customer_id,status,created_at) include(id,total)"), "the columns read ride along for an index-only scan");
        Assert.That(keys, Does.Contain("orders(customer_id,created_at) where status='disputed'"), "1% of the rows: partial");
        Assert.That(keys, Does.Contain("orders(customer_id,created_at) include(id,total) where status='disputed'"),
            "the rare rows and what the query reads of them; status, fixed by the WHERE, is not carried");
        Assert.That(keys.Where(k => k.Contains("customer_id=")), Is.Empty, "customer_id has many values: no partial per constant");
        Assert.That(candidates.Select(c => c.Index.Name).Distinct().Count(), Is.EqualTo(candidates.Count), "names are unique per definition");
    }

    [Test]
    public void A_common_value_gets_no_partial_index()
    {
        var queries = Read(SqlDialect.Postgres, "SELECT id FROM orders WHERE status = 'delivered' ORDER BY created_at LIMIT 5");
        var candidates = WorkloadCandidates.Generate(queries, SqlDialect.Postgres, Shop(), StatusStats);
        Assert.That(candidates.Where(c => c.Index.Predicate is not null), Is.Empty);
    }

    [Test]
    public void Mysql_and_sqlite_cover_with_trailing_keys_and_mysql_gets_no_partial()
    {
        foreach (var dialect in new[] { SqlDialect.MySql, SqlDialect.Sqlite })
        {
            var queries = Read(dialect, "SELECT total FROM orders WHERE customer_id = 42 AND status = 'disputed'");
            var candidates = WorkloadCandidates.Generate(queries, dialect, Shop(), StatusStats);
            var keys = candidates.Select(c => c.Index.DefinitionKey).ToList();
            Assert.That(keys, Does.Contain("orders(customer_id,status,total)"), dialect.ToString());
            Assert.That(candidates.Where(c => c.Index.Include.Count > 0), Is.Empty, dialect + " has no INCLUDE");
            Assert.That(candidates.Any(c => c.Index.Predicate is not null), Is.EqualTo(dialect == SqlDialect.Sqlite), dialect + " partial indexes");
        }
    }

    [Test]
    public void Tsql_covers_with_include_and_renders_it_online()
    {
        var queries = Read(SqlDialect.TSql, "SELECT total FROM orders WHERE customer_id = 42");
        var covering = WorkloadCandidates.Generate(queries, SqlDialect.TSql, Shop()).Single(c => c.Variant == CandidateVariant.Covering);
        Assert.That(IndexAdvisor.Render(covering.Index, SqlDialect.TSql).Up,
            Does.StartWith("CREATE NONCLUSTERED INDEX ix_orders_customer_id_incl_").And.EndWith(" ON orders (customer_id) INCLUDE (total) WITH (ONLINE = ON);"));
    }

    [Test]
    public void An_existing_index_that_leads_a_candidate_is_extended_and_one_that_serves_it_suppresses_it()
    {
        var schema = Shop();
        var orders = schema.FindTable(new QualifiedName(null, "orders"))!;
        orders.Indexes.Add(new IndexModel { Name = "ix_orders_customer", Table = orders.Name, Keys = [new IndexKey("customer_id", null, false)] });
        var queries = Read(SqlDialect.Postgres, "SELECT id FROM orders WHERE customer_id = 42 ORDER BY created_at DESC LIMIT 10", "SELECT id FROM orders WHERE customer_id = 43");
        var candidates = WorkloadCandidates.Generate(queries, SqlDialect.Postgres, schema);
        var extending = candidates.Single(c => c.Index.DefinitionKey == "orders(customer_id,created_at)");
        Assert.That(extending.Index.Extends, Is.EqualTo("ix_orders_customer"));
        Assert.That(candidates.Where(c => c.Index.DefinitionKey == "orders(customer_id)"), Is.Empty, "the existing index serves the lookup");
    }

    [Test]
    public void A_plain_and_a_partial_index_on_the_same_keys_get_different_names()
    {
        var table = new QualifiedName(null, "orders");
        IndexKey[] keys = [new("status", null, false), new("created_at", null, false)];
        var plain = IndexAdvisor.IndexName(table, keys);
        var partial = IndexAdvisor.IndexName(table, keys, "status = 'disputed'");
        var otherPartial = IndexAdvisor.IndexName(table, keys, "status = 'refunded'");
        var descending = IndexAdvisor.IndexName(table, [keys[0], keys[1] with { Descending = true }]);
        Assert.That(new[] { plain, partial, otherPartial, descending }.Distinct().Count(), Is.EqualTo(4));
        Assert.That(plain, Is.EqualTo("ix_orders_status_created_at"));
        Assert.That(IndexAdvisor.IndexName(table, keys, "status  =  'disputed'"), Is.EqualTo(partial), "the same definition, the same name");
    }
}

public class IndexSelectionTests
{
    private static AnalysedQuery Q(int id, string sql, double calls = 1) =>
        AnalysedQuery.From(id, new WorkloadQuery(sql, QueryFingerprint.Of(sql), WorkloadSource.File) { Calls = calls }, SqlDialect.Postgres)!;

    private static WorkloadCandidate C(string name, long size, params string[] keys) =>
        new(new IndexCandidate(new QualifiedName(null, "t"), keys.Select(k => new CandidateKey(new IndexKey(k, null, false), IndexKeyRole.Equality)).ToList(), name), new HashSet<int> { 0, 1 })
        { Variant = CandidateVariant.Proposed };

    /// <summary>
    /// A planner stand-in: a query costs 1000, or 10 when an index of the set has as its leading keys every column
    /// the query filters on (in any order), or 100 when it leads with at least one of them.
    /// </summary>
    private sealed class FakePlanner(Dictionary<string, long> sizes) : IWhatIfCostOracle
    {
        public int Calls;

        public Task<IReadOnlyList<double?>> CostAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<double?>>(queries.Select(q =>
            {
                var filtered = q.Model.Predicates.Where(p => p.Column is not null).Select(p => p.Column!.Name).ToHashSet();
                double cost = 1000;
                foreach (var index in indexes)
                {
                    var leading = index.Keys.Take(filtered.Count).Select(k => k.Key.Column!).ToHashSet();
                    if (leading.SetEquals(filtered)) cost = Math.Min(cost, 10);
                    else if (filtered.Contains(index.Keys[0].Key.Column!)) cost = Math.Min(cost, 100);
                }
                return (double?)cost;
            }).ToList());
        }

        public Task<IReadOnlyList<long?>> SizesAsync(IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<long?>>(indexes.Select(i => (long?)sizes[i.Name]).ToList());
        }
    }

    [Test]
    public async Task One_index_that_serves_two_queries_replaces_its_prefix()
    {
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 1 AND b = 2") };
        var candidates = new[] { C("ix_a", 100, "a"), C("ix_a_b", 150, "a", "b") };
        var planner = new FakePlanner(new() { ["ix_a"] = 100, ["ix_a_b"] = 150 });
        var cache = new WhatIfCache(planner);
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], cache, new SelectionOptions(), CancellationToken.None);
        Assert.That(selection.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a_b" }), "(a) is a prefix of (a, b), which serves both");
        Assert.That(selection.Queries.Select(q => q.After), Is.EqualTo(new double?[] { 10, 10 }));
        Assert.That(selection.Queries.Select(q => q.Before), Is.EqualTo(new double?[] { 1000, 1000 }));
        Assert.That(selection.Counters.CacheHits, Is.GreaterThan(0), "the same (query, set) is asked once");
        Assert.That(selection.Counters.Batches, Is.EqualTo(planner.Calls));
    }

    [Test]
    public async Task The_budget_keeps_what_earns_most_per_byte()
    {
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 1 AND b = 2") };
        var candidates = new[] { C("ix_a", 100, "a"), C("ix_a_b", 150, "a", "b") };
        var planner = new FakePlanner(new() { ["ix_a"] = 100, ["ix_a_b"] = 150 });
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions { BudgetBytes = 120 }, CancellationToken.None);
        Assert.That(selection.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a" }), "(a, b) does not fit in 120 bytes");
        Assert.That(selection.Indexes.Sum(i => i.SizeBytes), Is.LessThanOrEqualTo(120));

        var none = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions { BudgetBytes = 50 }, CancellationToken.None);
        Assert.That(none.Indexes, Is.Empty);
    }

    [Test]
    public async Task Bytes_the_merge_frees_go_to_a_candidate_that_did_not_fit_before()
    {
        // (a) is densest, then (a, b) for the frequent query; (c) no longer fits in 300 kB. The merge takes (a) out,
        // since (a, b) serves its query as well: its 100 kB then hold (c). (Sizes over a page: density counts at least 8 kB.)
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 1 AND b = 2", calls: 100), Q(2, "SELECT * FROM t WHERE c = 1") };
        var candidates = new[] { C("ix_a", 100_000, "a"), C("ix_a_b", 150_000, "a", "b"), C("ix_c", 100_000, "c") };
        var planner = new FakePlanner(new() { ["ix_a"] = 100_000, ["ix_a_b"] = 150_000, ["ix_c"] = 100_000 });
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions { BudgetBytes = 300_000 }, CancellationToken.None);
        Assert.That(selection.Indexes.Select(i => i.Index.Name).Order(), Is.EqualTo(new[] { "ix_a_b", "ix_c" }));
        Assert.That(selection.Indexes.Sum(i => i.SizeBytes), Is.LessThanOrEqualTo(300_000));
        Assert.That(selection.Queries.Select(q => q.After), Is.EqualTo(new double?[] { 10, 10, 10 }));
    }

    [Test]
    public async Task A_wider_index_that_serves_a_chosen_one_replaces_it_for_the_bytes_it_adds()
    {
        // (a) is densest and taken first. (a, b) beside it would need 250 kB of the 200 kB; in its place it adds only
        // 50 kB and makes the two-column query ten times cheaper: it is weighed as the replacement and takes (a)'s place.
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 1 AND b = 2") };
        var candidates = new[] { C("ix_a", 100_000, "a"), C("ix_a_b", 150_000, "a", "b") };
        var planner = new FakePlanner(new() { ["ix_a"] = 100_000, ["ix_a_b"] = 150_000 });
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions { BudgetBytes = 200_000 }, CancellationToken.None);
        Assert.That(selection.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a_b" }));
        Assert.That(selection.Queries.Select(q => q.After), Is.EqualTo(new double?[] { 10, 10 }));
        Assert.That(selection.Indexes[0].Serves, Is.EqualTo(new[] { 0, 1 }), "the replacement serves the queries of the one it replaced");
        Assert.That(selection.Indexes[0].Gain, Is.EqualTo(990 + 990).Within(1e-9), "its gain is the replaced one's and its own");
    }

    [Test]
    public async Task A_replacement_that_makes_the_other_queries_costlier_than_it_saves_is_not_taken()
    {
        // (a, b) in place of (a) makes the query on a and b cheaper by 100, but the other two read a wider index: 80 more each.
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 2 AND c = 3"), Q(2, "SELECT * FROM t WHERE a = 3 AND b = 2") };
        var candidates = new[] { C("ix_a", 100_000, "a"), C("ix_a_b", 120_000, "a", "b") };
        var planner = new DelegatePlanner((q, set) =>
        {
            var filtered = q.Model.Predicates.Select(p => p.Column!.Name).ToHashSet();
            var cost = 1000.0;
            foreach (var index in set.Select(i => i.Name))
                cost = Math.Min(cost, (index, filtered.Contains("b")) switch
                {
                    ("ix_a", false) => 100,
                    ("ix_a", true) => 500,
                    ("ix_a_b", false) => 180,
                    ("ix_a_b", true) => 400,
                    _ => 1000,
                });
            return cost;
        }, new() { ["ix_a"] = 100_000, ["ix_a_b"] = 120_000 });
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions { BudgetBytes = 150_000 }, CancellationToken.None);
        Assert.That(selection.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a" }), "100 saved, 2 × 80 lost: (a) stays");
        Assert.That(selection.Queries.Select(q => q.After), Is.EqualTo(new double?[] { 100, 100, 500 }));
    }

    /// <summary>A planner stand-in that costs each query under an index set with a function.</summary>
    private sealed class DelegatePlanner(Func<AnalysedQuery, IReadOnlyList<IndexCandidate>, double> cost, Dictionary<string, long> sizes) : IWhatIfCostOracle
    {
        public Task<IReadOnlyList<double?>> CostAsync(IReadOnlyList<AnalysedQuery> queries, IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<double?>>(queries.Select(q => (double?)cost(q, indexes)).ToList());

        public Task<IReadOnlyList<long?>> SizesAsync(IReadOnlyList<IndexCandidate> indexes, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<long?>>(indexes.Select(i => (long?)sizes[i.Name]).ToList());
    }

    [Test]
    public async Task Writes_to_the_table_outweigh_a_small_gain()
    {
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "UPDATE t SET c = 1 WHERE id = 5", calls: 1000) };
        var candidates = new[] { C("ix_a", 100, "a") };
        var planner = new FakePlanner(new() { ["ix_a"] = 100 });
        var selection = await IndexSelection.SelectAsync(queries, candidates, [], new WhatIfCache(planner), new SelectionOptions(), CancellationToken.None);
        Assert.That(selection.Indexes, Is.Empty, "990 cost units saved once, 1000 writes × 4 to maintain it");
        var rare = await IndexSelection.SelectAsync([queries[0], Q(1, "UPDATE t SET c = 1 WHERE id = 5", calls: 10)], candidates, [], new WhatIfCache(planner), new SelectionOptions(), CancellationToken.None);
        Assert.That(rare.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a" }));
    }

    [Test]
    public void Without_what_if_the_proposals_are_merged_by_prefix_and_unverified()
    {
        var queries = new[] { Q(0, "SELECT * FROM t WHERE a = 1"), Q(1, "SELECT * FROM t WHERE a = 1 AND b = 2") };
        var candidates = new[] { C("ix_a", 100, "a") with { ProposedFor = new HashSet<int> { 0 } }, C("ix_a_b", 150, "a", "b") with { ProposedFor = new HashSet<int> { 1 } } };
        var selection = IndexSelection.Heuristic(queries, candidates, [], new SelectionOptions());
        Assert.That(selection.Verified, Is.False);
        Assert.That(selection.Indexes.Select(i => i.Index.Name), Is.EqualTo(new[] { "ix_a_b" }));
        Assert.That(selection.Indexes[0].Serves, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void Drops_name_the_unused_the_duplicated_and_the_extended_and_never_a_key()
    {
        var t = new QualifiedName(null, "t");
        ExistingIndex Index(string name, long? scans, params string[] keys) => new(t, name, keys.Select(k => new IndexKey(k, null, false)).ToList()) { Scans = scans, SizeBytes = 8192 };
        var existing = new[]
        {
            Index("t_pkey", 0, "id") with { Primary = true },
            Index("t_email_key", 0, "email") with { Unique = true },
            Index("ix_a", 50, "a"),
            Index("ix_a_b", 10, "a", "b"),
            Index("ix_c", 0, "c"),
            Index("ix_d", 7, "d"),
            Index("ix_e", 3, "e"),
        };
        var extender = new IndexCandidate(t, [new CandidateKey(new IndexKey("d", null, false), IndexKeyRole.Equality), new CandidateKey(new IndexKey("x", null, false), IndexKeyRole.Sort)], "ix_t_d_x") { Extends = "ix_d" };
        var drops = IndexSelection.Drops(existing, [extender]).ToDictionary(d => d.Name);
        Assert.That(drops.Keys, Is.EquivalentTo(new[] { "ix_a", "ix_c", "ix_d" }));
        Assert.That(drops["ix_a"].Reason, Is.EqualTo("duplicate"));
        Assert.That(drops["ix_a"].Evidence, Does.Contain("ix_a_b").And.Contain("scanned 50 time(s)"));
        Assert.That(drops["ix_c"].Reason, Is.EqualTo("unused"));
        Assert.That(drops["ix_c"].Evidence, Does.Contain("idx_scan = 0"));
        Assert.That(drops["ix_d"].Reason, Is.EqualTo("extended"));
    }
}
