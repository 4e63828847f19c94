using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace DbAgent.Server.Host;

/// <summary>
/// JSON-RPC with LSP's lifecycle rules: before `initialize` a request is answered with ServerNotInitialized (-32002)
/// and after `shutdown` with InvalidRequest (-32600), without running its handler. Notifications then are dropped
/// (the error built for them is never sent), except `exit`.
/// </summary>
internal sealed class LspJsonRpc(IJsonRpcMessageHandler handler, ServerState state) : JsonRpc(handler)
{
    private readonly IJsonRpcMessageHandler _handler = handler;

    protected override ValueTask<JsonRpcMessage> DispatchRequestAsync(JsonRpcRequest request, TargetMethod targetMethod, CancellationToken cancellationToken)
    {
        var method = request.Method;
        if (state.InitializeParams is null && method is not (Methods.Initialize or Methods.Exit))
            return new(Refuse(request, Protocol.LspErrorCodes.ServerNotInitialized, "The server is not initialized yet: send initialize first."));
        if (state.ShutdownRequested && method is not Methods.Exit)
            return new(Refuse(request, Protocol.LspErrorCodes.InvalidRequest, "The server is shutting down: only exit is accepted."));
        return base.DispatchRequestAsync(request, targetMethod, cancellationToken);
    }

    private JsonRpcError Refuse(JsonRpcRequest request, int code, string message)
    {
        var error = _handler.Formatter is IJsonRpcMessageFactory factory ? factory.CreateErrorMessage() : new JsonRpcError();
        error.RequestId = request.RequestId;
        error.Error = new JsonRpcError.ErrorDetail { Code = (JsonRpcErrorCode)code, Message = message };
        return error;
    }
}
