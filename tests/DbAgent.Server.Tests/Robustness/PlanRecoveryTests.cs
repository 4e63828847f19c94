using System.Text.Json;
using DbAgent.Databases.Tests.Support;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Lsp;
using Npgsql;

namespace DbAgent.Server.Tests.Robustness;

/// <summary>
/// Recovery does not wait on the user (issue 12): with a TCP proxy in front of the real PostgreSQL, the database goes
/// away while the file is edited and saved, comes back, and the plan findings return without another save.
/// </summary>
[TestFixture]
public sealed class PlanRecoveryTests
{
    private const string Table = "dbagent_robust12_recover";
    private const string Uri = "file:///work/queries/recover.sql";

    [Test]
    public async Task Plan_findings_come_back_when_the_database_does_without_another_save()
    {
        var connectionString = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrEmpty(connectionString)) Assert.Ignore("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it).");
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
        var upstream = new NpgsqlConnectionStringBuilder(connectionString);
        await using var proxy = new TcpProxy(upstream.Host!, upstream.Port);
        proxy.Start();
        var proxied = new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = proxy.Port, Password = null };

        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse(JsonSerializer.Serialize(new
        {
            connections = new[] { new { name = "db", engine = "postgres", connectionString = proxied.ConnectionString } },
        })).RootElement;
        client.Passwords["db"] = upstream.Password!;
        await client.InitializeAsync();

        var first = $"SELECT * FROM {Table} WHERE customer_id = 42;\n";
        await client.OpenAsync(Uri, first);
        await client.DiagnosticsAsync(Uri, p => p.Diagnostics.Any(d => d.Code == "plan-full-scan" && d.Range.Start.Line == 0));

        // The database goes away; the user edits and saves: the new statement cannot be explained now.
        proxy.Stop();
        var second = $"SELECT * FROM {Table} WHERE total > 1400;\n";
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = new Protocol.Range(new Position(1, 0), new Position(1, 0)), Text = second });
        await client.NotifyAsync(Methods.DidSave, new DidSaveTextDocumentParams { TextDocument = new TextDocumentIdentifier(Uri) });
        await client.ConnectionStatus.WaitAsync(s => s.Connection == "db" && s.State == ConnectionStates.Unreachable, 0, LspTestClient.Timeout);
        var seen = client.Diagnostics.Snapshot().Count;

        // It comes back. No save, no edit: the reconnect loop finds it, and the plans of the open file run again.
        proxy.Start();
        PublishDiagnosticsParams recovered;
        try
        {
            recovered = await client.Diagnostics.WaitAsync(
                p => p.Uri == Uri && p.Diagnostics.Any(d => d.Code == "plan-full-scan" && d.Range.Start.Line == 1), seen, TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail("No plan finding after the database came back. Status: "
                + string.Join(" | ", client.ConnectionStatus.Snapshot().Select(s => $"{s.State} {s.Message}"))
                + " Log: " + string.Join(" | ", client.Logs.Snapshot().Select(l => l.Message)));
            throw;
        }
        Assert.That(recovered.Diagnostics.Count(d => d.Code == "plan-full-scan"), Is.EqualTo(2), "both statements explained again");
        Assert.That(client.ConnectionStatus.Snapshot().Last(s => s.Connection == "db").State, Is.EqualTo(ConnectionStates.Connected));
    }
}
