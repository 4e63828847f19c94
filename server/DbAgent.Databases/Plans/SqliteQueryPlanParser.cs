using System.Text.RegularExpressions;
using DbAgent.Analysis.Plans;

namespace DbAgent.Databases.Plans;

/// <summary>One row of `EXPLAIN QUERY PLAN`: id, parent id, and the detail text.</summary>
public sealed record SqliteQueryPlanRow(int Id, int Parent, string Detail);

/// <summary>
/// What SQLite knows about sizes, for row estimates (its EXPLAIN QUERY PLAN prints none): rows per table (from
/// sqlite_stat1 or a bounded count) and sqlite_stat1's per-index figures ("N a b ...": rows, then average rows per
/// distinct prefix of 1, 2, ... key columns).
/// </summary>
public sealed class SqliteRowEstimates
{
    public Dictionary<string, double> TableRows { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, double[]> IndexStats { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>SQLite `EXPLAIN QUERY PLAN` rows into the plan model. Pure.</summary>
public static partial class SqliteQueryPlanParser
{
    // SCAN t | SCAN TABLE t (before 3.36) | SCAN t AS a | SEARCH t USING [COVERING|AUTOMATIC COVERING|AUTOMATIC PARTIAL COVERING] INDEX i (a=? AND b>?)
    // SEARCH t USING INTEGER PRIMARY KEY (rowid=?) | SCAN t USING COVERING INDEX i | SCAN t VIRTUAL TABLE INDEX 0:
    [GeneratedRegex(@"^(?<verb>SCAN|SEARCH)\s+(?:TABLE\s+)?(?<table>""[^""]+""|\S+)(?:\s+AS\s+(?<alias>\S+))?(?:\s+USING\s+(?<using>(?:AUTOMATIC\s+)?(?:PARTIAL\s+)?(?:COVERING\s+)?INDEX|INTEGER\s+PRIMARY\s+KEY|PRIMARY\s+KEY)(?:\s+(?<index>[^\s(]+))?)?(?:\s*\((?<cond>.*)\))?", RegexOptions.IgnoreCase)]
    private static partial Regex Access();

    public static QueryPlan Parse(IReadOnlyList<SqliteQueryPlanRow> rows, SqliteRowEstimates? estimates = null, IReadOnlyDictionary<string, string>? aliases = null)
    {
        estimates ??= new SqliteRowEstimates();
        var byParent = rows.GroupBy(r => r.Parent).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Id).ToList());
        var topLevel = rows.Where(r => !rows.Any(p => p.Id == r.Parent)).OrderBy(r => r.Id).ToList();
        var children = Level(topLevel, byParent, estimates, aliases);
        var root = new PlanNode
        {
            NodeType = "QUERY PLAN", Operation = PlanOperation.Other, Children = children,
            EstimatedRows = children.FirstOrDefault(c => c.Operation != PlanOperation.Sort)?.EstimatedRows,
        };
        var raw = string.Join("\n", rows.Select(r => $"{r.Id}|{r.Parent}|{r.Detail}"));
        return new QueryPlan { Root = root, Engine = "sqlite", RawPlan = raw };
    }

    private static List<PlanNode> Level(List<SqliteQueryPlanRow> rows, Dictionary<int, List<SqliteQueryPlanRow>> byParent, SqliteRowEstimates estimates, IReadOnlyDictionary<string, string>? aliases)
    {
        var nodes = rows.Select(r => Node(r, byParent.TryGetValue(r.Id, out var kids) ? Level(kids, byParent, estimates, aliases) : [], estimates, aliases)).ToList();
        // Consecutive table accesses at one level are SQLite's nested loops, outermost first.
        var result = new List<PlanNode>();
        var run = new List<PlanNode>();
        void Flush()
        {
            if (run.Count > 1)
                result.Add(new PlanNode
                {
                    NodeType = "NESTED LOOP", Operation = PlanOperation.NestedLoop, Children = [.. run],
                    EstimatedRows = run.Aggregate(1.0, (a, n) => a * Math.Max(n.EstimatedRows ?? 1, 1)),
                    JoinColumns = run.Skip(1).SelectMany(n => n.FilterColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                });
            else
                result.AddRange(run);
            run.Clear();
        }
        foreach (var node in nodes)
        {
            if (node.Details.ContainsKey("access"))
                run.Add(node);
            else
            {
                Flush();
                result.Add(node);
            }
        }
        Flush();

        // A temp B-tree sorts what the loops before it produce.
        var produced = result.FirstOrDefault(n => n.Operation != PlanOperation.Sort)?.EstimatedRows;
        return result.Select(n => n.Operation == PlanOperation.Sort && n.EstimatedRows is null && produced is not null ? WithRows(n, produced) : n).ToList();
    }

    private static PlanNode WithRows(PlanNode n, double? rows) => new()
    {
        NodeType = n.NodeType, Operation = n.Operation, EstimatedRows = rows, SortKeys = n.SortKeys, Children = n.Children, Details = n.Details,
    };

    private static PlanNode Node(SqliteQueryPlanRow row, List<PlanNode> children, SqliteRowEstimates estimates, IReadOnlyDictionary<string, string>? aliases)
    {
        var detail = row.Detail.Trim();
        var match = Access().Match(detail);
        if (match.Success)
        {
            var name = match.Groups["table"].Value.Trim('"');
            var alias = match.Groups["alias"].Success ? match.Groups["alias"].Value : null;
            // Since 3.36 SQLite prints the alias alone; the statement's own aliases give the table back.
            string table = name;
            if (aliases is not null && aliases.TryGetValue(name, out var real))
            {
                alias = name;
                table = real;
            }
            var verb = match.Groups["verb"].Value.ToUpperInvariant();
            var usingClause = match.Groups["using"].Success ? Regex.Replace(match.Groups["using"].Value.ToUpperInvariant(), @"\s+", " ") : null;
            var index = match.Groups["index"].Success ? match.Groups["index"].Value : null;
            var condition = match.Groups["cond"].Success ? match.Groups["cond"].Value : null;
            var covering = usingClause?.Contains("COVERING") == true;
            var automatic = usingClause?.Contains("AUTOMATIC") == true;
            var rowid = usingClause?.Contains("PRIMARY KEY") == true;
            var operation = verb == "SCAN"
                ? (usingClause is null ? PlanOperation.FullScan : covering ? PlanOperation.IndexOnlyScan : PlanOperation.IndexScan)
                : covering && !automatic ? PlanOperation.IndexOnlyScan : PlanOperation.IndexSeek;
            if (verb == "SEARCH" && automatic)
                operation = PlanOperation.IndexSeek;

            var details = new Dictionary<string, string> { ["access"] = verb };
            if (usingClause is not null) details["using"] = usingClause;
            if (automatic) details["automatic index"] = "true"; // SQLite builds a transient index for this query: the table is read in full first
            var filterColumns = PlanExpressions.Columns(condition);
            return new PlanNode
            {
                NodeType = verb, Operation = operation, Relation = table, Alias = alias, IndexName = rowid ? "INTEGER PRIMARY KEY" : index,
                EstimatedRows = Estimate(verb, table, index, rowid, condition, estimates),
                Filter = condition, FilterColumns = filterColumns, Children = children, Details = details,
            };
        }
        if (detail.StartsWith("USE TEMP B-TREE", StringComparison.OrdinalIgnoreCase))
        {
            var purpose = detail.Length > 20 ? detail[(detail.IndexOf(" FOR ", StringComparison.OrdinalIgnoreCase) + 5)..] : "";
            var sort = purpose.StartsWith("ORDER BY", StringComparison.OrdinalIgnoreCase) || purpose.Contains("ORDER BY", StringComparison.OrdinalIgnoreCase);
            return new PlanNode
            {
                NodeType = detail, Operation = sort || purpose.StartsWith("GROUP BY", StringComparison.OrdinalIgnoreCase) ? PlanOperation.Sort : PlanOperation.TempStructure,
                Children = children, Details = new Dictionary<string, string> { ["purpose"] = purpose },
            };
        }
        var kind = detail switch
        {
            _ when detail.Contains("SUBQUERY", StringComparison.OrdinalIgnoreCase) => PlanOperation.Subquery,
            _ when detail.StartsWith("MATERIALIZE", StringComparison.OrdinalIgnoreCase) || detail.StartsWith("CO-ROUTINE", StringComparison.OrdinalIgnoreCase) => PlanOperation.Materialize,
            _ when detail.StartsWith("COMPOUND", StringComparison.OrdinalIgnoreCase) || detail.StartsWith("MERGE", StringComparison.OrdinalIgnoreCase) => PlanOperation.TempStructure,
            _ => PlanOperation.Other,
        };
        return new PlanNode { NodeType = detail, Operation = kind, Children = children, EstimatedRows = children.FirstOrDefault()?.EstimatedRows };
    }

    /// <summary>Rows a loop visits per outer row, the way SQLite's own planner reads sqlite_stat1.</summary>
    private static double? Estimate(string verb, string table, string? index, bool rowid, string? condition, SqliteRowEstimates estimates)
    {
        double? tableRows = estimates.TableRows.TryGetValue(table, out var n) ? n : null;
        if (verb == "SCAN")
            return tableRows;
        if (rowid)
            return condition?.Contains('=') == true && !condition.Contains('<') && !condition.Contains('>') ? 1 : tableRows is null ? null : Math.Max(1, tableRows.Value / 4);
        var terms = condition?.Split(" AND ", StringSplitOptions.TrimEntries) ?? [];
        var equalities = terms.Count(t => t.EndsWith("=?", StringComparison.Ordinal) && !t.Contains('<') && !t.Contains('>'));
        var ranges = terms.Length - equalities;
        double? rows = null;
        if (index is not null && estimates.IndexStats.TryGetValue(index, out var stat) && stat.Length > 0)
            rows = equalities > 0 && equalities < stat.Length ? stat[equalities] : equalities == 0 ? stat[0] : stat[^1];
        else if (tableRows is not null)
            rows = equalities > 0 ? Math.Max(1, tableRows.Value / Math.Pow(10, equalities)) : tableRows;
        // A range bound keeps about a quarter of the rows (SQLite's own default guess without stat4).
        if (rows is not null && ranges > 0)
            rows = Math.Max(1, rows.Value / Math.Pow(4, Math.Min(ranges, 2)));
        return rows;
    }
}
