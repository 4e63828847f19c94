using System.Collections.Concurrent;
using System.Reflection;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace DbAgent.Server.Host;

/// <summary>
/// JSON-RPC with LSP's lifecycle rules and one <see cref="RequestQueue"/>. Before `initialize` a request is answered
/// with ServerNotInitialized (-32002) and after `shutdown` with InvalidRequest (-32600), without running its handler;
/// notifications then are dropped (the error built for them is never sent), except `exit`. Every other message goes
/// through the queue as its handler's <see cref="LspHandlerAttribute"/> says: StreamJsonRpc calls this method on the
/// connection's reader, one message at a time in arrival order, so the queue sees the client's order.
/// </summary>
internal sealed class LspJsonRpc(IJsonRpcMessageHandler handler, ServerState state, RequestQueue queue) : JsonRpc(handler)
{
    private readonly IJsonRpcMessageHandler _handler = handler;
    private static readonly ConcurrentDictionary<Type, bool> Mutates = new();

    /// <summary>Whether a handler class mutates server state; one without the attribute is taken to (never wrong, only slower).</summary>
    public static bool MutatesState(Type handler) =>
        Mutates.GetOrAdd(handler, static t => t.GetCustomAttribute<LspHandlerAttribute>()?.MutatesState ?? true);

    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (state.InitializeParams is null && method is not (Methods.Initialize or Methods.Exit))
            return new(Refuse(request, Protocol.LspErrorCodes.ServerNotInitialized, "The server is not initialized yet: send initialize first."));
        if (state.ShutdownRequested && method is not Methods.Exit)
            return new(Refuse(request, Protocol.LspErrorCodes.InvalidRequest, "The server is shutting down: only exit is accepted."));
        var type = targetMethod.TargetMethodInfo?.DeclaringType;
        // StreamJsonRpc's own methods ($/cancelRequest) act at once: queued, a cancellation would wait for what it cancels.
        if (type is null || type.Assembly != typeof(LspJsonRpc).Assembly)
            return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
        if (!MutatesState(type))
            return new(ReadAsync(request, targetMethod, cancellationToken));
        return new(queue.EnqueueMutationAsync(() => base.DispatchRequestAsync(request, targetMethod, cancellationToken).AsTask()));
    }

    private async Task<JsonRpcMessage> ReadAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        try
        {
            return await queue.EnqueueReadAsync(() => base.DispatchRequestAsync(request, targetMethod, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled while it waited for earlier edits: the handler never ran.
            return Refuse(request, Protocol.LspErrorCodes.RequestCancelled, "The request was cancelled.");
        }
    }

    private JsonRpcError Refuse(JsonRpcRequest request, int code, string message)
    {
        var error = _handler.Formatter is IJsonRpcMessageFactory factory ? factory.CreateErrorMessage() : new JsonRpcError();
        error.RequestId = request.RequestId;
        error.Error = new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)code, Message = message };
        return error;
    }
}
