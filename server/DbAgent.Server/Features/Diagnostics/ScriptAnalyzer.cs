using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Server.Features.Configuration;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>The findings of one analysis, with what went wrong along the way (for the log, never shown as findings).</summary>
public sealed record AnalysisResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Problems);

/// <summary>
/// The one analysis path the editor and `dbagent check` share: the analysis layer's linter (our front end's certain
/// syntax errors, the lint rules, the `dbagent.rules` setting and `-- dbagent-ignore` comments), plus the exact
/// syntax errors of the engines' own grammars where they are installed. Never throws for bad input.
/// </summary>
public static class ScriptAnalyzer
{
    /// <param name="cache">The document's findings from its previous version (the editor keeps one per open document).</param>
    public static AnalysisResult Analyze(SqlScript script, DbAgentSettings settings, CancellationToken cancellationToken, SchemaModel? schema = null, LintCache? cache = null)
    {
        var result = Linter.Run(script, settings.Rules, schema, cancellationToken: cancellationToken, cache: cache);
        var problems = result.Failures
            .Select(f => $"rule {f.RuleId} failed on the statement at {f.StatementSpan}: {f.Error}")
            .Concat(settings.Rules.Problems)
            .ToList();

        IReadOnlyList<SyntaxError> exact = [];
        try
        {
            exact = ExactSyntaxErrors.Find(script, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"the exact syntax check failed: {e.GetType().Name}: {e.Message}");
        }
        if (exact.Count == 0) return new AnalysisResult(result.Findings, problems);

        var syntax = exact.Select(e => new Finding(CoreRules.SyntaxError.Id, CoreRules.SyntaxError.DefaultSeverity, e.Message, e.Span)
        {
            Data = new Dictionary<string, string> { ["source"] = e.Source },
        });
        var findings = result.Findings.Concat(Linter.ApplySettings(script, syntax, settings.Rules))
            .OrderBy(f => f.Span.Start).ThenBy(f => f.RuleId, StringComparer.Ordinal).ToList();
        return new AnalysisResult(findings, problems);
    }
}
