using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didChange: incremental edits, applied in order by the store's single writer.</summary>
public sealed class DidChangeHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidChange, UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams parameters) =>
        _ = context.Documents.Change(parameters.TextDocument, parameters.ContentChanges);
}
