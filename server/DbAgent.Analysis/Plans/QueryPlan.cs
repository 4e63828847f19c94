namespace DbAgent.Analysis.Plans;

/// <summary>The engines' plan operators, folded into the kinds the findings reason about.</summary>
public enum PlanOperation
{
    /// <summary>Reads every row of a table: Seq Scan, MySQL type ALL, Table Scan / Clustered Index Scan, SQLite SCAN.</summary>
    FullScan,
    IndexScan,
    IndexOnlyScan,
    /// <summary>An index lookup of a few keys: Index Seek, MySQL ref/eq_ref/const, SQLite SEARCH ... USING INDEX.</summary>
    IndexSeek,
    BitmapScan,
    Sort,
    NestedLoop,
    HashJoin,
    MergeJoin,
    Aggregate,
    Limit,
    Materialize,
    Subquery,
    TempStructure,
    Other,
}

/// <summary>One operator of a plan, with what each engine can tell about it.</summary>
public sealed class PlanNode
{
    /// <summary>The engine's own name for the operator (Seq Scan, Clustered Index Scan, SCAN, ALL).</summary>
    public required string NodeType { get; init; }
    public required PlanOperation Operation { get; init; }
    public string? Relation { get; init; }
    public string? Schema { get; init; }
    public string? Alias { get; init; }
    public string? IndexName { get; init; }
    public double? EstimatedRows { get; init; }
    /// <summary>
    /// Rows the operator reads before its filter, when the engine (or the table's statistics) tells: for a full scan,
    /// the table's rows (PostgreSQL reltuples, MySQL rows_examined_per_scan, SQL Server EstimatedRowsRead/TableCardinality).
    /// <see cref="EstimatedRows"/> is what it returns.
    /// </summary>
    public double? EstimatedRowsRead { get; init; }
    public double? StartupCost { get; init; }
    public double? TotalCost { get; init; }
    /// <summary>The filter or condition as the engine prints it.</summary>
    public string? Filter { get; init; }
    public IReadOnlyList<string> FilterColumns { get; init; } = [];
    public IReadOnlyList<string> JoinColumns { get; init; } = [];
    public IReadOnlyList<string> SortKeys { get; init; } = [];
    public IReadOnlyList<PlanNode> Children { get; init; } = [];
    /// <summary>Engine-specific extras worth showing (Join Type, access type, warnings).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    public IEnumerable<PlanNode> DescendantsAndSelf()
    {
        yield return this;
        foreach (var child in Children)
            foreach (var node in child.DescendantsAndSelf())
                yield return node;
    }
}

/// <summary>A statement's plan in one model for all engines, with the engine's raw output kept for display.</summary>
public sealed class QueryPlan
{
    public required PlanNode Root { get; init; }
    /// <summary>postgres, mysql, mariadb, sqlserver, sqlite.</summary>
    public required string Engine { get; init; }
    /// <summary>The engine's own output (JSON, showplan XML, EXPLAIN QUERY PLAN rows).</summary>
    public string? RawPlan { get; init; }
    public double? TotalCost => Root.TotalCost;

    public IEnumerable<PlanNode> Nodes => Root.DescendantsAndSelf();
}
