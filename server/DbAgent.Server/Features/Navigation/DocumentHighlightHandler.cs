using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Navigation;

/// <summary>textDocument/documentHighlight: an alias or CTE (or a table or column) and its uses within the statement; the definition marked as written.</summary>
[LspHandler(mutatesState: false)]
public sealed class DocumentHighlightHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.DocumentHighlight, UseSingleObjectParameterDeserialization = true)]
    public async Task<DocumentHighlight[]?> HighlightAsync(TextDocumentPositionParams parameters, CancellationToken cancellationToken)
    {
        if (await SymbolLookup.AtAsync(context, parameters.TextDocument, parameters.Position, cancellationToken).ConfigureAwait(false) is not { Symbol: { } symbol } found)
            return null;
        return symbol.OccurrencesInStatement(found.Schema.Model)
            .OrderBy(o => o.Span.Start)
            .Select(o => new DocumentHighlight(found.Snapshot.Text.ToRange(o.Span), o.Definition ? DocumentHighlightKind.Write : DocumentHighlightKind.Read))
            .ToArray();
    }
}
