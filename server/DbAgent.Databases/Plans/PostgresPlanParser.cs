using System.Globalization;
using System.Text.Json;
using DbAgent.Analysis.Plans;

namespace DbAgent.Databases.Plans;

/// <summary>PostgreSQL `EXPLAIN (FORMAT JSON)` output into the plan model. Pure.</summary>
public static class PostgresPlanParser
{
    public static QueryPlan Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        // [ { "Plan": {...}, "Planning Time": ... } ]
        if (root.ValueKind == JsonValueKind.Array)
            root = root.EnumerateArray().FirstOrDefault();
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Plan", out var plan))
            throw new FormatException("Not a PostgreSQL JSON plan: no \"Plan\" member.");
        return new QueryPlan { Root = ParseNode(plan), Engine = "postgres", RawPlan = json };
    }

    public static PlanOperation Classify(string nodeType, bool hasIndexCondition) => nodeType switch
    {
        "Seq Scan" or "Parallel Seq Scan" => PlanOperation.FullScan,
        "Index Scan" or "Parallel Index Scan" => hasIndexCondition ? PlanOperation.IndexSeek : PlanOperation.IndexScan,
        "Index Only Scan" or "Parallel Index Only Scan" => PlanOperation.IndexOnlyScan,
        "Bitmap Heap Scan" or "Bitmap Index Scan" or "BitmapAnd" or "BitmapOr" => PlanOperation.BitmapScan,
        "Sort" or "Incremental Sort" => PlanOperation.Sort,
        "Nested Loop" => PlanOperation.NestedLoop,
        "Hash Join" => PlanOperation.HashJoin,
        "Merge Join" => PlanOperation.MergeJoin,
        "Aggregate" or "GroupAggregate" or "HashAggregate" or "Group" or "WindowAgg" => PlanOperation.Aggregate,
        "Limit" => PlanOperation.Limit,
        "Materialize" or "Memoize" => PlanOperation.Materialize,
        "Subquery Scan" or "CTE Scan" or "SubPlan" => PlanOperation.Subquery,
        "Hash" or "Unique" or "SetOp" or "HashSetOp" => PlanOperation.TempStructure,
        _ => PlanOperation.Other,
    };

    private static PlanNode ParseNode(JsonElement node)
    {
        var nodeType = String(node, "Node Type") ?? "?";
        var indexCond = String(node, "Index Cond");
        var recheck = String(node, "Recheck Cond");
        var filter = String(node, "Filter");
        var joinFilter = String(node, "Join Filter");
        var hashCond = String(node, "Hash Cond");
        var mergeCond = String(node, "Merge Cond");

        var conditions = new[] { indexCond ?? recheck, filter }.Where(c => c is not null).ToList();
        var joinConditions = new[] { hashCond, mergeCond, joinFilter }.Where(c => c is not null).ToList();

        var details = new Dictionary<string, string>();
        foreach (var key in new[] { "Join Type", "Strategy", "Parent Relationship", "Subplan Name", "Scan Direction", "Partial Mode",
                     "Index Cond", "Recheck Cond", "Hash Cond", "Merge Cond", "Join Filter", "Rows Removed by Filter", "Actual Rows", "Actual Loops",
                     "Actual Total Time", "CTE Name", "Operation", "Command", "Heap Fetches", "Workers Planned" })
        {
            if (node.TryGetProperty(key, out var value) && value.ValueKind is not JsonValueKind.Null and not JsonValueKind.Array and not JsonValueKind.Object)
                details[key] = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        }
        // INSERT/UPDATE/DELETE plans: "ModifyTable" with an "Operation".
        if (nodeType == "ModifyTable" && details.TryGetValue("Operation", out var operation))
            details["Modifies"] = operation;

        var sortKeys = node.TryGetProperty("Sort Key", out var sk) && sk.ValueKind == JsonValueKind.Array
            ? sk.EnumerateArray().Select(k => k.GetString() ?? "").Where(k => k.Length > 0).ToList()
            : [];
        var children = node.TryGetProperty("Plans", out var plans) && plans.ValueKind == JsonValueKind.Array
            ? plans.EnumerateArray().Select(ParseNode).ToList()
            : [];

        return new PlanNode
        {
            NodeType = nodeType,
            Operation = Classify(nodeType, indexCond is not null),
            Relation = String(node, "Relation Name"),
            Schema = String(node, "Schema"),
            Alias = String(node, "Alias"),
            IndexName = String(node, "Index Name"),
            EstimatedRows = Number(node, "Plan Rows"),
            StartupCost = Number(node, "Startup Cost"),
            TotalCost = Number(node, "Total Cost"),
            Filter = conditions.Count == 0 ? null : string.Join(" AND ", conditions),
            FilterColumns = conditions.SelectMany(PlanExpressions.Columns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            JoinColumns = joinConditions.SelectMany(PlanExpressions.Columns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            SortKeys = sortKeys,
            Children = children,
            Details = details,
        };
    }

    private static string? String(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement node, string name) =>
        node.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        } : null;
}
