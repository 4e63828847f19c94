using System.Diagnostics;
using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Benchmarks;

/// <summary>
/// A language server as a child process over stdio, with a client that answers what servers ask
/// (workspace/configuration, DbAgent's connection password) and records diagnostics. Used for `dbagent lsp` and for
/// the peer, so both are driven the same way and their working sets are their own.
/// </summary>
internal sealed class LspProcess : IEditorClient
{
    private readonly Process _process;
    private readonly JsonRpc _rpc;

    private readonly ClientTarget _target;

    private LspProcess(Process process, JsonRpc rpc, ClientTarget target)
    {
        _process = process;
        _rpc = rpc;
        _target = target;
    }

    public int Pid => _process.Id;

    public static LspProcess Start(string fileName, IEnumerable<string> arguments, JsonElement settings, string? password, string? workingDirectory = null)
    {
        var process = StartServer(fileName, arguments, workingDirectory);
        var formatter = new SystemTextJsonFormatter();
        LanguageServerHost.ConfigureSerializer(formatter.JsonSerializerOptions);
        var rpc = new JsonRpc(new HeaderDelimitedMessageHandler(process.StandardInput.BaseStream, process.StandardOutput.BaseStream, formatter));
        var target = new ClientTarget(settings, password);
        rpc.AddLocalRpcTarget(target, new JsonRpcTargetOptions { AllowNonPublicInvocation = false });
        rpc.StartListening();
        return new LspProcess(process, rpc, target);
    }

    /// <summary>
    /// A server process on stdio, its standard error read and dropped. No connection from the benchmark's own
    /// environment: the server sees only what the settings say.
    /// </summary>
    internal static Process StartServer(string fileName, IEnumerable<string> arguments, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var variable in new[] { "DATABASE_URL", "PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD" }) info.Environment.Remove(variable);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    public async Task InitializeAsync(string? workspaceFolder)
    {
        var folderUri = workspaceFolder is null ? null : new Uri(workspaceFolder).AbsoluteUri;
        await _rpc.InvokeWithParameterObjectAsync<JsonElement>("initialize", new
        {
            processId = System.Environment.ProcessId,
            rootUri = folderUri,
            workspaceFolders = folderUri is null ? null : new[] { new { uri = folderUri, name = "bench" } },
            capabilities = new { workspace = new { configuration = true }, textDocument = new { completion = new { completionItem = new { snippetSupport = false } } } },
        });
        await _rpc.NotifyWithParameterObjectAsync("initialized", new { });
    }

    public Task OpenAsync(string uri, string text, int version = 1) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didOpen", new { textDocument = new { uri, languageId = "sql", version, text } });

    public Task ChangeAsync(string uri, int version, Position at, string text) => ChangeAsync(uri, version, at, at, text);

    /// <summary>One incremental edit: the range from <paramref name="start"/> to <paramref name="end"/> replaced by <paramref name="text"/>.</summary>
    public Task ChangeAsync(string uri, int version, Position start, Position end, string text) =>
        _rpc.NotifyWithParameterObjectAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version },
            contentChanges = new[] { new { range = new { start, end }, text } },
        });

    /// <summary>Raised on the connection's reader for each textDocument/publishDiagnostics: uri, version (or null), number of diagnostics.</summary>
    public event Action<string, int?, int>? Published
    {
        add => _target.Published += value;
        remove => _target.Published -= value;
    }

    public Task<JsonElement> RequestAsync(string method, object parameters, CancellationToken cancellationToken = default) =>
        _rpc.InvokeWithParameterObjectAsync<JsonElement>(method, parameters, cancellationToken);

    public Task<JsonElement> CompleteAsync(string uri, int line, int character) =>
        RequestAsync("textDocument/completion", new { textDocument = new { uri }, position = new { line, character }, context = new { triggerKind = 1 } });

    public Task<JsonElement> HoverAsync(string uri, int line, int character) =>
        RequestAsync("textDocument/hover", new { textDocument = new { uri }, position = new { line, character } });

    /// <summary>The CPU time the server process has used so far (user and system, every thread).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The resident and peak resident memory of the process and its children (the peer runs a daemon).</summary>
    public (double RssMiB, double PeakMiB) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var pid in new[] { _process.Id }.Concat(Descendants(_process.Id)))
        {
            var (r, p) = ReadStatus(pid);
            rss += r;
            peak += p;
        }
        return (rss, peak);
    }

    public static (double Rss, double Peak) ReadStatus(int pid)
    {
        try
        {
            double rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line) / 1024.0;
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = Kb(line) / 1024.0;
            }
            return (rss, peak);
        }
        catch (IOException)
        {
            return (0, 0);
        }
        static double Kb(string line) => double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    private static IEnumerable<int> Descendants(int pid)
    {
        var children = new List<int>();
        try
        {
            foreach (var dir in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                var file = Path.Combine(dir, "children");
                if (File.Exists(file))
                    children.AddRange(File.ReadAllText(file).Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
            }
        }
        catch (IOException)
        {
        }
        return children.Distinct().SelectMany(c => new[] { c }.Concat(Descendants(c)));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _rpc.InvokeWithParameterObjectAsync<JsonElement>("shutdown", new { }, timeout.Token);
            await _rpc.NotifyAsync("exit");
        }
        catch (Exception)
        {
        }
        _rpc.Dispose();
        if (!_process.WaitForExit(5000)) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// <summary>What the server logged and said of its connections (printed when a figure cannot be had).</summary>
    public static List<string> Messages { get; } = [];

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "JSON-RPC target methods: StreamJsonRpc binds the target instance's methods")]
    private sealed class ClientTarget(JsonElement settings, string? password)
    {
        [JsonRpcMethod("workspace/configuration", UseSingleObjectParameterDeserialization = true)]
        public JsonElement[] Configuration(JsonElement parameters) =>
            parameters.GetProperty("items").EnumerateArray().Select(_ => settings).ToArray();

        [JsonRpcMethod("dbagent/connectionPassword", UseSingleObjectParameterDeserialization = true)]
        public object ConnectionPassword(JsonElement parameters) => new { password };

        [JsonRpcMethod("window/logMessage", UseSingleObjectParameterDeserialization = true)]
        public void Log(JsonElement parameters)
        {
            lock (Messages) Messages.Add(parameters.GetProperty("message").GetString() ?? "");
        }

        [JsonRpcMethod("dbagent/connectionStatus", UseSingleObjectParameterDeserialization = true)]
        public void Status(JsonElement parameters)
        {
            lock (Messages) Messages.Add("status: " + parameters.GetProperty("message").GetString());
        }

        /// <summary>A field, not an event: StreamJsonRpc would offer a target's events to the server.</summary>
        public Action<string, int?, int>? Published;

        [JsonRpcMethod("textDocument/publishDiagnostics", UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(JsonElement parameters)
        {
            var version = parameters.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : (int?)null;
            Published?.Invoke(parameters.GetProperty("uri").GetString() ?? "", version, parameters.GetProperty("diagnostics").GetArrayLength());
        }

        [JsonRpcMethod("client/registerCapability", UseSingleObjectParameterDeserialization = true)]
        public object? Register(JsonElement parameters) => null;

        [JsonRpcMethod("window/workDoneProgress/create", UseSingleObjectParameterDeserialization = true)]
        public object? Progress(JsonElement parameters) => null;
    }
}
