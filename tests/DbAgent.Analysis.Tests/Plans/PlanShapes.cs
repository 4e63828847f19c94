using DbAgent.Analysis.Plans;

namespace DbAgent.Analysis.Tests.Plans;

/// <summary>Plan nodes shaped like the engines' own EXPLAIN output, as the database layer maps them.</summary>
internal static class PlanShapes
{
    /// <summary>PostgreSQL "Seq Scan" (EXPLAIN (FORMAT JSON)): Plan Rows after the filter, reltuples as rows read.</summary>
    public static PlanNode PgSeqScan(string relation, string alias, double tableRows, double planRows, string? filter, params string[] filterColumns) => new()
    {
        NodeType = "Seq Scan", Operation = PlanOperation.FullScan, Relation = relation, Schema = "public", Alias = alias,
        EstimatedRowsRead = tableRows, EstimatedRows = planRows, StartupCost = 0, TotalCost = tableRows / 50,
        Filter = filter, FilterColumns = filterColumns,
    };

    public static PlanNode PgIndexScan(string relation, string alias, string index, double planRows, string condition, params string[] columns) => new()
    {
        NodeType = "Index Scan", Operation = PlanOperation.IndexScan, Relation = relation, Schema = "public", Alias = alias,
        IndexName = index, EstimatedRows = planRows, StartupCost = 0.42, TotalCost = 8.44 + planRows,
        Filter = condition, FilterColumns = columns,
    };

    public static PlanNode PgSort(double rows, string[] keys, PlanNode input) => new()
    {
        NodeType = "Sort", Operation = PlanOperation.Sort, EstimatedRows = rows, StartupCost = input.TotalCost, TotalCost = (input.TotalCost ?? 0) + rows / 10,
        SortKeys = keys, Children = [input],
    };

    public static PlanNode PgLimit(double rows, PlanNode input) => new()
    {
        NodeType = "Limit", Operation = PlanOperation.Limit, EstimatedRows = rows, TotalCost = input.TotalCost, Children = [input],
    };

    public static QueryPlan Pg(PlanNode root) => new() { Root = root, Engine = "postgres" };

    // SQLite EXPLAIN QUERY PLAN rows as SqliteQueryPlanParser maps them: SCAN/SEARCH rows carry the table's rows (SCAN)
    // or the rows per lookup from sqlite_stat1 (SEARCH), and consecutive sibling accesses become one NESTED LOOP,
    // outermost first.

    public static PlanNode SqliteScan(string relation, string alias, double tableRows) => new()
    {
        NodeType = "SCAN", Operation = PlanOperation.FullScan, Relation = relation, Alias = alias, EstimatedRows = tableRows,
        Details = new Dictionary<string, string> { ["access"] = "SCAN" },
    };

    /// <summary>SEARCH t USING [COVERING] INDEX i (col=?).</summary>
    public static PlanNode SqliteSearch(string relation, string alias, string index, double rowsPerLookup, string column, bool covering = false) => new()
    {
        NodeType = "SEARCH", Operation = covering ? PlanOperation.IndexOnlyScan : PlanOperation.IndexSeek, Relation = relation, Alias = alias,
        IndexName = index, EstimatedRows = rowsPerLookup, Filter = column + "=?", FilterColumns = [column],
        Details = new Dictionary<string, string> { ["access"] = "SEARCH", ["using"] = covering ? "COVERING INDEX" : "INDEX" },
    };

    public static PlanNode SqliteLoop(params PlanNode[] accesses) => new()
    {
        NodeType = "NESTED LOOP", Operation = PlanOperation.NestedLoop, Children = accesses,
        EstimatedRows = accesses.Aggregate(1.0, (a, n) => a * Math.Max(n.EstimatedRows ?? 1, 1)),
        JoinColumns = accesses.Skip(1).SelectMany(n => n.FilterColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
    };

    /// <summary>USE TEMP B-TREE FOR GROUP BY | ORDER BY | DISTINCT: the rows of the loops before it, no keys printed.</summary>
    public static PlanNode SqliteTempBTree(string purpose, double rows) => new()
    {
        NodeType = "USE TEMP B-TREE FOR " + purpose, Operation = purpose == "DISTINCT" ? PlanOperation.TempStructure : PlanOperation.Sort,
        EstimatedRows = rows, Details = new Dictionary<string, string> { ["purpose"] = purpose },
    };

    public static QueryPlan Sqlite(string raw, params PlanNode[] children) => new()
    {
        Engine = "sqlite", RawPlan = raw,
        Root = new PlanNode
        {
            NodeType = "QUERY PLAN", Operation = PlanOperation.Other, Children = children,
            EstimatedRows = children.FirstOrDefault(c => c.Operation != PlanOperation.Sort)?.EstimatedRows,
        },
    };
}
