using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Navigation;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Navigation;

/// <summary>
/// textDocument/definition: a table goes to the migration statement that created it (and the one that last altered
/// it), a column to where it was declared or added, an alias or a CTE to where its statement defines it.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class DefinitionHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Definition, UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]?> DefinitionAsync(TextDocumentPositionParams parameters, CancellationToken cancellationToken)
    {
        if (await SymbolLookup.AtAsync(context, parameters.TextDocument, parameters.Position, cancellationToken).ConfigureAwait(false) is not { Symbol: { } symbol } found)
            return null;
        var (snapshot, _, schema) = found;
        switch (symbol.Kind)
        {
            case SqlSymbolKind.Cte when symbol.Cte is { } cte:
                return [new Location(snapshot.Uri, snapshot.Text.ToRange(cte.NameSpan))];
            case SqlSymbolKind.Alias when symbol.Relation is { AliasSpan: { } alias } relation:
                // On the alias where it is defined: go on to its table.
                if (alias != symbol.Span || symbol.Table is null) return [new Location(snapshot.Uri, snapshot.Text.ToRange(alias))];
                break;
        }
        var model = await SymbolLookup.WithOriginsAsync(context, schema, cancellationToken).ConfigureAwait(false);
        if (symbol.Table is null || model?.FindTable(symbol.Table) is not { } table) return null;
        if (symbol.Kind == SqlSymbolKind.Column)
        {
            var column = symbol.Column is null ? null : table.FindColumn(symbol.Column);
            return SymbolLookup.ToLocation(context.SqlFiles, column?.Origin) is { } at ? [at] : null;
        }
        var locations = new List<Location>();
        if (SymbolLookup.ToLocation(context.SqlFiles, table.Origin) is { } created) locations.Add(created);
        if (SymbolLookup.ToLocation(context.SqlFiles, table.Altered) is { } altered && !locations.Contains(altered)) locations.Add(altered);
        return locations.Count > 0 ? [.. locations] : null;
    }
}
