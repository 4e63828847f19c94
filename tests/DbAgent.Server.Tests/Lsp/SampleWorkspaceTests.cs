using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using DbAgent.SampleData;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Chat;
using Microsoft.Data.Sqlite;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// The SQLite sample workspace as a newcomer opens it after `npm run demo`: its own `.vscode/settings.json` (the
/// file the repository ships, read as VS Code reads it) is the only configuration, and the database is the one
/// the demo generates, at the demo's size, into a copy of the workspace.
/// </summary>
[TestFixture]
public sealed class SampleWorkspaceTests
{
    private static readonly string Repository = FindRepository();
    private string _workspace = null!;

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "DbAgent.sln"))) return dir.FullName;
        throw new InvalidOperationException("The repository root (DbAgent.sln) is not above the test binaries.");
    }

    [OneTimeSetUp]
    public void GenerateTheDemoDatabase()
    {
        _workspace = Path.Combine(Path.GetTempPath(), "dbagent-sample-ws-" + Guid.NewGuid().ToString("N")[..10]);
        foreach (var folder in new[] { "migrations", "queries", ".vscode" })
            CopyDirectory(Path.Combine(Repository, "samples", "workspace", folder), Path.Combine(_workspace, folder));
        var output = new StringWriter();
        var code = SampleCommand.Run(["generate", "--engine", "sqlite", "--workspace", _workspace, "--connection", Path.Combine(_workspace, "shop.db")], output, output);
        Assert.That(code, Is.EqualTo(SampleCommand.Success), output.ToString());
    }

    [OneTimeTearDown]
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_workspace, recursive: true);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    /// <summary>The `dbagent` section as VS Code's getConfiguration('dbagent') gives it, from the shipped settings.json (JSONC).</summary>
    private JsonElement ShippedSettings()
    {
        var text = File.ReadAllText(Path.Combine(_workspace, ".vscode", "settings.json"));
        var root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var section = new JsonObject();
        foreach (var (key, value) in root)
            if (key.StartsWith("dbagent.", StringComparison.Ordinal)) section[key["dbagent.".Length..]] = value?.DeepClone();
        return JsonDocument.Parse(section.ToJsonString()).RootElement;
    }

    private async Task<(LspTestClient Client, string Uri)> OpenAsync(string query)
    {
        var client = LspTestClient.InProcess();
        client.Settings = ShippedSettings();
        await client.InitializeAsync(workspaceFolder: _workspace, canCreateFiles: true);
        var path = Path.Combine(_workspace, "queries", query);
        var uri = new Uri(path).AbsoluteUri;
        await client.OpenAsync(uri, await File.ReadAllTextAsync(path));
        return (client, uri);
    }

    [Test]
    public async Task Opening_a_query_shows_plan_findings_with_no_manual_step()
    {
        var (client, uri) = await OpenAsync("orders-by-coupon.sql");
        await using var _ = client;
        var published = await client.DiagnosticsAsync(uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
        var scan = published.Diagnostics.First(d => d.Code == "plan-full-scan");
        Assert.That(scan.Message, Does.Contain("orders"));
        var status = await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop", 0, LspTestClient.Timeout);
        Assert.That(status.State, Is.EqualTo("connected"), status.Message);

        client.Server!.Context.Statistics.HoverBudget = TimeSpan.FromSeconds(3); // what the statistics say, not how soon: wait for a read
        // The table's hover: statistics from the file, and no empty index columns (SQLite counts no index use).
        var hover = await client.RequestAsync<Hover>(Host.Methods.Hover,
            new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(4, "FROM ".Length + 2)));
        Assert.That(hover!.Contents.Value, Does.Contain("**Statistics** from `shop`").And.Contain("idx_orders_customer_ordered_at"));
        Assert.That(hover.Contents.Value, Does.Contain("- indexes: `idx_orders_ordered_at`").And.Not.Contain("| index |"));

        // The create-index quick fix, as a new migration after V006.
        var actions = await client.RequestAsync<CodeAction[]>(Host.Methods.CodeAction,
            new CodeActionParams(new TextDocumentIdentifier(uri), scan.Range, new CodeActionContext { Diagnostics = [scan] }));
        Assert.That(actions!.Select(a => a.Title), Has.Some.Match(@"^Create index ix_orders_coupon_code in a new migration \(V007__add_ix_orders_coupon_code\.sql\)$"));
    }

    [TestCase("orders-by-coupon.sql", "CREATE INDEX IF NOT EXISTS ix_orders_coupon_code ON orders (coupon_code);")]
    [TestCase("biggest-orders.sql", "ON orders (status, total_cents)")]
    [TestCase("product-sales.sql", "ON order_items (product_id")]
    public async Task Indexes_recommends_an_index_and_tries_it_without_waiting_on_a_lock(string query, string index)
    {
        var (client, uri) = await OpenAsync(query);
        await using var _ = client;
        // Plans were asked for on open: DbAgent's own reads are under way while the chat tries the index.
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop", 0, LspTestClient.Timeout);
        var watch = Stopwatch.StartNew();
        await client.RequestAsync<JsonElement>(CustomMethods.Chat, new
        {
            prompt = "",
            command = "indexes",
            history = Array.Empty<object>(),
            document = new { uri, languageId = "sql" },
            selection = (object?)null,
            partialResultToken = "sample-indexes",
        });
        watch.Stop();
        var markdown = ChatParts.Markdown(await ChatParts.SettledAsync(client, "sample-indexes"));
        TestContext.Out.WriteLine($"/indexes on {query} in the sample workspace answered in {watch.Elapsed.TotalSeconds:0.00} s");
        Assert.That(markdown, Does.Contain(index));
        Assert.That(markdown, Does.Contain("*What-if on SQLite").And.Contain("the plan **uses the index**"), markdown);
        Assert.That(markdown, Does.Not.Contain("database is locked"));
    }
}
