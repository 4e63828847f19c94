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
                ObjectHover.StatisticsNeedConnection(markdown, column is not null);
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
