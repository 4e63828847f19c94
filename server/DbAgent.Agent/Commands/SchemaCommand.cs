using System.Text;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Advisor;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>/schema: the schema model (from migrations or the live catalog) and design remarks on it.</summary>
public sealed class SchemaCommand : IChatCommand
{
    private const int DetailedTables = 25;

    public string Name => "schema";
    public string Description => "describe the schema and its design issues";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Schema is not { } schema || (schema.Tables.Count == 0 && schema.Views.Count == 0))
        {
            await response.MarkdownAsync("## Schema\n\nI do not know the schema yet. It comes from the migrations in the workspace (the DDL is replayed in order) " +
                "or from the live catalog of a connection. No migration with CREATE TABLE was found, and " +
                (context.Session is null ? "there is no connection.\n\n" + Guidance.ConnectionNeeded(context, "Reading the live catalog") : "the connected database has no tables.\n"));
            return Followups.Of("review", "migrations");
        }

        await response.MarkdownAsync($"## Schema ({EngineNames.DisplayName(schema.Dialect)}{(context.SchemaSource is null ? "" : $", from {context.SchemaSource}")})\n\n" +
            $"{schema.Tables.Count} table{(schema.Tables.Count == 1 ? "" : "s")}" +
            (schema.Views.Count > 0 ? $", {schema.Views.Count} view{(schema.Views.Count == 1 ? "" : "s")}" : "") +
            (schema.Enums.Count > 0 ? $", {schema.Enums.Count} enum{(schema.Enums.Count == 1 ? "" : "s")}" : "") + ".\n\n");

        // Tables the active document uses come first: they are what the user is looking at.
        var used = context.Document?.Script.Statements.SelectMany(s => s.Model.Relations).Select(r => r.Name).ToList() ?? [];
        var ordered = schema.Tables.OrderByDescending(t => used.Any(u => NameComparer.SameObject(u, t.Name))).ThenBy(t => t.Name.ToString(), StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var table in ordered.Take(DetailedTables))
        {
            response.CancellationToken.ThrowIfCancellationRequested();
            await response.MarkdownAsync(DescribeTable(table));
            if (table.Origin?.DocumentUri is { } uri && context.Document is { } doc && uri == doc.Uri)
                await response.ReferenceAsync(uri, doc.RangeOf(table.Origin.Span));
            else if (table.Origin?.DocumentUri is { } other)
                await response.ReferenceAsync(other, null);
            await response.MarkdownAsync("\n");
        }
        if (ordered.Count > DetailedTables)
            await response.MarkdownAsync($"...and {ordered.Count - DetailedTables} more: {string.Join(", ", ordered.Skip(DetailedTables).Take(100).Select(t => $"`{t.Name}`"))}.\n\n");
        foreach (var e in schema.Enums.Take(20))
            await response.MarkdownAsync($"- enum `{e.Name}`: {string.Join(", ", e.Values.Select(v => $"'{v}'"))}\n");
        foreach (var v in schema.Views.Take(20))
            await response.MarkdownAsync($"- {(v.Materialized ? "materialized view" : "view")} `{v.Name}`\n");

        var remarks = SchemaReview.Review(schema);
        await response.MarkdownAsync(remarks.Count == 0 ? "\n### Design remarks\n\nNone: every table has a primary key, and foreign keys are indexed.\n"
            : $"\n### Design remarks ({remarks.Count})\n\n");
        foreach (var r in remarks.Take(40))
            await response.MarkdownAsync($"- **{r.Id}**: {r.Text}{(r.Fix is null ? "" : " " + r.Fix)}\n");
        if (remarks.Count > 40) await response.MarkdownAsync($"- ...and {remarks.Count - 40} more.\n");
        return remarks.Any(r => r.Id == "foreign-key-without-index") ? Followups.Of("indexes", "migrations", "stats") : Followups.Of("review", "stats", "scaling");
    }

    public static string DescribeTable(TableModel table)
    {
        var sb = new StringBuilder();
        sb.Append("### `").Append(table.Name).Append("`\n\n");
        var pk = table.PrimaryKey?.Columns ?? table.Indexes.FirstOrDefault(i => i.IsPrimaryKey)?.Keys.Select(k => k.Column ?? "?").ToList() ?? [];
        foreach (var c in table.Columns)
        {
            sb.Append("- `").Append(c.Name).Append("` ").Append(c.DataType);
            if (pk.Contains(c.Name, NameComparer.Instance)) sb.Append(", primary key");
            if (!c.Nullable) sb.Append(", not null");
            if (c.IsIdentity) sb.Append(", identity");
            if (c.Default is not null) sb.Append(", default `").Append(c.Default).Append('`');
            var fk = table.ForeignKeys.FirstOrDefault(f => f.Columns.Contains(c.Name, NameComparer.Instance));
            if (fk?.ReferencedTable is not null) sb.Append(", → `").Append(fk.ReferencedTable).Append(fk.ReferencedColumns.Count > 0 ? $"({string.Join(", ", fk.ReferencedColumns)})" : "").Append('`');
            sb.Append('\n');
        }
        foreach (var u in table.Constraints.Where(c => c.Kind == ConstraintKind.Unique))
            sb.Append("- unique (").Append(string.Join(", ", u.Columns)).Append(")\n");
        foreach (var ch in table.Constraints.Where(c => c.Kind == ConstraintKind.Check && c.CheckExpression is not null))
            sb.Append("- check `").Append(ch.CheckExpression).Append("`\n");
        foreach (var i in table.Indexes.Where(i => !i.IsPrimaryKey))
            sb.Append("- index `").Append(i.Name).Append("` (").Append(string.Join(", ", i.Keys)).Append(')')
              .Append(i.Unique ? ", unique" : "").Append(i.Method is null ? "" : $", {i.Method}")
              .Append(i.Predicate is null ? "" : $" where `{i.Predicate}`").Append('\n');
        return sb.ToString();
    }
}
