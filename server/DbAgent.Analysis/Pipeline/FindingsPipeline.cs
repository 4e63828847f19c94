using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Pipeline;

/// <summary>The findings of one analysis, with what went wrong along the way (for the log, never shown as findings).</summary>
public sealed record AnalysisResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Problems);

/// <summary>What one analysis of a script is given besides the script.</summary>
public sealed record AnalysisInput
{
    public RuleSettings Rules { get; init; } = RuleSettings.Default;
    /// <summary>The schema the migrations build (or the live catalog's), for schema-aware rules.</summary>
    public SchemaModel? Schema { get; init; }
    /// <summary>The document's findings from its previous version (the editor keeps one per open document).</summary>
    public LintCache? Cache { get; init; }
    /// <summary>
    /// Findings made outside the linter (plan findings, schema drift) for this script: they obey the same rule
    /// settings and <c>-- dbagent-ignore</c> comments and are sorted in with the rest.
    /// </summary>
    public IEnumerable<Finding> External { get; init; } = [];
    /// <summary>Tables that are new in the change being checked (created by migrations of the same change): no lock warning for them.</summary>
    public IReadOnlySet<string>? NewTables { get; init; }
    /// <summary>One analysis of a file nobody edits (`dbagent check`): the engine parses each batch once before any statement.</summary>
    public bool OneShot { get; init; }
}

/// <summary>
/// The one analysis entry point that the editor, <c>dbagent check</c> and the chat call: syntax errors (our front
/// end's and the engines' own grammars'), every lint rule (query rules and migration safety, per statement and per
/// script), and the findings made elsewhere (plans, drift), filtered by the rule settings and inline suppressions,
/// then sorted once, here. Never throws for bad input.
/// </summary>
public static class FindingsPipeline
{
    public static AnalysisResult Analyze(SqlScript script, AnalysisInput input, CancellationToken cancellationToken = default)
    {
        var result = Linter.Run(script, input.Rules, input.Schema ?? script.Schema, cancellationToken: cancellationToken, cache: input.Cache, newTables: input.NewTables);
        var problems = result.Failures
            .Select(f => $"rule {f.RuleId} failed on the statement at {f.StatementSpan}: {f.Error}")
            .Concat(input.Rules.Problems)
            .ToList();

        IReadOnlyList<SyntaxError> exact = [];
        try
        {
            exact = ExactSyntaxErrors.Find(script, cancellationToken, wholeBatchFirst: input.OneShot);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"the exact syntax check failed: {e.GetType().Name}: {e.Message}");
        }

        var extra = exact.Select(e => new Finding(CoreRules.SyntaxError.Id, CoreRules.SyntaxError.DefaultSeverity, e.Message, e.Span)
        {
            Data = new Dictionary<string, string> { ["source"] = e.Source },
        }).Concat(input.External).ToList();
        if (extra.Count == 0) return new AnalysisResult(result.Findings, problems);

        var findings = result.Findings.Concat(Linter.ApplySettings(script, extra, input.Rules)).ToList();
        findings.Sort(Linter.DocumentOrder);
        return new AnalysisResult(findings, problems);
    }
}
