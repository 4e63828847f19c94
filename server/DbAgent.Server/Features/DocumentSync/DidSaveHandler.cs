using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>
/// textDocument/didSave: the text is already known from the edits; a save re-runs the document's analysis and its
/// plans (which run on open and save only), and for a migration rebuilds the workspace schema.
/// </summary>
[LspHandler(mutatesState: true)]
public sealed class DidSaveHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidSave, UseSingleObjectParameterDeserialization = true)]
    public void DidSave(DidSaveTextDocumentParams parameters)
    {
        context.Schema.OnSaved(parameters.TextDocument.Uri);
        context.Diagnostics.Schedule(parameters.TextDocument.Uri);
        context.Plans.Request(parameters.TextDocument.Uri);
    }
}
