using DbAgent.Agent.Chat;
using DbAgent.Analysis.Plans;
using DbAgent.Databases;

namespace DbAgent.Agent.Tests.Chat;

public class ConnectedCommandTests
{
    private static readonly ServerInfo Postgres = new(DatabaseEngine.Postgres, "15.8", "shop");

    private static QueryPlan SeqScanPlan() => new()
    {
        Engine = "postgres",
        Root = new PlanNode
        {
            NodeType = "Sort", Operation = PlanOperation.Sort, EstimatedRows = 1200, StartupCost = 9000, TotalCost = 9100.5,
            SortKeys = ["created_at DESC"],
            Children =
            [
                new PlanNode
                {
                    NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = "orders", EstimatedRows = 1200, TotalCost = 8800,
                    Filter = "(customer_id = 42)", FilterColumns = ["customer_id"],
                },
            ],
        },
    };

    [Test]
    public async Task Explain_with_a_connection_shows_the_plan_of_the_statement_only()
    {
        var session = new RecordedSession(Postgres) { Plan = SeqScanPlan() };
        var context = ChatHarness.Context("SELECT 1;\nSELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC|;") with { Session = session, ConnectionName = "shop" };
        var (answer, sink) = await ChatHarness.RunAsync(context, "explain");
        var markdown = sink.ToMarkdown();

        Assert.That(session.Explained, Is.EqualTo(new[] { "SELECT * FROM orders WHERE customer_id = 42 ORDER BY created_at DESC" }));
        Assert.That(markdown, Does.Contain("Seq Scan on orders"));
        Assert.That(markdown, Does.Contain("Full scan of `orders` (about 1,200 rows), filtering on `customer_id`"));
        Assert.That(markdown, Does.Contain("A sort (about 1,200 rows) on `created_at DESC`"));
        Assert.That(markdown, Does.Not.Contain("needs a connection"));
        Assert.That(answer.Followups.Select(f => f.Command), Does.Contain("stats"));
    }

    [Test]
    public async Task Explain_reports_a_plan_the_database_refuses_and_keeps_going()
    {
        var session = new RecordedSession(Postgres);
        var context = ChatHarness.Context("SELECT * FROM orders WHERE id = 1;") with { Session = session };
        var markdown = await ChatHarness.MarkdownAsync(context, "explain");
        Assert.That(markdown, Does.Contain("could not plan this statement: relation \"orders\" does not exist"));
    }

    [Test]
    public async Task Stats_shows_the_tables_of_the_statement()
    {
        var session = new RecordedSession(Postgres);
        session.Stats["orders"] = new TableStats(new("public", "orders"))
        {
            EstimatedRows = 250_000, LiveRows = 250_000, DeadRows = 90_000, TotalBytes = 64L << 20, TableBytes = 40L << 20, IndexBytes = 24L << 20,
            SequentialScans = 900, IndexScans = 12,
            Indexes = [new IndexStats("orders_pkey") { Primary = true, Scans = 12 }, new IndexStats("ix_orders_note") { Scans = 0, SizeBytes = 8L << 20 }],
        };
        var context = ChatHarness.Context("SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 1;") with { Session = session };
        var markdown = await ChatHarness.MarkdownAsync(context, "stats");
        Assert.That(markdown, Does.Contain("Estimated rows: 250,000"));
        Assert.That(markdown, Does.Contain("64 MiB total"));
        Assert.That(markdown, Does.Contain("autovacuum is behind"));
        Assert.That(markdown, Does.Contain("look for a missing index"));
        Assert.That(markdown, Does.Contain("`ix_orders_note`, 8 MiB, 0 scans (unused: a candidate to drop)"));
        Assert.That(markdown, Does.Contain("### `customers`").And.Contain("Not found in the database"));
    }

    [Test]
    public async Task Cancelling_inside_a_database_call_stops_the_answer()
    {
        using var cts = new CancellationTokenSource();
        var session = new RecordedSession(Postgres)
        {
            Plan = SeqScanPlan(),
            BeforeAnswer = async ct => { cts.Cancel(); await Task.Delay(Timeout.Infinite, ct); },
        };
        var context = ChatHarness.Context("SELECT * FROM orders WHERE id = 1;") with { Session = session };
        var sink = new BufferedChatSink();
        Assert.That(async () => await new ChatOrchestrator().RunAsync(new ChatRequest("") { Command = "explain" }, context, sink, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        var partsAtCancel = sink.Parts.Count;
        await Task.Delay(50);
        Assert.That(sink.Parts.Count, Is.EqualTo(partsAtCancel));
        Assert.That(sink.Parts.OfType<MarkdownPart>().Any(p => p.Text.Contains("Plan")), Is.False);
    }

    [Test]
    public async Task Indexes_with_a_connection_tries_the_candidate_and_reports_the_plan_change()
    {
        var after = new QueryPlan { Engine = "postgres", Root = new PlanNode { NodeType = "Index Scan", Operation = PlanOperation.IndexScan, Relation = "orders", IndexName = "ix_orders_customer_id_created_at", TotalCost = 12.5 } };
        var session = new RecordedSession(Postgres) { WhatIf = new WhatIfIndexResult { Supported = true, Before = SeqScanPlan(), After = after, IndexUsed = true } };
        var context = ChatHarness.Context("SELECT * FROM orders WHERE customer_id = $1 AND created_at > now() ORDER BY created_at DESC;") with { Session = session };
        var markdown = await ChatHarness.MarkdownAsync(context, "indexes");
        Assert.That(session.Tried.Single().Keys.Select(k => k.Column), Is.EqualTo(new[] { "customer_id", "created_at" }));
        Assert.That(markdown, Does.Contain("*What-if on PostgreSQL 15.8:* the plan **uses the index**"));
        Assert.That(markdown, Does.Contain("`Seq Scan on orders`").And.Contain("`Index Scan on orders using ix_orders_customer_id_created_at`"));
        Assert.That(markdown, Does.Contain("Estimated cost 9100.5 → 12.5"));
    }

    [Test]
    public async Task Indexes_on_an_engine_without_what_if_says_so()
    {
        var session = new RecordedSession(new ServerInfo(DatabaseEngine.MySql, "8.0.36", "shop"));
        var context = ChatHarness.Context("SELECT * FROM orders WHERE customer_id = 7;", DbAgent.Sql.SqlDialect.MySql) with { Session = session };
        var markdown = await ChatHarness.MarkdownAsync(context, "indexes");
        Assert.That(markdown, Does.Contain("*What-if:* MySQL cannot evaluate an index without building it"));
        Assert.That(markdown, Does.Contain("ALGORITHM=INPLACE, LOCK=NONE"));
    }
}
