using System.Text;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Documents;
using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;
using StreamJsonRpc;
using HoverResult = DbAgent.Server.Protocol.Hover;

namespace DbAgent.Server.Features.Hover;

/// <summary>
/// textDocument/hover: on a table or column, what the schema model knows of it; on a finding's range, the finding
/// and why it matters. Answers from the document snapshot that includes every edit sent before the request.
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
            if (model.Columns.FirstOrDefault(c => c.Span.ContainsOrTouches(offset)) is { } column)
            {
                DescribeColumn(markdown, snapshot, column);
                range = column.Span;
            }
            else if (model.Relations.FirstOrDefault(r => r.Span.ContainsOrTouches(offset)) is { } relation)
            {
                DescribeRelation(markdown, snapshot, relation);
                range = relation.Span;
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        var findings = FindingsAt(snapshot, offset, cancellationToken);
        foreach (var finding in findings)
        {
            if (markdown.Length > 0) markdown.AppendLine().AppendLine("---").AppendLine();
            var rule = RuleCatalog.Find(finding.RuleId);
            markdown.Append("**").Append(rule?.Title ?? finding.RuleId).Append("** `").Append(finding.RuleId).Append("` (")
                .Append(finding.Severity.ToString().ToLowerInvariant()).Append("): ").AppendLine(finding.Message);
            // The rule's one-line why, when the finding's own message does not already say it.
            if (rule is not null && rule.Message != finding.Message) markdown.AppendLine().Append("_").Append(rule.Message).AppendLine("_");
            if (!string.IsNullOrWhiteSpace(finding.Detail)) markdown.AppendLine().AppendLine(finding.Detail);
            range ??= finding.Span;
        }

        if (markdown.Length == 0) return null;
        return new HoverResult(MarkupContent.Markdown(markdown.ToString().TrimEnd()), range is { } r ? snapshot.Text.ToRange(r) : null);
    }

    private IReadOnlyList<DbAgent.Analysis.Findings.Finding> FindingsAt(DocumentSnapshot snapshot, int offset, CancellationToken cancellationToken)
    {
        var published = context.Diagnostics.LastPublished(snapshot.Uri);
        var findings = published?.Version == snapshot.Version ? published.Findings : context.Diagnostics.Analyze(snapshot, cancellationToken);
        return findings.Where(f => f.Span.ContainsOrTouches(offset)).ToList();
    }

    private static void DescribeRelation(StringBuilder markdown, DocumentSnapshot snapshot, RelationReference relation)
    {
        var kind = relation.IsCommonTableExpression ? "CTE" : "table";
        markdown.Append("**").Append(kind).Append("** `").Append(relation.Name).Append('`');
        if (relation.Alias is { Length: > 0 } alias) markdown.Append(" as `").Append(alias).Append('`');
        markdown.AppendLine();
        if (relation.IsCommonTableExpression) return;

        var definition = FindDefinition(snapshot, relation.Name);
        if (definition is not null)
        {
            markdown.AppendLine();
            markdown.AppendLine("| column | type | null |").AppendLine("|---|---|---|");
            foreach (var column in definition.Columns)
                markdown.Append("| ").Append(column.Name).Append(" | ").Append(column.DataType).Append(" | ")
                    .Append(column.IsPrimaryKey || column.Nullable == false ? "not null" : "null").AppendLine(" |");
            var indexes = IndexesOf(snapshot, relation.Name);
            if (indexes.Count > 0)
            {
                markdown.AppendLine().Append("Indexes: ");
                markdown.AppendLine(string.Join(", ", indexes.Select(i => $"`{i.Name ?? "(unnamed)"}` ({string.Join(", ", i.Keys)})")));
            }
            markdown.AppendLine().AppendLine("_Defined in this file._");
        }
        markdown.AppendLine().AppendLine("_Statistics (rows, sizes, scans) need a connection: add one in `dbagent.connections`._");
    }

    private static void DescribeColumn(StringBuilder markdown, DocumentSnapshot snapshot, ColumnReference column)
    {
        markdown.Append("**column** `");
        if (column.Relation is { } owner) markdown.Append(owner.Name).Append('.');
        else if (column.Qualifier is { Length: > 0 } qualifier) markdown.Append(qualifier).Append('.');
        markdown.Append(column.Name).AppendLine("`");
        if (column.Relation is { } relation && FindDefinition(snapshot, relation.Name)?.Columns
                .FirstOrDefault(c => NameComparer.SameName(c.Name, column.Name)) is { } definition)
        {
            markdown.AppendLine().Append("Type `").Append(definition.DataType).Append('`')
                .Append(definition.IsPrimaryKey || definition.Nullable == false ? ", not null" : ", nullable");
            if (definition.Default is { } d) markdown.Append(", default `").Append(d).Append('`');
            markdown.AppendLine(".");
        }
        markdown.AppendLine().AppendLine("_Null fraction, distinct values and most common values need a connection._");
    }

    /// <summary>The CREATE TABLE of this document for a name, if the document has one.</summary>
    private static CreateTableAction? FindDefinition(DocumentSnapshot snapshot, QualifiedName name) =>
        snapshot.Script.Statements.SelectMany(s => s.Model.Ddl).OfType<CreateTableAction>()
            .LastOrDefault(t => NameComparer.SameObject(t.Table, name));

    private static List<IndexDefinition> IndexesOf(DocumentSnapshot snapshot, QualifiedName table) =>
        snapshot.Script.Statements.SelectMany(s => s.Model.Ddl).OfType<CreateIndexAction>()
            .Select(a => a.Index).Where(i => NameComparer.SameObject(i.Table, table)).ToList();
}
