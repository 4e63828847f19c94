using System.Text.Json;
using DbAgent.Server.Features.Connections;
using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using Nerdbank.Streams;
using StreamJsonRpc;

namespace DbAgent.Server.Tests.Lsp;

/// <summary>
/// An LSP client paired with the real server in-process over a duplex stream, speaking the same framing and JSON as
/// over stdio. It answers workspace/configuration from <see cref="Settings"/>, records publishDiagnostics, log
/// messages and progress, and on disposal sends shutdown and exit.
/// </summary>
public sealed class LspTestClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly JsonRpc _rpc;
    private readonly LanguageServerHost? _host;
    private readonly Task<int>? _serverRun;
    private readonly ClientTarget _target;
    private bool _disposed;

    private LspTestClient(Stream clientStream, LanguageServerHost? host, Stream? clientInput = null)
    {
        _host = host;
        var formatter = new SystemTextJsonFormatter();
        LanguageServerHost.ConfigureSerializer(formatter.JsonSerializerOptions);
        var handler = clientInput is null
            ? new HeaderDelimitedMessageHandler(clientStream, formatter)
            : new HeaderDelimitedMessageHandler(clientStream, clientInput, formatter);
        // The client's handlers run on the reading thread, in wire order: a `$/progress` part sent before a result
        // is recorded before the result's awaiter resumes, as an editor's client sees it.
        _rpc = new JsonRpc(handler) { SynchronizationContext = new InlineSynchronizationContext() };
        _target = new ClientTarget(this);
        _rpc.AddLocalRpcTarget(_target);
        _rpc.StartListening();
        _serverRun = host?.RunAsync();
    }

    /// <summary>The `dbagent` section the client answers workspace/configuration with (per scopeUri when set there).</summary>
    public JsonElement Settings { get; set; } = JsonDocument.Parse("{}").RootElement;

    public Dictionary<string, JsonElement> ScopedSettings { get; } = new(StringComparer.Ordinal);

    public Notifications<PublishDiagnosticsParams> Diagnostics { get; } = new();
    /// <summary>The splices received (with `diagnosticsSplice`), as they came.</summary>
    public Notifications<DiagnosticsSpliceParams> Splices { get; } = new();
    /// <summary>Splices that did not follow the last one applied (each answered with a resync).</summary>
    public int SpliceMismatches => Volatile.Read(ref _spliceMismatches);
    private int _spliceMismatches;
    /// <summary>Set to lose the next splice on the way, as a test of the resync.</summary>
    public bool DropNextSplice { get; set; }
    private readonly Dictionary<string, (int Id, List<Diagnostic> Diagnostics)> _spliced = new(StringComparer.Ordinal);

    private void Apply(DiagnosticsSpliceParams splice)
    {
        Splices.Add(splice);
        if (DropNextSplice)
        {
            DropNextSplice = false;
            return;
        }
        PublishDiagnosticsParams whole;
        lock (_spliced)
        {
            var known = _spliced.TryGetValue(splice.Uri, out var last);
            if (splice.Base != 0 && (!known || last.Id != splice.Base))
            {
                Interlocked.Increment(ref _spliceMismatches);
                _ = NotifyAsync(CustomMethods.DiagnosticsResync, new DiagnosticsResyncParams(splice.Uri));
                return;
            }
            var list = splice.Base == 0 ? [] : last.Diagnostics;
            list.RemoveRange(splice.Start, splice.DeleteCount);
            list.InsertRange(splice.Start, splice.Diagnostics);
            _spliced[splice.Uri] = (splice.Id, list);
            whole = new PublishDiagnosticsParams { Uri = splice.Uri, Version = splice.Version, Diagnostics = list.ToArray() };
        }
        Diagnostics.Add(whole);
    }
    public Notifications<LogMessageParams> Logs { get; } = new();
    public Notifications<JsonElement> Progress { get; } = new();
    public Notifications<ConnectionStatusParams> ConnectionStatus { get; } = new();

    /// <summary>What the client's SecretStorage holds, by connection name (answers dbagent/connectionPassword).</summary>
    public Dictionary<string, string> Passwords { get; } = new(StringComparer.Ordinal);
    public Notifications<string> PasswordRequests { get; } = new();
    public int ConfigurationRequests => _target.ConfigurationRequests;

    /// <summary>Answers dbagent/modelRequest (the chat's editor model): params and the request's cancellation → result.</summary>
    public Func<JsonElement, CancellationToken, Task<object>>? ModelTurns { get; set; }

    public JsonRpc Rpc => _rpc;
    public LanguageServerHost? Server => _host;

    /// <summary>A server in this process, over <see cref="FullDuplexStream.CreatePair"/>.</summary>
    public static LspTestClient InProcess(DbAgent.Server.Features.Plans.IPlanRunner? planRunner = null)
    {
        var (clientStream, serverStream) = FullDuplexStream.CreatePair();
        // No connections from the environment: a developer's PGHOST must not change what the tests see.
        var host = new LanguageServerHost(serverStream, serverStream, new LanguageServerOptions { Environment = null, PlanRunner = planRunner });
        return new LspTestClient(clientStream, host);
    }

    /// <summary>A client of a server process: writes to its stdin, reads its stdout.</summary>
    public static LspTestClient OverStreams(Stream toServer, Stream fromServer) => new(toServer, null, fromServer);

    /// <param name="diagnosticsSplice">Declare `experimental.dbagentDiagnosticsSplice`, as the extension does: diagnostics
    /// then come as splices, which this client applies (and asks a resync for, as the extension does, when one does not
    /// follow the last) and records in <see cref="Diagnostics"/> whole.</param>
    public async Task<InitializeResult> InitializeAsync(bool supportsConfiguration = true, string? workspaceFolder = null, bool canCreateFiles = false,
        bool diagnosticsSplice = false)
    {
        var edits = canCreateFiles ? """, "workspaceEdit": { "documentChanges": true, "resourceOperations": ["create"] }""" : "";
        var experimental = diagnosticsSplice ? """, "experimental": { "dbagentDiagnosticsSplice": true }""" : "";
        var capabilities = supportsConfiguration
            ? JsonDocument.Parse($$"""{ "workspace": { "configuration": true, "didChangeConfiguration": { "dynamicRegistration": false }{{edits}} }, "textDocument": { "publishDiagnostics": { "versionSupport": true } }{{experimental}} }""").RootElement
            : JsonDocument.Parse($$"""{ "workspace": { "a": 1{{edits}} }{{experimental}} }""").RootElement;
        var folderUri = workspaceFolder is null ? null : new Uri(workspaceFolder).AbsoluteUri;
        var result = await RequestAsync<InitializeResult>(Methods.Initialize, new
        {
            processId = Environment.ProcessId,
            clientInfo = new { name = "dbagent-tests", version = "1" },
            rootUri = folderUri,
            workspaceFolders = folderUri is null ? null : new[] { new { uri = folderUri, name = Path.GetFileName(workspaceFolder) } },
            capabilities,
        });
        await NotifyAsync(Methods.Initialized, new { });
        return result!;
    }

    public async Task<T?> RequestAsync<T>(string method, object parameters, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        return await _rpc.InvokeWithParameterObjectAsync<T?>(method, parameters, timeout.Token);
    }

    public Task NotifyAsync(string method, object parameters) => _rpc.NotifyWithParameterObjectAsync(method, parameters);

    public Task OpenAsync(string uri, string text, int version = 1) =>
        NotifyAsync(Methods.DidOpen, new DidOpenTextDocumentParams(new TextDocumentItem(uri, "sql", version, text)));

    public Task ChangeAsync(string uri, int version, params TextDocumentContentChangeEvent[] changes) =>
        NotifyAsync(Methods.DidChange, new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, version), changes));

    public Task CloseAsync(string uri) => NotifyAsync(Methods.DidClose, new DidCloseTextDocumentParams(new TextDocumentIdentifier(uri)));

    /// <summary>Waits for the next diagnostics of a document that satisfy a condition (after those already seen when <paramref name="after"/> is given).</summary>
    public Task<PublishDiagnosticsParams> DiagnosticsAsync(string uri, Func<PublishDiagnosticsParams, bool>? match = null, int after = 0) =>
        Diagnostics.WaitAsync(p => p.Uri == uri && (match?.Invoke(p) ?? true), after, Timeout);

    /// <summary>Sends shutdown and exit, and returns the server's exit code (in-process only).</summary>
    public async Task<int?> ShutdownAsync()
    {
        if (_disposed) return null;
        _disposed = true;
        await RequestAsync<object>(Methods.Shutdown, new { });
        await _rpc.NotifyAsync(Methods.Exit);
        int? code = null;
        if (_serverRun is not null) code = await _serverRun.WaitAsync(Timeout);
        _rpc.Dispose();
        if (_host is not null) await _host.DisposeAsync();
        return code;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        try
        {
            await ShutdownAsync();
        }
        catch (Exception) when (_rpc.IsDisposed || _serverRun?.IsCompleted == true || _host?.Context.State.ShutdownRequested == true)
        {
            // The test already ended the connection.
        }
        finally
        {
            _rpc.Dispose();
            if (_host is not null) await _host.DisposeAsync();
        }
    }

    private sealed class ClientTarget(LspTestClient client)
    {
        private int _configurationRequests;
        public int ConfigurationRequests => Volatile.Read(ref _configurationRequests);

        [JsonRpcMethod(Methods.PublishDiagnostics, UseSingleObjectParameterDeserialization = true)]
        public void PublishDiagnostics(PublishDiagnosticsParams parameters) => client.Diagnostics.Add(parameters);

        [JsonRpcMethod(CustomMethods.DiagnosticsSplice, UseSingleObjectParameterDeserialization = true)]
        public void DiagnosticsSplice(DiagnosticsSpliceParams parameters) => client.Apply(parameters);

        [JsonRpcMethod(Methods.LogMessage, UseSingleObjectParameterDeserialization = true)]
        public void LogMessage(LogMessageParams parameters) => client.Logs.Add(parameters);

        [JsonRpcMethod(Methods.Progress, UseSingleObjectParameterDeserialization = true)]
        public void Progress(JsonElement parameters) => client.Progress.Add(parameters.Clone());

        [JsonRpcMethod(CustomMethods.ConnectionStatus, UseSingleObjectParameterDeserialization = true)]
        public void ConnectionStatus(ConnectionStatusParams parameters) => client.ConnectionStatus.Add(parameters);

        [JsonRpcMethod(CustomMethods.ConnectionPassword, UseSingleObjectParameterDeserialization = true)]
        public ConnectionPasswordResult ConnectionPassword(ConnectionPasswordParams parameters)
        {
            client.PasswordRequests.Add(parameters.Connection);
            return new ConnectionPasswordResult(client.Passwords.TryGetValue(parameters.Connection, out var p) ? p : null);
        }

        [JsonRpcMethod(CustomMethods.ModelRequest, UseSingleObjectParameterDeserialization = true)]
        public async Task<object> ModelRequest(JsonElement parameters, CancellationToken cancellationToken)
        {
            var turns = client.ModelTurns ?? throw new InvalidOperationException("This test client runs no model.");
            // Off the reading thread: the turn streams notifications and waits, as an editor's model would.
            return await Task.Run(() => turns(parameters.Clone(), cancellationToken), CancellationToken.None);
        }

        [JsonRpcMethod(Methods.Configuration, UseSingleObjectParameterDeserialization = true)]
        public JsonElement[] Configuration(ConfigurationParams parameters)
        {
            Interlocked.Increment(ref _configurationRequests);
            return parameters.Items.Select(i => i.ScopeUri is { } scope && client.ScopedSettings.TryGetValue(scope, out var scoped) ? scoped : client.Settings).ToArray();
        }
    }
}

/// <summary>Notifications received so far, and a way to wait for one that matches.</summary>
public sealed class Notifications<T>
{
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Count { get { lock (_items) return _items.Count; } }

    public IReadOnlyList<T> Snapshot() { lock (_items) return _items.ToList(); }

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_items)
        {
            _items.Add(item);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
    }

    /// <summary>The first item at index &gt;= <paramref name="after"/> that matches.</summary>
    public async Task<T> WaitAsync(Func<T, bool> match, int after, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_items)
            {
                for (var i = after; i < _items.Count; i++)
                    if (match(_items[i])) return _items[i];
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"No matching {typeof(T).Name} within {timeout.TotalSeconds} s; received {Count}.");
            await Task.WhenAny(changed, Task.Delay(left));
        }
    }
}

/// <summary>Runs posted work at once on the posting thread (the client's handlers only record and answer).</summary>
internal sealed class InlineSynchronizationContext : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => d(state);

    public override SynchronizationContext CreateCopy() => this;
}
