using System.Text.Json;

namespace DbAgent.Analysis.Plans;

/// <summary>
/// When a plan is worth a finding: the <c>dbagent.plans.*</c> settings. Row counts are the planner's estimates;
/// cost is in the engine's own units.
/// </summary>
public sealed record PlanThresholds
{
    /// <summary><c>dbagent.plans.largeTableRows</c>: a full scan reading more rows than this is a scan of a large table.</summary>
    public double LargeTableRows { get; init; } = 10_000;

    /// <summary><c>dbagent.plans.sortRows</c>: a sort of more rows than this is a large sort.</summary>
    public double SortRows { get; init; } = 10_000;

    /// <summary><c>dbagent.plans.costThreshold</c>: a plan whose total cost is above this is reported.</summary>
    public double CostThreshold { get; init; } = 100_000;

    /// <summary>A filter is selective when it keeps at most this fraction of the rows it reads (when the engine says both).</summary>
    public double SelectiveFraction { get; init; } = 0.1;

    public static PlanThresholds Default { get; } = new();

    /// <summary>Reads the <c>dbagent.plans</c> settings object; missing, non-numeric or non-positive values keep their defaults.</summary>
    public static PlanThresholds FromJson(JsonElement plans)
    {
        var result = Default;
        if (plans.ValueKind != JsonValueKind.Object) return result;
        if (Read(plans, "largeTableRows") is { } large) result = result with { LargeTableRows = large };
        if (Read(plans, "sortRows") is { } sort) result = result with { SortRows = sort };
        if (Read(plans, "costThreshold") is { } cost) result = result with { CostThreshold = cost };
        return result;
    }

    private static double? Read(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)
            && number > 0 && double.IsFinite(number)
            ? number
            : null;
}
