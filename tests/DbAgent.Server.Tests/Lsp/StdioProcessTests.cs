using System.Diagnostics;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>The real `dbagent lsp` process over stdio, as an editor starts it.</summary>
[TestFixture]
public sealed class StdioProcessTests
{
    /// <summary>The server's build output beside the tests (the project reference copies dbagent.dll here).</summary>
    private static string ServerDll => Path.Combine(AppContext.BaseDirectory, "dbagent.dll");

    private static Process Start(params string[] args)
    {
        Assert.That(File.Exists(ServerDll), Is.True, $"the server build output is missing: {ServerDll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [Test]
    public async Task Dbagent_lsp_over_stdio_publishes_the_diagnostic_and_exits_cleanly()
    {
        using var process = Start("lsp", "--stdio");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await using var client = LspTestClient.OverStreams(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            var init = await client.InitializeAsync();
            Assert.That(init.ServerInfo.Name, Is.EqualTo("dbagent"));

            const string uri = "file:///tmp/orders.sql";
            await client.OpenAsync(uri, "DELETE FROM orders;");
            var published = await client.DiagnosticsAsync(uri);
            var diagnostic = published.Diagnostics.Single();
            Assert.That(diagnostic.Code, Is.EqualTo("delete-without-where"));
            Assert.That(diagnostic.Range, Is.EqualTo(new DbAgent.Server.Protocol.Range(new Position(0, 0), new Position(0, 18))));

            var hover = await client.RequestAsync<Hover>(Methods.Hover, new TextDocumentPositionParams(new TextDocumentIdentifier(uri), new Position(0, 14)));
            Assert.That(hover!.Contents.Value, Does.Contain("orders"));

            await client.ShutdownAsync();
            Assert.That(process.WaitForExit(20_000), Is.True, "the process ends after exit");
            Assert.That(process.ExitCode, Is.EqualTo(0), await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [Test]
    public async Task The_command_line_answers_version_help_and_usage_errors()
    {
        foreach (var (args, expected) in new[] { (new[] { "--version" }, 0), (new[] { "--help" }, 0), (new[] { "frobnicate" }, 2), (Array.Empty<string>(), 2), (new[] { "lsp", "--tcp" }, 2) })
        {
            using var process = Start(args);
            process.StandardInput.Close();
            var output = await process.StandardOutput.ReadToEndAsync();
            var error = await process.StandardError.ReadToEndAsync();
            Assert.That(process.WaitForExit(20_000), Is.True);
            Assert.That(process.ExitCode, Is.EqualTo(expected), $"dbagent {string.Join(' ', args)}: {error}");
            if (expected == 2) Assert.That(error, Is.Not.Empty);
            else Assert.That(output, Is.Not.Empty);
        }
    }
}
