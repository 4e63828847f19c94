using System.Text;
using System.Text.Json;
using DbAgent.Server.Features.Hover;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Completion;
using DbAgent.Sql.Semantics;
using StreamJsonRpc;

namespace DbAgent.Server.Features.Completion;

/// <summary>
/// completionItem/resolve: what the selected item is, in full: a table's columns and its row estimate (from the
/// statistics cache of the document's connection), a column's type, nullability, default and indexes, a function's
/// signature and what it does. Done per item, when the user moves to it, so the list itself stays cheap.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class CompletionResolveHandler(LanguageServerContext context)
{
    /// <summary>A row estimate not in memory yet is waited for this long; it is then cached for the next item.</summary>
    private static readonly TimeSpan StatisticsWait = TimeSpan.FromMilliseconds(800);

    [JsonRpcMethod(Methods.CompletionResolve, UseSingleObjectParameterDeserialization = true)]
    public async Task<CompletionItem> ResolveAsync(CompletionItem item, CancellationToken cancellationToken)
    {
        if (item.Data is not { ValueKind: JsonValueKind.Object } raw) return item;
        var data = raw.Deserialize<CompletionItemData>();
        if (data?.Uri is null || data.Name is null) return item;
        var snapshot = await context.Documents.GetAsync(data.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return item;
        var markdown = new StringBuilder();

        if (data.Kind == nameof(SqlCompletionKind.Function))
        {
            foreach (var f in BuiltinCatalog.For(snapshot.Dialect).Find(data.Name))
                markdown.Append("```sql\n").Append(f.Signature).Append(" → ").Append(f.Returns).Append("\n```\n").AppendLine(f.Description).AppendLine();
            return markdown.Length == 0 ? item : item with { Documentation = MarkupContent.Markdown(markdown.ToString().TrimEnd()) };
        }

        var schema = await context.DocumentSchemas.GetAsync(snapshot, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var name = new QualifiedName(data.Schema, data.Name);
        var table = schema.Model?.FindTable(name);
        if (data.Column is { } columnName && table?.FindColumn(columnName) is { } column)
        {
            markdown.Append("**column** `").Append(table.Name).Append('.').Append(column.Name).AppendLine("`").AppendLine()
                .Append('`').Append(column.DataType).Append('`').Append(column.Nullable ? ", nullable" : ", not null");
            if (column.IsIdentity) markdown.Append(", identity");
            if (column.Default is { } d) markdown.Append(", default `").Append(d).Append('`');
            markdown.AppendLine();
            var indexes = table.Indexes.Where(i => i.Keys.Any(k => NameComparer.SameName(k.Column, column.Name))).Select(i => $"`{i.Name}`").ToList();
            if (indexes.Count > 0) markdown.AppendLine().Append("Indexed by ").AppendLine(string.Join(", ", indexes));
        }
        else if (table is not null)
        {
            markdown.Append("**table** `").Append(table.Name).AppendLine("`").AppendLine();
            foreach (var c in table.Columns.Take(30))
                markdown.Append("- `").Append(c.Name).Append("` ").Append(c.DataType).AppendLine(c.Nullable ? "" : " not null");
            if (table.Columns.Count > 30) markdown.Append("- … ").Append(table.Columns.Count - 30).AppendLine(" more");
        }
        else if (schema.Model?.FindView(name) is { } view)
        {
            markdown.Append("**").Append(view.Materialized ? "materialized view" : "view").Append("** `").Append(view.Name).AppendLine("`");
            if (view.Columns.Count > 0) markdown.AppendLine().AppendLine(string.Join(", ", view.Columns.Select(c => $"`{c}`")));
        }
        if (markdown.Length == 0) return item;

        var rows = await RowEstimateAsync(data.Uri, table?.Name ?? name, cancellationToken).ConfigureAwait(false);
        markdown.AppendLine().AppendLine(rows);
        if (schema.Source is { } source) markdown.AppendLine().Append("_Schema from ").Append(source).AppendLine("._");
        var detail = item.Detail;
        if (rows.StartsWith('~') && item.Kind == CompletionItemKind.Struct) detail = $"{item.Detail} · {rows.Split(' ')[0]} rows";
        return item with { Documentation = MarkupContent.Markdown(markdown.ToString().TrimEnd()), Detail = detail };
    }

    private async Task<string> RowEstimateAsync(string uri, QualifiedName table, CancellationToken cancellationToken)
    {
        if (context.Connections.For(uri) is not { } target) return "_Row estimate: needs a connection (`dbagent.connections`)._";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatisticsWait);
        try
        {
            var stats = await context.Statistics.TableAsync(target.Name, table, timeout.Token).ConfigureAwait(false);
            if (stats.Value?.EstimatedRows is { } estimate) return $"~{StatisticsHover.Count(estimate)} rows (estimate from `{target.Name}`)";
            return $"_No row estimate from `{target.Name}`{(stats.Failure is { } f ? ": " + f.Message.TrimEnd('.') : "")}._";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"_Row estimate from `{target.Name}`: still reading._";
        }
    }
}
