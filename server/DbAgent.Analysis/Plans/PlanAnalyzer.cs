using System.Globalization;
using System.Text;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Analysis.Semantics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Plans;

/// <summary>What the plan analyzer reads besides the plan: the statement, and optionally the schema and table sizes.</summary>
public sealed record PlanContext(StatementModel Statement)
{
    public SchemaModel? Schema { get; init; }
    public SqlDialect Dialect { get; init; } = SqlDialect.Postgres;
    /// <summary>The document text, so the advisor can quote expressions as written.</summary>
    public string? Text { get; init; }
    /// <summary>A table's row count from statistics when the plan does not carry it (SQLite plans have no estimates).</summary>
    public Func<QualifiedName, double?>? TableRows { get; init; }
}

/// <summary>
/// Findings from a statement's plan, each on the range of the table reference or clause that causes it, with the plan
/// excerpt and estimates as markdown and what the index quick fix needs in <see cref="Finding.Data"/>
/// (<c>table</c>, <c>columns</c>, and when the advisor has one, <c>index</c>, <c>ddl</c>, <c>down</c>).
/// </summary>
public static class PlanAnalyzer
{
    public static IReadOnlyList<Finding> Analyze(QueryPlan plan, StatementModel statement, PlanThresholds? thresholds = null) =>
        Analyze(plan, new PlanContext(statement), thresholds);

    public static IReadOnlyList<Finding> Analyze(QueryPlan? plan, PlanContext context, PlanThresholds? thresholds = null)
    {
        var findings = new List<Finding>();
        if (plan is null) return findings;
        thresholds ??= PlanThresholds.Default;
        try
        {
            Walk(plan.Root, [], plan, context, thresholds, findings);
            if (plan.TotalCost is { } cost && cost > thresholds.CostThreshold)
                findings.Add(HighCost(plan, context, cost, thresholds));
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // A plan shape we do not understand yields fewer findings, never an error in the editor.
        }
        // One finding per rule and range: a table scanned in two subplans is one problem to fix.
        return findings
            .GroupBy(f => (f.RuleId, f.Span))
            .Select(g => g.First())
            .Order(Comparer<Finding>.Create(Linter.DocumentOrder))
            .ToList();
    }

    /// <summary>Deeper than any real plan; a guard against a malformed one exhausting the stack.</summary>
    private const int MaxDepth = 256;

    private static void Walk(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds, List<Finding> findings)
    {
        var loopInners = new HashSet<PlanNode>(ReferenceEqualityComparer.Instance);
        Walk(node, path, plan, context, thresholds, findings, loopInners);
    }

    private static void Walk(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds, List<Finding> findings,
        HashSet<PlanNode> loopInners)
    {
        if (path.Count >= MaxDepth) return;
        path.Add(node);
        switch (node.Operation)
        {
            // A scan already reported as the inner side of its loop is one problem, not two squiggles on one range.
            case PlanOperation.FullScan when !loopInners.Contains(node) && FullScan(node, path, plan, context, thresholds) is { } scan:
                findings.Add(scan);
                break;
            case PlanOperation.Sort when LargeSort(node, path, plan, context, thresholds) is { } sort:
                findings.Add(sort);
                break;
            case PlanOperation.NestedLoop:
                foreach (var (inner, loop) in NestedLoopScans(node, path, plan, context, thresholds))
                {
                    loopInners.Add(inner);
                    findings.Add(loop);
                }
                break;
        }
        foreach (var child in node.Children) Walk(child, path, plan, context, thresholds, findings, loopInners);
        path.RemoveAt(path.Count - 1);
    }

    private static Finding? FullScan(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds)
    {
        var reference = StatementRelations.Match(context.Statement, node.Relation, node.Schema, node.Alias);
        var (read, kept) = Estimates(node, plan, reference, context);
        // Without the rows read, what the scan returns is a lower bound of the table's size.
        var size = read ?? kept;
        if (size is not { } rows || rows <= thresholds.LargeTableRows) return null;
        if (!IsFiltered(node, reference, context)) return null;
        // With both estimates known, a filter keeping a large share of the table makes the scan the right plan.
        if (read is { } r && r > 0 && kept is { } k && k / r > thresholds.SelectiveFraction) return null;

        var table = TableName(node, reference);
        var message = $"Full scan of {table} (about {Rows(rows)} rows) to keep "
            + (read is not null && kept is { } k2 ? $"about {Rows(k2)} rows" : "the rows its filter selects")
            + (node.FilterColumns.Count > 0 ? $" by {string.Join(", ", node.FilterColumns)}" : "") + ": an index would read only those.";
        return Make(PlanRules.FullScan, SpanOf(reference, context), message, node, path, plan, rows, reference, context, node.FilterColumns, [],
            returned: kept);
    }

    private static Finding? LargeSort(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds)
    {
        var input = node.Children.Count > 0 ? node.Children[0].EstimatedRows ?? node.EstimatedRows : node.EstimatedRows;
        if (input is not { } rows || rows <= thresholds.SortRows) return null;

        var statement = context.Statement;
        var purpose = PurposeOf(node, path, statement);
        TextSpan span;
        if (purpose == SortPurpose.GroupBy && statement.GroupBy.Count > 0) span = TextSpan.FromBounds(statement.GroupBy[0].Span.Start, statement.GroupBy[^1].Span.End);
        else if (purpose == SortPurpose.Distinct) span = DistinctSpan(context);
        else if (statement.OrderBy.Count > 0) span = TextSpan.FromBounds(statement.OrderBy[0].Span.Start, statement.OrderBy[^1].Span.End);
        else if (statement.GroupBy.Count > 0) span = TextSpan.FromBounds(statement.GroupBy[0].Span.Start, statement.GroupBy[^1].Span.End);
        else span = StatementSpan(context);

        // The table whose rows are sorted, when one scan feeds the sort.
        var scans = node.DescendantsAndSelf().Take(1000).Where(n => n.Relation is not null).ToList();
        var reference = scans.Count == 1 ? StatementRelations.Match(statement, scans[0].Relation, scans[0].Schema, scans[0].Alias) : null;
        // The engine's keys when it prints them (SQLite does not), else the clause's items as written.
        IReadOnlyList<string> keys = node.SortKeys.Count > 0 ? node.SortKeys
            : purpose == SortPurpose.GroupBy ? statement.GroupBy.Select(c => c.Qualifier is null ? c.Name : c.Qualifier + "." + c.Name).ToList()
            : purpose == SortPurpose.OrderBy ? statement.OrderBy.Select(o => o.Descending ? o.Expression + " DESC" : o.Expression).ToList()
            : [];
        var by = keys.Count > 0 ? " " + string.Join(", ", keys) : "";
        var message = purpose switch
        {
            SortPurpose.GroupBy => $"Sort of about {Rows(rows)} rows for GROUP BY{by}: no index provides the rows in group order.",
            SortPurpose.Distinct => $"Sort of about {Rows(rows)} rows for DISTINCT{(by.Length > 0 ? " (by" + by + ")" : "")}: no index provides the rows in order.",
            SortPurpose.OrderBy => $"Sort of about {Rows(rows)} rows for ORDER BY{by}: no index provides this order.",
            _ => $"Sort of about {Rows(rows)} rows{(by.Length > 0 ? " by" + by : "")}: no index provides this order.",
        };
        return Make(PlanRules.LargeSort, span, message, node, path, plan, rows, reference, context,
            scans.Count == 1 ? scans[0].FilterColumns : [], node.SortKeys, scans.Count == 1 ? scans[0] : null);
    }

    private enum SortPurpose { Unknown, OrderBy, GroupBy, Distinct }

    /// <summary>
    /// What a sort is for. The engine says it where it can (SQLite "USE TEMP B-TREE FOR GROUP BY", MySQL
    /// grouping_operation, an aggregate or Unique right above the sort); else the sort keys are matched against the
    /// statement's GROUP BY and ORDER BY (MariaDB's filesort for a GROUP BY carries only its sort_key).
    /// </summary>
    private static SortPurpose PurposeOf(PlanNode node, List<PlanNode> path, StatementModel statement)
    {
        if (node.Details.TryGetValue("purpose", out var purpose))
        {
            if (purpose.StartsWith("GROUP BY", StringComparison.OrdinalIgnoreCase)) return SortPurpose.GroupBy;
            if (purpose.StartsWith("DISTINCT", StringComparison.OrdinalIgnoreCase)) return SortPurpose.Distinct;
            if (purpose.Contains("ORDER BY", StringComparison.OrdinalIgnoreCase)) return SortPurpose.OrderBy;
        }
        if (node.NodeType.Equals("grouping_operation", StringComparison.OrdinalIgnoreCase)) return SortPurpose.GroupBy;
        if (node.NodeType.Equals("duplicates_removal", StringComparison.OrdinalIgnoreCase)) return SortPurpose.Distinct;
        // The operator the sort feeds (the path ends with the sort itself).
        if (path.Count >= 2)
        {
            var parent = path[^2];
            if (parent.Operation == PlanOperation.Aggregate && statement.GroupBy.Count > 0) return SortPurpose.GroupBy;
            if (parent.NodeType.Equals("Unique", StringComparison.OrdinalIgnoreCase)
                || parent.NodeType.Equals("duplicates_removal", StringComparison.OrdinalIgnoreCase)) return SortPurpose.Distinct;
            if (parent.NodeType.Equals("grouping_operation", StringComparison.OrdinalIgnoreCase)) return SortPurpose.GroupBy;
        }
        if (node.SortKeys.Count > 0)
        {
            var keys = node.SortKeys.Select(KeyColumn).ToList();
            bool Matches(IEnumerable<string> columns)
            {
                var set = columns.Where(c => c.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
                return set.Count > 0 && keys.All(set.Contains);
            }
            if (Matches(statement.OrderBy.Select(o => o.Column?.Name ?? KeyColumn(o.Expression)))) return SortPurpose.OrderBy;
            if (Matches(statement.GroupBy.Select(c => c.Name))) return SortPurpose.GroupBy;
        }
        if (statement.OrderBy.Count > 0) return SortPurpose.OrderBy;
        if (statement.GroupBy.Count > 0) return SortPurpose.GroupBy;
        return SortPurpose.Unknown;
    }

    /// <summary>"SELECT DISTINCT" when the text shows it right after the leading keyword, else the statement's keyword span.</summary>
    private static TextSpan DistinctSpan(PlanContext context)
    {
        var span = StatementSpan(context);
        if (context.Text is not { } text || span.End > text.Length) return span;
        var at = span.End;
        while (at < text.Length && char.IsWhiteSpace(text[at])) at++;
        const string word = "DISTINCT";
        return at + word.Length <= text.Length && string.Compare(text, at, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
            && (at + word.Length == text.Length || !char.IsLetterOrDigit(text[at + word.Length]))
            ? TextSpan.FromBounds(span.Start, at + word.Length)
            : span;
    }

    /// <summary>
    /// Full scans on the inner side of a nested loop, whatever the engine's shape: PostgreSQL and SQL Server print a
    /// two-child loop (outer, inner); MySQL/MariaDB a nested_loop array and SQLite sibling SCAN/SEARCH rows, both
    /// mapped to one loop node whose children are the tables in join order, each inner to all before it.
    /// </summary>
    private static IEnumerable<(PlanNode Inner, Finding Finding)> NestedLoopScans(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds)
    {
        if (node.Children.Count < 2) yield break;
        // Rows the loops before the current child produce: how many times the current child runs.
        double? outerRows = Produced(node.Children[0], plan);
        for (var i = 1; i < node.Children.Count; i++)
        {
            var child = node.Children[i];
            var inner = child;
            // Look through the wrappers that keep the inner side a scan (Materialize, a filter-only node).
            while (inner.Operation is not PlanOperation.FullScan && inner.Children.Count == 1
                && inner.Operation is PlanOperation.Materialize or PlanOperation.Other or PlanOperation.TempStructure)
                inner = inner.Children[0];
            if (inner.Operation == PlanOperation.FullScan
                && NestedLoopScan(node, inner, node.Children.Count == 2, outerRows, path, plan, context, thresholds) is { } finding)
                yield return (inner, finding);
            outerRows = outerRows is { } o && Produced(child, plan) is { } r ? o * Math.Max(r, 1) : null;
        }
    }

    /// <summary>Rows one run of a loop child hands on: MySQL/MariaDB rows examined times the filtered share, else the estimate.</summary>
    private static double? Produced(PlanNode node, QueryPlan plan)
    {
        if (plan.Engine is "mysql" or "mariadb" && node.EstimatedRows is { } rows && Detail(node, "filtered") is { } percent)
            return rows * percent / 100;
        return node.EstimatedRows;
    }

    private static Finding? NestedLoopScan(PlanNode node, PlanNode inner, bool twoSided, double? outerRows, List<PlanNode> path, QueryPlan plan,
        PlanContext context, PlanThresholds thresholds)
    {
        var reference = StatementRelations.Match(context.Statement, inner.Relation, inner.Schema, inner.Alias);
        var (innerRead, innerKept) = Estimates(inner, plan, reference, context);
        var innerRows = innerRead ?? innerKept;
        // Rows read in all: the inner table once per outer row. Even one outer row reading a large table to keep the
        // few rows that join is what an index on the join columns solves.
        if (innerRows is { } ir ? ir * Math.Max(outerRows ?? 1, 1) <= thresholds.LargeTableRows : outerRows is not > 1) return null;

        // The columns the loop looks the inner rows up by: the inner side's own condition (SQLite, MySQL), the loop's
        // join condition when the loop has one inner side (PostgreSQL, SQL Server), else the statement's join predicates.
        var joinColumns = inner.FilterColumns.Count > 0 ? inner.FilterColumns
            : twoSided && node.JoinColumns.Count > 0 ? node.JoinColumns
            : reference is not null ? StatementJoinColumns(reference, context)
            : [];
        // A cross join (nothing relates the inner table to the outer rows) reads it all whatever the indexes.
        if (reference is not null && joinColumns.Count == 0 && string.IsNullOrWhiteSpace(inner.Filter)) return null;

        var table = TableName(inner, reference);
        var columns = joinColumns.Count > 0 ? $" ({string.Join(", ", joinColumns)})" : "";
        string message;
        var at = SpanOf(reference, context);
        if (reference is null && joinColumns.Count == 0 && ForeignKeyCheck(inner, plan, context) is { } check)
        {
            // Not a join of the statement: the engine checking, for each row it deletes or updates, the rows of another
            // table that reference it (SQLite lists those checks as loop rows after the target's own access).
            joinColumns = check.Columns;
            columns = joinColumns.Count > 0 ? $" ({string.Join(", ", joinColumns)})" : "";
            at = SpanOf(check.Target, context);
            var verb = context.Statement.Kind == StatementKind.Delete ? "deleted from" : "updated in";
            message = $"Each row {verb} {check.Target.Name} makes the engine scan {table}" + (innerRows is { } fr ? $" (about {Rows(fr)} rows)" : "")
                + $" for rows referencing it through its foreign key{columns}"
                + (outerRows is { } fo && fo > 1 ? $", about {Rows(fo)} times" : "")
                + (joinColumns.Count > 0 ? $"; index {table}{columns}." : $"; index the referencing column of {table}.");
        }
        else message = outerRows is { } o && o > 1
            ? $"Nested loop scans {table}" + (innerRows is { } r ? $" (about {Rows(r)} rows)" : "")
                + $" once per outer row (about {Rows(o)} times); index its join columns{columns}."
            : $"Nested loop scans all of {table}" + (innerRows is { } r1 ? $" (about {Rows(r1)} rows)" : "")
                + $" to find the rows that join; index its join columns{columns}.";
        var innerPath = new List<PlanNode>(path);
        innerPath.AddRange(PathBetween(node, inner).Skip(1));
        return Make(PlanRules.NestedLoopScan, at, message, inner, innerPath, plan, innerRows ?? inner.EstimatedRows,
            reference, context, joinColumns, []);
    }

    /// <summary>The statement's changed table that the scanned table references through a foreign key, and that key's columns.</summary>
    private static (RelationReference Target, IReadOnlyList<string> Columns)? ForeignKeyCheck(PlanNode inner, QueryPlan plan, PlanContext context)
    {
        var statement = context.Statement;
        if (statement.Kind is not (StatementKind.Delete or StatementKind.Update) || inner.Relation is null) return null;
        var targets = statement.Targets.Where(t => !t.IsCommonTableExpression).ToList();
        var table = context.Schema?.FindTable(new QualifiedName(inner.Schema, inner.Relation));
        if (table is not null)
        {
            foreach (var target in targets)
            {
                var key = table.ForeignKeys.FirstOrDefault(fk => fk.ReferencedTable is { } referenced && fk.Columns.Count > 0
                    && NameComparer.SameObject(referenced, target.Name));
                if (key is not null) return (target, key.Columns);
            }
            return null;
        }
        // Without the schema: SQLite's plan of a DELETE/UPDATE names another table only to check a foreign key.
        return context.Schema is null && plan.Engine == "sqlite" && targets.Count == 1 ? (targets[0], []) : null;
    }

    /// <summary>This relation's columns in the statement's join predicates (ON, or WHERE a.x = b.y).</summary>
    private static IReadOnlyList<string> StatementJoinColumns(RelationReference reference, PlanContext context)
    {
        var statement = context.Statement;
        var columns = new List<string>();
        foreach (var p in statement.Predicates.Where(p => p.Kind == PredicateKind.Join))
        {
            if (StatementRelations.BelongsTo(p.Column, reference, statement, context.Schema)) columns.Add(p.Column!.Name);
            else if (StatementRelations.BelongsTo(p.OtherColumn, reference, statement, context.Schema)) columns.Add(p.OtherColumn!.Name);
        }
        return columns.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static Finding HighCost(QueryPlan plan, PlanContext context, double cost, PlanThresholds thresholds)
    {
        var message = $"Estimated plan cost {Number(cost)} is above the threshold {Number(thresholds.CostThreshold)} (dbagent.plans.costThreshold).";
        var detail = new StringBuilder()
            .Append("**Plan** (").Append(plan.Engine).Append("), estimated total cost ").Append(Number(cost));
        if (plan.Root.EstimatedRows is { } rows) detail.Append(", about ").Append(Rows(rows)).Append(" rows");
        detail.Append("\n\n```text\n");
        AppendTree(detail, plan.Root, 0, 40);
        detail.Append("```\n");
        return new Finding(PlanRules.HighCost.Id, PlanRules.HighCost.DefaultSeverity, message, StatementSpan(context))
        {
            Detail = detail.ToString(),
            Data = new Dictionary<string, string> { ["cost"] = Number(cost), ["engine"] = plan.Engine },
        };
    }

    private static Finding Make(RuleDescriptor rule, TextSpan span, string message, PlanNode node, List<PlanNode> path, QueryPlan plan,
        double? rows, RelationReference? reference, PlanContext context, IReadOnlyList<string> planColumns, IReadOnlyList<string> planSortKeys, PlanNode? tableNode = null, double? returned = null)
    {
        var data = new Dictionary<string, string> { ["engine"] = plan.Engine, ["nodeType"] = node.NodeType };
        if (rows is { } r) data["estimatedRows"] = r.ToString("0", CultureInfo.InvariantCulture);
        var source = tableNode ?? node;
        QualifiedName? table = reference?.Name ?? (source.Relation is { } rel ? new QualifiedName(source.Schema, rel) : null);
        if (table is not null) data["table"] = table.ToString();

        // The advisor's index for this table, when the statement says enough; else the plan's own columns.
        IndexCandidate? candidate = null;
        try
        {
            if (reference is not null) candidate = IndexAdvisor.ProposeFor(context.Statement, reference, context.Schema, context.Dialect, context.Text);
            // The statement said too little (an opaque model, a table the model did not resolve): use the plan's own columns.
            if (candidate is null && table is not null && planColumns.Count + planSortKeys.Count > 0)
            {
                candidate = IndexAdvisor.FromColumns(table,
                    planColumns.Select(KeyColumn).Where(IsPlainColumn),
                    planSortKeys.Select(SortKeyWithoutQualifier).Where(k => IsPlainColumn(KeyColumn(k))),
                    context.Schema);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The finding stands without a proposal.
        }
        if (candidate is not null)
        {
            data["columns"] = string.Join(",", candidate.Columns);
            data["index"] = candidate.Name;
            var ddl = IndexAdvisor.Render(candidate, context.Dialect);
            data["ddl"] = ddl.Up;
            data["down"] = ddl.Down;
        }
        else if (planColumns.Count + planSortKeys.Count > 0)
        {
            data["columns"] = string.Join(",", planColumns.Concat(planSortKeys).Select(KeyColumn).Where(c => c.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase));
        }

        return new Finding(rule.Id, rule.DefaultSeverity, message, span)
        {
            Detail = Excerpt(node, path, plan, rows, returned ?? node.EstimatedRows, candidate, context.Dialect),
            Data = data,
        };
    }

    /// <summary>Markdown: the offending node, its estimates, the path from the root to it, and the proposed index.</summary>
    private static string Excerpt(PlanNode node, List<PlanNode> path, QueryPlan plan, double? rows, double? returned, IndexCandidate? candidate, SqlDialect dialect)
    {
        var sb = new StringBuilder();
        sb.Append("**").Append(node.NodeType).Append("**");
        if (node.Relation is not null) sb.Append(" on `").Append(node.Schema is null ? node.Relation : node.Schema + "." + node.Relation).Append('`');
        if (node.Alias is not null && !NameComparer.SameName(node.Alias, node.Relation)) sb.Append(" as `").Append(node.Alias).Append('`');
        sb.Append(" (").Append(plan.Engine).Append(" plan)\n\n");
        if (rows is { } r) sb.Append("- estimated rows: ").Append(Rows(r)).Append('\n');
        if (returned is { } kept && kept != rows) sb.Append("- estimated rows returned: ").Append(Rows(kept)).Append('\n');
        if (node.TotalCost is { } cost) sb.Append("- estimated cost: ").Append(Number(cost)).Append('\n');
        if (!string.IsNullOrWhiteSpace(node.Filter)) sb.Append("- filter: `").Append(node.Filter.Replace('`', '\'')).Append("`\n");
        if (node.SortKeys.Count > 0) sb.Append("- sort keys: ").Append(string.Join(", ", node.SortKeys)).Append('\n');
        sb.Append("\n```text\n");
        for (var i = 0; i < path.Count; i++)
        {
            sb.Append(new string(' ', i * 2)).Append(i == 0 ? "" : "-> ").Append(Line(path[i]));
            if (path[i] == node) sb.Append("   <-- here");
            sb.Append('\n');
        }
        sb.Append("```\n");
        if (candidate is not null)
        {
            sb.Append("\nProposed index: `").Append(IndexAdvisor.Render(candidate, dialect).Up).Append("` (").Append(candidate.Explain()).Append(")\n");
        }
        return sb.ToString();
    }

    private static void AppendTree(StringBuilder sb, PlanNode node, int depth, int budget)
    {
        var count = 0;
        void Visit(PlanNode n, int d)
        {
            if (count++ >= budget || d >= MaxDepth) return;
            sb.Append(new string(' ', d * 2)).Append(d == 0 ? "" : "-> ").Append(Line(n)).Append('\n');
            foreach (var c in n.Children) Visit(c, d + 1);
        }
        Visit(node, depth);
        if (count > budget) sb.Append("...\n");
    }

    private static string Line(PlanNode n)
    {
        var sb = new StringBuilder(n.NodeType);
        if (n.Relation is not null) sb.Append(" on ").Append(n.Relation);
        if (n.Alias is not null && !NameComparer.SameName(n.Alias, n.Relation)) sb.Append(' ').Append(n.Alias);
        if (n.IndexName is not null) sb.Append(" using ").Append(n.IndexName);
        var parts = new List<string>();
        if (n.EstimatedRowsRead is { } read) parts.Add("read " + Rows(read));
        if (n.EstimatedRows is { } rows) parts.Add("rows " + Rows(rows));
        if (n.TotalCost is { } cost) parts.Add("cost " + Number(cost));
        if (parts.Count > 0) sb.Append(" (").Append(string.Join(", ", parts)).Append(')');
        if (!string.IsNullOrWhiteSpace(n.Filter)) sb.Append(" filter: ").Append(n.Filter);
        if (n.SortKeys.Count > 0) sb.Append(" keys: ").Append(string.Join(", ", n.SortKeys));
        return sb.ToString();
    }

    private static IEnumerable<PlanNode> PathBetween(PlanNode from, PlanNode to, int depth = 0)
    {
        if (from == to) return [from];
        if (depth >= MaxDepth) return [];
        foreach (var child in from.Children)
        {
            var rest = PathBetween(child, to, depth + 1).ToList();
            if (rest.Count > 0) return [from, .. rest];
        }
        return [];
    }

    /// <summary>
    /// Rows a scan reads and rows it returns, each engine as it says them: PostgreSQL's Plan Rows are returned rows;
    /// MySQL's rows are rows examined, with the filtered share; SQL Server gives EstimatedRowsRead or the table's
    /// cardinality; SQLite's SCAN carries the table's rows. The table's statistics fill in what the plan lacks.
    /// </summary>
    private static (double? Read, double? Returned) Estimates(PlanNode node, QueryPlan plan, RelationReference? reference, PlanContext context)
    {
        var read = node.EstimatedRowsRead ?? Detail(node, "EstimatedRowsRead") ?? Detail(node, "TableCardinality") ?? Detail(node, "rows_examined_per_scan");
        var returned = node.EstimatedRows;
        if (plan.Engine is "mysql" or "mariadb")
        {
            read ??= node.EstimatedRows;
            var share = Detail(node, "selectivity") ?? (Detail(node, "filtered") is { } percent ? percent / 100 : null);
            returned = read is { } r && share is { } s ? r * s : null;
        }
        else if (plan.Engine == "sqlite" && node.Operation == PlanOperation.FullScan)
        {
            read ??= node.EstimatedRows;
            returned = null;
        }
        if (read is null && context.TableRows is { } lookup)
        {
            var name = reference?.Name ?? (node.Relation is { } rel ? new QualifiedName(node.Schema, rel) : null);
            try
            {
                if (name is not null) read = lookup(name);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // Statistics that cannot be read are statistics we do not have.
            }
        }
        return (read, returned);
    }

    private static double? Detail(PlanNode node, string key) =>
        node.Details.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    /// <summary>True when the scan filters: the engine prints a filter, or the statement's WHERE restricts this table.</summary>
    private static bool IsFiltered(PlanNode node, RelationReference? reference, PlanContext context)
    {
        if (!string.IsNullOrWhiteSpace(node.Filter) || node.FilterColumns.Count > 0) return true;
        var statement = context.Statement;
        if (reference is null) return false;
        var wherePredicates = statement.Predicates.Where(p => p.Clause == PredicateClause.Where && p.Kind is not PredicateKind.Join).ToList();
        if (wherePredicates.Any(p => StatementRelations.BelongsTo(p.Column, reference, statement, context.Schema))) return true;
        // The token-level model knows only that a WHERE exists: enough when the statement reads one table.
        return wherePredicates.Count == 0 && statement.HasWhere && StatementRelations.Stored(statement).Count == 1;
    }

    private static string TableName(PlanNode node, RelationReference? reference) =>
        reference?.Name.ToString() ?? (node.Relation is null ? "a table" : node.Schema is null ? node.Relation : node.Schema + "." + node.Relation);

    private static TextSpan SpanOf(RelationReference? reference, PlanContext context) =>
        reference?.Span is { Length: > 0 } span ? span : StatementSpan(context);

    /// <summary>The statement's leading keywords (trailing blanks trimmed when the text is known), else the statement.</summary>
    private static TextSpan StatementSpan(PlanContext context)
    {
        var statement = context.Statement;
        var span = statement.KeywordSpan.Length > 0 ? statement.KeywordSpan : statement.Span;
        if (context.Text is { } text && span.End <= text.Length)
        {
            var end = span.End;
            while (end > span.Start && char.IsWhiteSpace(text[end - 1])) end--;
            if (end > span.Start) span = TextSpan.FromBounds(span.Start, end);
        }
        return span;
    }

    private static bool IsPlainColumn(string column) =>
        column.Length > 0 && column.All(c => char.IsLetterOrDigit(c) || c is '_' or '$');

    /// <summary>"o.created_at DESC" → "created_at DESC".</summary>
    private static string SortKeyWithoutQualifier(string key)
    {
        var descending = key.TrimEnd().EndsWith(" DESC", StringComparison.OrdinalIgnoreCase);
        var column = KeyColumn(key);
        return descending ? column + " DESC" : column;
    }

    /// <summary>"o.created_at DESC" → "created_at".</summary>
    private static string KeyColumn(string key)
    {
        var text = key.Trim();
        foreach (var suffix in new[] { " DESC", " ASC", " NULLS FIRST", " NULLS LAST" })
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) text = text[..^suffix.Length].TrimEnd();
        if (text.StartsWith('(') && text.EndsWith(')')) text = text[1..^1];
        var dot = text.LastIndexOf('.');
        if (dot >= 0 && !text.Contains('(')) text = text[(dot + 1)..];
        return text.Trim('"', '`', '[', ']', ' ');
    }

    private static string Rows(double rows) => rows.ToString("#,0", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString(value >= 100 ? "#,0" : "0.##", CultureInfo.InvariantCulture);
}
