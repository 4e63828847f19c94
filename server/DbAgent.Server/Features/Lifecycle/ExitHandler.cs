using DbAgent.Server.Host;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Lifecycle;

/// <summary>exit: ends the host (exit code 0 after shutdown, 1 without, as the spec says).</summary>
[LspHandler(mutatesState: true)]
public sealed class ExitHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Exit)]
    public void Exit() => context.State.Exit();
}
