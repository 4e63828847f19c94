using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;

namespace DbAgent.Analysis.Plans;

/// <summary>Descriptors of the findings read from a statement's plan.</summary>
public static class PlanRules
{
    public static readonly RuleDescriptor FullScan = new(
        "plan-full-scan", "Full scan of a large table",
        "The plan reads every row of a large table to apply a selective filter; an index would read only the matching rows.",
        FindingSeverity.Warning, RuleCategory.Performance);

    public static readonly RuleDescriptor LargeSort = new(
        "plan-large-sort", "Large sort without an index",
        "The plan sorts many rows for an ORDER BY, GROUP BY or DISTINCT because no index provides the order.",
        FindingSeverity.Warning, RuleCategory.Performance);

    public static readonly RuleDescriptor NestedLoopScan = new(
        "plan-nested-loop-scan", "Nested loop over a scanned table",
        "A nested loop scans its inner table in full once per outer row instead of looking up the rows that join.",
        FindingSeverity.Warning, RuleCategory.Performance);

    public static readonly RuleDescriptor HighCost = new(
        "plan-high-cost", "High plan cost",
        "The planner's estimated cost of this statement is above the threshold.",
        FindingSeverity.Information, RuleCategory.Performance);

    public static readonly RuleDescriptor NotExplained = new(
        "plan-not-explained", "Statement not explained",
        "DbAgent did not ask the database for this statement's plan because planning it could run user code (a user-defined function the planner would evaluate).",
        FindingSeverity.Information, RuleCategory.Performance);

    public static IReadOnlyList<RuleDescriptor> All { get; } = [FullScan, LargeSort, NestedLoopScan, HighCost, NotExplained];
}
