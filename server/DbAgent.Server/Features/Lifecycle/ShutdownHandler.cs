using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Lifecycle;

/// <summary>shutdown: stop background work and answer; the process ends on `exit`.</summary>
[LspHandler(mutatesState: true)]
public sealed class ShutdownHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Shutdown)]
    public object? Shutdown()
    {
        context.State.ShutdownRequested = true;
        context.ServerLifetime.Cancel();
        return null;
    }
}
