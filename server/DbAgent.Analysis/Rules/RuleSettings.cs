using System.Text.Json;
using DbAgent.Analysis.Findings;

namespace DbAgent.Analysis.Rules;

/// <summary>What the <c>dbagent.rules</c> setting says of one rule.</summary>
public enum RuleLevel
{
    /// <summary>The rule's own default severity.</summary>
    Default,
    Off,
    Error,
    Warning,
    Information,
    Hint,
}

/// <summary>
/// The <c>dbagent.rules</c> setting: rule id → <c>off</c> | <c>error</c> | <c>warning</c> | <c>information</c> | <c>hint</c>.
/// Values it cannot read are kept aside in <see cref="Problems"/> (for the server log) and the rule keeps its default.
/// </summary>
public sealed class RuleSettings
{
    private readonly Dictionary<string, RuleLevel> _levels;

    private RuleSettings(Dictionary<string, RuleLevel> levels, IReadOnlyList<string> problems)
    {
        _levels = levels;
        Problems = problems;
    }

    /// <summary>Every rule at its default severity.</summary>
    public static RuleSettings Default { get; } = new(new Dictionary<string, RuleLevel>(StringComparer.OrdinalIgnoreCase), []);

    /// <summary>Entries the settings named but could not be understood (unknown level, unknown rule id).</summary>
    public IReadOnlyList<string> Problems { get; }

    public static RuleSettings From(IEnumerable<KeyValuePair<string, string?>>? entries)
    {
        var levels = new Dictionary<string, RuleLevel>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        foreach (var (rawId, rawLevel) in entries ?? [])
        {
            var id = rawId?.Trim();
            if (string.IsNullOrEmpty(id)) continue;
            if (!TryParseLevel(rawLevel, out var level))
            {
                problems.Add($"dbagent.rules: '{id}' has an unknown level '{rawLevel}' (use off, error, warning, information or hint).");
                continue;
            }
            if (RuleCatalog.Find(id) is null)
                problems.Add($"dbagent.rules: '{id}' is not a DbAgent rule id.");
            levels[id] = level;
        }
        return new RuleSettings(levels, problems);
    }

    /// <summary>Reads the setting as the client sends it: a JSON object of rule id → level (true/false also accepted).</summary>
    public static RuleSettings FromJson(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object) return Default;
        var entries = new List<KeyValuePair<string, string?>>();
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.False => "off",
                JsonValueKind.True => "default",
                _ => property.Value.GetRawText(),
            };
            entries.Add(new(property.Name, value));
        }
        return From(entries);
    }

    /// <summary>These settings with <paramref name="overrides"/> on top: a rule the overrides name takes their level.</summary>
    public RuleSettings OverriddenBy(RuleSettings overrides)
    {
        if (overrides._levels.Count == 0) return this;
        if (_levels.Count == 0) return overrides;
        var levels = new Dictionary<string, RuleLevel>(_levels, StringComparer.OrdinalIgnoreCase);
        foreach (var (id, level) in overrides._levels) levels[id] = level;
        return new RuleSettings(levels, [.. Problems, .. overrides.Problems]);
    }

    public RuleLevel LevelOf(string ruleId) => _levels.TryGetValue(ruleId, out var level) ? level : RuleLevel.Default;

    public bool IsEnabled(string ruleId) => LevelOf(ruleId) switch
    {
        RuleLevel.Off => false,
        RuleLevel.Default => RuleCatalog.Find(ruleId)?.EnabledByDefault ?? true,
        _ => true,
    };

    /// <summary>The severity to report a rule's finding at, or null when the rule is off.</summary>
    public FindingSeverity? SeverityFor(string ruleId, FindingSeverity defaultSeverity) => LevelOf(ruleId) switch
    {
        RuleLevel.Off => null,
        RuleLevel.Default when RuleCatalog.Find(ruleId) is { EnabledByDefault: false } => null,
        RuleLevel.Error => FindingSeverity.Error,
        RuleLevel.Warning => FindingSeverity.Warning,
        RuleLevel.Information => FindingSeverity.Information,
        RuleLevel.Hint => FindingSeverity.Hint,
        _ => defaultSeverity,
    };

    private static bool TryParseLevel(string? text, out RuleLevel level)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "off" or "none" or "false" or "disabled" or "ignore": level = RuleLevel.Off; return true;
            case "error": level = RuleLevel.Error; return true;
            case "warning" or "warn": level = RuleLevel.Warning; return true;
            case "information" or "info": level = RuleLevel.Information; return true;
            case "hint": level = RuleLevel.Hint; return true;
            case "default" or "on" or "true": level = RuleLevel.Default; return true;
            default: level = RuleLevel.Default; return false;
        }
    }
}
