using DbAgent.Analysis.Drift;
using DbAgent.Analysis.Plans;
using DbAgent.Analysis.Rules.Dml;

namespace DbAgent.Analysis.Rules;

/// <summary>Every rule DbAgent reports, lint and otherwise, by id.</summary>
public static class RuleCatalog
{
    /// <summary>The rules the linter runs on every statement.</summary>
    public static IReadOnlyList<ILintRule> LintRules { get; } = [new UpdateWithoutWhereRule(), new DeleteWithoutWhereRule()];

    /// <summary>Every rule id with its descriptor: syntax errors, lint rules, plan findings and schema drift.</summary>
    public static IReadOnlyList<RuleDescriptor> All { get; } =
    [
        CoreRules.SyntaxError,
        .. LintRules.Select(r => r.Descriptor),
        .. PlanRules.All,
        SchemaDrift.Rule,
    ];

    public static RuleDescriptor? Find(string? ruleId) =>
        ruleId is null ? null : All.FirstOrDefault(r => string.Equals(r.Id, ruleId.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The doc page of a rule (markdown), or null for an unknown id.</summary>
    public static string? GetDocumentation(string? ruleId) => Find(ruleId) is { } rule ? RuleDocumentation.Get(rule.Id) : null;
}
