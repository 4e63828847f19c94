using System.Text;
using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Lsp;
using DbAgent.Sql.Text;
using Range = DbAgent.Server.Protocol.Range;

namespace DbAgent.Server.Tests.Documents;

/// <summary>
/// Typing in a long migration over LSP: each version's text is made of pieces shared with the one before (a keystroke
/// copies a few kilobytes, not the document), and what the editor asks for while the user types (diagnostics,
/// completion, hover, signature help) reads those pieces without ever making one string of the whole document.
/// </summary>
[TestFixture]
public sealed class LargeDocumentTypingTests
{
    private const string Uri = "file:///large/V001__long.sql";
    private const string FreshUri = "file:///large/V001__fresh.sql";

    [Test]
    public async Task Typing_publishes_what_a_fresh_open_of_the_same_text_does_and_never_makes_the_whole_string()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 2000; i++)
        {
            text.Append($"CREATE TABLE t{i} (id serial PRIMARY KEY, name varchar(20), total numeric);\n");
            text.Append($"UPDATE t{i} SET name = lower(name) WHERE total > {i};\n");
            text.Append($"CREATE INDEX t{i}_name ON t{i} (name);\n");
        }
        var expected = text.ToString();
        await using var client = LspTestClient.InProcess();
        client.Settings = JsonDocument.Parse("""{"dialect":"postgres"}""").RootElement;
        await client.InitializeAsync();
        await client.OpenAsync(Uri, expected);
        await client.DiagnosticsAsync(Uri, p => p.Version == 1);

        // Typing on line 3001 (UPDATE t1000 ...): a word, a line break, a deletion, a quote that opens a string to the
        // end of the file and the quote taken out again.
        var version = 1;
        PublishDiagnosticsParams last = null!;
        async Task Type(int line, int character, int removed, string inserted)
        {
            var offset = OffsetOf(expected, line, character);
            var end = OffsetOf(expected, line, character + removed);
            expected = expected[..offset] + inserted + expected[end..];
            var v = ++version;
            await client.ChangeAsync(Uri, v, new TextDocumentContentChangeEvent { Range = new Range(new Position(line, character), new Position(line, character + removed)), Text = inserted });
            last = await client.DiagnosticsAsync(Uri, p => p.Version == v);
        }
        await Type(3001, 44, 0, "x");
        await Type(3001, 45, 0, "\n   AND ");
        await Type(3001, 44, 1, "");
        await Type(3002, 7, 0, "'");
        await Type(3002, 7, 1, "");

        var completion = await client.RequestAsync<CompletionList>(Methods.Completion, new CompletionParams(new TextDocumentIdentifier(Uri), new Position(3001, 21))
        {
            Context = new CompletionContext { TriggerKind = 1 },
        });
        Assert.That(completion!.Items.Select(i => i.Label), Does.Contain("name"), "the columns of t1000, from the edited version");
        var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(3001, 9)));
        Assert.That(hover?.Contents.Value, Does.Contain("t1000"));
        var signature = await client.RequestAsync<SignatureHelp>(Methods.SignatureHelp, new TextDocumentPositionParams(new TextDocumentIdentifier(Uri), new Position(3001, 30)));
        Assert.That(signature?.Signatures, Is.Not.Empty, "inside lower(");

        var snapshot = client.Server!.Context.Documents.TryGet(Uri)!;
        Assert.That(snapshot.Version, Is.EqualTo(version));
        Assert.That(snapshot.Text.HasWholeString, Is.False, "no reader on the typing path made a string of the whole document");
        Assert.That(snapshot.Text.ToString(new TextSpan(0, snapshot.Text.Length)), Is.EqualTo(expected));

        await client.OpenAsync(FreshUri, expected);
        var fresh = await client.DiagnosticsAsync(FreshUri, p => p.Version == 1);
        Assert.That(last.Diagnostics, Is.Not.Empty);
        Assert.That(last.Diagnostics.Select(Describe), Is.EqualTo(fresh.Diagnostics.Select(Describe)), "typed or opened, the same text gets the same diagnostics");
    }

    private static string Describe(Diagnostic d) => $"{d.Range.Start.Line}:{d.Range.Start.Character}-{d.Range.End.Line}:{d.Range.End.Character} {d.Severity} {d.Code} {d.Message}";

    private static int OffsetOf(string text, int line, int character)
    {
        var at = 0;
        for (var l = 0; l < line; l++) at = text.IndexOf('\n', at) + 1;
        return at + character;
    }
}
