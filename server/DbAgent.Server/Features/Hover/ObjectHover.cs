using System.Text;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Server.Features.Hover;

/// <summary>Compact markdown about a table, view or column, from the schema model.</summary>
public static class ObjectHover
{
    public static void DescribeRelation(StringBuilder markdown, SchemaModel? schema, RelationReference relation, string? source)
    {
        if (relation.IsCommonTableExpression)
        {
            markdown.Append("**CTE** `").Append(relation.Name.Name).AppendLine("` (defined in this statement)");
            return;
        }
        var table = schema?.FindTable(relation.Name);
        var view = table is null ? schema?.FindView(relation.Name) : null;
        var kind = table is not null ? "table" : view is not null ? (view.Materialized ? "materialized view" : "view") : "table";
        markdown.Append("**").Append(kind).Append("** `").Append(table?.Name ?? view?.Name ?? relation.Name).Append('`');
        if (relation.Alias is { Length: > 0 } alias) markdown.Append(" as `").Append(alias).Append('`');
        markdown.AppendLine();

        if (table is not null)
        {
            markdown.AppendLine().AppendLine("| column | type | null | default |").AppendLine("|---|---|---|---|");
            var primary = table.PrimaryKey?.Columns ?? [];
            foreach (var column in table.Columns)
            {
                var key = primary.Contains(column.Name, NameComparer.Instance) ? " 🔑" : "";
                markdown.Append("| ").Append(Cell(column.Name)).Append(key).Append(" | ").Append(Cell(column.DataType))
                    .Append(column.IsIdentity ? " identity" : "").Append(" | ").Append(column.Nullable ? "null" : "not null")
                    .Append(" | ").Append(column.Default is null ? "" : Cell(column.Default)).AppendLine(" |");
            }
            if (table.Indexes.Count > 0)
            {
                markdown.AppendLine().Append("**Indexes:** ");
                markdown.AppendLine(string.Join(", ", table.Indexes.Select(Index)));
            }
            var foreignKeys = table.ForeignKeys.ToList();
            if (foreignKeys.Count > 0)
            {
                markdown.AppendLine().Append("**References:** ");
                markdown.AppendLine(string.Join(", ", foreignKeys.Select(f =>
                    $"({string.Join(", ", f.Columns)}) → `{f.ReferencedTable}`({string.Join(", ", f.ReferencedColumns)})")));
            }
        }
        else if (view is not null && view.Columns.Count > 0)
        {
            markdown.AppendLine().Append("Columns: ").AppendLine(string.Join(", ", view.Columns.Select(c => $"`{c}`")));
        }
        else if (schema is not null || source is not null)
        {
            markdown.AppendLine().AppendLine("_Not found in the schema the migrations build._");
        }

        if (source is not null && (table is not null || view is not null))
            markdown.AppendLine().Append("_Schema from ").Append(source).AppendLine("._");
    }

    public static void DescribeColumn(StringBuilder markdown, SchemaModel? schema, StatementModel statement, ColumnReference column)
    {
        var owner = column.Relation ?? SoleRelation(statement);
        var table = owner is null ? null : schema?.FindTable(owner.Name);
        markdown.Append("**column** `");
        if (table is not null) markdown.Append(table.Name).Append('.');
        else if (column.Qualifier is { Length: > 0 } qualifier) markdown.Append(qualifier).Append('.');
        markdown.Append(column.Name).AppendLine("`");
        if (table?.FindColumn(column.Name) is not { } definition) return;

        markdown.AppendLine().Append('`').Append(definition.DataType).Append('`')
            .Append(definition.Nullable ? ", nullable" : ", not null");
        if (definition.IsIdentity) markdown.Append(", identity");
        if (definition.Default is { } d) markdown.Append(", default `").Append(d).Append('`');
        markdown.AppendLine();
        var indexes = table.Indexes.Where(i => i.Keys.Any(k => NameComparer.SameName(k.Column, column.Name))).ToList();
        if (indexes.Count > 0) markdown.AppendLine().Append("Indexed by ").AppendLine(string.Join(", ", indexes.Select(Index)));
    }

    public static void StatisticsNeedConnection(StringBuilder markdown, bool column) =>
        markdown.AppendLine().AppendLine(column
            ? "_Null fraction, distinct and most common values need a connection (`dbagent.connections`)._"
            : "_Statistics (rows, sizes, scans, vacuum) need a connection (`dbagent.connections`)._");

    public static RelationReference? SoleRelation(StatementModel statement)
    {
        var stored = statement.Relations.Where(r => !r.IsCommonTableExpression).ToList();
        return stored.Count == 1 ? stored[0] : null;
    }

    private static string Index(IndexModel index)
    {
        var text = $"`{index.Name}` ({string.Join(", ", index.Keys)})";
        if (index.IsPrimaryKey) text += " primary key";
        else if (index.Unique) text += " unique";
        if (index.Method is { } method) text += $" using {method}";
        if (index.Predicate is { } predicate) text += $" where {predicate}";
        return text;
    }

    private static string Cell(string text) => text.Replace("|", "\\|").ReplaceLineEndings(" ");
}
