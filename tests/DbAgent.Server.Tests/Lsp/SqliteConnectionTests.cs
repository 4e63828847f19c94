using System.Text.Json;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Support;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// Through the LSP against a real SQLite database (no server needed): statistics on hover, a plan diagnostic on the
/// slow query and none on the indexed one, connection status, testConnection and refreshSchema.
/// </summary>
[TestFixture]
public sealed class SqliteConnectionTests
{
    private const string Uri = "file:///work/queries/report.sql";
    private static string _database = null!;

    [OneTimeSetUp]
    public static void CreateDatabase() => _database = SqliteShop.Create();

    [OneTimeTearDown]
    public static void DeleteDatabase() => SqliteShop.Delete(_database);

    private static JsonElement Settings(string database) => JsonDocument.Parse(JsonSerializer.Serialize(new
    {
        connections = new[] { new { name = "shop", engine = "sqlite", database } },
    })).RootElement;

    [Test]
    public async Task A_slow_query_gets_a_plan_diagnostic_on_its_table_and_an_indexed_one_does_not()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE customer_id = 42;\nSELECT * FROM orders WHERE id = 42;\n");
        var published = await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code?.StartsWith("plan-") == true));
        var scan = published.Diagnostics.Single(d => d.Code == "plan-full-scan");
        Assert.That(scan.Range, Is.EqualTo(new DbAgent.Server.Protocol.Range(new Position(0, 14), new Position(0, 20))));
        Assert.That(published.Diagnostics.Where(d => d.Range.Start.Line == 1), Is.Empty, "the primary key lookup is fine");

        var status = await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop" && s.State == ConnectionStates.Connected, 0, LspTestClient.Timeout);
        Assert.That(status.Message, Does.Contain("SQLite").IgnoreCase);

        var actions = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(Uri), scan.Range, new CodeActionContext { Diagnostics = [scan] }));
        var create = actions!.Single(a => a.Title.StartsWith("Create index", StringComparison.Ordinal));
        Assert.That(create.Edit!.Changes![Uri].Single().NewText, Does.Contain("customer_id"));
    }

    [Test]
    public async Task The_plan_view_gets_the_plan_tree_with_the_finding_node_marked_and_the_file_stays_byte_for_byte()
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_database)));
        await using (var client = LspTestClient.InProcess())
        {
            client.Settings = Settings(_database);
            await client.InitializeAsync();
            await client.OpenAsync(Uri, "SELECT * FROM orders WHERE customer_id = 42;\n");
            await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
            var plan = await client.RequestAsync<DbAgent.Server.Features.Plans.StatementPlanResult>(CustomMethods.StatementPlan,
                new DbAgent.Server.Features.Plans.StatementPlanParams(new TextDocumentIdentifier(Uri), new Position(0, 16)) { Relation = "orders" });
            Assert.That(plan!.Ok, Is.True, plan.Message);
            Assert.That(plan.Engine, Is.EqualTo("sqlite"));
            var nodes = new List<DbAgent.Server.Features.Plans.PlanTreeNode>();
            void Walk(DbAgent.Server.Features.Plans.PlanTreeNode n) { nodes.Add(n); n.Children.ToList().ForEach(Walk); }
            Walk(plan.Before!);
            var marked = nodes.Single(n => n.Highlighted);
            Assert.That(marked.Relation, Is.EqualTo("orders"));
            Assert.That(marked.NodeType, Does.StartWith("SCAN"));
            // The plan with the proposed index, planned on the private in-memory copy (SQLite's what-if).
            var after = new List<DbAgent.Server.Features.Plans.PlanTreeNode>();
            void WalkAfter(DbAgent.Server.Features.Plans.PlanTreeNode n) { after.Add(n); n.Children.ToList().ForEach(WalkAfter); }
            Assert.That(plan.After, Is.Not.Null, plan.Message);
            WalkAfter(plan.After!);
            Assert.That(after.Any(n => n.NodeType.StartsWith("SEARCH", StringComparison.Ordinal) && n.Relation == "orders" && n.Index is not null), Is.True,
                "with the proposed index the SCAN becomes a SEARCH");
            Assert.That(plan.Indexes, Has.Some.Contains("customer_id"));

            var none = await client.RequestAsync<DbAgent.Server.Features.Plans.StatementPlanResult>(CustomMethods.StatementPlan,
                new DbAgent.Server.Features.Plans.StatementPlanParams(new TextDocumentIdentifier("file:///work/queries/unknown.sql"), new Position(0, 0)));
            Assert.That(none!.Ok, Is.False);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Assert.That(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(_database))), Is.EqualTo(hash), "nothing written to the database file");
    }

    [Test]
    public async Task A_hover_does_not_wait_for_statistics_the_next_one_shows_them()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        // No wait at all: whatever is not in memory is read in the background.
        client.Server!.Context.Statistics.HoverBudget = TimeSpan.Zero;
        client.Server.Context.Statistics.PrefetchLimit = 0;
        await client.OpenAsync(Uri, "SELECT status FROM orders WHERE customer_id = 42;\n");
        await client.DiagnosticsAsync(Uri);
        // Diagnostics no longer wait for a typing delay: the first publish can come before the settings that name the
        // connection have arrived. Hover once the server has said the file's connection answers.
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop" && s.State == ConnectionStates.Connected, 0, LspTestClient.Timeout);
        var position = new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 21));

        var first = await client.RequestAsync<Hover>(Methods.Hover, position);
        Assert.That(first!.Contents.Value, Does.Contain("**table**").Or.Contain("orders"), "the hover answers from the schema");
        Assert.That(first.Contents.Value, Does.Contain("are being read in the background"));
        Assert.That(first.Contents.Value, Does.Not.Contain("**Statistics** from"));

        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        Hover? later;
        do
        {
            await Task.Delay(50);
            later = await client.RequestAsync<Hover>(Methods.Hover, position);
        }
        while (!later!.Contents.Value.Contains("**Statistics** from `shop`", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.That(later.Contents.Value, Does.Contain("**Statistics** from `shop`"), "the read went on after the first hover stopped waiting");
    }

    [Test]
    public async Task Opening_a_file_reads_the_statistics_it_names_ahead_of_its_hovers()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        client.Server!.Context.Statistics.HoverBudget = TimeSpan.Zero;
        await client.OpenAsync(Uri, "SELECT status FROM orders WHERE customer_id = 42;\n");
        var statistics = client.Server.Context.Statistics;
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (statistics.CachedTable("shop", new DbAgent.Sql.Semantics.QualifiedName(null, "orders")) is null && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.That(statistics.CachedTable("shop", new DbAgent.Sql.Semantics.QualifiedName(null, "orders")), Is.Not.Null, "prefetched on open, before any hover");
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 21)));
        Assert.That(hover!.Contents.Value, Does.Contain("**Statistics** from `shop`"), "the first hover, with no wait, shows them");
    }

    [Test]
    public async Task A_schema_refresh_keeps_the_statistics_answering_while_they_are_read_again()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT status FROM orders WHERE customer_id = 42;\n");
        var statistics = client.Server!.Context.Statistics;
        var orders = new DbAgent.Sql.Semantics.QualifiedName(null, "orders");
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (statistics.CachedTable("shop", orders) is null && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.That(statistics.CachedTable("shop", orders), Is.Not.Null);

        await client.RequestAsync<RefreshSchemaResult>(CustomMethods.RefreshSchema, new { connection = "shop" });
        statistics.HoverBudget = TimeSpan.Zero; // only what is in memory
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 21)));
        Assert.That(hover!.Contents.Value, Does.Contain("**Statistics** from `shop`"), "stale after the refresh, still shown, read again behind");
    }

    [Test]
    public async Task The_hover_of_a_plan_finding_links_to_the_plan_view_with_the_code_lens_arguments()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE customer_id = 42;\nSELECT * FROM orders WHERE id = 42;\n");
        await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));

        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 16)));
        var text = hover!.Contents.Value;
        Assert.That(text, Does.Contain("plan-full-scan"));
        var link = System.Text.RegularExpressions.Regex.Match(text, @"\[Show plan\]\(command:dbagent\.showPlan\?([^ )]+)");
        Assert.That(link.Success, Is.True, text);
        using var arguments = JsonDocument.Parse(System.Uri.UnescapeDataString(link.Groups[1].Value));
        var a = arguments.RootElement;
        Assert.That((a[0].GetString(), a[1].GetInt32(), a[2].GetInt32(), a[3].GetString()), Is.EqualTo((Uri, 0, 14, "orders")),
            "document, the finding's start and its table: what the Show plan code lens passes");

        var fine = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(1, 16)));
        Assert.That(fine?.Contents.Value ?? "", Does.Not.Contain("command:"), "no plan finding there, no link");
    }

    [Test]
    public async Task Hover_on_a_table_and_a_column_shows_their_statistics()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT status FROM orders WHERE customer_id = 42;\n");
        await client.DiagnosticsAsync(Uri);
        // Diagnostics no longer wait for a typing delay: the first publish can come before the settings that name the
        // connection have arrived. Hover once the server has said the file's connection answers.
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop" && s.State == ConnectionStates.Connected, 0, LspTestClient.Timeout);

        client.Server!.Context.Statistics.HoverBudget = TimeSpan.FromSeconds(3); // what the statistics say, not how soon: wait for a read
        var table = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 21)));
        Assert.That(table!.Contents.Value, Does.Contain("**Statistics** from `shop`"));
        Assert.That(table.Contents.Value, Does.Contain("60k rows").Or.Contain("60000").Or.Contain("60.0k"));
        Assert.That(table.Contents.Value, Does.Contain("customer_id"), "columns from the live catalog");

        var column = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 9)));
        Assert.That(column!.Contents.Value, Does.Contain("**column**"));
        Assert.That(column.Contents.Value, Does.Contain("status"));
    }

    [Test]
    public async Task Test_connection_and_refresh_schema_answer_for_a_real_database_and_a_missing_one()
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = Settings(_database);
        await client.InitializeAsync();

        var ok = await client.RequestAsync<TestConnectionResult>(CustomMethods.TestConnection,
            new { connection = new { name = "shop", engine = "sqlite", database = _database } });
        Assert.That(ok!.Ok, Is.True, ok.Message);
        Assert.That(ok.ServerVersion, Is.Not.Null.And.Not.Empty);

        var missing = await client.RequestAsync<TestConnectionResult>(CustomMethods.TestConnection,
            new { connection = new { name = "gone", engine = "sqlite", database = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "x.db") } });
        Assert.That(missing!.Ok, Is.False);
        Assert.That(missing.Message, Is.Not.Empty);

        var invalid = await client.RequestAsync<TestConnectionResult>(CustomMethods.TestConnection, new { connection = new { name = "odd", engine = "oracle" } });
        Assert.That(invalid!.Ok, Is.False);
        Assert.That(invalid.Message, Does.Contain("oracle"));

        // The settings are pulled after initialized; refreshSchema reads the catalog of the connection they name.
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (client.Server!.Context.Connections.Targets.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var refreshed = await client.RequestAsync<RefreshSchemaResult>(CustomMethods.RefreshSchema, new { connection = "shop" });
        Assert.That(refreshed!.Tables, Is.EqualTo(1));
    }

    [Test]
    public async Task Work_such_as_a_chat_gets_a_session_to_the_documents_database_or_the_reason_there_is_none()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var connections = client.Server!.Context.Connections;
        var none = await connections.WithSessionAsync(Uri, (access, _) => Task.FromResult(access), CancellationToken.None);
        Assert.That(none.Session, Is.Null);
        Assert.That(none.ConnectionName, Is.Null);

        client.Settings = Settings(_database);
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        var deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (connections.Targets.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(20);
        var runs = 0;
        var engine = await connections.WithSessionAsync(Uri, async (access, ct) =>
        {
            runs++;
            var stats = await access.Session!.GetTableStatsAsync(new DbAgent.Sql.Semantics.QualifiedName(null, "orders"), ct);
            return (access.Session.ServerInfo.Engine, access.ConnectionName, stats?.EstimatedRows);
        }, CancellationToken.None);
        Assert.That(engine.Engine, Is.EqualTo(DbAgent.Databases.DatabaseEngine.Sqlite));
        Assert.That(engine.ConnectionName, Is.EqualTo("shop"));
        Assert.That(engine.EstimatedRows, Is.GreaterThan(50_000));
        Assert.That(runs, Is.EqualTo(1));

        client.Settings = Settings(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "x.db"));
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        deadline = DateTime.UtcNow + LspTestClient.Timeout;
        while (connections.Targets.SingleOrDefault()?.Database == _database && DateTime.UtcNow < deadline) await Task.Delay(20);
        var broken = await connections.WithSessionAsync(Uri, (access, _) => Task.FromResult(access), CancellationToken.None);
        Assert.That(broken.Session, Is.Null);
        Assert.That(broken.ConnectionName, Is.EqualTo("shop"));
        Assert.That(broken.Problem, Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public async Task A_migration_that_the_live_database_disagrees_with_gets_schema_drift_on_the_declaration()
    {
        var workspace = Path.Combine(Path.GetTempPath(), "dbagent-drift-" + Guid.NewGuid().ToString("N"));
        var migration = Path.Combine(workspace, "migrations", "001_init.sql");
        Directory.CreateDirectory(Path.GetDirectoryName(migration)!);
        var text = "CREATE TABLE orders (\n  id INTEGER PRIMARY KEY,\n  customer_id INTEGER NOT NULL,\n  status TEXT NOT NULL,\n  total REAL,\n  note TEXT\n);\n";
        File.WriteAllText(migration, text);
        try
        {
            await using var client = LspTestClient.InProcess();
            client.Settings = Settings(_database);
            await client.InitializeAsync(workspaceFolder: workspace);
            var uri = new Uri(migration).AbsoluteUri;
            await client.OpenAsync(uri, text);
            var published = await client.DiagnosticsAsync(uri, p => p.Diagnostics.Any(d => d.Code == "schema-drift"));
            var drift = published.Diagnostics.Single(d => d.Code == "schema-drift");
            Assert.That(drift.Message, Does.Contain("note"));
            Assert.That(drift.Range.Start.Line, Is.EqualTo(5), "on the column the live table lacks");
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    [Test]
    public async Task A_table_no_migration_creates_drifts_on_the_latest_migrations_first_statement_not_an_empty_range_at_the_top()
    {
        var workspace = Path.Combine(Path.GetTempPath(), "dbagent-drift-" + Guid.NewGuid().ToString("N"));
        var migration = Path.Combine(workspace, "migrations", "001_init.sql");
        Directory.CreateDirectory(Path.GetDirectoryName(migration)!);
        // The migration declares orders exactly as the database has it; the database also has a table no migration creates.
        var text = "CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, status TEXT NOT NULL, total REAL);\n";
        File.WriteAllText(migration, text);
        var database = SqliteShop.Create();
        try
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var create = connection.CreateCommand();
                create.CommandText = "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, entry TEXT);";
                create.ExecuteNonQuery();
            }
            await using var client = LspTestClient.InProcess();
            client.Settings = Settings(database);
            await client.InitializeAsync(workspaceFolder: workspace);
            var uri = new Uri(migration).AbsoluteUri;
            await client.OpenAsync(uri, text);
            var published = await client.DiagnosticsAsync(uri, p => p.Diagnostics.Any(d => d.Code == "schema-drift"));
            var drift = published.Diagnostics.Single(d => d.Code == "schema-drift");
            Assert.That(drift.Message, Does.Contain("audit_log"));
            // On the statement's keywords (CREATE TABLE), where a reader sees it: not a zero-width mark at 0:0.
            Assert.That(drift.Range, Is.EqualTo(new DbAgent.Server.Protocol.Range(new Position(0, 0), new Position(0, 12))));
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
            SqliteShop.Delete(database);
        }
    }

    [Test]
    public async Task A_document_without_a_connection_is_told_so_and_a_broken_connection_keeps_the_static_checks()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "DELETE FROM orders;");
        var none = await client.ConnectionStatus.WaitAsync(s => s.Uri == Uri, 0, LspTestClient.Timeout);
        Assert.That(none.State, Is.EqualTo(ConnectionStates.None));

        client.Settings = Settings(Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "x.db"));
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        const string other = "file:///work/queries/other.sql";
        await client.OpenAsync(other, "DELETE FROM orders;");
        var down = await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop" && s.State == ConnectionStates.Unreachable, 0, LspTestClient.Timeout);
        Assert.That(down.Message, Is.Not.Empty);
        var published = await client.DiagnosticsAsync(other);
        Assert.That(published.Diagnostics.Single().Code, Is.EqualTo("delete-without-where"));
    }

    [Test]
    public async Task A_file_opened_before_the_settings_arrive_is_told_its_connection_once_they_do()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync(Uri, "SELECT * FROM orders WHERE id = 1;");
        var none = await client.ConnectionStatus.WaitAsync(s => s.Uri == Uri, 0, LspTestClient.Timeout);
        Assert.That(none.State, Is.EqualTo(ConnectionStates.None));

        client.Settings = Settings(_database);
        await client.NotifyAsync(Methods.DidChangeConfiguration, new { settings = (object?)null });
        ConnectionStatusParams told;
        try
        {
            told = await client.ConnectionStatus.WaitAsync(s => s.Uri == Uri && s.Connection == "shop", 0, LspTestClient.Timeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail("The open file was not told its connection. Status: "
                + string.Join(" | ", client.ConnectionStatus.Snapshot().Select(s => $"{s.Uri} {s.Connection} {s.State} {s.Message}"))
                + " Log: " + string.Join(" | ", client.Logs.Snapshot().Select(l => l.Message)));
            return;
        }
        Assert.That(told.State, Is.EqualTo(ConnectionStates.Connected));
    }
}
