using System.Globalization;
using System.Text.Json;
using DbAgent.Analysis.Plans;

namespace DbAgent.Databases.Plans;

/// <summary>
/// MySQL `EXPLAIN FORMAT=JSON` and MariaDB's JSON (and ANALYZE FORMAT=JSON) into the plan model. Pure.
/// Both start at "query_block", but differ: MySQL puts rows in rows_examined_per_scan and costs in cost_info with
/// ordering_operation / using_filesort; MariaDB puts rows in "rows", a "cost" number (11.x) and sorts in
/// "filesort" / "read_sorted_file", joins in "block-nl-join". The walker reads whichever is there.
/// </summary>
public static class MySqlPlanParser
{
    [ThreadStatic] private static IReadOnlyDictionary<string, string>? _aliases;
    [ThreadStatic] private static (string Table, double? Rows)? _dmlTarget;

    /// <param name="aliases">The statement's aliases (alias → table): both engines print the alias as table_name.</param>
    /// <param name="dmlTarget">The table a DELETE/UPDATE writes, and its row count, for plans that name no table
    /// (MariaDB's "Deleting all rows" for a DELETE without WHERE).</param>
    public static QueryPlan Parse(string json, bool mariaDb, IReadOnlyDictionary<string, string>? aliases = null, (string Table, double? Rows)? dmlTarget = null)
    {
        _aliases = aliases;
        _dmlTarget = dmlTarget;
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("query_block", out var block))
            throw new FormatException("Not a MySQL/MariaDB JSON plan: no \"query_block\" member.");
        return new QueryPlan { Root = QueryBlock(block), Engine = mariaDb ? "mariadb" : "mysql", RawPlan = json };
    }

    public static PlanOperation Classify(string? accessType) => accessType?.ToLowerInvariant() switch
    {
        "all" => PlanOperation.FullScan,
        "index" => PlanOperation.IndexScan,
        "range" or "index_merge" => PlanOperation.IndexScan,
        "ref" or "eq_ref" or "const" or "system" or "ref_or_null" or "fulltext" or "unique_subquery" or "index_subquery" => PlanOperation.IndexSeek,
        "hash" or "hash_all" or "hash_index" or "hash_range" => PlanOperation.HashJoin,
        _ => PlanOperation.Other,
    };

    private static PlanNode QueryBlock(JsonElement block)
    {
        var children = Walk(block);
        var cost = Cost(block);
        var details = new Dictionary<string, string>();
        if (block.TryGetProperty("select_id", out var id))
            details["select_id"] = id.GetRawText();
        if (block.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            details["message"] = message.GetString()!;
        if (block.TryGetProperty("table", out var t) && t.TryGetProperty("message", out var tm) && tm.ValueKind == JsonValueKind.String)
            details["message"] = tm.GetString()!;
        return new PlanNode
        {
            NodeType = "query_block", Operation = PlanOperation.Other, TotalCost = cost,
            EstimatedRows = children.Count == 1 ? children[0].EstimatedRows : null,
            Children = children, Details = details,
        };
    }

    /// <summary>The operators directly under an object, in order.</summary>
    private static List<PlanNode> Walk(JsonElement element)
    {
        var nodes = new List<PlanNode>();
        if (element.ValueKind != JsonValueKind.Object)
            return nodes;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "table":
                    nodes.Add(Table(property.Value, null));
                    break;
                case "nested_loop":
                    var loop = property.Value.EnumerateArray().SelectMany(Walk).ToList();
                    nodes.Add(loop.Count == 1 ? loop[0] : new PlanNode
                    {
                        NodeType = "nested_loop", Operation = PlanOperation.NestedLoop, Children = loop,
                        EstimatedRows = loop.LastOrDefault()?.Details.TryGetValue("rows_produced_per_join", out var rp) == true ? Parse(rp) : null,
                        TotalCost = loop.LastOrDefault()?.TotalCost,
                        JoinColumns = loop.SelectMany(n => n.JoinColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                    });
                    break;
                case "block-nl-join" or "hash-join":
                    // MariaDB: a join buffer around the inner table.
                    var inner = property.Value.TryGetProperty("table", out var bt) ? Table(bt, property.Value) : null;
                    if (inner is not null)
                        nodes.Add(inner);
                    break;
                case "ordering_operation" or "grouping_operation" or "duplicates_removal" or "windowing":
                {
                    var under = Walk(property.Value);
                    var filesort = Bool(property.Value, "using_filesort") == true;
                    var temporary = Bool(property.Value, "using_temporary_table") == true;
                    if (property.Name == "ordering_operation" && !filesort && !temporary)
                    {
                        nodes.AddRange(under); // the order comes from an index: no sort operator
                        break;
                    }
                    var op = property.Name switch
                    {
                        "ordering_operation" => PlanOperation.Sort,
                        "grouping_operation" => filesort ? PlanOperation.Sort : PlanOperation.Aggregate,
                        _ => PlanOperation.TempStructure,
                    };
                    var details = new Dictionary<string, string>();
                    if (filesort) details["using_filesort"] = "true";
                    if (temporary) details["using_temporary_table"] = "true";
                    nodes.Add(new PlanNode
                    {
                        NodeType = property.Name, Operation = op, Children = under, Details = details,
                        EstimatedRows = RowsOf(under), TotalCost = Cost(property.Value) ?? under.Select(u => u.TotalCost).FirstOrDefault(c => c is not null),
                    });
                    break;
                }
                case "filesort" or "read_sorted_file" or "temporary_table":
                {
                    var body = property.Name == "read_sorted_file" && property.Value.TryGetProperty("filesort", out var fs) ? fs : property.Value;
                    var under = Walk(body);
                    if (property.Name == "temporary_table")
                    {
                        nodes.Add(new PlanNode { NodeType = "temporary_table", Operation = PlanOperation.TempStructure, Children = under, EstimatedRows = RowsOf(under) });
                        break;
                    }
                    var key = body.TryGetProperty("sort_key", out var sortKey) && sortKey.ValueKind == JsonValueKind.String ? sortKey.GetString() : null;
                    nodes.Add(new PlanNode
                    {
                        NodeType = "filesort", Operation = PlanOperation.Sort, Children = under, EstimatedRows = RowsOf(under),
                        SortKeys = key is null ? [] : key.Split(',').Select(k => k.Trim()).ToList(),
                        Details = new Dictionary<string, string> { ["using_filesort"] = "true" },
                    });
                    break;
                }
                case "subqueries" or "attached_subqueries" or "optimized_away_subqueries" or "select_list_subqueries" or "having_subqueries" or "order_by_subqueries" or "group_by_subqueries" or "update_value_subqueries":
                    foreach (var item in property.Value.EnumerateArray())
                    {
                        if (item.TryGetProperty("query_block", out var qb))
                            nodes.Add(Subquery(qb, item));
                        else if (item.TryGetProperty("query_optimization", out var qo) && qo.TryGetProperty("query_block", out var qb2))
                            nodes.Add(Subquery(qb2, item));
                    }
                    break;
                case "union_result":
                    var specs = property.Value.TryGetProperty("query_specifications", out var qs) ? qs
                        : property.Value.TryGetProperty("query_blocks", out var qbs) ? qbs : default;
                    var parts = specs.ValueKind == JsonValueKind.Array
                        ? specs.EnumerateArray().Select(s => s.TryGetProperty("query_block", out var q) ? QueryBlock(q) : null).OfType<PlanNode>().ToList()
                        : [];
                    nodes.Add(new PlanNode { NodeType = "union_result", Operation = PlanOperation.TempStructure, Children = parts });
                    break;
            }
        }
        return nodes;
    }

    private static PlanNode Subquery(JsonElement block, JsonElement wrapper)
    {
        var inner = QueryBlock(block);
        var details = new Dictionary<string, string>();
        foreach (var key in new[] { "dependent", "cacheable", "expression_cache" })
            if (wrapper.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Object)
                details[key] = v.ToString();
        return new PlanNode { NodeType = "subquery", Operation = PlanOperation.Subquery, Children = inner.Children, TotalCost = inner.TotalCost, Details = details };
    }

    private static PlanNode Table(JsonElement table, JsonElement? joinBuffer)
    {
        var access = Str(table, "access_type");
        var key = Str(table, "key");
        var condition = Str(table, "attached_condition");
        var details = new Dictionary<string, string>();
        foreach (var name in new[] { "access_type", "possible_keys", "key_length", "used_key_parts", "ref", "rows_examined_per_scan", "rows_produced_per_join",
                     "rows", "filtered", "r_rows", "r_filtered", "r_loops", "using_index", "using_join_buffer", "index_condition", "message", "partitions", "loops" })
        {
            if (table.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Object)
                details[name] = v.ValueKind == JsonValueKind.Array ? string.Join(", ", v.EnumerateArray().Select(e => e.ToString())) : v.ToString();
        }
        if (joinBuffer is { } jb)
        {
            foreach (var name in new[] { "buffer_type", "buffer_size", "join_type" })
                if (jb.TryGetProperty(name, out var v))
                    details[name] = v.ToString();
            condition ??= Str(jb, "attached_condition");
        }

        var rows = Num(table, "rows_examined_per_scan") ?? Num(table, "rows");
        // "Deleting all rows": MariaDB empties the table without a plan to show; it is every row of the target.
        if (Str(table, "table_name") is null && Str(table, "message") is { } message && message.StartsWith("Deleting all rows", StringComparison.OrdinalIgnoreCase) && _dmlTarget is { } target)
        {
            return new PlanNode
            {
                NodeType = "Deleting all rows", Operation = PlanOperation.FullScan, Relation = target.Table, EstimatedRows = target.Rows,
                Details = new Dictionary<string, string> { ["message"] = message },
            };
        }
        var filtered = Num(table, "filtered");
        var children = new List<PlanNode>();
        // Derived tables and materialised subqueries nest a query block inside the table.
        if (table.TryGetProperty("materialized_from_subquery", out var mat) && mat.TryGetProperty("query_block", out var mqb))
            children.Add(QueryBlock(mqb));
        if (table.TryGetProperty("materialized", out var mat2) && mat2.TryGetProperty("query_block", out var mqb2))
            children.Add(QueryBlock(mqb2));
        children.AddRange(Walk(table).Where(n => n.NodeType != "table"));

        var refColumns = new List<string>();
        if (table.TryGetProperty("ref", out var refs) && refs.ValueKind == JsonValueKind.Array)
            refColumns.AddRange(refs.EnumerateArray().Select(r => r.GetString() ?? "").Where(r => r.Contains('.')).Select(r => r.Split('.')[^1]));
        var usedKeyParts = table.TryGetProperty("used_key_parts", out var ukp) && ukp.ValueKind == JsonValueKind.Array
            ? ukp.EnumerateArray().Select(e => e.GetString() ?? "").ToList() : [];

        var conditionColumns = PlanExpressions.Columns(condition).Concat(PlanExpressions.Columns(Str(table, "index_condition")));
        var operation = Classify(access);
        // InnoDB's PRIMARY index is the table itself: reading all of it ("index" on PRIMARY) is a full scan, as
        // SQL Server's Clustered Index Scan is.
        if (access == "index" && key == "PRIMARY")
            operation = PlanOperation.FullScan;
        else if (operation == PlanOperation.IndexScan && Bool(table, "using_index") == true && access == "index")
            operation = PlanOperation.IndexOnlyScan;

        return new PlanNode
        {
            NodeType = access ?? "table",
            Operation = operation,
            Relation = RealName(Str(table, "table_name")),
            Alias = Str(table, "table_name") is { } printed && _aliases?.ContainsKey(printed) == true ? printed : null,
            IndexName = key,
            EstimatedRows = rows,
            TotalCost = table.TryGetProperty("cost_info", out var ci) ? Num(ci, "prefix_cost") ?? Num(ci, "read_cost") : Num(table, "cost"),
            Filter = condition ?? Str(table, "index_condition"),
            FilterColumns = usedKeyParts.Concat(conditionColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            JoinColumns = refColumns.Count > 0 ? usedKeyParts.Concat(refColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList() : [],
            Children = children,
            Details = filtered is null ? details : details.Append(new("selectivity", (filtered.Value / 100).ToString("0.####", CultureInfo.InvariantCulture))).ToDictionary(),
        };
    }

    private static string? RealName(string? printed) =>
        printed is not null && _aliases is not null && _aliases.TryGetValue(printed, out var real) ? real : printed;

    private static double? RowsOf(List<PlanNode> nodes) =>
        nodes.Count == 0 ? null : nodes.Select(n => n.EstimatedRows ?? 0).Aggregate(1.0, (a, b) => a * Math.Max(b, 1));

    private static double? Cost(JsonElement element)
    {
        if (element.TryGetProperty("cost_info", out var ci))
            return Num(ci, "query_cost") ?? Num(ci, "sort_cost") ?? Num(ci, "prefix_cost");
        return Num(element, "cost");
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static double? Num(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.Number => v.GetDouble(),
            JsonValueKind.String => Parse(v.GetString()),
            _ => null,
        } : null;

    private static double? Parse(string? s) => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
