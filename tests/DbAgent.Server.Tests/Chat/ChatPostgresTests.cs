using System.Text.Json;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Tests.Lsp;
using Npgsql;

namespace DbAgent.Server.Tests.Chat;

/// <summary>
/// The chat against PostgreSQL (DBAGENT_TEST_POSTGRES, set by `.ci/run`): the plan in /explain, the statistics in
/// /stats, and /indexes trying its proposal through HypoPG; the password travels only through the client.
/// </summary>
[TestFixture]
public sealed class ChatPostgresTests
{
    private const string Table = "dbagent_chat_orders";
    private const string Uri = "file:///work/queries/chat.sql";
    private static string _connectionString = null!;
    private static string? _password;
    private static bool _hypopg;

    [OneTimeSetUp]
    public static async Task CreateTable()
    {
        var connectionString = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString))
            Assert.Ignore("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it) to test the chat against PostgreSQL.");
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = $"""
                DROP TABLE IF EXISTS {Table};
                CREATE TABLE {Table} (id bigint PRIMARY KEY, customer_id int NOT NULL, created_at timestamptz NOT NULL, total numeric(10,2));
                INSERT INTO {Table} SELECT g, g % 5000, now() - g * interval '1 minute', (g % 997) * 1.5 FROM generate_series(1, 50000) g;
                ANALYZE {Table};
                """;
            await command.ExecuteNonQueryAsync();
            command.CommandText = "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'hypopg')";
            _hypopg = (bool)(await command.ExecuteScalarAsync())!;
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _password = builder.Password;
        builder.Password = null;
        _connectionString = builder.ConnectionString;
    }

    private static async Task<string> AskAsync(string command, string sql)
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            connections = new[] { new { name = "pg", engine = "postgres", connectionString = _connectionString } },
        })).RootElement;
        if (_password is not null) client.Passwords["pg"] = _password;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, sql);
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "pg", 0, LspTestClient.Timeout);
        var token = "pg-" + command;
        await client.RequestAsync<JsonElement>(CustomMethods.Chat, new
        {
            prompt = "", command, history = Array.Empty<object>(),
            document = new { uri = Uri, languageId = "sql" }, selection = (object?)null, partialResultToken = token,
        });
        var markdown = ChatParts.Markdown(await ChatParts.SettledAsync(client, token));
        TestContext.Out.WriteLine(markdown);
        if (_password is { Length: > 0 }) Assert.That(markdown, Does.Not.Contain(_password), "no password in the chat");
        return markdown;
    }

    [Test]
    public async Task Explain_shows_the_generic_plan_of_a_parameterised_query()
    {
        var markdown = await AskAsync("explain", $"SELECT * FROM {Table} WHERE customer_id = $1 ORDER BY created_at DESC;");
        Assert.That(markdown, Does.Contain("**Plan** (PostgreSQL"));
        Assert.That(markdown, Does.Contain($"Seq Scan on {Table}").Or.Contain($"Seq Scan on public.{Table}"));
    }

    [Test]
    public async Task Stats_reads_the_table_statistics()
    {
        var markdown = await AskAsync("stats", $"SELECT * FROM {Table} WHERE id = 1;");
        Assert.That(markdown, Does.Contain($"{Table}`"));
        Assert.That(markdown, Does.Contain("Estimated rows: 50,000"));
    }

    [Test]
    public async Task Indexes_tries_the_proposal_with_hypopg()
    {
        var markdown = await AskAsync("indexes", $"SELECT id FROM {Table} WHERE customer_id = 42 AND created_at > now() - interval '1 day' ORDER BY created_at DESC;");
        Assert.That(markdown, Does.Contain($"CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_{Table}_customer_id_created_at ON {Table} (customer_id, created_at);"));
        // With HypoPG in the database (.ci/run installs it) the plan is tried; without it, the answer says how to get it.
        if (_hypopg)
            Assert.That(markdown, Does.Contain("*What-if on PostgreSQL").And.Contain("the plan **uses the index**").And.Contain("Before: `Seq Scan"));
        else
            Assert.That(markdown, Does.Contain("*What-if:*").And.Contain("HypoPG"));
    }
}
