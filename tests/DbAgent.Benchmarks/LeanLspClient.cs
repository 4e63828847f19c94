using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace DbAgent.Benchmarks;

/// <summary>
/// A language client that does what any client must and no more: it writes each message with its Content-Length
/// header, reads each message the server sends whole and parses it once (JsonDocument; VS Code's client library,
/// vscode-jsonrpc, also frames and decodes, and keystroke-vscode-client.mjs times it), answers the server's requests
/// (configuration, capability registration), and reports each textDocument/publishDiagnostics from its reading thread. For the keystroke benchmark, where a 1 MB publish per
/// keystroke through a general RPC library (a second copy of each parameter, thread hops on dispatch) would be
/// timed as the server's latency.
/// </summary>
internal sealed class LeanLspClient : IEditorClient
{
    private readonly Process _process;
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly JsonElement _settings;
    private readonly Thread _reader;
    private readonly Lock _writeGate = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<JsonElement>> _responses = new();
    private int _nextId;

    /// <summary>Raised on the reading thread for each publishDiagnostics: uri, version (or null), number of diagnostics.</summary>
    public event Action<string, int?, int>? Published;

    private LeanLspClient(Process process, JsonElement settings)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        _output = process.StandardOutput.BaseStream;
        _settings = settings;
        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "lsp reader" };
        _reader.Start();
    }

    public static LeanLspClient Start(string fileName, IEnumerable<string> arguments, JsonElement settings) =>
        new(LspProcess.StartServer(fileName, arguments), settings);

    public async Task InitializeAsync(string? workspaceFolder)
    {
        var folderUri = new Uri(workspaceFolder ?? throw new ArgumentNullException(nameof(workspaceFolder))).AbsoluteUri;
        await RequestAsync("initialize", new
        {
            processId = System.Environment.ProcessId,
            rootUri = folderUri,
            workspaceFolders = new[] { new { uri = folderUri, name = "bench" } },
            capabilities = new { workspace = new { configuration = true } },
        });
        Notify("initialized", new { });
    }

    public Task OpenAsync(string uri, string text, int version = 1)
    {
        Notify("textDocument/didOpen", new { textDocument = new { uri, languageId = "sql", version, text } });
        return Task.CompletedTask;
    }

    public Task ChangeAsync(string uri, int version, DbAgent.Server.Protocol.Position start, DbAgent.Server.Protocol.Position end, string text)
    {
        Notify("textDocument/didChange", new
        {
            textDocument = new { uri, version },
            contentChanges = new[] { new { range = new { start = new { line = start.Line, character = start.Character }, end = new { line = end.Line, character = end.Character } }, text } },
        });
        return Task.CompletedTask;
    }

    public void Notify(string method, object parameters) => Write(new { jsonrpc = "2.0", method, @params = parameters });

    public Task<JsonElement> RequestAsync(string method, object parameters)
    {
        var id = Interlocked.Increment(ref _nextId);
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _responses[id] = done;
        Write(new { jsonrpc = "2.0", id, method, @params = parameters });
        return done.Task;
    }

    private void Write(object message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message);
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        lock (_writeGate)
        {
            _input.Write(header);
            _input.Write(body);
            _input.Flush();
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[1 << 16];
        int start = 0, end = 0;
        try
        {
            while (true)
            {
                // Headers: up to the blank line.
                var length = -1;
                while (true)
                {
                    var line = ReadLine(ref buffer, ref start, ref end);
                    if (line is null) return;
                    if (line.Length == 0) break;
                    if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(line.AsSpan(15).Trim());
                }
                if (length < 0) throw new InvalidDataException("a message without Content-Length");
                var body = ArrayPool<byte>.Shared.Rent(length);
                var have = Math.Min(length, end - start);
                Array.Copy(buffer, start, body, 0, have);
                start += have;
                while (have < length)
                {
                    var n = _output.Read(body, have, length - have);
                    if (n == 0) return;
                    have += n;
                }
                try
                {
                    using var document = JsonDocument.Parse(body.AsMemory(0, length));
                    Handle(document.RootElement);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(body);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private string? ReadLine(ref byte[] buffer, ref int start, ref int end)
    {
        while (true)
        {
            var at = Array.IndexOf(buffer, (byte)'\n', start, end - start);
            if (at >= 0)
            {
                var line = Encoding.ASCII.GetString(buffer, start, at - start).TrimEnd('\r');
                start = at + 1;
                return line;
            }
            if (start > 0)
            {
                Array.Copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var n = _output.Read(buffer, end, buffer.Length - end);
            if (n == 0) return null;
            end += n;
        }
    }

    private void Handle(JsonElement message)
    {
        var hasId = message.TryGetProperty("id", out var id);
        if (!message.TryGetProperty("method", out var methodElement))
        {
            if (hasId && id.ValueKind == JsonValueKind.Number && _responses.TryRemove(id.GetInt32(), out var waiting))
                waiting.TrySetResult(message.TryGetProperty("result", out var result) ? result.Clone() : default);
            return;
        }
        var method = methodElement.GetString();
        var parameters = message.TryGetProperty("params", out var p) ? p : default;
        if (method == "textDocument/publishDiagnostics")
        {
            var version = parameters.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null;
            Published?.Invoke(parameters.GetProperty("uri").GetString() ?? "", version, parameters.GetProperty("diagnostics").GetArrayLength());
            return;
        }
        if (!hasId) return;
        // The server's requests: settings for each item asked; anything else (registrations, progress) acknowledged.
        object? answer = method == "workspace/configuration"
            ? parameters.GetProperty("items").EnumerateArray().Select(_ => _settings).ToArray()
            : null;
        Write(new { jsonrpc = "2.0", id = id.Clone(), result = answer });
    }

    /// <summary>The CPU time the server process has used so far (user and system, every thread).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public (double RssMiB, double PeakMiB) Memory() => LspProcess.ReadStatus(_process.Id);

    public async ValueTask DisposeAsync()
    {
        try
        {
            var shutdown = RequestAsync("shutdown", new { });
            await shutdown.WaitAsync(TimeSpan.FromSeconds(5));
            Notify("exit", new { });
        }
        catch (Exception)
        {
        }
        if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}

/// <summary>What the keystroke benchmark needs of a client: <see cref="LeanLspClient"/>, or <see cref="LspProcess"/> (StreamJsonRpc).</summary>
internal interface IEditorClient : IAsyncDisposable
{
    event Action<string, int?, int>? Published;
    Task InitializeAsync(string? workspaceFolder);
    Task OpenAsync(string uri, string text, int version = 1);
    Task ChangeAsync(string uri, int version, DbAgent.Server.Protocol.Position start, DbAgent.Server.Protocol.Position end, string text);
    TimeSpan CpuTime();
    (double RssMiB, double PeakMiB) Memory();
}
