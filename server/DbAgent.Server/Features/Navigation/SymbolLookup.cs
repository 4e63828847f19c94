using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Server.Workspace;
using DbAgent.Sql.Navigation;
using DbAgent.Sql.Schema;

namespace DbAgent.Server.Features.Navigation;

/// <summary>What definition, references and highlights share: the symbol at a position and where schema objects were written.</summary>
internal static class SymbolLookup
{
    public static async Task<(DocumentSnapshot Snapshot, SqlSymbol? Symbol, DocumentSchema Schema)?> AtAsync(LanguageServerContext context, TextDocumentIdentifier document, Position position, CancellationToken cancellationToken)
    {
        var snapshot = await context.Documents.GetAsync(document.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var schema = await context.DocumentSchemas.GetAsync(snapshot, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var offset = snapshot.Text.ToOffset(position);
        var symbol = SqlSymbol.At(snapshot.Script.Tokens, snapshot.Text, snapshot.Dialect, offset, schema.Model);
        return (snapshot, symbol, schema);
    }

    /// <summary>
    /// The schema that knows where things were written: the document's (its own DDL over the migrations), or, when it
    /// is the live catalog (which has no source), the workspace's replayed migrations.
    /// </summary>
    public static async Task<SchemaModel?> WithOriginsAsync(LanguageServerContext context, DocumentSchema schema, CancellationToken cancellationToken)
    {
        if (!schema.Live) return schema.Model;
        return (await context.Schema.GetAsync(cancellationToken).ConfigureAwait(false))?.Schema;
    }

    public static Location? ToLocation(WorkspaceSqlFiles files, SchemaOrigin? origin)
    {
        if (origin?.DocumentUri is not { } uri) return null;
        var text = files.TextOf(uri);
        if (text is null || origin.Span.End > text.Length) return null;
        return new Location(uri, text.ToRange(origin.Span));
    }
}
