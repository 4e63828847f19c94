using System.Text.Json;
using System.Text.Json.Serialization;
using StreamJsonRpc;

namespace DbAgent.Server.Host;

/// <summary>
/// The LSP host: JSON-RPC with LSP's Content-Length framing over two streams (stdio, or a duplex pipe in tests),
/// System.Text.Json with camelCase and no nulls, and the handlers of <see cref="HandlerCatalog"/>.
/// </summary>
public sealed class LanguageServerHost : System.IAsyncDisposable
{
    private readonly JsonRpc _rpc;

    public LanguageServerHost(Stream sendingStream, Stream receivingStream, LanguageServerOptions? options = null)
    {
        var formatter = new SystemTextJsonFormatter();
        ConfigureSerializer(formatter.JsonSerializerOptions);
        var state = new ServerState();
        _rpc = new LspJsonRpc(new LspMessageHandler(sendingStream, receivingStream, formatter), state, Requests)
        {
            ExceptionStrategy = ExceptionProcessing.CommonErrorData,
        };
        var client = new JsonRpcLanguageClient(_rpc);
        Context = new LanguageServerContext(client, state, options);
        foreach (var handler in HandlerCatalog.Create(Context))
            _rpc.AddLocalRpcTarget(handler, new JsonRpcTargetOptions { DisposeOnDisconnect = handler is IDisposable });
        _rpc.Disconnected += (_, e) =>
        {
            // A broken frame or a failed stream ends the connection: say why, for stderr (the protocol stream is gone).
            if (e.Reason is not (DisconnectedReason.RemotePartyTerminated or DisconnectedReason.LocallyDisposed))
                DisconnectReason = e.Exception is null ? e.Description : $"{e.Description}: {e.Exception.GetBaseException().Message}";
            Context.ServerLifetime.Cancel();
        };
    }

    public LanguageServerContext Context { get; }

    /// <summary>Orders the handlers' work: mutations one at a time in message order, reads in parallel after them.</summary>
    public RequestQueue Requests { get; } = new();

    /// <summary>Why the connection ended when it was not the client closing it (a broken frame, a stream error); else null.</summary>
    public string? DisconnectReason { get; private set; }

    /// <summary>New serializer options as the host's connection has them (for JSON written outside it, and for tests).</summary>
    public static JsonSerializerOptions SerializerOptions()
    {
        var options = new JsonSerializerOptions();
        ConfigureSerializer(options);
        return options;
    }

    public static void ConfigureSerializer(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        // The protocol's JSON is read by the client's JSON.parse, never put into HTML: quotes, '<' and non-ASCII text
        // are written as they are. The default encoder wrote each as a six-character escape (every "table's" and
        // "<= n" in a message), which the client's parser decodes one by one on every publish.
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
    }

    /// <summary>Serves until `exit` or until the client goes away; returns the process exit code.</summary>
    public async Task<int> RunAsync()
    {
        _rpc.StartListening();
        var finished = await Task.WhenAny(Context.State.Exited, _rpc.Completion).ConfigureAwait(false);
        await Context.ServerLifetime.CancelAsync().ConfigureAwait(false);
        if (finished == Context.State.Exited) return await Context.State.Exited.ConfigureAwait(false);
        // The stream closed without `exit`: a clean end only if shutdown was asked for.
        return Context.State.ShutdownRequested ? 0 : 1;
    }

    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await Context.ServerLifetime.CancelAsync().ConfigureAwait(false);
        _rpc.Dispose();
        await Context.Connections.DisposeAsync().ConfigureAwait(false);
    }
}
