using System.Text;
using System.Text.Json;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Lsp;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Diagnostics;

/// <summary>
/// A client that declares `experimental.dbagentDiagnosticsSplice` (DbAgent's extension) gets each document's
/// diagnostics as splices of the last ones it got: applied in order, they must be exactly what a client of whole
/// publishes gets for the same edits; a keystroke must send only the diagnostics around it; and a client that lost step
/// gets them whole again after it asks.
/// </summary>
[TestFixture]
public sealed class DiagnosticsSpliceTests
{
    private const string Uri = "file:///splice/V001__migration.sql";

    /// <summary>Every rule on, as the benchmark runs them: several findings per statement, on most lines.</summary>
    private static JsonElement AllRules() => JsonDocument.Parse(JsonSerializer.Serialize(new
    {
        dialect = "postgres",
        rules = RuleCatalog.LintRules.Select(r => r.Descriptor).Concat(RuleCatalog.ScriptRules.Select(r => r.Descriptor))
            .ToDictionary(d => d.Id, _ => "default"),
    })).RootElement;

    private static string Migration(int tables)
    {
        var text = new StringBuilder();
        for (var i = 0; i < tables; i++)
        {
            text.Append($"CREATE TABLE t{i} (id bigserial PRIMARY KEY, email varchar(255), born timestamp);\n");
            text.Append($"ALTER TABLE t{i} ADD COLUMN c{i} int NOT NULL;\n");
            text.Append($"CREATE INDEX t{i}_email ON t{i} (email);\n");
            text.Append($"DELETE FROM t{i} WHERE email = NULL;\n");
        }
        return text.ToString();
    }

    private static async Task<LspTestClient> Start(bool splices)
    {
        var client = LspTestClient.InProcess();
        client.Settings = AllRules();
        await client.InitializeAsync(diagnosticsSplice: splices);
        return client;
    }

    [Test]
    public async Task Over_random_edits_the_splices_applied_in_order_are_the_whole_publishes_of_each_version()
    {
        var text = Migration(40);
        await using var whole = await Start(splices: false);
        await using var spliced = await Start(splices: true);
        await OpenSettled(text, whole, spliced);
        Assert.That(spliced.Diagnostics.Snapshot()[^1].Diagnostics, Is.EqualTo(whole.Diagnostics.Snapshot()[^1].Diagnostics));
        // The server says in its ready line which way the client gets them (the real-VS-Code suite reads it there).
        Assert.That(spliced.Logs.Snapshot().Count(l => l.Message.Contains("ready") && l.Message.Contains("(diagnostics as splices)")), Is.EqualTo(1));
        Assert.That(whole.Logs.Snapshot().Any(l => l.Message.Contains("diagnostics as splices")), Is.False);

        // Characters typed, deleted and replaced, line breaks among them (every diagnostic after one moves a line).
        var random = new Random(11);
        const string alphabet = "abc_1 ,()=;'\n";
        for (var version = 2; version < 80; version++)
        {
            var lines = text.Split('\n');
            var line = random.Next(lines.Length - 1);
            var column = random.Next(lines[line].Length + 1);
            var removed = column < lines[line].Length ? random.Next(2) : 0;
            var inserted = random.Next(4) == 0 ? "" : alphabet[random.Next(alphabet.Length)].ToString();
            if (removed == 0 && inserted.Length == 0) inserted = "x";
            var offset = lines.Take(line).Sum(l => l.Length + 1) + column;
            text = text[..offset] + inserted + text[(offset + removed)..];
            var change = new TextDocumentContentChangeEvent { Range = new Range(new Position(line, column), new Position(line, column + removed)), Text = inserted };
            var v = version;
            await whole.ChangeAsync(Uri, v, change);
            await spliced.ChangeAsync(Uri, v, change);
            var expected = await whole.DiagnosticsAsync(Uri, p => p.Version == v);
            var got = await spliced.DiagnosticsAsync(Uri, p => p.Version == v);
            Assert.That(got.Diagnostics, Is.EqualTo(expected.Diagnostics), $"version {v}: {inserted} at {line}:{column}, {removed} removed");
        }
        Assert.That(spliced.SpliceMismatches, Is.Zero);
        Assert.That(spliced.Splices.Snapshot().Count(s => s.Base == 0), Is.EqualTo(1), "only the first splice goes whole");
        Assert.That(spliced.Splices.Snapshot().Where(s => s.Version > 1).Average(s => s.Diagnostics.Count), Is.LessThan(whole.Diagnostics.Snapshot()[^1].Diagnostics.Count / 4.0),
            "a keystroke sends a small part of the document's diagnostics");

        await spliced.CloseAsync(Uri);
        Assert.That((await spliced.DiagnosticsAsync(Uri, p => p.Version is null)).Diagnostics, Is.Empty, "closing clears the document's diagnostics");
    }

    [Test]
    public async Task A_letter_typed_in_a_long_migration_sends_only_the_diagnostics_of_its_statement()
    {
        var text = Migration(200);
        await using var client = await Start(splices: true);
        // The settings come after the open and set off a second analysis of version 1: wait until nothing more comes.
        await OpenSettled(text, client);
        var opened = client.Diagnostics.Snapshot()[^1];
        Assert.That(opened.Diagnostics, Has.Count.GreaterThan(500));

        // "born" -> "bornx" in the CREATE TABLE of t100 (line 400): its column's finding changes, nothing else.
        var line = 400;
        var column = text.Split('\n')[line].IndexOf("born", StringComparison.Ordinal) + 4;
        await client.ChangeAsync(Uri, 2, new TextDocumentContentChangeEvent { Range = new Range(new Position(line, column), new Position(line, column)), Text = "x" });
        var typed = await client.DiagnosticsAsync(Uri, p => p.Version == 2);
        var splice = client.Splices.Snapshot().Single(s => s.Version == 2);

        Assert.That(splice.Base, Is.Not.Zero);
        Assert.That(splice.Diagnostics, Has.Count.LessThanOrEqualTo(2));
        Assert.That(splice.DeleteCount, Is.LessThanOrEqualTo(2));
        Assert.That(splice.Diagnostics.Any(d => d.Message.Contains("t100.bornx", StringComparison.Ordinal)), Is.True);
        Assert.That(typed.Diagnostics, Has.Count.EqualTo(opened.Diagnostics.Count));
    }

    /// <summary>Opens the text in each client, and waits for its first diagnostics and then for the analysis the settings set off.</summary>
    private static async Task OpenSettled(string text, params LspTestClient[] clients)
    {
        foreach (var client in clients)
        {
            await client.OpenAsync(Uri, text);
            await client.DiagnosticsAsync(Uri, p => p.Version == 1);
        }
        await Task.WhenAll(clients.Select(Settled));
    }

    /// <summary>Waits until no diagnostics have come for a quarter of a second.</summary>
    private static async Task Settled(LspTestClient client)
    {
        for (var seen = -1; client.Diagnostics.Count != seen;)
        {
            seen = client.Diagnostics.Count;
            await Task.Delay(250);
        }
    }

    [Test]
    public async Task A_client_that_lost_a_splice_asks_again_and_gets_the_diagnostics_whole()
    {
        var text = Migration(20);
        await using var whole = await Start(splices: false);
        await using var client = await Start(splices: true);
        await OpenSettled(text, whole, client);

        var first = new TextDocumentContentChangeEvent { Range = new Range(new Position(0, 0), new Position(0, 0)), Text = "\n" };
        var second = new TextDocumentContentChangeEvent { Range = new Range(new Position(5, 0), new Position(5, 6)), Text = "" };
        client.DropNextSplice = true;
        await client.ChangeAsync(Uri, 2, first);
        await whole.ChangeAsync(Uri, 2, first);
        await client.Splices.WaitAsync(s => s.Version == 2, 0, LspTestClient.Timeout);
        await client.ChangeAsync(Uri, 3, second);
        await whole.ChangeAsync(Uri, 3, second);

        // The splice of version 3 follows the lost one: the client asks for a resync, and the server sends version 3 whole.
        var got = await client.DiagnosticsAsync(Uri, p => p.Version == 3);
        Assert.That(client.SpliceMismatches, Is.EqualTo(1));
        Assert.That(client.Splices.Snapshot()[^1].Base, Is.Zero);
        Assert.That(got.Diagnostics, Is.EqualTo((await whole.DiagnosticsAsync(Uri, p => p.Version == 3)).Diagnostics));
    }
}
