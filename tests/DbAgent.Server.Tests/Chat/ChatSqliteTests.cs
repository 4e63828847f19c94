using System.Text.Json;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Tests.Lsp;
using DbAgent.Server.Tests.Support;

namespace DbAgent.Server.Tests.Chat;

/// <summary>The chat on a real database: a SQLite file, so it runs everywhere without a server.</summary>
[TestFixture]
public sealed class ChatSqliteTests
{
    private const string Uri = "file:///work/queries/report.sql";
    private static string _database = null!;

    [OneTimeSetUp]
    public static void CreateDatabase() => _database = SqliteShop.Create();

    [OneTimeTearDown]
    public static void DeleteDatabase() => SqliteShop.Delete(_database);

    private static async Task<(string Markdown, JsonElement Result)> AskAsync(string command, string sql, string? database = null)
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            connections = new[] { new { name = "shop", engine = "sqlite", database = database ?? _database } },
        })).RootElement;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, sql);
        // The server reads the settings and tries the connection once the document is open; ask after that.
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "shop", 0, LspTestClient.Timeout);
        var token = "sqlite-" + command;
        var result = await client.RequestAsync<JsonElement>(CustomMethods.Chat, new
        {
            prompt = "",
            command,
            history = Array.Empty<object>(),
            document = new { uri = Uri, languageId = "sql" },
            selection = (object?)null,
            partialResultToken = token,
        });
        var markdown = ChatParts.Markdown(await ChatParts.SettledAsync(client, token));
        return (markdown, result);
    }

    [Test]
    public async Task Explain_shows_the_plan_from_the_database()
    {
        var (markdown, result) = await AskAsync("explain", "SELECT * FROM orders WHERE customer_id = 42;");
        Assert.That(markdown, Does.Contain("**Plan** (SQLite"));
        Assert.That(markdown, Does.Contain("Full scan of `orders`"));
        Assert.That(markdown, Does.Not.Contain("needs a connection"));
        Assert.That(result.GetProperty("followups").EnumerateArray().Select(f => f.GetProperty("command").GetString()), Does.Contain("stats"));
    }

    [Test]
    public async Task Stats_shows_the_rows_of_the_table_the_statement_reads()
    {
        var (markdown, _) = await AskAsync("stats", "SELECT * FROM orders WHERE customer_id = 42;");
        Assert.That(markdown, Does.Contain("orders`"));
        Assert.That(markdown, Does.Contain("60,000"));
    }

    [Test]
    public async Task Indexes_tries_the_proposed_index_on_the_database_without_keeping_it()
    {
        var (markdown, _) = await AskAsync("indexes", "SELECT id FROM orders WHERE customer_id = 42;");
        Assert.That(markdown, Does.Contain("CREATE INDEX IF NOT EXISTS ix_orders_customer_id ON orders (customer_id);"));
        Assert.That(markdown, Does.Contain("*What-if on SQLite").And.Contain("the plan **uses the index**"));
        Assert.That(markdown, Does.Contain("using ix_orders_customer_id"));
        // The try was rolled back: the database still has no such index.
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var command = check.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_orders_customer_id'";
        Assert.That(Convert.ToInt32(command.ExecuteScalar()), Is.Zero);
    }

    [Test]
    public async Task Schema_comes_from_the_live_catalog_without_migrations()
    {
        var (markdown, _) = await AskAsync("schema", "SELECT 1;");
        Assert.That(markdown, Does.Contain("from the live catalog of shop"));
        Assert.That(markdown, Does.Contain("orders`").And.Contain("`customer_id`"));
    }

    [Test]
    public async Task A_database_that_is_not_there_is_named_with_the_reason()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "shop.db");
        var (markdown, result) = await AskAsync("stats", "SELECT * FROM orders;", missing);
        Assert.That(markdown, Does.Contain("connection **shop** is not usable right now"));
        Assert.That(result.GetProperty("followups").GetArrayLength(), Is.GreaterThan(0));
    }
}
