using System.Text;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Tests.Lsp;
using DbAgent.Sql.Validation;

namespace DbAgent.Server.Tests.Robustness;

/// <summary>Documents that once took the server down or stalled it (issue 12): each must get its diagnostics.</summary>
[TestFixture]
public sealed class DocumentSafetyTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "dbagent-robust-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static void RequireLibPgQuery()
    {
        if (!LibPgQuery.IsAvailable) Assert.Ignore("libpg_query is not installed: " + LibPgQuery.UnavailableReason);
    }

    [Test]
    public async Task Check_survives_a_left_deep_expression_of_200000_terms()
    {
        RequireLibPgQuery();
        var path = Path.Combine(_dir, "deep.sql");
        var sql = new StringBuilder("SELECT 1");
        for (var i = 0; i < 200_000; i++) sql.Append(" + 1");
        File.WriteAllText(path, sql.Append(";\n").ToString());
        var (code, output, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(60), "check", "--dialect", "postgres", path);
        Assert.That(code, Is.EqualTo(0), $"stdout: {output}\nstderr: {error[..Math.Min(error.Length, 2000)]}");
        Assert.That(error, Does.Contain("1 file(s) checked: 0 error(s)"));
    }

    [Test]
    public async Task Check_survives_a_union_chain_of_100000_selects()
    {
        RequireLibPgQuery();
        var path = Path.Combine(_dir, "union.sql");
        File.WriteAllText(path, string.Join(" UNION ", Enumerable.Repeat("SELECT 1", 100_000)) + ";\n");
        var (code, output, error) = await ServerProcess.RunAsync(TimeSpan.FromSeconds(60), "check", "--dialect", "postgres", path);
        Assert.That(code, Is.EqualTo(0), $"stdout: {output}\nstderr: {error[..Math.Min(error.Length, 2000)]}");
    }

    [Test]
    public void The_guarded_parser_answers_what_the_inline_call_would_have_crashed_on()
    {
        RequireLibPgQuery();
        var sql = new StringBuilder("SELECT 1");
        for (var i = 0; i < 200_000; i++) sql.Append(" + 1");
        var errors = new PostgresSyntaxValidator().Validate(sql.ToString(), 0);
        Assert.That(errors, Is.Empty);
        sql.Append(" +");
        var broken = new PostgresSyntaxValidator().Validate(sql.ToString(), 0);
        Assert.That(broken, Has.Count.EqualTo(1), "a syntax error at the end of a deep statement is still found");
    }

    private static async Task<PublishDiagnosticsParams> OpenAndWait(LspTestClient client, string uri, string text)
    {
        await client.OpenAsync(uri, text);
        return await client.DiagnosticsAsync(uri);
    }

    [Test]
    public async Task Lone_surrogates_and_nuls_are_analysed_like_any_other_text()
    {
        await using var client = LspTestClient.InProcess();
        await client.InitializeAsync();
        var surrogate = await OpenAndWait(client, "file:///tmp/surrogate.sql", "SELECT '\ud800';\nDELETE FROM t;\n");
        Assert.That(surrogate.Diagnostics.Select(d => d.Code), Does.Contain("delete-without-where"));
        var nul = await OpenAndWait(client, "file:///tmp/nul.sql", "-- dbagent: dialect=\0\udc00\nDELETE FROM t;\n");
        Assert.That(nul.Diagnostics.Select(d => d.Code), Does.Contain("delete-without-where"));
        var nulInStatement = await OpenAndWait(client, "file:///tmp/nul2.sql", "SELECT 'a\0b\ud800' FROM t;\nUPDATE t SET a = 1;\n");
        Assert.That(nulInStatement.Diagnostics.Select(d => d.Code), Does.Contain("update-without-where"));
    }

    [Test]
    public async Task A_document_of_200000_statements_gets_its_diagnostics_over_stdio()
    {
        using var process = ServerProcess.Start("lsp", "--stdio");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await using var client = LspTestClient.OverStreams(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            await client.InitializeAsync();
            var text = new StringBuilder();
            for (var i = 0; i < 200_000; i++) text.Append("SELECT 1;\n");
            text.Append("DELETE FROM t;\n");
            const string uri = "file:///tmp/many.sql";
            await client.OpenAsync(uri, text.ToString());
            var published = await client.Diagnostics.WaitAsync(p => p.Uri == uri, 0, TimeSpan.FromSeconds(60));
            // Over the size policy (200,001 statements): the cheap stages, and a notice that says what was left out.
            Assert.That(published.Diagnostics.Single(d => d.Code == "analysis-limited").Message, Does.Contain("this file has 200,001 statements"));
            var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(200_000, 13)));
            Assert.That(process.HasExited, Is.False);
            await client.ShutdownAsync();
            Assert.That(process.WaitForExit(20_000), Is.True);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            TestContext.Out.WriteLine((await stderr)[..Math.Min(4000, (await stderr).Length)]);
        }
    }
}
