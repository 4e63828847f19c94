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
            .OrderBy(f => f.Span.Start).ThenBy(f => f.RuleId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Deeper than any real plan; a guard against a malformed one exhausting the stack.</summary>
    private const int MaxDepth = 256;

    private static void Walk(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds, List<Finding> findings)
    {
        if (path.Count >= MaxDepth) return;
        path.Add(node);
        switch (node.Operation)
        {
            case PlanOperation.FullScan when FullScan(node, path, plan, context, thresholds) is { } scan:
                findings.Add(scan);
                break;
            case PlanOperation.Sort when LargeSort(node, path, plan, context, thresholds) is { } sort:
                findings.Add(sort);
                break;
            case PlanOperation.NestedLoop when NestedLoopScan(node, path, plan, context, thresholds) is { } loop:
                findings.Add(loop);
                break;
        }
        foreach (var child in node.Children) Walk(child, path, plan, context, thresholds, findings);
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
        TextSpan span;
        if (statement.OrderBy.Count > 0) span = TextSpan.FromBounds(statement.OrderBy[0].Span.Start, statement.OrderBy[^1].Span.End);
        else if (statement.GroupBy.Count > 0) span = TextSpan.FromBounds(statement.GroupBy[0].Span.Start, statement.GroupBy[^1].Span.End);
        else span = StatementSpan(context);

        // The table whose rows are sorted, when one scan feeds the sort.
        var scans = node.DescendantsAndSelf().Take(1000).Where(n => n.Relation is not null).ToList();
        var reference = scans.Count == 1 ? StatementRelations.Match(statement, scans[0].Relation, scans[0].Schema, scans[0].Alias) : null;
        var keys = node.SortKeys.Count > 0 ? string.Join(", ", node.SortKeys) : "the ORDER BY keys";
        var message = $"Sort of about {Rows(rows)} rows by {keys}: no index provides this order.";
        return Make(PlanRules.LargeSort, span, message, node, path, plan, rows, reference, context,
            scans.Count == 1 ? scans[0].FilterColumns : [], node.SortKeys, scans.Count == 1 ? scans[0] : null);
    }

    private static Finding? NestedLoopScan(PlanNode node, List<PlanNode> path, QueryPlan plan, PlanContext context, PlanThresholds thresholds)
    {
        if (node.Children.Count < 2) return null;
        var inner = node.Children[1];
        // Look through the wrappers that keep the inner side a scan (Materialize, a filter-only node).
        while (inner.Operation is not PlanOperation.FullScan && inner.Children.Count == 1
            && inner.Operation is PlanOperation.Materialize or PlanOperation.Other or PlanOperation.TempStructure)
            inner = inner.Children[0];
        if (inner.Operation != PlanOperation.FullScan) return null;

        var reference = StatementRelations.Match(context.Statement, inner.Relation, inner.Schema, inner.Alias);
        var (innerRead, innerKept) = Estimates(inner, plan, reference, context);
        var innerRows = innerRead ?? innerKept;
        var outerRows = node.Children[0].EstimatedRows;
        // One outer row reads the inner table once: that is a plain scan, not a loop problem.
        if (outerRows is { } outer && outer <= 1) return null;
        if (innerRows is { } ir && outerRows is { } or && ir * or <= thresholds.LargeTableRows) return null;

        var table = TableName(inner, reference);
        var message = $"Nested loop scans {table}"
            + (innerRows is { } r ? $" (about {Rows(r)} rows)" : "")
            + " once per outer row"
            + (outerRows is { } o ? $" (about {Rows(o)} times)" : "")
            + (node.JoinColumns.Count > 0 ? $"; index its join columns ({string.Join(", ", node.JoinColumns)})." : "; index its join columns.");
        var innerPath = new List<PlanNode>(path);
        innerPath.AddRange(PathBetween(node, inner).Skip(1));
        var joinColumns = node.JoinColumns.Count > 0 ? node.JoinColumns : inner.FilterColumns;
        return Make(PlanRules.NestedLoopScan, SpanOf(reference, context), message, inner, innerPath, plan, innerRows ?? inner.EstimatedRows,
            reference, context, joinColumns, []);
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
