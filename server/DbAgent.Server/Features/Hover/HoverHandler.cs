using System.Text;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
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
                await StatisticsAsync(markdown, snapshot, statement.Model, column, relation, cancellationToken).ConfigureAwait(false);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        foreach (var finding in FindingsAt(snapshot, offset, cancellationToken))
        {
            if (markdown.Length > 0) markdown.AppendLine().AppendLine("---").AppendLine();
            DescribeFinding(markdown, finding);
            range ??= finding.Span;
        }

        if (markdown.Length == 0) return null;
        return new HoverResult(MarkupContent.Markdown(markdown.ToString().TrimEnd()), range is { } r ? snapshot.Text.ToRange(r) : null);
    }

    /// <summary>A hover must come back quickly even when the database does not: past this, it answers without statistics.</summary>
    private static readonly TimeSpan StatisticsTimeout = TimeSpan.FromSeconds(3);

    /// <summary>The table's or column's statistics from the document's database, or why there are none.</summary>
    private async Task StatisticsAsync(StringBuilder markdown, DocumentSnapshot snapshot, StatementModel statement, ColumnReference? column,
        RelationReference? relation, CancellationToken cancellationToken)
    {
        if (context.Connections.For(snapshot.Uri) is not { } target)
        {
            ObjectHover.StatisticsNeedConnection(markdown, column is not null);
            return;
        }
        var table = column is not null ? (column.Relation ?? ObjectHover.SoleRelation(statement))?.Name : relation?.IsCommonTableExpression == false ? relation.Name : null;
        if (table is null) return;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatisticsTimeout);
        try
        {
            if (column is not null)
            {
                var result = await context.Connections.Manager.UseAsync(target.Name, (s, ct) => s.GetColumnStatsAsync(table, column.Name, ct), timeout.Token).ConfigureAwait(false);
                if (result.Value is { } stats) StatisticsHover.DescribeColumn(markdown, stats, target.Name);
                else Unavailable(markdown, target.Name, result.Failure?.Message);
            }
            else
            {
                var result = await context.Connections.Manager.UseAsync(target.Name, (s, ct) => s.GetTableStatsAsync(table, ct), timeout.Token).ConfigureAwait(false);
                if (result.Value is { } stats) StatisticsHover.DescribeTable(markdown, stats, target.Name, DateTimeOffset.UtcNow);
                else Unavailable(markdown, target.Name, result.Failure?.Message ?? $"`{table}` is not in its catalog");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Unavailable(markdown, target.Name, $"it did not answer within {StatisticsTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>The catalog of the document's database (cached by the connection layer); null without one or when it fails.</summary>
    private async Task<(SchemaModel?, string?)?> LiveCatalogAsync(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (context.Connections.For(snapshot.Uri) is not { } target) return null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StatisticsTimeout);
        try
        {
            var result = await context.Connections.Manager.GetSchemaAsync(target.Name, refresh: false, timeout.Token).ConfigureAwait(false);
            return result.Value is { } schema ? (schema, $"the live catalog of `{target.Name}`") : null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
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

    private IReadOnlyList<Finding> FindingsAt(DocumentSnapshot snapshot, int offset, CancellationToken cancellationToken)
    {
        var published = context.Diagnostics.LastPublished(snapshot.Uri);
        var findings = published?.Version == snapshot.Version ? published.Findings : context.Diagnostics.Analyze(snapshot, cancellationToken);
        return findings.Where(f => f.Span.ContainsOrTouches(offset)).ToList();
    }

    /// <summary>
    /// The workspace schema with this document's own DDL replayed on a copy (a migration being written, or a script
    /// that creates what it queries). A migration the workspace already replayed is not applied twice.
    /// </summary>
    private async Task<(SchemaModel? Model, string? Source)> SchemaForAsync(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (await LiveCatalogAsync(snapshot, cancellationToken).ConfigureAwait(false) is { } live) return live;
        var workspace = await context.Schema.GetAsync(cancellationToken).ConfigureAwait(false);
        var hasDdl = snapshot.Script.Statements.Any(s => s.Model.Ddl.Count > 0);
        if (workspace is not null && (!hasDdl || workspace.MigrationUris.Contains(snapshot.Uri))) return (workspace.Schema, workspace.Source);
        if (!hasDdl) return (null, null);
        var schema = workspace?.Schema.Clone() ?? new SchemaModel(snapshot.Dialect);
        try
        {
            SchemaReplayer.Replay(snapshot.Script, schema, snapshot.Uri);
        }
        catch (Exception e)
        {
            context.Log.Warning($"Replaying the DDL of {snapshot.Uri} for a hover failed: {e.GetType().Name}: {e.Message}");
        }
        return (schema, workspace is null ? "this file" : $"{workspace.Source} and this file");
    }
}
