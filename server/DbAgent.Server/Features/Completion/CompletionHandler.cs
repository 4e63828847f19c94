using System.Text.Json;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Completion;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Completion;

/// <summary>
/// textDocument/completion: names from the one schema model the document sees (the live catalog when connected and
/// loaded, else the workspace's replayed migrations, with the document's own DDL), built-in functions and keywords
/// of its dialect, chosen by the position (<see cref="SqlCompletion"/>). Never waits long for a catalog: until it is
/// loaded the list comes from the migrations and says it is incomplete, so the editor asks again.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class CompletionHandler(LanguageServerContext context)
{
    /// <summary>The longest a first completion waits for a connection's catalog; the read goes on in the background.</summary>
    public static readonly TimeSpan CatalogWait = TimeSpan.FromSeconds(1);

    /// <summary>Positions where a space alone should open the list: a name is required next.</summary>
    private static readonly HashSet<CompletionPosition> AfterSpace =
    [
        CompletionPosition.Relation, CompletionPosition.JoinOn, CompletionPosition.SetColumns, CompletionPosition.ColumnType,
        CompletionPosition.Type, CompletionPosition.IndexName, CompletionPosition.ConstraintName, CompletionPosition.TableColumns,
    ];

    [JsonRpcMethod(Methods.Completion, UseSingleObjectParameterDeserialization = true)]
    public async Task<CompletionList?> CompleteAsync(CompletionParams parameters, CancellationToken cancellationToken)
    {
        // The user waits for this list as they type: the keystroke's analysis runs after it, not beside it.
        using var aside = context.Diagnostics.StepAside();
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var offset = snapshot.Text.ToOffset(parameters.Position);
        var schema = await context.DocumentSchemas.GetAsync(snapshot, CatalogWait, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var result = SqlCompletion.Complete(snapshot.Script.Tokens, snapshot.Text, snapshot.Dialect, offset, schema.Model);
        if (parameters.Context is { TriggerKind: 2, TriggerCharacter: " " } && !AfterSpace.Contains(result.Position))
            return new CompletionList(false, []);
        var range = snapshot.Text.ToRange(result.Replace);
        var items = result.Items.Select(i => ToLsp(i, range, snapshot.Uri)).ToList();
        return new CompletionList(result.Incomplete || !schema.Complete, items);
    }

    private static CompletionItem ToLsp(SqlCompletionItem item, Protocol.Range range, string uri)
    {
        var insert = item.InsertText ?? item.Label;
        var dot = item.Label.LastIndexOf('.');
        return new CompletionItem
        {
            Label = item.Label,
            Kind = KindOf(item.Kind),
            Detail = item.Detail,
            SortText = item.SortText,
            // "o.id" is found by typing "id"; a join condition by its first column.
            FilterText = item.Kind == SqlCompletionKind.Column && dot > 0 ? item.Label[(dot + 1)..] : null,
            TextEdit = new TextEdit(range, insert),
            Data = item.Object is null && item.Kind != SqlCompletionKind.Function ? null : JsonSerializer.SerializeToElement(new CompletionItemData
            {
                Uri = uri,
                Kind = item.Kind.ToString(),
                Schema = item.Object?.Schema,
                Name = item.Object?.Name ?? item.Label,
                Column = item.Column,
            }),
        };
    }

    public static int KindOf(SqlCompletionKind kind) => kind switch
    {
        SqlCompletionKind.Table => CompletionItemKind.Struct,
        SqlCompletionKind.View => CompletionItemKind.Interface,
        SqlCompletionKind.Column => CompletionItemKind.Field,
        SqlCompletionKind.Cte or SqlCompletionKind.Alias => CompletionItemKind.Variable,
        SqlCompletionKind.Schema => CompletionItemKind.Module,
        SqlCompletionKind.Function => CompletionItemKind.Function,
        SqlCompletionKind.Type => CompletionItemKind.TypeParameter,
        SqlCompletionKind.JoinCondition => CompletionItemKind.Snippet,
        SqlCompletionKind.Index => CompletionItemKind.Property,
        SqlCompletionKind.Constraint => CompletionItemKind.Constant,
        _ => CompletionItemKind.Keyword,
    };
}
