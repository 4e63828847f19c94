using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didClose: the document leaves the store and its diagnostics are cleared.</summary>
[LspHandler(mutatesState: true)]
public sealed class DidCloseHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidClose, UseSingleObjectParameterDeserialization = true)]
    public void DidClose(DidCloseTextDocumentParams parameters)
    {
        context.Documents.Close(parameters.TextDocument.Uri);
        context.Configuration.Forget(parameters.TextDocument.Uri);
    }
}
