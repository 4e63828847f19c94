using System.Text;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Migrations;

namespace DbAgent.Agent.Commands;

/// <summary>/review: the active file's findings (rule id, range, why, fix), then the anti-patterns the rules do not report.</summary>
public sealed class ReviewCommand : IChatCommand
{
    /// <summary>A chat answer is read, not scrolled: past this many findings the Problems panel is the place.</summary>
    private const int MaxFindings = 30;

    public string Name => "review";
    public string Description => "review the active file";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Document is not { } doc)
        {
            await response.MarkdownAsync(Guidance.NoDocument);
            return Followups.Of("schema", "backup");
        }
        await response.ProgressAsync("Reviewing the findings of the active file...");
        var findings = doc.Findings.OrderBy(f => f.Span.Start).ToList();
        var name = doc.Uri[(doc.Uri.LastIndexOf('/') + 1)..];
        await response.MarkdownAsync($"## Review of `{name}` ({EngineNames.DisplayName(doc.Dialect)})\n\n" +
            (findings.Count == 0
                ? $"No findings in its {doc.Script.Statements.Count} statement{(doc.Script.Statements.Count == 1 ? "" : "s")}.\n\n"
                : $"{findings.Count} finding{(findings.Count == 1 ? "" : "s")} in {doc.Script.Statements.Count} statement{(doc.Script.Statements.Count == 1 ? "" : "s")}:\n\n"));

        foreach (var finding in findings.Take(MaxFindings))
        {
            response.CancellationToken.ThrowIfCancellationRequested();
            var range = doc.RangeOf(finding.Span);
            await response.MarkdownAsync($"### {Icon(finding.Severity)} `{finding.RuleId}` at line {range.Start.Line + 1}\n\n{finding.Message} ");
            await response.ReferenceAsync(doc.Uri, range);
            var sb = new StringBuilder("\n\n");
            var guide = RuleGuide.For(finding.RuleId);
            if (guide is { Why.Length: > 0 }) sb.Append("**Why it matters:** ").Append(guide.Why).Append("\n\n");
            if (!string.IsNullOrWhiteSpace(finding.Detail)) sb.Append(finding.Detail.TrimEnd()).Append("\n\n");
            if (guide is { Fix.Length: > 0 }) sb.Append("**How to fix:** ").Append(guide.Fix).Append("\n\n");
            else if (string.IsNullOrWhiteSpace(finding.Detail)) sb.Append($"Turn it off with `\"dbagent.rules\": {{ \"{finding.RuleId}\": \"off\" }}` or `-- dbagent-ignore {finding.RuleId}` if it does not apply.\n\n");
            await response.MarkdownAsync(sb.ToString());
        }

        if (findings.Count > MaxFindings)
            await response.MarkdownAsync($"...and {findings.Count - MaxFindings} more findings: the Problems panel lists them all.\n\n");

        // Anti-patterns beyond the rules, without repeating what a finding already says on the same range.
        var extra = new List<(AntiPattern Pattern, Sql.Text.LineSpan Range)>();
        foreach (var statement in doc.Script.Statements)
        {
            response.CancellationToken.ThrowIfCancellationRequested();
            foreach (var pattern in AntiPatterns.Find(doc.Script, statement))
                if (!findings.Any(f => f.RuleId == pattern.Id && f.Span.Overlaps(pattern.Span) || f.RuleId == pattern.Id && f.Span == pattern.Span))
                    extra.Add((pattern, doc.RangeOf(pattern.Span)));
        }
        if (extra.Count > 0)
        {
            await response.MarkdownAsync($"### Also worth a look\n\n");
            foreach (var (pattern, range) in extra.Take(20))
            {
                await response.MarkdownAsync($"- **{pattern.Title}** (line {range.Start.Line + 1}) ");
                await response.ReferenceAsync(doc.Uri, range);
                await response.MarkdownAsync($": {pattern.Why} {pattern.Fix}\n");
            }
            if (extra.Count > 20) await response.MarkdownAsync($"- ...and {extra.Count - 20} more.\n");
            await response.MarkdownAsync("\n");
        }

        var ddl = doc.Script.Statements.Count(s => MigrationSafety.Assess(s, doc.Dialect).Any(r => r.Level != MigrationRiskLevel.Note));
        if (ddl > 0)
            await response.MarkdownAsync($"{ddl} DDL statement{(ddl == 1 ? " has" : "s have")} migration risks: `/migrations` details them.\n\n");
        if (findings.Count == 0 && extra.Count == 0)
            await response.MarkdownAsync("Checked: syntax, UPDATE/DELETE without WHERE, query anti-patterns" +
                (context.Session is null ? ". Plan-based findings (full scans, large sorts) need a connection." : ", and the plans of the live database.") + "\n");

        return findings.Count > 0 || extra.Count > 0
            ? Followups.Of("optimize", "indexes", ddl > 0 ? "migrations" : "explain")
            : Followups.Of("explain", "indexes", "schema");
    }

    private static string Icon(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "Error:",
        FindingSeverity.Warning => "Warning:",
        FindingSeverity.Information => "Info:",
        _ => "Hint:",
    };
}
