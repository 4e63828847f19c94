using DbAgent.Analysis.Findings;

namespace DbAgent.Analysis.Rules;

/// <summary>Descriptors of the lint rules and of syntax errors.</summary>
public static class CoreRules
{
    public static readonly RuleDescriptor SyntaxError = new(
        "syntax-error", "Syntax error", "The SQL cannot be parsed here.", FindingSeverity.Error, RuleCategory.Syntax);

    /// <summary>Not a problem of the SQL: the size policy or a stage's time limit left part of the analysis out, and this says which part.</summary>
    public static readonly RuleDescriptor AnalysisLimited = new(
        "analysis-limited", "Analysis limited", "Part of the analysis of this file was skipped or cut short.", FindingSeverity.Information, RuleCategory.Syntax);

    public static readonly RuleDescriptor UpdateWithoutWhere = new(
        "update-without-where", "UPDATE without WHERE", "UPDATE without a WHERE clause changes every row of the table.",
        FindingSeverity.Error, RuleCategory.Safety);

    public static readonly RuleDescriptor DeleteWithoutWhere = new(
        "delete-without-where", "DELETE without WHERE", "DELETE without a WHERE clause removes every row of the table.",
        FindingSeverity.Error, RuleCategory.Safety);
}
