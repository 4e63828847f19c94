using System.Globalization;
using System.Text;
using DbAgent.Analysis.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Explain;

/// <summary>Explains a statement from its semantic model, and renders plans, as markdown.</summary>
public static class StatementDescription
{
    public static string Describe(StatementModel model, string sqlText, SqlDialect dialect)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(KindText(model.Kind)).Append("**");
        if (model.IsOpaque) sb.Append(" (a form the analysis only partly understands)");
        sb.AppendLine().AppendLine();

        var relations = model.Relations.Where(r => !r.IsCommonTableExpression).ToList();
        var ctes = model.Relations.Where(r => r.IsCommonTableExpression).Select(r => r.Name.Name).Distinct(NameComparer.Instance).ToList();
        if (ctes.Count > 0) sb.AppendLine($"- Common table expressions: {string.Join(", ", ctes.Select(c => $"`{c}`"))}");
        if (relations.Count > 0)
        {
            sb.AppendLine("- Relations:");
            foreach (var group in relations.GroupBy(r => (r.Name.ToString(), r.Alias, r.Role)))
                sb.AppendLine($"  - `{group.Key.Item1}`{(group.Key.Alias is null ? "" : $" as `{group.Key.Alias}`")}: {RoleText(group.Key.Role)}");
        }
        else if (model.Kind is StatementKind.Select)
        {
            sb.AppendLine("- Reads no stored relation.");
        }

        var where = model.Predicates.Where(p => p.Clause == PredicateClause.Where).ToList();
        var joins = model.Predicates.Where(p => p.Kind == PredicateKind.Join || p.Clause == PredicateClause.JoinOn).ToList();
        var having = model.Predicates.Where(p => p.Clause == PredicateClause.Having).ToList();
        if (joins.Count > 0)
        {
            sb.AppendLine("- Joined on:");
            foreach (var p in joins) sb.AppendLine($"  - `{Clip(sqlText, model, p)}`: {PredicateUse(p, dialect)}");
        }
        if (where.Count > 0)
        {
            sb.AppendLine("- Filters (WHERE):");
            foreach (var p in where.Where(p => !joins.Contains(p))) sb.AppendLine($"  - `{Clip(sqlText, model, p)}`: {PredicateUse(p, dialect)}");
        }
        else if (model.Kind is StatementKind.Select or StatementKind.Update or StatementKind.Delete)
        {
            sb.AppendLine(model.HasWhere ? "- Has a WHERE clause." : model.Kind == StatementKind.Select ? "- No WHERE: it reads every row of its relations." : "- **No WHERE: it changes every row of the table.**");
        }
        if (model.GroupBy.Count > 0) sb.AppendLine($"- Groups by {string.Join(", ", model.GroupBy.Select(c => $"`{c.Name}`"))}.");
        if (having.Count > 0) sb.AppendLine($"- HAVING filters groups after aggregation ({having.Count} condition{(having.Count == 1 ? "" : "s")}); it cannot use an index.");
        if (model.OrderBy.Count > 0)
            sb.AppendLine($"- Orders by {string.Join(", ", model.OrderBy.Select(o => $"`{o.Expression}` {(o.Descending ? "DESC" : "ASC")}"))}: without an index that delivers this order, the engine sorts the matching rows.");
        if (model.Limit is { } limit)
            sb.AppendLine($"- Returns at most {(limit.Limit is { } l ? l.ToString(CultureInfo.InvariantCulture) : "a parameterised number of")} rows{(limit.Offset is { } o ? $", after skipping {o}" : "")}.");
        foreach (var action in model.Ddl) sb.AppendLine($"- {DdlText(action)}");
        return sb.ToString();
    }

    public static string KindText(StatementKind kind) => kind switch
    {
        StatementKind.Select => "A query (SELECT)",
        StatementKind.Insert => "An INSERT",
        StatementKind.Update => "An UPDATE",
        StatementKind.Delete => "A DELETE",
        StatementKind.Merge => "A MERGE (upsert)",
        StatementKind.Truncate => "A TRUNCATE (removes every row)",
        StatementKind.CreateTable => "CREATE TABLE",
        StatementKind.AlterTable => "ALTER TABLE",
        StatementKind.DropTable => "DROP TABLE",
        StatementKind.CreateIndex => "CREATE INDEX",
        StatementKind.DropIndex => "DROP INDEX",
        StatementKind.CreateView => "CREATE VIEW",
        StatementKind.CreateMaterializedView => "CREATE MATERIALIZED VIEW",
        StatementKind.Transaction => "Transaction control",
        StatementKind.Set => "A session setting",
        _ => kind.ToString(),
    };

    private static string RoleText(RelationRole role) => role switch
    {
        RelationRole.Read => "read",
        RelationRole.Written => "written",
        RelationRole.Created => "created",
        RelationRole.Altered => "altered",
        _ => "dropped",
    };

    /// <summary>How a predicate can use an index, in one phrase.</summary>
    public static string PredicateUse(Predicate p, SqlDialect dialect) => p.Kind switch
    {
        PredicateKind.Equality => "equality: an index lookup when the column leads an index",
        PredicateKind.NotEqual => "not-equal: matches most rows, no index narrows it",
        PredicateKind.Range => "range: an index range scan (after any equality keys)",
        PredicateKind.Between => "BETWEEN: an index range scan",
        PredicateKind.InList => "IN list: one index lookup per value",
        PredicateKind.InSubquery => p.Operator?.Contains("NOT", StringComparison.OrdinalIgnoreCase) == true
            ? "NOT IN subquery: an anti-join at best; returns nothing if the subquery yields a NULL"
            : "IN subquery: usually a semi-join; the inner column benefits from an index",
        PredicateKind.LikePrefix => "LIKE with a fixed prefix: an index range scan" + (dialect == SqlDialect.Postgres ? " (needs `text_pattern_ops` or the C collation)" : ""),
        PredicateKind.LikeInfix => "LIKE with a leading wildcard: no B-tree index helps",
        PredicateKind.IsNull => "IS NULL: can use an index, or a partial index",
        PredicateKind.IsNotNull => "IS NOT NULL: usually not selective; a partial index can help",
        PredicateKind.FunctionWrapped => $"column inside `{p.Function ?? "a function"}`: a plain index on the column cannot be used",
        PredicateKind.Join => "join condition: an index on the inner side's column lets each row be looked up",
        PredicateKind.Exists => "EXISTS subquery: a semi-join",
        _ => "evaluated per row",
    } + (p.OrGroup is not null ? " (one branch of an OR)" : "");

    private static string Clip(string sqlText, StatementModel model, Predicate p)
    {
        var start = p.Span.Start - model.Span.Start;
        if (start < 0 || start + p.Span.Length > sqlText.Length) return p.Column?.Name ?? p.Kind.ToString();
        var text = string.Join(' ', sqlText.Substring(start, p.Span.Length).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length > 80 ? text[..77] + "..." : text.Replace('`', '\'');
    }

    private static string DdlText(DdlAction action) => action switch
    {
        CreateTableAction ct => $"Creates table `{ct.Table}` with {ct.Columns.Count} column{(ct.Columns.Count == 1 ? "" : "s")}{(ct.Constraints.Count > 0 ? $" and {ct.Constraints.Count} table constraint{(ct.Constraints.Count == 1 ? "" : "s")}" : "")}.",
        AddColumnAction ac => $"Adds column `{ac.Column.Name}` `{ac.Column.RawType}`{(ac.Column.Nullable == false ? " NOT NULL" : "")}{(ac.Column.Default is null ? "" : $" DEFAULT {ac.Column.Default}")} to `{ac.Table}`.",
        DropColumnAction dc => $"Drops column `{dc.Column}` of `{dc.Table}`.",
        AlterColumnTypeAction at => $"Changes the type of `{at.Table}.{at.Column}` to `{at.RawType}`.",
        SetColumnNullabilityAction sn => $"Makes `{sn.Table}.{sn.Column}` {(sn.Nullable ? "nullable" : "NOT NULL")}.",
        SetColumnDefaultAction sd => sd.Default is null ? $"Drops the default of `{sd.Table}.{sd.Column}`." : $"Sets the default of `{sd.Table}.{sd.Column}` to `{sd.Default}`.",
        RenameColumnAction rc => $"Renames `{rc.Table}.{rc.OldName}` to `{rc.NewName}`.",
        RenameTableAction rt => $"Renames table `{rt.Table}` to `{rt.NewName}`.",
        AddConstraintAction ac => $"Adds a {ac.Constraint.Kind} constraint on `{ac.Table}` ({string.Join(", ", ac.Constraint.Columns)}){(ac.Constraint.ReferencedTable is null ? "" : $" referencing `{ac.Constraint.ReferencedTable}`")}.",
        DropConstraintAction dc => $"Drops constraint `{dc.Name}` of `{dc.Table}`.",
        CreateIndexAction ci => $"Creates {(ci.Index.Unique ? "unique " : "")}index `{ci.Index.Name}` on `{ci.Index.Table}` ({string.Join(", ", ci.Index.Keys)}){(ci.Index.Predicate is null ? "" : $" WHERE {ci.Index.Predicate}")}{(ci.Index.Concurrently ? ", concurrently" : "")}.",
        CreateViewAction cv => $"Creates {(cv.Materialized ? "materialized " : "")}view `{cv.View}`.",
        CreateEnumAction ce => $"Creates enum `{ce.Type}` ({string.Join(", ", ce.Values)}).",
        DropObjectAction d => $"Drops {d.ObjectKind.ToString().ToLowerInvariant()} {string.Join(", ", d.Names.Select(n => $"`{n}`"))}{(d.Cascade ? " with CASCADE" : "")}.",
        _ => action.GetType().Name.Replace("Action", ""),
    };

    /// <summary>A plan as an indented tree with estimates, and what stands out in it.</summary>
    public static string RenderPlan(QueryPlan plan)
    {
        var sb = new StringBuilder();
        sb.AppendLine("```text");
        Render(plan.Root, 0, sb);
        sb.AppendLine("```");
        foreach (var node in plan.Nodes)
        {
            if (node.Operation == PlanOperation.FullScan && node.Relation is not null)
                sb.AppendLine($"- Full scan of `{node.Relation}`{Rows(node)}{(node.FilterColumns.Count > 0 ? $", filtering on {string.Join(", ", node.FilterColumns.Select(c => $"`{c}`"))}: an index on {(node.FilterColumns.Count == 1 ? "it" : "them")} may avoid reading every row" : "")}.");
            else if (node.Operation == PlanOperation.Sort)
                sb.AppendLine($"- A sort{Rows(node)}{(node.SortKeys.Count > 0 ? $" on {string.Join(", ", node.SortKeys.Select(k => $"`{k}`"))}" : "")}: an index in that order would deliver rows pre-sorted.");
            else if (node.Operation == PlanOperation.NestedLoop && node.Children.Any(c => c.Operation == PlanOperation.FullScan))
                sb.AppendLine($"- A nested loop over a full scan: the inner table is scanned once per outer row; index its join column.");
        }
        if (plan.TotalCost is { } cost) sb.AppendLine($"- Estimated total cost: {cost.ToString("0.##", CultureInfo.InvariantCulture)} (engine units).");
        return sb.ToString();
    }

    private static void Render(PlanNode node, int depth, StringBuilder sb)
    {
        sb.Append(new string(' ', depth * 2)).Append(depth == 0 ? "" : "-> ").Append(node.NodeType);
        if (node.Relation is not null) sb.Append(" on ").Append(node.Schema is null ? "" : node.Schema + ".").Append(node.Relation);
        if (node.IndexName is not null) sb.Append(" using ").Append(node.IndexName);
        var figures = new List<string>();
        if (node.TotalCost is { } c) figures.Add($"cost={(node.StartupCost ?? 0).ToString("0.##", CultureInfo.InvariantCulture)}..{c.ToString("0.##", CultureInfo.InvariantCulture)}");
        if (node.EstimatedRows is { } r) figures.Add($"rows={r.ToString("0", CultureInfo.InvariantCulture)}");
        if (figures.Count > 0) sb.Append("  (").Append(string.Join(' ', figures)).Append(')');
        sb.AppendLine();
        if (node.Filter is not null) sb.Append(new string(' ', depth * 2 + 5)).Append("Filter: ").AppendLine(node.Filter);
        foreach (var child in node.Children) Render(child, depth + 1, sb);
    }

    private static string Rows(PlanNode node) => node.EstimatedRows is { } r ? $" (about {r.ToString("N0", CultureInfo.InvariantCulture)} rows)" : "";
}
