using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didSave: the text is already known from the edits; a save re-runs the document's analysis.</summary>
public sealed class DidSaveHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidSave, UseSingleObjectParameterDeserialization = true)]
    public void DidSave(DidSaveTextDocumentParams parameters) =>
        context.Diagnostics.Schedule(parameters.TextDocument.Uri);
}
