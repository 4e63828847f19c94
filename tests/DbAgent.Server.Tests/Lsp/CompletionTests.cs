using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Npgsql;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>textDocument/completion and completionItem/resolve over the duplex stream: from replayed migrations, from the document's own DDL, and from a live PostgreSQL catalog.</summary>
[TestFixture]
public sealed class CompletionTests
{
    private string _workspace = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "dbagent-complete-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_workspace, "db", "migrations"));
        File.WriteAllText(Path.Combine(_workspace, "db", "migrations", "001_init.sql"),
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n" +
            "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  total numeric(10,2) DEFAULT 0\n);\n");
        File.WriteAllText(Path.Combine(_workspace, "db", "migrations", "002_items.sql"),
            "CREATE TABLE order_items (order_id bigint NOT NULL REFERENCES orders (id), sku text NOT NULL, quantity int NOT NULL);\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_workspace, recursive: true);

    private string QueryUri => new Uri(Path.Combine(_workspace, "queries", "report.sql")).AbsoluteUri;

    private static Task<CompletionList?> CompleteAsync(LspTestClient client, string uri, int line, int character, string? trigger = null) =>
        client.RequestAsync<CompletionList>(Methods.Completion, new CompletionParams(new TextDocumentIdentifier(uri), new Position(line, character))
        {
            Context = trigger is null ? new CompletionContext { TriggerKind = 1 } : new CompletionContext { TriggerKind = 2, TriggerCharacter = trigger },
        });

    [Test]
    public async Task The_server_advertises_completion_with_dot_and_space_triggers_and_resolve()
    {
        await using var client = LspTestClient.InProcess();
        var init = await client.InitializeAsync();
        Assert.That(init.Capabilities.CompletionProvider!.TriggerCharacters, Is.EquivalentTo(new[] { ".", " " }));
        Assert.That(init.Capabilities.CompletionProvider.ResolveProvider, Is.True);
    }

    [Test]
    public async Task After_FROM_the_migrations_tables_and_after_an_alias_dot_its_columns_in_half_typed_statements()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        await client.OpenAsync(QueryUri, "SELECT * FROM \nSELECT o. FROM orders o\n");

        var tables = await CompleteAsync(client, QueryUri, 0, 14, " ");
        var tableItems = tables!.Items.Where(i => i.Kind == CompletionItemKind.Struct).Select(i => i.Label).ToList();
        Assert.That(tableItems, Is.EquivalentTo(new[] { "customers", "orders", "order_items" }));
        Assert.That(tables.Items.First(i => i.Label == "orders").Detail, Is.EqualTo("table · 3 columns"));
        Assert.That(tables.Items.First(i => i.Label == "orders").TextEdit!.Range, Is.EqualTo(new DbAgent.Server.Protocol.Range(new Position(0, 14), new Position(0, 14))));

        var columns = await CompleteAsync(client, QueryUri, 1, 9, ".");
        Assert.That(columns!.Items.Where(i => i.Kind == CompletionItemKind.Field).Select(i => i.Label), Is.EqualTo(new[] { "id", "customer_id", "total" }));
        Assert.That(columns.Items.First(i => i.Label == "total").Detail, Does.StartWith("numeric(10,2), null"));
    }

    [Test]
    public async Task Join_on_proposes_the_foreign_key_and_a_space_elsewhere_opens_nothing()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        await client.OpenAsync(QueryUri, "SELECT * FROM order_items i JOIN orders o ON \nSELECT * FROM orders WHERE total > 1 \n");
        var join = await CompleteAsync(client, QueryUri, 0, 45, " ");
        Assert.That(join!.Items[0].Label, Is.EqualTo("i.order_id = o.id"));
        Assert.That(join.Items[0].Kind, Is.EqualTo(CompletionItemKind.Snippet));
        var space = await CompleteAsync(client, QueryUri, 1, 37, " ");
        Assert.That(space!.Items, Is.Empty, "a space after an operand is not a reason to open the list");
        var invoked = await CompleteAsync(client, QueryUri, 1, 37);
        Assert.That(invoked!.Items.Select(i => i.Label), Does.Contain("AND").And.Contain("ORDER BY"));
    }

    [Test]
    public async Task Completion_follows_edits_and_the_documents_own_ddl()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        await client.OpenAsync(QueryUri, "CREATE TABLE scratch (a int, b text);\nSELECT  FROM scratch;\n");
        var list = await CompleteAsync(client, QueryUri, 1, 7);
        Assert.That(list!.Items.Where(i => i.Kind == CompletionItemKind.Field).Select(i => i.Label), Is.EqualTo(new[] { "a", "b" }));
        await client.ChangeAsync(QueryUri, 2, new TextDocumentContentChangeEvent { Range = new DbAgent.Server.Protocol.Range(new Position(0, 35), new Position(0, 35)), Text = ", c date" });
        var after = await CompleteAsync(client, QueryUri, 1, 7);
        Assert.That(after!.Items.Where(i => i.Kind == CompletionItemKind.Field).Select(i => i.Label), Is.EqualTo(new[] { "a", "b", "c" }));
    }

    [Test]
    public async Task Resolve_describes_a_table_a_column_and_a_function()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        await client.OpenAsync(QueryUri, "SELECT  FROM orders\n");
        var list = await CompleteAsync(client, QueryUri, 0, 7);
        var column = await client.RequestAsync<CompletionItem>(Methods.CompletionResolve, list!.Items.First(i => i.Label == "customer_id"));
        Assert.That(column!.Documentation!.Value, Does.Contain("**column** `orders.customer_id`").And.Contain("`bigint`, not null"));
        var function = await client.RequestAsync<CompletionItem>(Methods.CompletionResolve, list.Items.First(i => i.Label == "string_agg"));
        Assert.That(function!.Documentation!.Value, Does.Contain("string_agg(value text, delimiter text) → text"));

        await client.OpenAsync(QueryUri + "2", "SELECT * FROM ord");
        var tables = await CompleteAsync(client, QueryUri + "2", 0, 17);
        var table = await client.RequestAsync<CompletionItem>(Methods.CompletionResolve, tables!.Items.First(i => i.Label == "orders"));
        Assert.That(table!.Documentation!.Value, Does.Contain("**table** `orders`").And.Contain("- `total` numeric(10,2)").And.Contain("needs a connection"));
    }

    [Test]
    public async Task Postgres_live_catalog_completes_schemas_tables_columns_and_row_estimates()
    {
        var connectionString = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES") is { Length: > 0 } value
            ? value : throw new IgnoreException("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it) to test against PostgreSQL.");
        const string database = "dbagent_test_complete13_lsp";
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", admin);
            await create.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false };
        try
        {
            await using (var setup = new NpgsqlConnection(builder.ConnectionString))
            {
                await setup.OpenAsync();
                await using var command = new NpgsqlCommand("""
                    CREATE SCHEMA sales;
                    CREATE TABLE sales."Customer" (id bigint PRIMARY KEY, name text NOT NULL);
                    CREATE TABLE sales.invoice (id bigint PRIMARY KEY, customer_id bigint REFERENCES sales."Customer" (id), amount numeric(12,2));
                    INSERT INTO sales."Customer" SELECT g, 'c' || g FROM generate_series(1, 3000) g;
                    ANALYZE sales."Customer";
                    """, setup);
                await command.ExecuteNonQueryAsync();
            }
            await using var client = LspTestClient.InProcess();
            client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new { connections = new[] { new { name = "live", engine = "postgres", connectionString = builder.ConnectionString } } })).RootElement;
            await client.InitializeAsync();
            const string uri = "file:///work/live/complete.sql";
            await client.OpenAsync(uri, "SELECT * FROM \nSELECT * FROM sales.invoice i JOIN sales.\"Customer\" c ON \nSELECT c. FROM sales.\"Customer\" c\n");

            // The catalog loads in the background; the list says it is incomplete until it is there.
            CompletionList? tables = null;
            for (var attempt = 0; attempt < 50; attempt++)
            {
                tables = await CompleteAsync(client, uri, 0, 14);
                if (!tables!.IsIncomplete && tables.Items.Any(i => i.Kind == CompletionItemKind.Struct)) break;
                await Task.Delay(200);
            }
            var labels = tables!.Items.Where(i => i.Kind == CompletionItemKind.Struct).ToList();
            Assert.That(labels.Select(i => i.Label), Is.EquivalentTo(new[] { "sales.Customer", "sales.invoice" }));
            Assert.That(labels.First(i => i.Label == "sales.Customer").TextEdit!.NewText, Is.EqualTo("sales.\"Customer\""), "quoted where PostgreSQL needs it, qualified outside the search path");
            Assert.That(tables.Items.Where(i => i.Kind == CompletionItemKind.Module).Select(i => i.Label), Does.Contain("sales"));

            var refreshed = await client.RequestAsync<DbAgent.Server.Features.Connections.RefreshSchemaResult>(DbAgent.Server.Features.Custom.CustomMethods.RefreshSchema, new DbAgent.Server.Features.Connections.RefreshSchemaParams("live"));
            Assert.That(refreshed!.Tables, Is.EqualTo(2), "refreshSchema: " + string.Join(" | ", client.Logs.Snapshot().Select(l => l.Message)));
            var join = await CompleteAsync(client, uri, 1, 57);
            Assert.That(join!.Items[0].Label, Is.EqualTo("i.customer_id = c.id"));

            var columns = await CompleteAsync(client, uri, 2, 9, ".");
            Assert.That(columns!.Items.Select(i => i.Label), Is.EqualTo(new[] { "id", "name", "*" }));
            Assert.That(columns.Items[1].Detail, Does.StartWith("text, not null"));

            var resolved = await client.RequestAsync<CompletionItem>(Methods.CompletionResolve, labels.First(i => i.Label == "sales.Customer"));
            for (var attempt = 0; attempt < 20 && !resolved!.Documentation!.Value.Contains("rows (estimate"); attempt++)
            {
                await Task.Delay(200);
                resolved = await client.RequestAsync<CompletionItem>(Methods.CompletionResolve, labels.First(i => i.Label == "sales.Customer"));
            }
            Assert.That(resolved!.Documentation!.Value, Does.Contain("~3000 rows (estimate from `live`)"));
            Assert.That(resolved.Documentation.Value, Does.Contain("the live catalog of `live`"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var admin = new NpgsqlConnection(connectionString);
            await admin.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", admin);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

/// <summary>The sample workspace, as the end-to-end suite opens it: its migrations and a SQLite database built from them.</summary>
[TestFixture]
public sealed class SampleWorkspaceCompletionTests
{
    private static string? SampleFolder()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            if (Directory.Exists(Path.Combine(dir.FullName, "samples", "workspace", "migrations"))) return Path.Combine(dir.FullName, "samples", "workspace");
        return null;
    }

    [Test]
    public async Task From_and_alias_dot_show_the_sample_schema_replayed_and_live_on_sqlite()
    {
        var sample = SampleFolder() ?? throw new IgnoreException("samples/workspace not found above the test directory.");
        var database = Path.Combine(Path.GetTempPath(), $"dbagent-sample-{Guid.NewGuid():N}.db");
        try
        {
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                foreach (var file in Directory.GetFiles(Path.Combine(sample, "migrations"), "*.sql").Order(StringComparer.Ordinal))
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = File.ReadAllText(file);
                    command.ExecuteNonQuery();
                }
            }
            string[] tables = ["customers", "events", "order_items", "orders", "products"];
            string[] orderColumns = ["id", "customer_id", "status", "ordered_at", "shipped_at", "total_cents", "shipping_country", "coupon_code"];
            foreach (var live in new[] { false, true })
            {
                await using var client = LspTestClient.InProcess();
                client.Settings = JsonDocument.Parse(live
                    ? JsonSerializer.Serialize(new { dialect = "sqlite", connections = new[] { new { name = "shop", engine = "sqlite", database } } })
                    : """{ "dialect": "sqlite" }""").RootElement;
                await client.InitializeAsync(workspaceFolder: sample);
                var uri = new Uri(Path.Combine(sample, "queries", "completion-check.sql")).AbsoluteUri;
                await client.OpenAsync(uri, "SELECT * FROM \nSELECT o. FROM orders o\n");
                CompletionList? from = null;
                for (var attempt = 0; attempt < 50; attempt++)
                {
                    from = await client.RequestAsync<CompletionList>(Methods.Completion, new CompletionParams(new TextDocumentIdentifier(uri), new Position(0, 14)));
                    if (!from!.IsIncomplete) break;
                    await Task.Delay(100);
                }
                Assert.That(from!.Items.Where(i => i.Kind == CompletionItemKind.Struct).Select(i => i.Label).Order(), Is.EqualTo(tables), live ? "live" : "replayed");
                var dot = await client.RequestAsync<CompletionList>(Methods.Completion, new CompletionParams(new TextDocumentIdentifier(uri), new Position(1, 9)));
                Assert.That(dot!.Items.Where(i => i.Kind == CompletionItemKind.Field).Select(i => i.Label), Is.EqualTo(orderColumns), live ? "live" : "replayed");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(database);
        }
    }
}
