using System.Globalization;
using System.Xml.Linq;
using DbAgent.Analysis.Plans;

namespace DbAgent.Databases.Plans;

/// <summary>An index SQL Server's optimizer reports as missing (showplan MissingIndexes).</summary>
public sealed record MissingIndex(string? Schema, string Table, IReadOnlyList<string> EqualityColumns, IReadOnlyList<string> InequalityColumns, IReadOnlyList<string> IncludeColumns)
{
    public double? Impact { get; init; }

    /// <summary>The CREATE INDEX the report implies (equality columns first, then inequality, then INCLUDE).</summary>
    public string ToCreateIndex()
    {
        var keys = EqualityColumns.Concat(InequalityColumns).ToList();
        var name = $"IX_{Table}_{string.Join("_", keys)}";
        var include = IncludeColumns.Count > 0 ? $" INCLUDE ({string.Join(", ", IncludeColumns.Select(Q))})" : "";
        return $"CREATE INDEX {Q(name)} ON {(Schema is null ? "" : Q(Schema) + ".")}{Q(Table)} ({string.Join(", ", keys.Select(Q))}){include}";
    }

    private static string Q(string name) => "[" + name.Replace("]", "]]") + "]";
}

/// <summary>SQL Server `SET SHOWPLAN_XML ON` output into the plan model. Pure.</summary>
public static class SqlServerShowplanParser
{
    private static readonly XNamespace Ns = "http://schemas.microsoft.com/sqlserver/2004/07/showplan";

    public static QueryPlan Parse(string xml)
    {
        var document = XDocument.Parse(xml);
        var statements = document.Descendants(Ns + "StmtSimple").ToList();
        if (statements.Count == 0)
            throw new FormatException("Not a SQL Server showplan: no StmtSimple element.");

        var roots = statements.Select(Statement).ToList();
        var root = roots.Count == 1 ? roots[0] : new PlanNode
        {
            NodeType = "Batch", Operation = PlanOperation.Other, Children = roots, TotalCost = roots.Sum(r => r.TotalCost ?? 0),
        };
        return new QueryPlan { Root = root, Engine = "sqlserver", RawPlan = xml };
    }

    public static IReadOnlyList<MissingIndex> MissingIndexes(string xml)
    {
        var document = XDocument.Parse(xml);
        var result = new List<MissingIndex>();
        foreach (var group in document.Descendants(Ns + "MissingIndexGroup"))
        {
            var impact = Number(group, "Impact");
            foreach (var index in group.Elements(Ns + "MissingIndex"))
            {
                List<string> Columns(string usage) => index.Elements(Ns + "ColumnGroup").Where(g => (string?)g.Attribute("Usage") == usage)
                    .SelectMany(g => g.Elements(Ns + "Column")).Select(c => Unquote((string?)c.Attribute("Name"))!).ToList();
                result.Add(new MissingIndex(Unquote((string?)index.Attribute("Schema")), Unquote((string?)index.Attribute("Table")) ?? "?",
                    Columns("EQUALITY"), Columns("INEQUALITY"), Columns("INCLUDE")) { Impact = impact });
            }
        }
        return result;
    }

    public static PlanOperation Classify(string physicalOp, string? logicalOp) => physicalOp switch
    {
        "Table Scan" or "Clustered Index Scan" => PlanOperation.FullScan,
        "Index Scan" or "Columnstore Index Scan" => PlanOperation.IndexScan,
        "Index Seek" or "Clustered Index Seek" or "Key Lookup" or "RID Lookup" => PlanOperation.IndexSeek,
        "Sort" => PlanOperation.Sort,
        "Nested Loops" => PlanOperation.NestedLoop,
        "Hash Match" => logicalOp is not null && logicalOp.Contains("Join", StringComparison.Ordinal) ? PlanOperation.HashJoin
            : logicalOp is "Aggregate" or "Partial Aggregate" or "Flow Distinct" ? PlanOperation.Aggregate : PlanOperation.TempStructure,
        "Merge Join" => PlanOperation.MergeJoin,
        "Stream Aggregate" or "Window Aggregate" => PlanOperation.Aggregate,
        "Top" => logicalOp == "TopN Sort" ? PlanOperation.Sort : PlanOperation.Limit,
        "Table Spool" or "Index Spool" or "Row Count Spool" or "Eager Spool" or "Lazy Spool" => PlanOperation.Materialize,
        _ => PlanOperation.Other,
    };

    private static PlanNode Statement(XElement statement)
    {
        var queryPlan = statement.Element(Ns + "QueryPlan");
        var top = queryPlan?.Element(Ns + "RelOp");
        var details = new Dictionary<string, string>();
        foreach (var name in new[] { "StatementType", "StatementText", "StatementOptmLevel", "StatementOptmEarlyAbortReason", "CardinalityEstimationModelVersion" })
            if (statement.Attribute(name) is { } a)
                details[name] = a.Value;
        var missing = queryPlan?.Element(Ns + "MissingIndexes");
        if (missing is not null)
            details["MissingIndexes"] = string.Join("; ", MissingIndexes(new XDocument(new XElement(Ns + "ShowPlanXML", missing)).ToString()).Select(m => m.ToCreateIndex()));
        if (queryPlan?.Element(Ns + "Warnings") is { } warnings)
            details["Warnings"] = string.Join(", ", warnings.Elements().Select(w => w.Name.LocalName));

        if (top is null)
            return new PlanNode
            {
                NodeType = (string?)statement.Attribute("StatementType") ?? "Statement", Operation = PlanOperation.Other,
                TotalCost = Number(statement, "StatementSubTreeCost"), EstimatedRows = Number(statement, "StatementEstRows"), Details = details,
            };

        var node = RelOp(top);
        // The statement's own cost and warnings belong on the root operator.
        var merged = new Dictionary<string, string>(node.Details);
        foreach (var (k, v) in details)
            merged[k] = v;
        return new PlanNode
        {
            NodeType = node.NodeType, Operation = node.Operation, Relation = node.Relation, Schema = node.Schema, Alias = node.Alias,
            IndexName = node.IndexName, EstimatedRows = node.EstimatedRows, StartupCost = node.StartupCost,
            TotalCost = node.TotalCost ?? Number(statement, "StatementSubTreeCost"), Filter = node.Filter, FilterColumns = node.FilterColumns,
            JoinColumns = node.JoinColumns, SortKeys = node.SortKeys, Children = node.Children, Details = merged,
        };
    }

    private static PlanNode RelOp(XElement relOp)
    {
        var physical = (string?)relOp.Attribute("PhysicalOp") ?? "?";
        var logical = (string?)relOp.Attribute("LogicalOp");
        // Elements that belong to this operator, not to the operators nested under it.
        var own = OwnDescendants(relOp).ToList();
        var obj = own.FirstOrDefault(e => e.Name == Ns + "Object");
        var predicates = own.Where(e => e.Name == Ns + "SeekPredicates" || e.Name == Ns + "Predicate")
            .Select(e => e.Name == Ns + "SeekPredicates" ? SeekText(e) : e.Descendants(Ns + "ScalarOperator").FirstOrDefault()?.Attribute("ScalarString")?.Value)
            .Where(s => !string.IsNullOrWhiteSpace(s)).Distinct().ToList();
        var seekColumns = own.Where(e => e.Name == Ns + "SeekKeys" || e.Name == Ns + "Prefix" || e.Name == Ns + "StartRange" || e.Name == Ns + "EndRange")
            .SelectMany(e => e.Descendants(Ns + "ColumnReference").Take(1)).Select(c => Unquote((string?)c.Attribute("Column"))).OfType<string>();
        var predicateColumns = own.Where(e => e.Name == Ns + "Predicate").SelectMany(e => e.Descendants(Ns + "ColumnReference"))
            .Where(c => c.Attribute("Table") is not null).Select(c => Unquote((string?)c.Attribute("Column"))).OfType<string>();
        var joinColumns = own.Where(e => e.Name.LocalName is "HashKeysBuild" or "HashKeysProbe" or "InnerSideJoinColumns" or "OuterSideJoinColumns" or "OuterReferences")
            .SelectMany(e => e.Elements(Ns + "ColumnReference")).Select(c => Unquote((string?)c.Attribute("Column"))).OfType<string>();
        var sortKeys = own.Where(e => e.Name == Ns + "OrderByColumn").Select(o =>
        {
            var c = o.Element(Ns + "ColumnReference");
            var name = string.Join(".", new[] { Unquote((string?)c?.Attribute("Alias")) ?? Unquote((string?)c?.Attribute("Table")), Unquote((string?)c?.Attribute("Column")) }.Where(p => p is not null));
            return (string?)o.Attribute("Ascending") == "false" || (string?)o.Attribute("Ascending") == "0" ? name + " DESC" : name;
        }).ToList();

        var details = new Dictionary<string, string> { ["PhysicalOp"] = physical };
        if (logical is not null) details["LogicalOp"] = logical;
        foreach (var name in new[] { "EstimateIO", "EstimateCPU", "EstimateRebinds", "EstimateRewinds", "EstimatedExecutionMode", "Parallel", "EstimatedRowsRead", "TableCardinality", "NodeId" })
            if (relOp.Attribute(name) is { } a)
                details[name] = a.Value;
        if (obj?.Attribute("IndexKind") is { } kind)
            details["IndexKind"] = kind.Value;

        var index = Unquote((string?)obj?.Attribute("Index"));
        var operation = Classify(physical, logical);
        // A scan of a heap is a Table Scan; a scan of the clustered index is the same full read.
        return new PlanNode
        {
            NodeType = physical,
            Operation = operation,
            Relation = Unquote((string?)obj?.Attribute("Table")),
            Schema = Unquote((string?)obj?.Attribute("Schema")),
            Alias = Unquote((string?)obj?.Attribute("Alias")),
            IndexName = index,
            EstimatedRows = Number(relOp, "EstimateRows"),
            TotalCost = Number(relOp, "EstimatedTotalSubtreeCost"),
            Filter = predicates.Count == 0 ? null : string.Join(" AND ", predicates),
            FilterColumns = seekColumns.Concat(predicateColumns).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            JoinColumns = joinColumns.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            SortKeys = sortKeys,
            Children = own.Where(e => e.Name == Ns + "RelOp").Select(RelOp).ToList(),
            Details = details,
        };
    }

    /// <summary>Descendants down to (and including) the next RelOp elements, but not inside them.</summary>
    private static IEnumerable<XElement> OwnDescendants(XElement relOp)
    {
        var stack = new Stack<XElement>(relOp.Elements().Reverse());
        while (stack.Count > 0)
        {
            var e = stack.Pop();
            yield return e;
            if (e.Name == Ns + "RelOp")
                continue;
            foreach (var child in e.Elements().Reverse())
                stack.Push(child);
        }
    }

    private static string? SeekText(XElement seek)
    {
        var parts = seek.Descendants().Where(e => e.Name.LocalName is "Prefix" or "StartRange" or "EndRange").Select(range =>
        {
            var column = range.Descendants(Ns + "ColumnReference").FirstOrDefault();
            var value = range.Descendants(Ns + "ScalarOperator").FirstOrDefault()?.Attribute("ScalarString")?.Value;
            var op = (string?)range.Attribute("ScanType") ?? "EQ";
            return $"{Unquote((string?)column?.Attribute("Column"))} {op} {value}";
        }).ToList();
        return parts.Count == 0 ? null : string.Join(" AND ", parts);
    }

    private static string? Unquote(string? name) =>
        name is { Length: >= 2 } && name[0] == '[' && name[^1] == ']' ? name[1..^1].Replace("]]", "]") : name;

    private static double? Number(XElement e, string name) =>
        double.TryParse((string?)e.Attribute(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;
}
