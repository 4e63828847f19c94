using System.Text.Json;
using DbAgent.Analysis.Findings;
using DbAgent.Sql;

namespace DbAgent.Server.Features.Configuration;

/// <summary>What a rule setting says: off, or the severity to report it with.</summary>
public readonly record struct RuleSetting(bool Enabled, FindingSeverity? Severity)
{
    public static readonly RuleSetting Off = new(false, null);

    public static bool TryParse(string? text, out RuleSetting setting)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "off" or "none" or "false": setting = Off; return true;
            case "error": setting = new(true, FindingSeverity.Error); return true;
            case "warning" or "warn": setting = new(true, FindingSeverity.Warning); return true;
            case "information" or "info": setting = new(true, FindingSeverity.Information); return true;
            case "hint": setting = new(true, FindingSeverity.Hint); return true;
            case "on" or "true": setting = new(true, null); return true;
            default: setting = default; return false;
        }
    }
}

/// <summary>The `dbagent.plans.*` settings.</summary>
public sealed record PlanSettings
{
    public bool Enabled { get; init; } = true;
    public double LargeTableRows { get; init; } = 10_000;
    public double? CostThreshold { get; init; }
    public double? SortRows { get; init; }
    public int StatementTimeoutMs { get; init; } = 5000;
}

/// <summary>
/// The `dbagent` configuration section as the server reads it. Unknown or malformed values fall back to defaults
/// (a typo in settings must not stop analysis). Connections are kept raw for the connection layer to read.
/// </summary>
public sealed record DbAgentSettings
{
    public static readonly DbAgentSettings Default = new();

    public SqlDialect? Dialect { get; init; }
    public IReadOnlyDictionary<string, RuleSetting> Rules { get; init; } = new Dictionary<string, RuleSetting>(StringComparer.OrdinalIgnoreCase);
    public PlanSettings Plans { get; init; } = new();
    /// <summary>The `dbagent.connections` array as JSON (may be undefined).</summary>
    public JsonElement Connections { get; init; }

    public RuleSetting? RuleFor(string ruleId) => Rules.TryGetValue(ruleId, out var s) ? s : null;

    /// <summary>Reads the section's value (the object under `dbagent`), tolerating nulls and wrong types.</summary>
    public static DbAgentSettings FromJson(JsonElement section)
    {
        if (section.ValueKind != JsonValueKind.Object) return Default;
        SqlDialect? dialect = null;
        if (Get(section, "dialect") is { ValueKind: JsonValueKind.String } d && SqlDialectNames.TryParse(d.GetString(), out var parsed))
            dialect = parsed;

        var rules = new Dictionary<string, RuleSetting>(StringComparer.OrdinalIgnoreCase);
        if (Get(section, "rules") is { ValueKind: JsonValueKind.Object } r)
        {
            foreach (var property in r.EnumerateObject())
            {
                var text = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString(),
                    JsonValueKind.False => "off",
                    JsonValueKind.True => "on",
                    _ => null,
                };
                if (RuleSetting.TryParse(text, out var setting)) rules[property.Name] = setting;
            }
        }

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

        var connections = Get(section, "connections") is { ValueKind: JsonValueKind.Array } c ? c.Clone() : default;
        return new DbAgentSettings { Dialect = dialect, Rules = rules, Plans = plans, Connections = connections };
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
