using System.Text;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Navigation;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;
using StreamJsonRpc;
using HoverResult = DbAgent.Server.Protocol.Hover;

namespace DbAgent.Server.Features.Hover;

/// <summary>
/// textDocument/hover: on a table or column, what the schema model knows of it (the workspace's migrations, plus the
/// DDL of the document itself); on a finding's range, the finding and why it matters. Answers from the snapshot that
/// includes every edit sent before the request.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class HoverHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.Hover, UseSingleObjectParameterDeserialization = true)]
    public async Task<HoverResult?> HoverAsync(TextDocumentPositionParams parameters, CancellationToken cancellationToken)
    {
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var offset = snapshot.Text.ToOffset(parameters.Position);
        var markdown = new StringBuilder();
        TextSpan? range = null;

        var statement = snapshot.Script.StatementAt(offset);
        if (statement is not null)
        {
            var model = statement.Model;
            var column = model.Columns.FirstOrDefault(c => c.Span.ContainsOrTouches(offset));
            var relation = column is null ? model.Relations.FirstOrDefault(r => r.Span.ContainsOrTouches(offset)) : null;
            // On an alias or a CTE name (o in o.total), the relation it stands for: what go-to-definition and
            // highlights take the name to mean.
            if (SqlSymbol.At(snapshot.Script.Tokens, snapshot.Text, snapshot.Dialect, offset, null) is { Kind: SqlSymbolKind.Alias or SqlSymbolKind.Cte } symbol)
            {
                var named = symbol.Kind == SqlSymbolKind.Alias
                    ? model.Relations.FirstOrDefault(r => NameComparer.SameName(r.Alias, symbol.Relation?.Alias))
                    : model.Relations.FirstOrDefault(r => r.IsCommonTableExpression && NameComparer.SameName(r.Name.Name, symbol.Cte?.Name));
                if (named is not null)
                {
                    column = null;
                    relation = named with { Span = symbol.Span };
                }
            }
            if (column is not null || relation is not null)
            {
                var schema = await SchemaForAsync(snapshot, cancellationToken).ConfigureAwait(false);
                if (column is not null)
                {
                    ObjectHover.DescribeColumn(markdown, schema.Model, model, column);
                    range = column.Span;
                }
                else
                {
                    ObjectHover.DescribeRelation(markdown, schema.Model, relation!, schema.Source);
                    range = relation!.Span;
                }
                var indexesListed = column is null && schema.Model?.FindTable(relation!.Name)?.Indexes.Count > 0;
                await StatisticsAsync(markdown, snapshot, statement.Model, column, relation, indexesListed, cancellationToken).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var finding in FindingsAt(snapshot, offset, cancellationToken))
        {
            if (markdown.Length > 0) markdown.AppendLine().AppendLine("---").AppendLine();
            DescribeFinding(markdown, finding);
            if (finding.RuleId.StartsWith("plan-", StringComparison.Ordinal)) ShowPlanLink(markdown, snapshot, finding);
            range ??= finding.Span;
        }

        if (markdown.Length == 0) return null;
        return new HoverResult(MarkupContent.Markdown(markdown.ToString().TrimEnd()), range is { } r ? snapshot.Text.ToRange(r) : null);
    }

    /// <summary>A hover must come back quickly even when the database does not: past this, it answers without statistics.</summary>
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The table's or column's statistics from the document's database, or why there are none.</summary>
    private async Task StatisticsAsync(StringBuilder markdown, DocumentSnapshot snapshot, StatementModel statement, ColumnReference? column,
        RelationReference? relation, bool indexesListed, CancellationToken cancellationToken)
    {
        if (context.Connections.For(snapshot.Uri) is not { } target)
        {
            ObjectHover.StatisticsNeedConnection(markdown, column is not null);
            return;
        }
        var table = column is not null ? (column.Relation ?? ObjectHover.SoleRelation(statement))?.Name : relation?.IsCommonTableExpression == false ? relation.Name : null;
        if (table is null) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var budget = context.Statistics.HoverBudget;
        if (budget <= TimeSpan.Zero) await timeout.CancelAsync().ConfigureAwait(false); // only what is in memory
        else timeout.CancelAfter(budget);
        try
        {
            if (column is not null)
            {
                var result = await context.Statistics.ColumnAsync(target.Name, table, column.Name, timeout.Token).ConfigureAwait(false);
                if (result.Value is { } stats) StatisticsHover.DescribeColumn(markdown, stats, target.Name);
                else Unavailable(markdown, target.Name, result.Failure?.Message);
            }
            else
            {
                var result = await context.Statistics.TableAsync(target.Name, table, timeout.Token).ConfigureAwait(false);
                if (result.Value is { } stats) StatisticsHover.DescribeTable(markdown, stats, target.Name, DateTimeOffset.UtcNow, indexesListed);
                else Unavailable(markdown, target.Name, result.Failure?.Message ?? $"`{table}` is not in its catalog");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            markdown.AppendLine().Append("_Statistics from `").Append(target.Name).AppendLine("` are being read in the background: hover again in a moment._");
        }
    }

    private static void Unavailable(StringBuilder markdown, string connection, string? why) =>
        markdown.AppendLine().Append("_No statistics from `").Append(connection).Append('`').Append(why is null ? "" : ": " + why.TrimEnd('.')).AppendLine("._");

    private static void DescribeFinding(StringBuilder markdown, Finding finding)
    {
        var rule = RuleCatalog.Find(finding.RuleId);
        markdown.Append("**").Append(rule?.Title ?? finding.RuleId).Append("** `").Append(finding.RuleId).Append("` (")
            .Append(finding.Severity.ToString().ToLowerInvariant()).Append("): ").AppendLine(finding.Message);
        // The rule's one-line why, when the finding's own message does not already say it.
        if (rule is not null && rule.Message != finding.Message) markdown.AppendLine().Append('_').Append(rule.Message).AppendLine("_");
        if (!string.IsNullOrWhiteSpace(finding.Detail)) markdown.AppendLine().AppendLine(finding.Detail);
    }

    /// <summary>The command the extension opens the plan view with (declared in package.json; the hover is trusted for it alone).</summary>
    public const string ShowPlanCommand = "dbagent.showPlan";

    /// <summary>
    /// A link that opens the plan view on this statement with the finding's node marked: the same arguments as the
    /// "Show plan" code lens (document, position, table). The extension trusts hovers for this one command only.
    /// </summary>
    private static void ShowPlanLink(StringBuilder markdown, DocumentSnapshot snapshot, Finding finding)
    {
        var start = snapshot.Text.ToRange(finding.Span).Start;
        var table = finding.Data.TryGetValue("table", out var t) ? t.Split('.')[^1] : null;
        var arguments = System.Text.Json.JsonSerializer.Serialize(new object?[] { snapshot.Uri, start.Line, start.Character, table });
        markdown.AppendLine().Append("[Show plan](command:").Append(ShowPlanCommand).Append('?')
            .Append(Uri.EscapeDataString(arguments)).AppendLine(" \"Open the plan view with this node marked\")");
    }

    private IReadOnlyList<Finding> FindingsAt(DocumentSnapshot snapshot, int offset, CancellationToken cancellationToken)
    {
        var published = context.Diagnostics.LastPublished(snapshot.Uri);
        var findings = published?.Version == snapshot.Version ? published.Findings : context.Diagnostics.Analyze(snapshot, cancellationToken);
        return findings.Where(f => f.Span.ContainsOrTouches(offset)).ToList();
    }

    private async Task<(SchemaModel? Model, string? Source)> SchemaForAsync(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        // The catalog read is not bound to this wait: it goes on in the background and the next hover finds it.
        var schema = await context.DocumentSchemas.GetAsync(snapshot, StatisticsTimeout, cancellationToken).ConfigureAwait(false);
        return (schema.Model, schema.Source);
    }
}
