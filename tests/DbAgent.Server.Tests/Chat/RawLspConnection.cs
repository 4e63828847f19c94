using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using DbAgent.Server.Host;
using Nerdbank.Streams;

namespace DbAgent.Server.Tests.Chat;

/// <summary>
/// A plain LSP client written by hand (Content-Length framing and raw JSON), paired with the real server in-process,
/// so tests see exactly what goes over the wire: ids, `$/cancelRequest`, error codes and the order of messages.
/// It answers the server's workspace/configuration with empty sections and any other request with "method not found".
/// </summary>
internal sealed class RawLspConnection : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Stream _stream;
    private readonly LanguageServerHost _host;
    private readonly Task<int> _serverRun;
    private readonly Task _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Channel<JsonElement> _incoming = Channel.CreateUnbounded<JsonElement>();
    private readonly List<JsonElement> _received = [];

    public RawLspConnection()
    {
        var (client, server) = FullDuplexStream.CreatePair();
        _stream = client;
        _host = new LanguageServerHost(server, server);
        _serverRun = _host.RunAsync();
        _reader = Task.Run(ReadLoopAsync);
    }

    /// <summary>What the client answers workspace/configuration with (the `dbagent` section), as JSON.</summary>
    public string ConfigurationSection { get; set; } = "{}";

    /// <summary>Every message received so far, in order.</summary>
    public IReadOnlyList<JsonElement> Received { get { lock (_received) return _received.ToList(); } }

    public Task SendAsync(object message) => WriteAsync(JsonSerializer.SerializeToUtf8Bytes(message));

    /// <summary>Sends a body as given, well framed: for messages no serializer would write (invalid JSON, lone surrogate escapes).</summary>
    public Task SendRawAsync(string body) => WriteAsync(Encoding.UTF8.GetBytes(body));

    /// <summary>The server's run: completes with its exit code when it ends.</summary>
    public Task<int> ServerRun => _serverRun;

    public Task RequestAsync(int id, string method, object parameters) => SendAsync(new { jsonrpc = "2.0", id, method, @params = parameters });

    public Task NotifyAsync(string method, object parameters) => SendAsync(new { jsonrpc = "2.0", method, @params = parameters });

    /// <summary>Waits for the next message (not yet returned by this method) that matches.</summary>
    public async Task<JsonElement> WaitAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            var message = await _incoming.Reader.ReadAsync(timeout.Token);
            if (match(message)) return message;
        }
    }

    public Task<JsonElement> ResponseAsync(int id) =>
        WaitAsync(m => m.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.Number && i.GetInt32() == id && !m.TryGetProperty("method", out _));

    public static bool IsProgress(JsonElement message, string token) =>
        message.TryGetProperty("method", out var m) && m.GetString() == "$/progress" &&
        message.GetProperty("params").GetProperty("token").GetString() == token;

    public async Task InitializeAsync()
    {
        await RequestAsync(1, "initialize", new
        {
            processId = Environment.ProcessId,
            rootUri = (string?)null,
            capabilities = new { workspace = new { configuration = true } },
        });
        await ResponseAsync(1);
        await NotifyAsync("initialized", new { });
    }

    private async Task WriteAsync(byte[] body)
    {
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(header);
            await _stream.WriteAsync(body);
            await _stream.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var length = await ReadHeaderAsync();
                if (length < 0) break;
                var body = new byte[length];
                await _stream.ReadExactlyAsync(body);
                var message = JsonDocument.Parse(body).RootElement.Clone();
                lock (_received) _received.Add(message);
                if (message.TryGetProperty("method", out var method) && message.TryGetProperty("id", out var id))
                    await AnswerServerRequestAsync(method.GetString(), id, message);
                _incoming.Writer.TryWrite(message);
            }
        }
        catch (Exception) when (!_stream.CanRead)
        {
        }
        catch (IOException)
        {
        }
        finally
        {
            _incoming.Writer.TryComplete();
        }
    }

    private Task AnswerServerRequestAsync(string? method, JsonElement id, JsonElement message)
    {
        var idNode = JsonNode.Parse(id.GetRawText());
        if (method == "workspace/configuration")
        {
            var items = message.GetProperty("params").GetProperty("items").GetArrayLength();
            var result = new JsonArray(Enumerable.Range(0, items).Select(_ => JsonNode.Parse(ConfigurationSection)).ToArray());
            return WriteAsync(Encoding.UTF8.GetBytes(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = idNode, ["result"] = result }.ToJsonString()));
        }
        return WriteAsync(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = idNode,
            ["error"] = new JsonObject { ["code"] = -32601, ["message"] = $"{method} is not handled by this client" },
        }.ToJsonString()));
    }

    private async Task<int> ReadHeaderAsync()
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await _stream.ReadAsync(one) == 0) return -1;
            header.Append((char)one[0]);
        }
        foreach (var line in header.ToString().Split("\r\n"))
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return int.Parse(line["Content-Length:".Length..].Trim());
        return -1;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RequestAsync(99_999, "shutdown", new { });
            await ResponseAsync(99_999);
            await SendAsync(new { jsonrpc = "2.0", method = "exit" });
            await _serverRun.WaitAsync(Timeout);
        }
        catch (Exception) when (_serverRun.IsCompleted)
        {
        }
        finally
        {
            _stream.Dispose();
            await _host.DisposeAsync();
            await _reader.WaitAsync(Timeout);
        }
    }
}
