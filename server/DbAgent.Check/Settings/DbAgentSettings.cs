using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Pipeline;
using DbAgent.Analysis.Plans;
using DbAgent.Analysis.Rules;
using DbAgent.Databases;
using DbAgent.Sql;

namespace DbAgent.Server.Settings;

/// <summary>The `dbagent.plans.*` settings.</summary>
public sealed record PlanSettings
{
    public bool Enabled { get; init; } = true;
    public double LargeTableRows { get; init; } = 10_000;
    public double? CostThreshold { get; init; }
    public double? SortRows { get; init; }
    public int StatementTimeoutMs { get; init; } = 5000;

    /// <summary>These settings as the plan analyzer's thresholds; unset ones keep its defaults.</summary>
    public PlanThresholds Thresholds() => PlanThresholds.Default with
    {
        LargeTableRows = LargeTableRows > 0 ? LargeTableRows : PlanThresholds.Default.LargeTableRows,
        SortRows = SortRows is > 0 and var sort ? sort : PlanThresholds.Default.SortRows,
        CostThreshold = CostThreshold is > 0 and var cost ? cost : PlanThresholds.Default.CostThreshold,
    };

    /// <summary>How plans (and the chat's reads) are asked for under these settings.</summary>
    public ReadOnlyQueryOptions QueryOptions() => new() { StatementTimeoutMs = StatementTimeoutMs };
}

/// <summary>
/// The `dbagent` configuration section as the server reads it. Unknown or malformed values fall back to defaults
/// (a typo in settings must not stop analysis). Connections are kept raw for the connection layer to read.
/// </summary>
public sealed record DbAgentSettings
{
    public static readonly DbAgentSettings Default = new();

    public SqlDialect? Dialect { get; init; }
    /// <summary>`dbagent.rules`, read by the analysis layer (unknown ids and levels are kept as problems for the log).</summary>
    public RuleSettings Rules { get; init; } = RuleSettings.Default;
    public PlanSettings Plans { get; init; } = new();
    /// <summary>`dbagent.analysis.*`: the size policy and the time limit of each analysis stage.</summary>
    public AnalysisLimits Analysis { get; init; } = AnalysisLimits.Default;
    /// <summary>The `dbagent.connections` array as JSON (may be undefined).</summary>
    public JsonElement Connections { get; init; }

    /// <summary>What the analysis pipeline is given under these settings: the same for the editor and `dbagent check`.</summary>
    public AnalysisInput AnalysisInput(LintCache? cache = null, IEnumerable<Finding>? external = null) =>
        new() { Rules = Rules, Cache = cache, External = external ?? [], Limits = Analysis };

    /// <summary>Reads the section's value (the object under `dbagent`), tolerating nulls and wrong types.</summary>
    public static DbAgentSettings FromJson(JsonElement section)
    {
        if (section.ValueKind != JsonValueKind.Object) return Default;
        SqlDialect? dialect = null;
        if (Get(section, "dialect") is { ValueKind: JsonValueKind.String } d && SqlDialectNames.TryParse(d.GetString(), out var parsed))
            dialect = parsed;

        var rules = Get(section, "rules") is { } r ? RuleSettings.FromJson(r) : RuleSettings.Default;

        var plans = new PlanSettings();
        if (Get(section, "plans") is { ValueKind: JsonValueKind.Object } p)
        {
            plans = plans with
            {
                Enabled = Get(p, "enabled") is { ValueKind: JsonValueKind.False } ? false : plans.Enabled,
                LargeTableRows = Number(p, "largeTableRows") ?? plans.LargeTableRows,
                CostThreshold = Number(p, "costThreshold"),
                SortRows = Number(p, "sortRows"),
                StatementTimeoutMs = Number(p, "statementTimeoutMs") is { } ms && ms > 0 ? (int)Math.Min(ms, int.MaxValue) : plans.StatementTimeoutMs,
            };
        }

        var analysis = Get(section, "analysis") is { ValueKind: JsonValueKind.Object } a ? ReadLimits(a) : AnalysisLimits.Default;

        var connections = Get(section, "connections") is { ValueKind: JsonValueKind.Array } c ? c.Clone() : default;
        return new DbAgentSettings { Dialect = dialect, Rules = rules, Plans = plans, Analysis = analysis, Connections = connections };
    }

    /// <summary>`analysis.maxFileSizeMB`, `analysis.maxStatements`, `analysis.stageTimeLimitMs`: 0 means no limit; a negative or wrong value keeps the default.</summary>
    public static AnalysisLimits ReadLimits(JsonElement analysis)
    {
        var limits = AnalysisLimits.Default;
        if (Number(analysis, "maxFileSizeMB") is { } mb && mb >= 0)
            limits = limits with { MaxFileMegabytes = mb == 0 ? double.PositiveInfinity : mb };
        if (Number(analysis, "maxStatements") is { } count && count >= 0)
            limits = limits with { MaxStatements = count == 0 || count >= int.MaxValue ? int.MaxValue : (int)count };
        if (Number(analysis, "stageTimeLimitMs") is { } ms && ms >= 0)
            limits = limits with { StageTimeLimit = ms == 0 || ms >= int.MaxValue ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(ms) };
        return limits;
    }

    /// <summary>Reads both `{ "dbagent": {...} }` (a whole settings object) and the section itself.</summary>
    public static DbAgentSettings FromSettingsObject(JsonElement settings) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("dbagent", out var section)
            ? FromJson(section)
            : FromJson(settings);

    private static JsonElement? Get(JsonElement obj, string name)
    {
        if (obj.TryGetProperty(name, out var value)) return value;
        // Some clients send dotted keys flat ("plans.enabled") rather than nested.
        foreach (var property in obj.EnumerateObject())
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase)) return property.Value;
        return null;
    }

    private static double? Number(JsonElement obj, string name) =>
        Get(obj, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out var v) ? v : null;
}
