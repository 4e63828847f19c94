using System.Text;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Findings;

namespace DbAgent.Agent.Commands;

/// <summary>/review: the active file's findings from the one pipeline (rule id, range, why, fix), as the editor shows them.</summary>
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

        var ddl = findings.Where(MigrationsCommand.IsMigrationFinding).Select(f => doc.Script.StatementAt(f.Span.Start)).Distinct().Count();
        if (ddl > 0)
            await response.MarkdownAsync($"{ddl} statement{(ddl == 1 ? " has" : "s have")} migration-safety findings: `/migrations` gives the safer way for each.\n\n");
        if (findings.Count == 0)
            await response.MarkdownAsync("Checked: syntax, UPDATE/DELETE without WHERE, query rules, migration safety" +
                (context.Session is null ? ". Plan-based findings (full scans, large sorts) need a connection." : ", and the plans of the live database.") + "\n");

        return findings.Count > 0
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
