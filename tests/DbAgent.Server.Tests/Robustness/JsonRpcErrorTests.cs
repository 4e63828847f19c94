using System.Text.Json;
using DbAgent.Server.Tests.Chat;

namespace DbAgent.Server.Tests.Robustness;

/// <summary>
/// JSON-RPC 2.0 section 5.1: a message that is not JSON gets Parse error (-32700) with a null id, one that is JSON but
/// not a request gets Invalid Request (-32600); the server goes on serving (issue 12).
/// </summary>
[TestFixture]
public sealed class JsonRpcErrorTests
{
    private static bool IsErrorWithNullId(JsonElement m, int code) =>
        m.TryGetProperty("error", out var e) && e.GetProperty("code").GetInt32() == code &&
        m.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Null;

    /// <summary>An error answer: with a null id, or with the message's own id where it had a valid one.</summary>
    private static bool IsError(JsonElement m, int code) =>
        m.TryGetProperty("error", out var e) && e.GetProperty("code").GetInt32() == code && m.TryGetProperty("id", out var id) &&
        (id.ValueKind == JsonValueKind.Null || id.ValueKind == JsonValueKind.Number && id.GetInt32() == 7);

    private static async Task AssertStillServes(RawLspConnection lsp, int id)
    {
        await lsp.RequestAsync(id, "textDocument/documentSymbol", new { textDocument = new { uri = "file:///tmp/none.sql" } });
        var answer = await lsp.ResponseAsync(id);
        Assert.That(answer.TryGetProperty("result", out _) || answer.TryGetProperty("error", out _), Is.True);
        Assert.That(lsp.ServerRun.IsCompleted, Is.False, "the server is still running");
    }

    [TestCase("{not json", -32700)]
    [TestCase("\u0001\u0002", -32700)]
    [TestCase("null", -32600)]
    [TestCase("[]", -32600)]
    [TestCase("42", -32600)]
    [TestCase("\"text\"", -32600)]
    [TestCase("{}", -32600)]
    [TestCase("""{"jsonrpc":"2.0","id":{"a":1},"method":"hover"}""", -32600)]
    [TestCase("""{"jsonrpc":"2.0","id":[1],"method":"hover"}""", -32600)]
    [TestCase("""{"jsonrpc":"2.0","id":7,"method":42}""", -32600)]
    [TestCase("""{"jsonrpc":"2.0","method":null}""", -32600)]
    [TestCase("""{"jsonrpc":"2.0","id":true,"method":"x"}""", -32600)]
    public async Task An_invalid_message_is_answered_and_the_server_goes_on(string body, int code)
    {
        await using var lsp = new RawLspConnection();
        await lsp.InitializeAsync();
        await lsp.SendRawAsync(body);
        var error = await lsp.WaitAsync(m => IsError(m, code));
        Assert.That(error.GetProperty("error").GetProperty("message").GetString(), Is.Not.Empty);
        await AssertStillServes(lsp, 5);
    }

    [Test]
    public async Task A_batch_is_refused_and_the_server_goes_on()
    {
        await using var lsp = new RawLspConnection();
        await lsp.InitializeAsync();
        await lsp.SendRawAsync("""[{"jsonrpc":"2.0","id":3,"method":"shutdown"}]""");
        await lsp.WaitAsync(m => IsErrorWithNullId(m, -32600));
        await AssertStillServes(lsp, 6);
    }

    [Test]
    public async Task Lone_surrogate_escapes_in_a_document_get_diagnostics()
    {
        await using var lsp = new RawLspConnection();
        await lsp.InitializeAsync();
        await lsp.SendRawAsync("""{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/s.sql","languageId":"sql","version":1,"text":"SELECT '\ud800';\nDELETE FROM t;\n"}}}""");
        var published = await lsp.WaitAsync(m => m.TryGetProperty("method", out var x) && x.GetString() == "textDocument/publishDiagnostics"
            && m.GetProperty("params").GetProperty("uri").GetString() == "file:///tmp/s.sql");
        Assert.That(published.GetRawText(), Does.Contain("delete-without-where"));
        await lsp.SendRawAsync("""{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///tmp/n.sql","languageId":"sql","version":1,"text":"-- dbagent: dialect=\u0000\udc00\nDELETE FROM t;\n"}}}""");
        published = await lsp.WaitAsync(m => m.TryGetProperty("method", out var x) && x.GetString() == "textDocument/publishDiagnostics"
            && m.GetProperty("params").GetProperty("uri").GetString() == "file:///tmp/n.sql");
        Assert.That(published.GetRawText(), Does.Contain("delete-without-where"));
    }

    [Test]
    public async Task A_broken_frame_ends_the_process_with_a_clear_message_and_a_non_zero_exit()
    {
        using var process = ServerProcess.Start("lsp", "--stdio");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdin = process.StandardInput.BaseStream;
        await stdin.WriteAsync("Content-Length: 12\r\n\r\nnull"u8.ToArray());
        await stdin.FlushAsync();
        await stdin.WriteAsync("Content-Lenth 5\r\n\r\n"u8.ToArray());
        await stdin.FlushAsync();
        process.StandardInput.Close();
        Assert.That(process.WaitForExit(20_000), Is.True, "the process ends");
        Assert.That(process.ExitCode, Is.Not.EqualTo(0));
        Assert.That(await stderr, Does.Contain("dbagent lsp: the connection ended"));
        Assert.That(await stderr, Does.Contain("header").IgnoreCase.Or.Contain("stream ended").IgnoreCase);
    }

    [Test]
    public void Lone_surrogate_escapes_become_replacement_characters_of_the_same_length()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("""{"a":"x\ud800y\\ud800\ud83d\ude00\udc00"}""");
        var fixedBody = DbAgent.Server.Host.LoneSurrogates.Replace(body);
        var text = JsonDocument.Parse(fixedBody).RootElement.GetProperty("a").GetString();
        Assert.That(text, Is.EqualTo("x\ufffdy\\ud800\U0001F600\ufffd"));
    }
}
