using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;
using static DbAgent.Analysis.Tests.Plans.PlanShapes;

namespace DbAgent.Analysis.Tests.Plans;

public class PlanAnalyzerTests
{
    private static (string Sql, StatementModel Model) Statement(string sql, SqlDialect dialect = SqlDialect.Postgres) =>
        (sql, SqlScript.Parse(sql, dialect).Statements[0].Model);

    private static string Text(string sql, TextSpan span) => sql.Substring(span.Start, span.Length);

    private static IReadOnlyList<Finding> Analyze(QueryPlan plan, string sql, SqlDialect dialect = SqlDialect.Postgres, PlanThresholds? thresholds = null)
    {
        var model = SqlScript.Parse(sql, dialect).Statements[0].Model;
        return PlanAnalyzer.Analyze(plan, new PlanContext(model) { Dialect = dialect, Text = sql }, thresholds);
    }

    // ---- full scan ------------------------------------------------------------------------------------------

    [Test]
    public void Pg_seq_scan_over_500k_rows_under_a_filter_is_reported_on_the_target_table_of_a_delete()
    {
        const string sql = "DELETE FROM orders WHERE customer_id = 42";
        var plan = Pg(new PlanNode
        {
            NodeType = "ModifyTable", Operation = PlanOperation.Other, Relation = "orders", Schema = "public", Alias = "orders",
            EstimatedRows = 0, TotalCost = 10_000,
            Children = [PgSeqScan("orders", "orders", 500_000, 50, "(customer_id = 42)", "customer_id")],
        });
        var findings = Analyze(plan, sql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }));
        var f = findings[0];
        Assert.That(Text(sql, f.Span), Is.EqualTo("orders"));
        Assert.That(f.Span.Start, Is.EqualTo(sql.IndexOf("orders", StringComparison.Ordinal)));
        Assert.That(f.Severity, Is.EqualTo(FindingSeverity.Warning));
        Assert.That(f.Message, Does.Contain("500,000").And.Contain("orders"));
        Assert.That(f.Detail, Does.Contain("Seq Scan").And.Contain("500,000").And.Contain("(customer_id = 42)").And.Contain("ModifyTable"));
        Assert.That(f.Data["table"], Is.EqualTo("orders"));
        Assert.That(f.Data["columns"], Is.EqualTo("customer_id"));
        Assert.That(f.Data["estimatedRows"], Is.EqualTo("500000"));
        // Before the parser gives predicates, the quick fix's index comes from the plan's filter columns.
        Assert.That(f.Data["ddl"], Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id);"));
        Assert.That(f.Data["down"], Is.EqualTo("DROP INDEX CONCURRENTLY IF EXISTS ix_orders_customer_id;"));
        Assert.That(f.Detail, Does.Contain("Proposed index"));
    }

    [Test]
    public void A_full_scan_despite_an_index_on_the_filter_column_proposes_no_second_index()
    {
        const string sql = "DELETE FROM orders WHERE customer_id = 42";
        var schema = new DbAgent.Sql.Schema.SchemaModel(SqlDialect.Postgres);
        var table = new DbAgent.Sql.Schema.TableModel { Name = new QualifiedName(null, "orders") };
        table.Indexes.Add(new DbAgent.Sql.Schema.IndexModel { Name = "ix_existing", Table = table.Name, Keys = [new IndexKey("customer_id", null, false)] });
        schema.Tables.Add(table);
        var model = SqlScript.Parse(sql, SqlDialect.Postgres).Statements[0].Model;
        var finding = PlanAnalyzer.Analyze(Pg(PgSeqScan("orders", "orders", 500_000, 50, "(customer_id = 42)", "customer_id")),
            new PlanContext(model) { Schema = schema }).Single();
        Assert.That(finding.RuleId, Is.EqualTo("plan-full-scan"));
        Assert.That(finding.Data.ContainsKey("ddl"), Is.False);
        Assert.That(finding.Data["columns"], Is.EqualTo("customer_id"));
    }

    [Test]
    public void Pg_seq_scan_over_500k_rows_under_a_filter_is_reported_on_the_table_reference_of_a_select()
    {
        const string sql = "SELECT id, total\nFROM orders o\nWHERE o.customer_id = 42";
        var plan = Pg(PgSeqScan("orders", "o", 500_000, 50, "(customer_id = 42)", "customer_id"));
        var findings = Analyze(plan, sql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }));
        Assert.That(Text(sql, findings[0].Span), Does.StartWith("orders"));
        Assert.That(findings[0].Span.Start, Is.EqualTo(sql.IndexOf("orders", StringComparison.Ordinal)));
        // The advisor's index rides along for the quick fix.
        Assert.That(findings[0].Data["index"], Is.EqualTo("ix_orders_customer_id"));
        Assert.That(findings[0].Data["ddl"], Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id);"));
        Assert.That(findings[0].Data["down"], Is.EqualTo("DROP INDEX CONCURRENTLY IF EXISTS ix_orders_customer_id;"));
    }

    [Test]
    public void The_same_statement_with_an_index_scan_has_no_finding()
    {
        var plan = Pg(PgIndexScan("orders", "orders", "ix_orders_customer_id", 50, "(customer_id = 42)", "customer_id"));
        Assert.That(Analyze(plan, "DELETE FROM orders WHERE customer_id = 42"), Is.Empty);
        Assert.That(Analyze(plan, "SELECT * FROM orders WHERE customer_id = 42"), Is.Empty);
    }

    [Test]
    public void A_small_table_or_an_unfiltered_scan_or_an_unselective_filter_is_not_reported()
    {
        Assert.That(Analyze(Pg(PgSeqScan("orders", "orders", 5_000, 50, "(customer_id = 42)")), "DELETE FROM orders WHERE customer_id = 42"), Is.Empty, "small");
        Assert.That(Analyze(Pg(PgSeqScan("orders", "orders", 500_000, 500_000, null)), "UPDATE orders SET x = 1"), Is.Empty, "no filter");
        Assert.That(Analyze(Pg(PgSeqScan("orders", "orders", 500_000, 400_000, "(status <> 'void')")), "DELETE FROM orders WHERE status <> 'void'"),
            Is.Empty, "keeps 80% of the rows: the scan is right");
    }

    [Test]
    public void The_large_table_threshold_is_a_setting()
    {
        var plan = Pg(PgSeqScan("orders", "orders", 5_000, 5, "(customer_id = 42)", "customer_id"));
        var thresholds = PlanThresholds.FromJson(JsonDocument.Parse("""{ "largeTableRows": 1000 }""").RootElement);
        Assert.That(thresholds.LargeTableRows, Is.EqualTo(1000));
        Assert.That(Analyze(plan, "DELETE FROM orders WHERE customer_id = 42", thresholds: thresholds).Select(f => f.RuleId),
            Is.EqualTo(new[] { "plan-full-scan" }));
    }

    [Test]
    public void MySql_access_type_all_with_rows_examined_and_a_small_filtered_share_is_reported()
    {
        const string sql = "UPDATE orders SET status = 'x' WHERE customer_id = 42";
        // As the MySQL mapper gives it: rows are rows examined per scan, filtered is the share the condition keeps.
        PlanNode Scan(string filtered) => new()
        {
            NodeType = "ALL", Operation = PlanOperation.FullScan, Relation = "orders",
            EstimatedRows = 300_000, TotalCost = 30_500, Filter = "(`shop`.`orders`.`customer_id` = 42)", FilterColumns = ["customer_id"],
            Details = new Dictionary<string, string>
            {
                ["access_type"] = "ALL", ["rows_examined_per_scan"] = "300000", ["filtered"] = filtered,
                ["selectivity"] = (double.Parse(filtered, System.Globalization.CultureInfo.InvariantCulture) / 100).ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        var findings = Analyze(new QueryPlan { Root = Scan("1.00"), Engine = "mysql" }, sql, SqlDialect.MySql);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }));
        Assert.That(Text(sql, findings[0].Span), Is.EqualTo("orders"));
        Assert.That(findings[0].Message, Does.Contain("300,000").And.Contain("3,000"));
        Assert.That(findings[0].Data["ddl"], Is.EqualTo("ALTER TABLE orders ADD INDEX ix_orders_customer_id (customer_id), ALGORITHM=INPLACE, LOCK=NONE;"));

        Assert.That(Analyze(new QueryPlan { Root = Scan("50.00"), Engine = "mariadb" }, sql, SqlDialect.MySql), Is.Empty, "keeps half the table");
    }

    [Test]
    public void Pg_scan_without_the_table_size_uses_statistics_or_its_own_output_as_a_lower_bound()
    {
        const string sql = "DELETE FROM orders WHERE customer_id = 42";
        var model = SqlScript.Parse(sql, SqlDialect.Postgres).Statements[0].Model;
        PlanNode Scan(double planRows) => new()
        {
            NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = "orders", Schema = "public", Alias = "orders",
            EstimatedRows = planRows, TotalCost = 9_000, Filter = "(customer_id = 42)", FilterColumns = ["customer_id"],
        };
        Assert.That(PlanAnalyzer.Analyze(Pg(Scan(50)), model), Is.Empty, "50 rows returned says nothing of the table");
        var withStats = new PlanContext(model) { TableRows = name => name.Name == "orders" ? 500_000 : null };
        Assert.That(PlanAnalyzer.Analyze(Pg(Scan(50)), withStats).Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }));
        Assert.That(PlanAnalyzer.Analyze(Pg(Scan(20_000)), model).Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }),
            "returning 20,000 rows, the table holds at least that many");
        var throwingStats = new PlanContext(model) { TableRows = _ => throw new InvalidOperationException("connection lost") };
        Assert.That(PlanAnalyzer.Analyze(Pg(Scan(50)), throwingStats), Is.Empty);
    }

    [Test]
    public void Sqlite_scan_has_no_estimates_so_table_rows_come_from_statistics()
    {
        const string sql = "DELETE FROM orders WHERE customer_id = 42";
        var scan = new PlanNode { NodeType = "SCAN", Operation = PlanOperation.FullScan, Relation = "orders" };
        var plan = new QueryPlan { Root = scan, Engine = "sqlite", RawPlan = "SCAN orders" };
        var model = SqlScript.Parse(sql, SqlDialect.Sqlite).Statements[0].Model;

        Assert.That(PlanAnalyzer.Analyze(plan, new PlanContext(model) { Dialect = SqlDialect.Sqlite }), Is.Empty, "no size known");
        var findings = PlanAnalyzer.Analyze(plan, new PlanContext(model)
        {
            Dialect = SqlDialect.Sqlite,
            TableRows = name => NameComparer.SameName(name.Name, "orders") ? 500_000 : null,
        });
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-full-scan" }));
        Assert.That(Text(sql, findings[0].Span), Is.EqualTo("orders"));
    }

    [Test]
    public void SqlServer_clustered_index_scan_with_a_residual_predicate_is_a_full_scan()
    {
        const string sql = "DELETE FROM dbo.orders WHERE customer_id = 42";
        var scan = new PlanNode
        {
            NodeType = "Clustered Index Scan", Operation = PlanOperation.FullScan, Relation = "orders", Schema = "dbo",
            IndexName = "PK_orders", EstimatedRowsRead = 250_000, EstimatedRows = 12, TotalCost = 1.85,
            Filter = "[shop].[dbo].[orders].[customer_id]=(42)", FilterColumns = ["customer_id"],
        };
        var plan = new QueryPlan
        {
            Engine = "sqlserver",
            Root = new PlanNode { NodeType = "Clustered Index Delete", Operation = PlanOperation.Other, Relation = "orders", Schema = "dbo", Children = [scan] },
        };
        var finding = Analyze(plan, sql, SqlDialect.TSql).Single();
        Assert.That(finding.RuleId, Is.EqualTo("plan-full-scan"));
        Assert.That(Text(sql, finding.Span), Is.EqualTo("dbo.orders"));
        Assert.That(finding.Data["table"], Is.EqualTo("dbo.orders"));
        Assert.That(finding.Detail, Does.Contain("Clustered Index Scan").And.Contain("using PK_orders"));
    }

    [Test]
    public void MySql_nested_loop_shape_with_an_all_access_inner_table()
    {
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, 30), KeywordSpan = new TextSpan(0, 6) };
        var plan = new QueryPlan
        {
            Engine = "mysql",
            Root = new PlanNode
            {
                NodeType = "nested_loop", Operation = PlanOperation.NestedLoop,
                Children =
                [
                    new PlanNode { NodeType = "ref", Operation = PlanOperation.IndexSeek, Relation = "orders", Alias = "o", IndexName = "ix_orders_customer_id", EstimatedRows = 20 },
                    new PlanNode
                    {
                        NodeType = "ALL", Operation = PlanOperation.FullScan, Relation = "order_items", EstimatedRows = 80_000,
                        Filter = "(`shop`.`i`.`order_id` = `shop`.`o`.`id`)", FilterColumns = ["order_id"],
                        Details = new Dictionary<string, string> { ["rows_examined_per_scan"] = "80000", ["filtered"] = "10.00", ["selectivity"] = "0.1", ["using_join_buffer"] = "hash join" },
                    },
                ],
            },
        };
        var findings = PlanAnalyzer.Analyze(plan, model);
        // The inner scan's filter is the join condition: one problem, reported once, by the loop rule.
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-nested-loop-scan" }));
        var loop = findings.Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(loop.Data["table"], Is.EqualTo("order_items"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"), "the inner side's filter carries the join column");
        Assert.That(loop.Message, Does.Contain("80,000").And.Contain("20 times"));
    }

    // ---- large sort -----------------------------------------------------------------------------------------

    [Test]
    public void A_large_sort_is_reported_on_the_order_by_items()
    {
        const string sql = "SELECT * FROM events WHERE account_id = 7 ORDER BY created_at DESC LIMIT 20";
        var plan = Pg(PgLimit(20, PgSort(40_000, ["created_at DESC"],
            PgSeqScan("events", "events", 45_000, 40_000, "(account_id = 7)", "account_id"))));
        var findings = Analyze(plan, sql);
        var sort = findings.Single(f => f.RuleId == "plan-large-sort");
        Assert.That(Text(sql, sort.Span), Does.StartWith("created_at"));
        Assert.That(sort.Span.Start, Is.EqualTo(sql.IndexOf("created_at DESC", StringComparison.Ordinal)));
        Assert.That(sort.Message, Does.Contain("40,000"));
        Assert.That(sort.Detail, Does.Contain("Limit").And.Contain("Sort").And.Contain("created_at DESC"));
        Assert.That(sort.Data["table"], Is.EqualTo("events"));
        Assert.That(sort.Data["columns"], Is.EqualTo("account_id,created_at"));
    }

    [Test]
    public void A_large_sort_without_order_by_in_the_model_falls_back_to_the_statement_keyword()
    {
        const string sql = "SELECT * FROM events ORDER BY created_at";
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, sql.Length), KeywordSpan = new TextSpan(0, 6) };
        var plan = Pg(PgSort(200_000, ["created_at"], PgSeqScan("events", "events", 200_000, 200_000, null)));
        var findings = PlanAnalyzer.Analyze(plan, model);
        var sort = findings.Single();
        Assert.That(sort.RuleId, Is.EqualTo("plan-large-sort"));
        Assert.That(sort.Span, Is.EqualTo(new TextSpan(0, 6)));
        Assert.That(sort.Data["table"], Is.EqualTo("public.events"));
        Assert.That(sort.Data["columns"], Is.EqualTo("created_at"));
        Assert.That(sort.Data["ddl"], Is.EqualTo("CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_events_created_at ON public.events (created_at);"));
    }

    [Test]
    public void A_small_sort_is_not_reported_and_the_threshold_is_a_setting()
    {
        var plan = Pg(PgSort(500, ["created_at"], PgSeqScan("events", "events", 500, 500, null)));
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, 10) };
        Assert.That(PlanAnalyzer.Analyze(plan, model), Is.Empty);
        Assert.That(PlanAnalyzer.Analyze(plan, model, new PlanThresholds { SortRows = 100 }).Select(f => f.RuleId), Is.EqualTo(new[] { "plan-large-sort" }));
    }

    // ---- nested loop ----------------------------------------------------------------------------------------

    private static QueryPlan NestedLoopOverScannedItems() => Pg(new PlanNode
    {
        NodeType = "Nested Loop", Operation = PlanOperation.NestedLoop, EstimatedRows = 120, TotalCost = 61_000,
        JoinColumns = ["order_id"], Filter = "(i.order_id = o.id)",
        Details = new Dictionary<string, string> { ["Join Type"] = "Inner" },
        Children =
        [
            PgIndexScan("orders", "o", "ix_orders_customer_id", 20, "(customer_id = 42)", "customer_id"),
            new PlanNode
            {
                NodeType = "Materialize", Operation = PlanOperation.Materialize, EstimatedRows = 100_000, TotalCost = 2_500,
                Children = [PgSeqScan("order_items", "i", 100_000, 100_000, null)],
            },
        ],
    });

    [Test]
    public void A_nested_loop_over_a_scanned_inner_table_is_reported_on_that_table_reference()
    {
        const string sql = "SELECT * FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 42";
        var findings = Analyze(NestedLoopOverScannedItems(), sql);
        var loop = findings.Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(Text(sql, loop.Span), Does.StartWith("order_items"));
        Assert.That(loop.Span.Start, Is.EqualTo(sql.IndexOf("order_items", StringComparison.Ordinal)));
        Assert.That(loop.Message, Does.Contain("order_items").And.Contain("100,000").And.Contain("20 times"));
        Assert.That(loop.Detail, Does.Contain("Nested Loop").And.Contain("Materialize").And.Contain("Seq Scan on order_items"));
        Assert.That(loop.Data["table"], Is.EqualTo("order_items"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"));
    }

    [Test]
    public void A_nested_loop_finding_without_relations_in_the_model_still_names_the_table_and_join_columns()
    {
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, 30), KeywordSpan = new TextSpan(0, 6) };
        var loop = PlanAnalyzer.Analyze(NestedLoopOverScannedItems(), model).Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(loop.Span, Is.EqualTo(new TextSpan(0, 6)));
        Assert.That(loop.Data["table"], Is.EqualTo("public.order_items"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"));
        Assert.That(loop.Data["estimatedRows"], Is.EqualTo("100000"));
        Assert.That(loop.Data["index"], Is.EqualTo("ix_order_items_order_id"));
    }

    [Test]
    public void A_nested_loop_with_an_index_lookup_inside_or_one_outer_row_is_not_reported()
    {
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, 30) };
        var indexed = Pg(new PlanNode
        {
            NodeType = "Nested Loop", Operation = PlanOperation.NestedLoop, EstimatedRows = 120,
            Children =
            [
                PgIndexScan("orders", "o", "ix_orders_customer_id", 20, "(customer_id = 42)"),
                PgIndexScan("order_items", "i", "ix_order_items_order_id", 6, "(order_id = o.id)"),
            ],
        });
        Assert.That(PlanAnalyzer.Analyze(indexed, model), Is.Empty);
        var oneRow = Pg(new PlanNode
        {
            NodeType = "Nested Loop", Operation = PlanOperation.NestedLoop, EstimatedRows = 6,
            Children = [PgIndexScan("orders", "o", "orders_pkey", 1, "(id = 1)"), PgSeqScan("order_items", "i", 900, 6, "(order_id = 1)")],
        });
        Assert.That(PlanAnalyzer.Analyze(oneRow, model), Is.Empty);
    }

    // samples/workspace/queries/product-sales.sql, and its EXPLAIN QUERY PLAN on the generated shop.db (SQLite 3.40.1,
    // sqlite_stat1: products 20,000 rows, sku unique; order_items 599,735 rows; customers 50,000; events 200,000).
    private const string ProductSales = """
        -- dbagent: dialect=sqlite
        SELECT oi.order_id, oi.quantity, oi.unit_price_cents
        FROM products p
        JOIN order_items oi ON oi.product_id = p.id
        WHERE p.sku = 'SKU-000777';

        -- A customer's activity log: events.customer_id has no index either.
        SELECT e.kind, e.occurred_at, e.payload
        FROM customers c
        JOIN events e ON e.customer_id = c.id
        WHERE c.email = 'ada.lovelace.1815@example.com';
        """;

    private static IReadOnlyList<Finding> AnalyzeSqlite(QueryPlan plan, string sql, int statement)
    {
        var model = SqlScript.Parse(sql, SqlDialect.Sqlite).Statements[statement].Model;
        return PlanAnalyzer.Analyze(plan, new PlanContext(model) { Dialect = SqlDialect.Sqlite, Text = sql });
    }

    [Test]
    public void Sqlite_scanned_inner_table_after_a_unique_lookup_is_reported_on_its_reference()
    {
        // QUERY PLAN
        // |--SEARCH p USING COVERING INDEX sqlite_autoindex_products_1 (sku=?)
        // `--SCAN oi
        var plan = Sqlite("2|0|SEARCH p USING COVERING INDEX sqlite_autoindex_products_1 (sku=?)\n4|0|SCAN oi",
            SqliteLoop(SqliteSearch("products", "p", "sqlite_autoindex_products_1", 1, "sku", covering: true), SqliteScan("order_items", "oi", 599_735)));
        var findings = AnalyzeSqlite(plan, ProductSales, 0);

        var loop = findings.Single();
        Assert.That(loop.RuleId, Is.EqualTo("plan-nested-loop-scan"), "the scan is reported once, by the loop rule");
        Assert.That(Text(ProductSales, loop.Span), Is.EqualTo("order_items oi").Or.EqualTo("order_items"));
        Assert.That(loop.Span.Start, Is.EqualTo(ProductSales.IndexOf("order_items oi", StringComparison.Ordinal)));
        Assert.That(loop.Message, Does.Contain("order_items").And.Contain("599,735").And.Contain("product_id"));
        Assert.That(loop.Data["estimatedRows"], Is.EqualTo("599735"));
        Assert.That(loop.Data["table"], Is.EqualTo("order_items"));
        Assert.That(loop.Data["columns"], Is.EqualTo("product_id"));
        Assert.That(loop.Data["ddl"], Is.EqualTo("CREATE INDEX IF NOT EXISTS ix_order_items_product_id ON order_items (product_id);"));
        Assert.That(loop.Detail, Does.Contain("SCAN on order_items").And.Contain("NESTED LOOP").And.Contain("599,735"));
    }

    [Test]
    public void Sqlite_scanned_events_in_the_second_statement_is_reported_by_the_loop_rule_not_the_full_scan_rule()
    {
        // |--SEARCH c USING COVERING INDEX sqlite_autoindex_customers_1 (email=?)
        // `--SCAN e
        var plan = Sqlite("3|0|SEARCH c USING COVERING INDEX sqlite_autoindex_customers_1 (email=?)\n5|0|SCAN e",
            SqliteLoop(SqliteSearch("customers", "c", "sqlite_autoindex_customers_1", 1, "email", covering: true), SqliteScan("events", "e", 200_000)));
        var findings = AnalyzeSqlite(plan, ProductSales, 1);
        Assert.That(findings.Select(f => f.RuleId), Is.EqualTo(new[] { "plan-nested-loop-scan" }));
        Assert.That(findings[0].Span.Start, Is.EqualTo(ProductSales.IndexOf("events e", StringComparison.Ordinal)));
        Assert.That(findings[0].Message, Does.Contain("events").And.Contain("200,000").And.Contain("customer_id"));
        Assert.That(findings[0].Data["columns"], Is.EqualTo("customer_id"));
    }

    [Test]
    public void Sqlite_inner_side_as_an_index_lookup_is_not_reported()
    {
        // The same query once ix_order_items_product_id exists (sqlite_stat1: "599735 30"):
        // |--SEARCH p USING COVERING INDEX sqlite_autoindex_products_1 (sku=?)
        // `--SEARCH oi USING INDEX ix_order_items_product_id (product_id=?)
        var plan = Sqlite("",
            SqliteLoop(SqliteSearch("products", "p", "sqlite_autoindex_products_1", 1, "sku", covering: true),
                SqliteSearch("order_items", "oi", "ix_order_items_product_id", 30, "product_id")));
        Assert.That(AnalyzeSqlite(plan, ProductSales, 0), Is.Empty);
    }

    [Test]
    public void A_scanned_table_deeper_in_a_three_table_loop_is_reported_with_the_rows_of_the_loops_before_it()
    {
        const string sql = "SELECT * FROM orders o JOIN order_items oi ON oi.order_id = o.id JOIN events e ON e.order_id = o.id WHERE o.customer_id = 7";
        // SQLite: SEARCH o (5 per customer), SEARCH oi (3 per order), SCAN e: e runs once per (o, oi) row.
        var plan = Sqlite("",
            SqliteLoop(SqliteSearch("orders", "o", "idx_orders_customer_ordered_at", 5, "customer_id"),
                SqliteSearch("order_items", "oi", "idx_order_items_order_id", 3, "order_id", covering: true),
                SqliteScan("events", "e", 200_000)));
        var loop = AnalyzeSqlite(plan, sql, 0).Single();
        Assert.That(loop.RuleId, Is.EqualTo("plan-nested-loop-scan"));
        Assert.That(Text(sql, loop.Span), Does.StartWith("events"));
        Assert.That(loop.Message, Does.Contain("200,000").And.Contain("15 times"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"), "the statement's join column of events, not the lookups' columns of the other tables");
    }

    [Test]
    public void A_cross_join_scan_has_nothing_to_index_and_is_not_a_loop_finding()
    {
        const string sql = "SELECT * FROM products p CROSS JOIN customers c WHERE p.sku = 'SKU-1'";
        var plan = Sqlite("", SqliteLoop(SqliteSearch("products", "p", "sqlite_autoindex_products_1", 1, "sku", covering: true), SqliteScan("customers", "c", 50_000)));
        Assert.That(AnalyzeSqlite(plan, sql, 0).Where(f => f.RuleId == "plan-nested-loop-scan"), Is.Empty);
    }

    [Test]
    public void MariaDb_nested_loop_array_with_a_scanned_last_table_counts_the_filtered_rows_before_it()
    {
        const string sql = "SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id JOIN events e ON e.order_id = o.id WHERE c.country = 'se'";
        // As MySqlPlanParser maps MariaDB's nested_loop: c ALL (5,000 rows, filtered 10), o ref (10 per customer), e ALL.
        var plan = new QueryPlan
        {
            Engine = "mariadb",
            Root = new PlanNode
            {
                NodeType = "nested_loop", Operation = PlanOperation.NestedLoop,
                Children =
                [
                    new PlanNode
                    {
                        NodeType = "ALL", Operation = PlanOperation.FullScan, Relation = "customers", Alias = "c", EstimatedRows = 5_000,
                        Filter = "c.country = 'se'", FilterColumns = ["country"], Details = new Dictionary<string, string> { ["filtered"] = "10" },
                    },
                    new PlanNode
                    {
                        NodeType = "ref", Operation = PlanOperation.IndexSeek, Relation = "orders", Alias = "o", IndexName = "ix_orders_customer", EstimatedRows = 10,
                        JoinColumns = ["customer_id"], Details = new Dictionary<string, string> { ["filtered"] = "100" },
                    },
                    new PlanNode
                    {
                        NodeType = "ALL", Operation = PlanOperation.FullScan, Relation = "events", Alias = "e", EstimatedRows = 200_000,
                        Filter = "e.order_id = o.id", FilterColumns = ["order_id"],
                        Details = new Dictionary<string, string> { ["filtered"] = "100", ["using_join_buffer"] = "BNL" },
                    },
                ],
            },
        };
        var findings = Analyze(plan, sql, SqlDialect.MySql);
        var loop = findings.Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(Text(sql, loop.Span), Does.StartWith("events"));
        Assert.That(loop.Message, Does.Contain("200,000").And.Contain("5,000 times"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"));
    }

    [Test]
    public void Sqlite_foreign_key_check_scan_of_a_delete_names_the_referencing_table_and_its_key()
    {
        // samples/workspace/queries/maintenance.sql with foreign keys on (SQLite 3.40.1, the generated shop.db):
        // |--SCAN orders
        // |--SCAN events
        // `--SEARCH order_items USING COVERING INDEX idx_order_items_order_id (order_id=?)
        const string sql = "DELETE FROM orders;";
        var plan = Sqlite("",
            SqliteLoop(SqliteScan("orders", "orders", 200_000), SqliteScan("events", "events", 200_000),
                SqliteSearch("order_items", "order_items", "idx_order_items_order_id", 3, "order_id", covering: true)));
        var schema = new DbAgent.Sql.Schema.SchemaModel(SqlDialect.Sqlite);
        var events = new DbAgent.Sql.Schema.TableModel { Name = new QualifiedName(null, "events") };
        events.Constraints.Add(new DbAgent.Sql.Schema.ConstraintModel
        {
            Kind = ConstraintKind.ForeignKey, Columns = ["customer_id"], ReferencedTable = new QualifiedName(null, "customers"),
        });
        events.Constraints.Add(new DbAgent.Sql.Schema.ConstraintModel
        {
            Kind = ConstraintKind.ForeignKey, Columns = ["order_id"], ReferencedTable = new QualifiedName(null, "orders"),
        });
        schema.Tables.Add(events);
        var model = SqlScript.Parse(sql, SqlDialect.Sqlite).Statements[0].Model;

        var loop = PlanAnalyzer.Analyze(plan, new PlanContext(model) { Dialect = SqlDialect.Sqlite, Text = sql, Schema = schema })
            .Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(Text(sql, loop.Span), Is.EqualTo("orders"));
        Assert.That(loop.Message, Does.Contain("deleted from orders").And.Contain("events").And.Contain("foreign key (order_id)").And.Contain("200,000"));
        Assert.That(loop.Data["table"], Is.EqualTo("events"));
        Assert.That(loop.Data["columns"], Is.EqualTo("order_id"), "not the order_id lookup of order_items, another table of the loop");
        Assert.That(loop.Data["ddl"], Is.EqualTo("CREATE INDEX IF NOT EXISTS ix_events_order_id ON events (order_id);"));

        // Without the schema (dbagent check has none) the plan still says which table is checked, not by which column.
        var unknown = PlanAnalyzer.Analyze(plan, new PlanContext(model) { Dialect = SqlDialect.Sqlite, Text = sql })
            .Single(f => f.RuleId == "plan-nested-loop-scan");
        Assert.That(Text(sql, unknown.Span), Is.EqualTo("orders"));
        Assert.That(unknown.Message, Does.Contain("deleted from orders").And.Contain("scan events").And.Contain("foreign key").And.Not.Contain("order_id"));
    }

    // ---- sort purpose ---------------------------------------------------------------------------------------

    [Test]
    public void Sqlite_temp_btree_for_group_by_names_the_group_by_and_sits_on_its_items()
    {
        const string sql = "SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY n DESC";
        // |--SCAN orders
        // |--USE TEMP B-TREE FOR GROUP BY
        // `--USE TEMP B-TREE FOR ORDER BY
        var plan = Sqlite("", SqliteScan("orders", "orders", 200_000), SqliteTempBTree("GROUP BY", 200_000), SqliteTempBTree("ORDER BY", 200_000));
        var sorts = AnalyzeSqlite(plan, sql, 0).Where(f => f.RuleId == "plan-large-sort").ToList();
        Assert.That(sorts, Has.Count.EqualTo(2));
        var group = sorts.Single(f => f.Message.Contains("GROUP BY"));
        Assert.That(Text(sql, group.Span), Is.EqualTo("status"));
        Assert.That(group.Span.Start, Is.EqualTo(sql.IndexOf("status ORDER", StringComparison.Ordinal)));
        Assert.That(group.Message, Does.Contain("200,000").And.Contain("GROUP BY status").And.Not.Contain("ORDER BY"));
        var order = sorts.Single(f => f != group);
        Assert.That(order.Message, Does.Contain("ORDER BY n DESC"));
        Assert.That(Text(sql, order.Span), Is.EqualTo("n DESC"));
    }

    [Test]
    public void MariaDb_filesort_for_a_group_by_names_the_group_by()
    {
        // Fixtures/Plans/mariadb_group.json (MariaDB 10.11): filesort (sort_key orders.`status`) over a temporary table.
        const string sql = "SELECT status, count(*) FROM orders GROUP BY status";
        var plan = new QueryPlan
        {
            Engine = "mariadb",
            Root = new PlanNode
            {
                NodeType = "filesort", Operation = PlanOperation.Sort, EstimatedRows = 99_852, SortKeys = ["orders.`status`"],
                Details = new Dictionary<string, string> { ["using_filesort"] = "true" },
                Children =
                [
                    new PlanNode
                    {
                        NodeType = "temporary_table", Operation = PlanOperation.TempStructure, EstimatedRows = 99_852,
                        Children = [new PlanNode { NodeType = "ALL", Operation = PlanOperation.FullScan, Relation = "orders", EstimatedRows = 99_852, Details = new Dictionary<string, string> { ["filtered"] = "100" } }],
                    },
                ],
            },
        };
        var sort = Analyze(plan, sql, SqlDialect.MySql).Single(f => f.RuleId == "plan-large-sort");
        Assert.That(sort.Message, Does.Contain("GROUP BY").And.Contain("99,852").And.Not.Contain("ORDER BY"));
        Assert.That(Text(sql, sort.Span), Is.EqualTo("status"));
        Assert.That(sort.Span.Start, Is.EqualTo(sql.LastIndexOf("status", StringComparison.Ordinal)));
    }

    [Test]
    public void Pg_sort_under_a_group_aggregate_or_unique_names_what_it_serves()
    {
        const string grouped = "SELECT customer_id, sum(total) FROM orders GROUP BY customer_id ORDER BY customer_id";
        var aggregate = Pg(new PlanNode
        {
            NodeType = "Aggregate", Operation = PlanOperation.Aggregate, EstimatedRows = 50_000,
            Details = new Dictionary<string, string> { ["Strategy"] = "Sorted" },
            Children = [PgSort(500_000, ["customer_id"], PgSeqScan("orders", "orders", 500_000, 500_000, null))],
        });
        var sort = Analyze(aggregate, grouped).Single(f => f.RuleId == "plan-large-sort");
        Assert.That(sort.Message, Does.Contain("GROUP BY customer_id"));
        Assert.That(sort.Span.Start, Is.EqualTo(grouped.IndexOf("customer_id ORDER", StringComparison.Ordinal)));

        const string distinct = "SELECT DISTINCT status FROM orders";
        var unique = Pg(new PlanNode
        {
            NodeType = "Unique", Operation = PlanOperation.Other, EstimatedRows = 6,
            Children = [PgSort(500_000, ["status"], PgSeqScan("orders", "orders", 500_000, 500_000, null))],
        });
        var d = Analyze(unique, distinct).Single(f => f.RuleId == "plan-large-sort");
        Assert.That(d.Message, Does.Contain("DISTINCT").And.Not.Contain("ORDER BY"));
        Assert.That(Text(distinct, d.Span), Is.EqualTo("SELECT DISTINCT"));
    }

    // ---- cost -----------------------------------------------------------------------------------------------

    [Test]
    public void High_total_cost_is_reported_on_the_statement_keyword_and_the_threshold_is_a_setting()
    {
        const string sql = "SELECT count(*) FROM orders";
        var root = new PlanNode
        {
            NodeType = "Aggregate", Operation = PlanOperation.Aggregate, EstimatedRows = 1, TotalCost = 250_000,
            Children = [PgSeqScan("orders", "orders", 9_000_000, 9_000_000, null)],
        };
        var findings = Analyze(Pg(root), sql);
        var cost = findings.Single(f => f.RuleId == "plan-high-cost");
        Assert.That(Text(sql, cost.Span), Is.EqualTo("SELECT"));
        Assert.That(cost.Severity, Is.EqualTo(FindingSeverity.Information));
        Assert.That(cost.Message, Does.Contain("250,000"));
        Assert.That(cost.Detail, Does.Contain("Aggregate").And.Contain("Seq Scan on orders"));

        var thresholds = PlanThresholds.FromJson(JsonDocument.Parse("""{ "costThreshold": 300000, "sortRows": "oops" }""").RootElement);
        Assert.That(thresholds.SortRows, Is.EqualTo(PlanThresholds.Default.SortRows));
        Assert.That(Analyze(Pg(root), sql, thresholds: thresholds).Where(f => f.RuleId == "plan-high-cost"), Is.Empty);
    }

    [Test]
    public void Plan_findings_follow_the_rules_setting_and_inline_suppression()
    {
        const string sql = "-- dbagent-ignore plan-full-scan\nDELETE FROM orders WHERE customer_id = 42;\nDELETE FROM orders WHERE customer_id = 43;";
        var script = SqlScript.Parse(sql, SqlDialect.Postgres);
        var plan = Pg(PgSeqScan("orders", "orders", 500_000, 50, "(customer_id = 42)", "customer_id"));
        var all = script.Statements.SelectMany(s => PlanAnalyzer.Analyze(plan, s.Model)).ToList();
        Assert.That(all, Has.Count.EqualTo(2));

        var kept = DbAgent.Analysis.Rules.Linter.ApplySettings(script, all, null);
        Assert.That(kept, Has.Count.EqualTo(1));
        Assert.That(kept[0].Span.Start, Is.GreaterThan(sql.IndexOf("43", StringComparison.Ordinal) - 40));

        var asError = DbAgent.Analysis.Rules.Linter.ApplySettings(script, all, DbAgent.Analysis.Rules.RuleSettings.From([new("plan-full-scan", "error")]));
        Assert.That(asError.Single().Severity, Is.EqualTo(FindingSeverity.Error));
        Assert.That(DbAgent.Analysis.Rules.Linter.ApplySettings(script, all, DbAgent.Analysis.Rules.RuleSettings.From([new("plan-full-scan", "off")])), Is.Empty);
    }

    [Test]
    public void A_null_or_odd_plan_gives_no_finding_and_no_exception()
    {
        var model = new StatementModel { Kind = StatementKind.Select, Span = new TextSpan(0, 5) };
        Assert.That(PlanAnalyzer.Analyze(null, new PlanContext(model)), Is.Empty);
        var odd = Pg(new PlanNode { NodeType = "Nested Loop", Operation = PlanOperation.NestedLoop, Children = [new PlanNode { NodeType = "?", Operation = PlanOperation.Other }] });
        Assert.That(PlanAnalyzer.Analyze(odd, model), Is.Empty);

        // A malformed plan nested far deeper than any engine produces must not exhaust the stack.
        var deep = PgSeqScan("orders", "orders", 500_000, 5, "(x = 1)");
        for (var i = 0; i < 20_000; i++)
            deep = new PlanNode { NodeType = "Materialize", Operation = PlanOperation.Materialize, Children = [deep] };
        Assert.DoesNotThrow(() => PlanAnalyzer.Analyze(Pg(deep), model));
    }
}
