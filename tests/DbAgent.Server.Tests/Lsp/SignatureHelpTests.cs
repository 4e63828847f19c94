using DbAgent.Server.Host;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>textDocument/signatureHelp over the duplex stream, per dialect, in calls that are still being typed.</summary>
[TestFixture]
public sealed class SignatureHelpTests
{
    private static async Task<SignatureHelp?> HelpAsync(LspTestClient client, string uri, int line, int character) =>
        await client.RequestAsync<SignatureHelp>(Methods.SignatureHelp, new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(line, character)));

    [Test]
    public async Task A_postgres_call_shows_its_parameters_return_type_and_the_argument_being_typed()
    {
        await using var client = LspTestClient.InProcess();
        var init = await client.InitializeAsync();
        Assert.That(init.Capabilities.SignatureHelpProvider!.TriggerCharacters, Is.EquivalentTo(new[] { "(", "," }));
        const string uri = "file:///work/sig.sql";
        await client.OpenAsync(uri, "SELECT string_agg(email, \nSELECT lag(total, 2, (1 + 2), \nSELECT coalesce(lower(name), \nSELECT nothing_known(a, ");

        var help = await HelpAsync(client, uri, 0, 25);
        var signature = help!.Signatures.Single();
        Assert.That(signature.Label, Is.EqualTo("string_agg(value text, delimiter text) → text"));
        Assert.That(help.ActiveParameter, Is.EqualTo(1));
        var p = signature.Parameters[1].Label;
        Assert.That(signature.Label[p[0]..p[1]], Is.EqualTo("delimiter text"));
        Assert.That(signature.Documentation!.Value, Does.StartWith("Aggregate."));

        var lag = await HelpAsync(client, uri, 1, 30);
        Assert.That(lag!.ActiveParameter, Is.EqualTo(3), "nested parens do not count their commas");
        Assert.That(lag.Signatures[0].Label, Does.Contain("[default anyelement]"));

        var outer = await HelpAsync(client, uri, 2, 29);
        Assert.That(outer!.Signatures[0].Label, Does.StartWith("coalesce("), "after the inner call closed, the outer one");
        Assert.That(outer.ActiveParameter, Is.EqualTo(1));
        var inner = await HelpAsync(client, uri, 2, 22);
        Assert.That(inner!.Signatures[0].Label, Does.StartWith("lower("));

        Assert.That(await HelpAsync(client, uri, 3, 24), Is.Null, "an unknown function gets no help rather than a guess");
    }

    [Test]
    public async Task Each_dialect_reads_its_own_table()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        await client.OpenAsync("file:///work/t.sql", "-- dbagent: dialect=tsql\nSELECT datediff(day, ");
        var tsql = await HelpAsync(client, "file:///work/t.sql", 1, 21);
        Assert.That(tsql!.Signatures[0].Label, Is.EqualTo("datediff(datepart keyword, startdate datetime2, enddate datetime2) → int"));
        await client.OpenAsync("file:///work/m.sql", "-- dbagent: dialect=mysql\nSELECT group_concat(");
        Assert.That((await HelpAsync(client, "file:///work/m.sql", 1, 20))!.Signatures[0].Label, Does.StartWith("group_concat(expr any)"));
        await client.OpenAsync("file:///work/s.sql", "-- dbagent: dialect=sqlite\nSELECT strftime('%Y', ");
        var sqlite = await HelpAsync(client, "file:///work/s.sql", 1, 22);
        Assert.That(sqlite!.Signatures[0].Label, Does.StartWith("strftime(format text"));
        Assert.That(sqlite.ActiveParameter, Is.EqualTo(1));
        await client.OpenAsync("file:///work/p.sql", "SELECT datediff(day, ");
        Assert.That(await HelpAsync(client, "file:///work/p.sql", 0, 21), Is.Null, "PostgreSQL has no datediff");
    }
}
