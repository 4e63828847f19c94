using System.Text.Json;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// Through the LSP against PostgreSQL and MariaDB (DBAGENT_TEST_POSTGRES / DBAGENT_TEST_MYSQL, set by `.ci/run`):
/// the password travels only through `dbagent/connectionPassword` (the settings carry none), a slow query gets a
/// plan diagnostic on its table, an indexed one does not, and a hover shows the table's statistics.
/// </summary>
[TestFixture]
public sealed class ServerEngineTests
{
    private const string Table = "dbagent_lsp_orders";
    private const string Uri = "file:///work/queries/engine.sql";

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new IgnoreException($"{variable} is not set: run through .ci/run (or export it) to test against this engine.");

    [Test]
    public async Task Postgres_plans_and_statistics_through_the_lsp_with_the_password_from_the_client()
    {
        var connectionString = Require("DBAGENT_TEST_POSTGRES");
        await using (var setup = new NpgsqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = $"""
                DROP TABLE IF EXISTS {Table};
                CREATE TABLE {Table} (id bigint PRIMARY KEY, customer_id int NOT NULL, total numeric(10,2));
                INSERT INTO {Table} SELECT g, g % 5000, (g % 997) * 1.5 FROM generate_series(1, 50000) g;
                ANALYZE {Table};
                """;
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var password = builder.Password;
        builder.Password = null;
        await RunAsync("postgres", builder.ConnectionString, password);
    }

    [Test]
    public async Task MariaDb_plans_and_statistics_through_the_lsp_with_the_password_from_the_client()
    {
        var connectionString = Require("DBAGENT_TEST_MYSQL");
        // With histograms (PERSISTENT FOR ALL) MariaDB's plan says how selective the filter is; without them it
        // reports "filtered": 100 and the analyzer rightly stays quiet about a scan it cannot call wasteful.
        await using (var setup = new MySqlConnection(connectionString))
        {
            await setup.OpenAsync();
            await using var command = setup.CreateCommand();
            command.CommandText = $"""
                DROP TABLE IF EXISTS {Table};
                CREATE TABLE {Table} (id bigint PRIMARY KEY, customer_id int NOT NULL, total decimal(10,2));
                INSERT INTO {Table} WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < 9)
                    SELECT a.n + 10 * b.n + 100 * c.n + 1000 * e.n + 10000 * f.n + 1, (a.n + 10 * b.n + 100 * c.n + 1000 * e.n) % 5000, a.n * 1.5
                    FROM d a, d b, d c, d e, (SELECT n FROM d WHERE n < 5) f;
                ANALYZE TABLE {Table} PERSISTENT FOR ALL;
                """;
            await command.ExecuteNonQueryAsync();
        }
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var password = builder.Password;
        builder.Password = "";
        await RunAsync("mysql", builder.ConnectionString, password);
    }

    [Test]
    public async Task A_wrong_password_gives_one_clear_status_and_the_static_checks_go_on()
    {
        var builder = new NpgsqlConnectionStringBuilder(Require("DBAGENT_TEST_POSTGRES"));
        var password = builder.Password;
        builder.Password = null;
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            connections = new[] { new { name = "db", engine = "postgres", connectionString = builder.ConnectionString } },
        })).RootElement;
        client.Passwords["db"] = "not-" + password + "-at-all";
        await client.InitializeAsync();
        await client.OpenAsync(Uri, $"DELETE FROM {Table};\n");

        var status = await client.ConnectionStatus.WaitAsync(s => s.Connection == "db" && s.State == ConnectionStates.Unreachable, 0, LspTestClient.Timeout);
        Assert.That(status.Message, Does.Contain("password").IgnoreCase);
        Assert.That(status.Message, Does.Not.Contain(client.Passwords["db"]));
        var published = await client.DiagnosticsAsync(Uri);
        Assert.That(published.Diagnostics.Single().Code, Is.EqualTo("delete-without-where"));
        Assert.That(client.Logs.Snapshot().Select(l => l.Message), Has.None.Contains(client.Passwords["db"]));
    }

    private static async Task RunAsync(string engine, string connectionStringWithoutPassword, string? password)
    {
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            connections = new[] { new { name = "db", engine, connectionString = connectionStringWithoutPassword } },
        })).RootElement;
        if (password is not null) client.Passwords["db"] = password;
        await client.InitializeAsync();

        await client.OpenAsync(Uri, $"SELECT * FROM {Table} WHERE customer_id = 42;\nSELECT * FROM {Table} WHERE id = 42;\n");
        PublishDiagnosticsParams published;
        try
        {
            published = await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan"));
        }
        catch (TimeoutException)
        {
            // Say what the server said: the connection status and its log explain a missing plan.
            Assert.Fail("No plan diagnostic. Log: " + string.Join(" | ", client.Logs.Snapshot().Select(l => l.Message))
                + " Status: " + string.Join(" | ", client.ConnectionStatus.Snapshot().Select(s => $"{s.State} {s.Message}"))
                + " Diagnostics: " + string.Join(" | ", client.Diagnostics.Snapshot().SelectMany(p => p.Diagnostics).Select(d => $"{d.Code} {d.Message}")));
            throw;
        }
        var scan = published.Diagnostics.Single(d => d.Code == "plan-full-scan");
        Assert.That(scan.Range, Is.EqualTo(new DbAgent.Server.Protocol.Range(new Position(0, 14), new Position(0, 14 + Table.Length))));
        Assert.That(published.Diagnostics.Where(d => d.Range.Start.Line == 1 && d.Code?.StartsWith("plan-") == true), Is.Empty);

        client.Server!.Context.Statistics.HoverBudget = TimeSpan.FromSeconds(3); // what the statistics say, not how soon: wait for a read
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(0, 20)));
        Assert.That(hover!.Contents.Value, Does.Contain("**Statistics** from `db`"));
        Assert.That(hover.Contents.Value, Does.Contain("rows"));

        if (password is { Length: > 0 })
        {
            Assert.That(client.PasswordRequests.Snapshot(), Does.Contain("db"));
            Assert.That(client.Logs.Snapshot().Select(l => l.Message), Has.None.Contains(password), "no password in the log");
        }
        var status = client.ConnectionStatus.Snapshot().Last(s => s.Connection == "db");
        Assert.That(status.State, Is.EqualTo(ConnectionStates.Connected));
    }
}
