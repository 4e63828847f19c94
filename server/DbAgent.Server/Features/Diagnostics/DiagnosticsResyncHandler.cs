using DbAgent.Server.Features.Custom;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>`dbagent/diagnosticsResync`: the client's diagnostics of a document lost step with the splices; the next go whole.</summary>
[LspHandler(mutatesState: true)]
public sealed class DiagnosticsResyncHandler(LanguageServerContext context)
{
    [JsonRpcMethod(CustomMethods.DiagnosticsResync, UseSingleObjectParameterDeserialization = true)]
    public void Resync(DiagnosticsResyncParams parameters) => context.Diagnostics.Resync(parameters.Uri);
}
