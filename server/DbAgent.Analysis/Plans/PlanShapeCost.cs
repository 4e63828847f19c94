namespace DbAgent.Analysis.Plans;

/// <summary>
/// A comparable number for a plan that carries no cost: SQLite's EXPLAIN QUERY PLAN names each loop's access path
/// (SCAN, SEARCH USING INDEX, COVERING INDEX, a temp B-tree for a sort) and, with sqlite_stat1, the rows each
/// reaches, but no cost. This counts rows: a full SCAN the table's rows, a SEARCH the rows one lookup reaches (plus
/// the descent), half of either when the index covers the query, a temp B-tree sort n·log2(n); each loop times the
/// rows of the loops outside it. It is a measure of plan shape, not the planner's cost, and is reported as such.
/// </summary>
public static class PlanShapeCost
{
    public const string Basis = "plan shape";

    public static double Estimate(QueryPlan plan)
    {
        var cost = 0.0;
        var outer = 1.0;
        foreach (var node in Preorder(plan.Root))
        {
            var rows = Math.Max(1, node.EstimatedRows ?? 1);
            switch (node.Operation)
            {
                case PlanOperation.FullScan:
                    cost += outer * rows;
                    outer *= rows;
                    break;
                case PlanOperation.IndexScan:
                    cost += outer * rows;
                    outer *= rows;
                    break;
                case PlanOperation.IndexOnlyScan:
                    cost += outer * (Descent(node) + 0.5 * rows);
                    outer *= rows;
                    break;
                case PlanOperation.IndexSeek:
                    // An automatic index is built from a full read of the table first.
                    var build = node.Details.ContainsKey("automatic index") ? rows * 10 : 0;
                    cost += build + outer * (Descent(node) + rows);
                    outer *= rows;
                    break;
                case PlanOperation.Sort:
                    cost += rows * Math.Log2(rows + 1);
                    break;
            }
        }
        return cost;
    }

    /// <summary>A lookup walks down the B-tree before it reaches its rows; a scan (SCAN ... USING COVERING INDEX) does not.</summary>
    private static double Descent(PlanNode node) => node.NodeType == "SEARCH" ? 3 : 0;

    private static IEnumerable<PlanNode> Preorder(PlanNode node)
    {
        yield return node;
        foreach (var child in node.Children)
            foreach (var n in Preorder(child))
                yield return n;
    }
}
