using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Features.Configuration;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>The findings of one analysis, with what went wrong along the way (for the log, never shown as findings).</summary>
public sealed record AnalysisResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Problems);

/// <summary>
/// The one analysis path the editor and `dbagent check` share: the analysis layer's linter (syntax errors, the lint
/// rules, the `dbagent.rules` setting and `-- dbagent-ignore` comments). Never throws for bad input.
/// </summary>
public static class ScriptAnalyzer
{
    public static string SyntaxErrorRule => CoreRules.SyntaxError.Id;
    public static string UpdateWithoutWhere => CoreRules.UpdateWithoutWhere.Id;
    public static string DeleteWithoutWhere => CoreRules.DeleteWithoutWhere.Id;

    public static AnalysisResult Analyze(SqlScript script, DbAgentSettings settings, CancellationToken cancellationToken, SchemaModel? schema = null)
    {
        var result = Linter.Run(script, settings.Rules, schema, cancellationToken: cancellationToken);
        var problems = result.Failures
            .Select(f => $"rule {f.RuleId} failed on the statement at {f.StatementSpan}: {f.Error}")
            .Concat(settings.Rules.Problems)
            .ToList();
        return new AnalysisResult(result.Findings, problems);
    }
}
