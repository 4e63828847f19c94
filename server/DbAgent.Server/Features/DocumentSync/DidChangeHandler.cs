using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.DocumentSync;

/// <summary>textDocument/didChange: incremental edits, applied in order (a mutation: the request queue runs it after the messages before it).</summary>
[LspHandler(mutatesState: true)]
public sealed class DidChangeHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DidChange, UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams parameters) =>
        context.Documents.Change(parameters.TextDocument, parameters.ContentChanges);
}
