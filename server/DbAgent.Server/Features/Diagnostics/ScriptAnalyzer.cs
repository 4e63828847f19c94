using DbAgent.Analysis.Findings;
using DbAgent.Server.Features.Configuration;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Server.Features.Diagnostics;

/// <summary>The findings of one analysis, with what went wrong along the way (for the log, never shown as findings).</summary>
public sealed record AnalysisResult(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Problems);

/// <summary>
/// The one analysis path the editor and `dbagent check` share: syntax errors, then the lint rules under the
/// `dbagent.rules` setting and `-- dbagent-ignore` comments. Never throws for bad input.
/// </summary>
public static class ScriptAnalyzer
{
    public const string SyntaxErrorRule = "syntax-error";
    public const string UpdateWithoutWhere = "update-without-where";
    public const string DeleteWithoutWhere = "delete-without-where";

    public static AnalysisResult Analyze(SqlScript script, DbAgentSettings settings, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var raw = new List<Finding>();
        foreach (var error in script.Errors)
            raw.Add(new Finding(SyntaxErrorRule, FindingSeverity.Error, error.Message, error.Span));
        foreach (var statement in script.Statements)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var model = statement.Model;
                if (model.HasWhere) continue;
                var (rule, verb, effect) = model.Kind switch
                {
                    StatementKind.Update => (UpdateWithoutWhere, "UPDATE", "changes"),
                    StatementKind.Delete => (DeleteWithoutWhere, "DELETE", "removes"),
                    _ => (null, null, null),
                };
                if (rule is null) continue;
                var targets = model.Targets.Where(t => !t.IsCommonTableExpression).Select(t => t.Name.ToString()).ToList();
                var what = targets.Count == 0 ? "the table" : string.Join(", ", targets);
                raw.Add(new Finding(rule, FindingSeverity.Error, $"{verb} without a WHERE clause {effect} every row of {what}.", model.Span));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problems.Add($"A rule failed on the statement at {statement.Span}: {e.GetType().Name}: {e.Message}");
            }
        }

        var kept = new List<Finding>();
        foreach (var finding in raw)
        {
            var setting = settings.RuleFor(finding.RuleId);
            if (setting is { Enabled: false }) continue;
            if (IsSuppressed(script, finding)) continue;
            kept.Add(setting?.Severity is { } severity ? finding with { Severity = severity } : finding);
        }
        kept.Sort((a, b) => a.Span.Start != b.Span.Start ? a.Span.Start.CompareTo(b.Span.Start) : string.CompareOrdinal(a.RuleId, b.RuleId));
        return new AnalysisResult(kept, problems);
    }

    private static bool IsSuppressed(SqlScript script, Finding finding)
    {
        var statement = script.StatementAt(finding.Span.Start);
        if (statement is null) return false;
        foreach (var comment in script.CommentsAround(statement))
        {
            var body = script.Text.Text.AsSpan(comment.Start, comment.Length);
            var at = body.IndexOf("dbagent-ignore", StringComparison.OrdinalIgnoreCase);
            if (at < 0) continue;
            var rest = body[(at + "dbagent-ignore".Length)..].ToString().TrimEnd('*', '/', ' ', '\t');
            var ids = rest.Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length == 0 || ids.Contains(finding.RuleId, StringComparer.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
