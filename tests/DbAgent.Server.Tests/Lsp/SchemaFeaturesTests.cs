using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>What the editor shows from the schema model: the outline of DDL, and hovers from the workspace's migrations.</summary>
[TestFixture]
public sealed class SchemaFeaturesTests
{
    private string _workspace = null!;

    [SetUp]
    public void SetUp()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "dbagent-ws-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(_workspace, "db", "migrations"));
        File.WriteAllText(Path.Combine(_workspace, "db", "migrations", "001_init.sql"),
            "CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL);\n" +
            "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL REFERENCES customers (id),\n  total numeric(10,2) DEFAULT 0\n);\n");
        File.WriteAllText(Path.Combine(_workspace, "db", "migrations", "002_index.sql"),
            "CREATE INDEX ix_orders_customer_id ON orders (customer_id);\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_workspace, recursive: true);

    private static Range R(int l1, int c1, int l2, int c2) => new(new Position(l1, c1), new Position(l2, c2));

    [Test]
    public async Task The_outline_names_statements_by_kind_and_object_with_created_columns_and_constraints_as_children()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        const string uri = "file:///work/schema.sql";
        await client.OpenAsync(uri, "CREATE TABLE orders (\n  id bigint PRIMARY KEY,\n  customer_id bigint NOT NULL,\n  CONSTRAINT uq_orders UNIQUE (customer_id)\n);\nSELECT * FROM customers;\nALTER TABLE orders ADD COLUMN note text;\n");
        var symbols = await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(uri)));
        Assert.That(symbols, Is.Not.Null);
        Assert.That(symbols!.Select(s => s.Name), Is.EqualTo(new[] { "CREATE TABLE orders", "SELECT customers", "ALTER TABLE orders" }));
        var table = symbols![0];
        Assert.That(table.Range, Is.EqualTo(R(0, 0, 4, 1)));
        Assert.That(table.SelectionRange, Is.EqualTo(R(0, 13, 0, 19)));
        Assert.That(table.Children!.Where(c => c.Kind == SymbolKind.Field).Select(c => c.Name), Is.EqualTo(new[] { "id", "customer_id" }));
        Assert.That(table.Children!.Single(c => c.Kind == SymbolKind.Key).Name, Is.EqualTo("uq_orders"));
        Assert.That(table.Children!.Single(c => c.Name == "id").Detail, Does.Contain("bigint"));
        Assert.That(symbols[2].Children!.Select(c => c.Name), Is.EqualTo(new[] { "note" }));
    }

    [Test]
    public async Task The_outline_names_indexes_types_and_views_by_what_they_create()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        const string uri = "file:///work/more.sql";
        await client.OpenAsync(uri, "CREATE UNIQUE INDEX ix_orders_customer ON orders (customer_id);\nCREATE TYPE mood AS ENUM ('happy', 'sad');\nCREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;\nDROP TABLE old_orders;\n");
        var symbols = await client.RequestAsync<DocumentSymbol[]>(Methods.DocumentSymbol, new DocumentSymbolParams(new TextDocumentIdentifier(uri)));
        Assert.That(symbols, Is.Not.Null);
        Assert.That(symbols!.Select(s => s.Name), Is.EqualTo(new[] { "CREATE INDEX ix_orders_customer", "CREATE TYPE mood", "CREATE VIEW big_orders", "DROP TABLE old_orders" }));
        Assert.That(symbols![0].Detail, Is.EqualTo("unique on orders (customer_id)"));
        Assert.That(symbols[1].Children!.Select(c => c.Name), Is.EqualTo(new[] { "happy", "sad" }));
        Assert.That(symbols.Select(s => s.Kind), Is.EqualTo(new[] { SymbolKind.Key, SymbolKind.Enum, SymbolKind.Interface, SymbolKind.Struct }));
    }

    [Test]
    public async Task Hovers_read_the_schema_the_workspace_migrations_build()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync(workspaceFolder: _workspace);
        var uri = new Uri(Path.Combine(_workspace, "queries", "report.sql")).AbsoluteUri;
        await client.OpenAsync(uri, "SELECT o.total FROM orders o WHERE o.customer_id = 1;\n");
        await client.DiagnosticsAsync(uri);

        var table = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(0, 22)));
        var text = table!.Contents.Value;
        Assert.That(text, Does.Contain("**table** `"));
        Assert.That(text, Does.Contain("orders"));
        Assert.That(text, Does.Contain("| customer_id | bigint | not null |"));
        Assert.That(text, Does.Contain("numeric(10,2)"));
        Assert.That(text, Does.Contain("ix_orders_customer_id"));
        Assert.That(text, Does.Contain("→ `").And.Contain("customers"));
        Assert.That(text, Does.Contain("2 migration files in db/migrations").Or.Contain("2 migration files in db" + Path.DirectorySeparatorChar + "migrations"));
        Assert.That(text, Does.Contain("need a connection"));

        var column = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(0, 10)));
        Assert.That(column!.Contents.Value, Does.Contain("`numeric(10,2)`, nullable, default `0`"));
        Assert.That(column.Range, Is.EqualTo(R(0, 7, 0, 14)).Or.EqualTo(R(0, 9, 0, 14)));
    }

    [Test]
    public async Task A_create_index_quick_fix_writes_a_new_migration_when_the_client_can_create_files()
    {
        await using var client = LspTestClient.InProcess(new DbAgent.Server.Features.Plans.SessionPlanRunner(new RecordedScan(), "shop"));
        await client.InitializeAsync(workspaceFolder: _workspace, canCreateFiles: true);
        var uri = new Uri(Path.Combine(_workspace, "queries", "report.sql")).AbsoluteUri;
        await client.OpenAsync(uri, "SELECT * FROM orders WHERE total > 100;\n");
        var published = await client.DiagnosticsAsync(uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
        var scan = published.Diagnostics.Single(d => d.Code == "plan-full-scan");
        var actions = await client.RequestAsync<CodeAction[]>(Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(uri), scan.Range, new CodeActionContext { Diagnostics = [scan] }));
        var create = actions!.Single(a => a.Title.StartsWith("Create index", StringComparison.Ordinal));
        Assert.That(create.Title, Does.Contain("003_"));
        var changes = create.Edit!.DocumentChanges!.Select(c => (System.Text.Json.JsonElement)c).ToList();
        Assert.That(changes[0].GetProperty("kind").GetString(), Is.EqualTo("create"));
        Assert.That(changes[0].GetProperty("uri").GetString(), Does.EndWith("/db/migrations/003_add_" + create.Title.Split(' ')[2] + ".sql"));
        var newText = changes[1].GetProperty("edits")[0].GetProperty("newText").GetString();
        Assert.That(newText, Does.Contain("CREATE INDEX").And.Contain("total"));
        Assert.That(newText, Does.Contain("-- DROP INDEX"));
    }

    private sealed class RecordedScan : DbAgent.Databases.IDatabaseSession
    {
        public DbAgent.Databases.ServerInfo ServerInfo { get; } = new(DbAgent.Databases.DatabaseEngine.Postgres, "15.8", "shop");
        public Task<DbAgent.Analysis.Plans.QueryPlan> ExplainAsync(string sql, DbAgent.Databases.ReadOnlyQueryOptions options, CancellationToken cancellationToken) =>
            Task.FromResult(new DbAgent.Analysis.Plans.QueryPlan
            {
                Engine = "postgres",
                Root = new DbAgent.Analysis.Plans.PlanNode
                {
                    NodeType = "Seq Scan", Operation = DbAgent.Analysis.Plans.PlanOperation.FullScan, Relation = "orders",
                    EstimatedRows = 40, EstimatedRowsRead = 2_000_000, Filter = "(total > 100)", FilterColumns = ["total"],
                },
            });
        public Task<DbAgent.Sql.Schema.SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken) => Task.FromResult(new DbAgent.Sql.Schema.SchemaModel(DbAgent.Sql.SqlDialect.Postgres));
        public Task<DbAgent.Databases.TableStats?> GetTableStatsAsync(DbAgent.Sql.Semantics.QualifiedName table, CancellationToken cancellationToken) => Task.FromResult<DbAgent.Databases.TableStats?>(null);
        public Task<DbAgent.Databases.ColumnStats?> GetColumnStatsAsync(DbAgent.Sql.Semantics.QualifiedName table, string column, CancellationToken cancellationToken) => Task.FromResult<DbAgent.Databases.ColumnStats?>(null);
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
