using DbAgent.Analysis.Plans;
using DbAgent.Databases;
using DbAgent.Server.Features.Plans;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// The plan pipeline of the server (when plans run, how their findings follow edits) over a recorded session: a
/// PostgreSQL-shaped plan that scans a million-row table. The providers' own EXPLAIN is tested against real engines
/// in DbAgent.Databases.Tests.
/// </summary>
[TestFixture]
public sealed class PlanDiagnosticsTests
{
    private const string Uri = "file:///work/queries/orders.sql";

    private static Range R(int l1, int c1, int l2, int c2) => new(new Position(l1, c1), new Position(l2, c2));

    private sealed class RecordedSession : IDatabaseSession
    {
        public int Explains;
        public DbAgent.Databases.ServerInfo ServerInfo { get; } = new(DatabaseEngine.Postgres, "15.8", "shop");

        public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Explains);
            var scan = sql.Contains("customer_id", StringComparison.Ordinal);
            var node = scan
                ? new PlanNode
                {
                    NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = "orders", EstimatedRows = 12, EstimatedRowsRead = 1_000_000,
                    TotalCost = 18_334, Filter = "(customer_id = 5)", FilterColumns = ["customer_id"],
                }
                : new PlanNode { NodeType = "Index Scan", Operation = PlanOperation.IndexSeek, Relation = "orders", IndexName = "orders_pkey", EstimatedRows = 1, TotalCost = 8 };
            return Task.FromResult(new QueryPlan { Root = node, Engine = "postgres" });
        }

        public Task<SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken) => Task.FromResult(new SchemaModel(DbAgent.Sql.SqlDialect.Postgres));
        public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken cancellationToken) => Task.FromResult<TableStats?>(null);
        public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken cancellationToken) => Task.FromResult<ColumnStats?>(null);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    [Test]
    public async Task Plan_findings_arrive_on_open_follow_edits_elsewhere_and_are_refreshed_on_save_only()
    {
        var session = new RecordedSession();
        await using var client = LspTestClient.InProcess(new SessionPlanRunner(session, "shop"));
        await client.InitializeAsync();

        await client.OpenAsync(Uri, "SELECT 1;\nDELETE FROM orders WHERE customer_id = 5;\nDELETE FROM orders WHERE id = 7;\n");
        var opened = await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
        var scan = opened.Diagnostics.Single(d => d.Code == "plan-full-scan");
        Assert.That(scan.Range, Is.EqualTo(R(1, 12, 1, 18)), "on the table reference the plan scans");
        Assert.That(scan.Severity, Is.EqualTo(DiagnosticSeverity.Warning));
        Assert.That(scan.Message, Does.Contain("orders"));
        // Each of the three statements is explained once: unchanged settings pulled after initialized start no second run.
        await Task.Delay(700);
        var explainedOnOpen = session.Explains;
        Assert.That(explainedOnOpen, Is.EqualTo(3));

        // An edit above moves the statement: its finding moves with it, and nothing is explained again.
        var seen = client.Diagnostics.Count;
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = R(0, 0, 0, 0), Text = "-- cleanup\n" });
        var moved = await client.DiagnosticsAsync(Uri, p => p.Version == 2, seen);
        Assert.That(moved.Diagnostics.Single(d => d.Code == "plan-full-scan").Range, Is.EqualTo(R(2, 12, 2, 18)));

        // Editing the statement itself drops its plan finding until the next save.
        seen = client.Diagnostics.Count;
        await client.ChangeAsync(Uri, 3, new TextDocumentContentChangeEvent { Range = R(2, 40, 2, 40), Text = " AND total > 0" });
        var edited = await client.DiagnosticsAsync(Uri, p => p.Version == 3, seen);
        Assert.That(edited.Diagnostics.Any(d => d.Code == "plan-full-scan"), Is.False);
        Assert.That(session.Explains, Is.EqualTo(explainedOnOpen), "never on a keystroke");

        seen = client.Diagnostics.Count;
        await client.NotifyAsync(Methods.DidSave, new DidSaveTextDocumentParams { TextDocument = new TextDocumentIdentifier(Uri) });
        var saved = await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"), seen);
        Assert.That(saved.Diagnostics.Single(d => d.Code == "plan-full-scan").Range, Is.EqualTo(R(2, 12, 2, 18)));
        Assert.That(session.Explains, Is.EqualTo(explainedOnOpen + 3));
    }

    [Test]
    public async Task Plan_findings_offer_the_advisors_index_and_obey_rule_settings()
    {
        await using var client = LspTestClient.InProcess(new SessionPlanRunner(new RecordedSession(), "shop"));
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders WHERE customer_id = 5;\n");
        var published = await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
        var scan = published.Diagnostics.Single(d => d.Code == "plan-full-scan");

        var actions = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(Uri), scan.Range, new CodeActionContext { Diagnostics = [scan] }));
        var create = actions!.FirstOrDefault(a => a.Title.StartsWith("Create index", StringComparison.Ordinal));
        Assert.That(create, Is.Not.Null, string.Join(", ", actions!.Select(a => a.Title)));
        var edit = create!.Edit!.Changes![Uri].Single();
        Assert.That(edit.NewText, Does.Contain("CREATE INDEX").IgnoreCase.And.Contain("customer_id"));
        Assert.That(edit.Range, Is.EqualTo(R(0, 0, 0, 0)), "inserted before the statement when there is no migration folder");

        client.Settings = System.Text.Json.JsonDocument.Parse("""{ "rules": { "plan-full-scan": "off" } }""").RootElement;
        var seen = client.Diagnostics.Count;
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        var off = await client.DiagnosticsAsync(Uri, p => !p.Diagnostics.Any(d => d.Code == "plan-full-scan"), seen);
        Assert.That(off.Diagnostics.Select(d => d.Code), Does.Not.Contain("plan-full-scan"));
    }

    [Test]
    public async Task Plans_switched_off_in_settings_are_not_run()
    {
        var session = new RecordedSession();
        await using var client = LspTestClient.InProcess(new SessionPlanRunner(session, "shop"));
        client.Settings = System.Text.Json.JsonDocument.Parse("""{ "plans": { "enabled": false } }""").RootElement;
        await client.InitializeAsync();
        // Wait until the pulled settings are in force, then open.
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (client.Server!.Context.Configuration.Global.Plans.Enabled && DateTime.UtcNow < deadline) await Task.Delay(10);
        await client.OpenAsync(Uri, "DELETE FROM orders WHERE customer_id = 5;\n");
        await client.DiagnosticsAsync(Uri);
        await Task.Delay(600);
        Assert.That(session.Explains, Is.Zero);
        Assert.That(client.Diagnostics.Snapshot().SelectMany(p => p.Diagnostics).Any(d => d.Code == "plan-full-scan"), Is.False);
    }
}
