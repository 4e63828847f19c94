namespace DbAgent.Agent.Commands;

/// <summary>Why each rule matters and how to fix it, in the words the review answer uses.</summary>
public static class RuleGuide
{
    public sealed record Entry(string Why, string Fix);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["delete-without-where"] = new(
            "A DELETE without WHERE removes every row of the table; one stray execution is a restore from backup.",
            "Add the WHERE clause you mean. If emptying the table is intended, use TRUNCATE (or `WHERE true`) and mark it with `-- dbagent-ignore delete-without-where`."),
        ["update-without-where"] = new(
            "An UPDATE without WHERE rewrites every row of the table: the change is rarely intended, and on a large table it locks and bloats it.",
            "Add the WHERE clause you mean; if every row is intended, batch it by key ranges and mark it with `-- dbagent-ignore update-without-where`."),
        ["syntax-error"] = new(
            "The engine will reject the statement; everything after the error is analysed only approximately.",
            "Fix the syntax at the marked position."),
        ["plan-full-scan"] = new(
            "The plan reads every row of a large table to find a few: the cost grows with the table, not with the result.",
            "Index the filtered columns (try `/indexes`), or make the predicate sargable."),
        ["plan-large-sort"] = new(
            "The plan sorts many rows, in memory or spilling to disk, before it can return the first one.",
            "An index in the ORDER BY order (after the equality columns) lets the engine read rows already sorted; add a LIMIT."),
        ["plan-nested-loop-scan"] = new(
            "A nested loop scans its inner table once per outer row: the cost is the product of the two sizes.",
            "Index the inner table's join column so each outer row is a lookup."),
        ["plan-high-cost"] = new(
            "The estimated cost of the whole plan is above the configured threshold.",
            "Explain it (`/explain`) to see which node dominates, then index or rewrite."),
        ["schema-drift"] = new(
            "The migration disagrees with the live database: the code's idea of the schema is wrong somewhere.",
            "Bring the migration and the database back in line (a new migration, or apply the missing one)."),
    };

    public static Entry? For(string ruleId) => Entries.GetValueOrDefault(ruleId);
}
