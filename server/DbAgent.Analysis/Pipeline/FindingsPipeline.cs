using System.Diagnostics;
using System.Globalization;
using System.Text;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Validation;

namespace DbAgent.Analysis.Pipeline;

/// <summary>The findings of one analysis, with what went wrong along the way (for the log, never shown as findings).</summary>
public sealed record AnalysisResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// What the size policy or a stage's time limit left out (the analysis-limited notices' messages), whether or not
    /// the rule settings show the notice: `dbagent check` fails a file it did not check in full.
    /// </summary>
    public IReadOnlyList<string> Limited { get; init; } = [];
}

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
    /// <summary>The size policy and the time limit of each stage (<c>dbagent.analysis.*</c>, <c>analysis</c> in dbagent.json).</summary>
    public AnalysisLimits Limits { get; init; } = AnalysisLimits.Default;
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
        var limits = input.Limits;
        var large = limits.LargeReason(script);
        var statements = script.Statements.Count;

        // Stage 1, the rules: a large file's first statements only; every file within the stage's time.
        var rulesStarted = Stopwatch.GetTimestamp();
        var bounds = new LintBounds(large is null ? int.MaxValue : limits.LargeFileRuleStatements, () => limits.OutOfTime(rulesStarted), ScriptRules: large is null);
        var result = Linter.Run(script, input.Rules, input.Schema ?? script.Schema, cancellationToken: cancellationToken, cache: input.Cache, newTables: input.NewTables,
            bounds: bounds);
        var problems = result.Failures
            .Select(f => $"rule {f.RuleId} failed on the statement at {f.StatementSpan}: {f.Error}")
            .Concat(input.Rules.Problems)
            .ToList();

        // Stage 2, the engine's own grammar: not for a large file (one engine call per statement), and within its time.
        IReadOnlyList<SyntaxError> exact = [];
        int? exactStoppedAt = null;
        var engine = ExactSyntaxErrors.Validators.For(script.Dialect) is { IsAvailable: true } v ? EngineName(v) : null;
        if (large is null)
        {
            try
            {
                var exactStarted = Stopwatch.GetTimestamp();
                exact = ExactSyntaxErrors.Find(script, input.OneShot, () => limits.OutOfTime(exactStarted), out exactStoppedAt, cancellationToken, input.Cache?.Exact);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"the exact syntax check failed: {e.GetType().Name}: {e.Message}");
            }
        }

        var notices = new List<Finding>();
        if (large is not null)
        {
            var read = result.StatementsRead;
            var message = new StringBuilder($"Analysis limited: {large}. Checked: the whole file for unterminated strings and comments and unbalanced parentheses (DbAgent's own lexer)");
            message.Append(read >= statements
                ? "; the rules over every statement"
                : string.Create(CultureInfo.InvariantCulture, $"; the rules over the first {read:N0} of {statements:N0} statements (to line {LineOf(script, read)})"));
            message.Append(". Skipped: ");
            var skipped = new List<string>();
            if (read < statements) skipped.Add("the rules on the statements after those");
            if (engine is not null) skipped.Add($"the engine's grammar check ({engine})");
            skipped.Add("the whole-script rules (transaction blocks, lock_timeout)");
            message.Append(string.Join(", ", skipped));
            message.Append($". Raise {AnalysisLimits.MaxFileSetting} or {AnalysisLimits.MaxStatementsSetting} (0 = no limit; in dbagent.json: analysis.maxFileSizeMB, analysis.maxStatements) to analyse it in full.");
            if (result.OutOfTime)
                message.Append(string.Create(CultureInfo.InvariantCulture, $" The rules also ran out of time after {limits.StageTimeText} at line {LineOf(script, read)}."));
            notices.Add(AnalysisLimits.LimitedFinding(message.ToString()));
        }
        else if (result.OutOfTime)
        {
            notices.Add(AnalysisLimits.LimitedFinding(string.Create(CultureInfo.InvariantCulture,
                $"Analysis cut short: the rules stopped after {limits.StageTimeText} at line {LineOf(script, result.StatementsRead)}, having checked {result.StatementsRead:N0} of {statements:N0} statements; the statements after it and the whole-script rules (transaction blocks, lock_timeout) were not checked. Raise {AnalysisLimits.StageTimeSetting} (0 = no limit) to let them finish.")));
        }
        if (exactStoppedAt is { } stopped)
        {
            notices.Add(AnalysisLimits.LimitedFinding(string.Create(CultureInfo.InvariantCulture,
                $"Analysis cut short: the engine's grammar check ({engine ?? "the engine's parser"}) stopped after {limits.StageTimeText} at line {script.Text.GetLinePosition(stopped).Line + 1}; syntax errors after it come from DbAgent's own parser only. Raise {AnalysisLimits.StageTimeSetting} (0 = no limit) to let it finish.")));
        }

        var extra = exact.Select(e => new Finding(CoreRules.SyntaxError.Id, CoreRules.SyntaxError.DefaultSeverity, e.Message, e.Span)
        {
            Data = new Dictionary<string, string> { ["source"] = e.Source },
        }).Concat(input.External).Concat(notices).ToList();
        var limited = notices.Select(n => n.Message).ToList();
        if (extra.Count == 0) return new AnalysisResult(result.Findings, problems) { Limited = limited };

        // The linter's findings are in order already: the few others are put in where they go.
        var findings = Linter.MergeFew(result.Findings as List<Finding> ?? [.. result.Findings], [.. Linter.ApplySettings(script, extra, input.Rules)], tiesFirst: false);
        return new AnalysisResult(findings, problems) { Limited = limited };
    }

    /// <summary>The 1-based line where the statement at an index starts (the line after the last one, past the end).</summary>
    private static int LineOf(SqlScript script, int statementIndex)
    {
        if (script.Statements.Count == 0) return 1;
        var span = statementIndex < script.Statements.Count ? script.Statements[statementIndex].Span : script.Statements[^1].Span;
        return script.Text.GetLinePosition(statementIndex < script.Statements.Count ? span.Start : span.End).Line + 1;
    }

    private static string EngineName(ISyntaxValidator validator) => validator switch
    {
        PostgresSyntaxValidator => PostgresSyntaxValidator.SourceName,
        TSqlSyntaxValidator => TSqlSyntaxValidator.SourceName,
        _ => validator.GetType().Name,
    };
}
