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
}
