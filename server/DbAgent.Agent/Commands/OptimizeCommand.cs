using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Rules;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>/optimize: anti-patterns in the statements in focus, then the index advice.</summary>
public sealed class OptimizeCommand : IChatCommand
{
    public string Name => "optimize";
    public string Description => "find what makes a query slow";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Document is not { } doc)
        {
            await response.MarkdownAsync(Guidance.NoDocument);
            return Followups.Of("schema", "scaling");
        }
        var statements = doc.FocusStatements().Where(s => s.Model.Kind is StatementKind.Select or StatementKind.Update or StatementKind.Delete or StatementKind.Merge or StatementKind.Insert).ToList();
        if (statements.Count == 0)
        {
            await response.MarkdownAsync("There is no query in focus to optimize. Put the cursor in a SELECT, UPDATE or DELETE, or select it.\n");
            return Followups.Of("review", "migrations");
        }
        await response.ProgressAsync("Looking for anti-patterns...");
        var total = 0;
        foreach (var statement in statements.Take(10))
        {
            // The query rules' findings from the one pipeline: what the editor squiggles, quoted, not recomputed.
            var patterns = doc.Findings.Where(f => statement.Span.Contains(f.Span.Start) && RuleCatalog.Find(f.RuleId)?.Category is RuleCategory.Performance or RuleCategory.Correctness or RuleCategory.Safety).ToList();
            await response.StatementHeadingAsync(doc.Uri, doc.RangeOf(statement.Span));
            if (patterns.Count == 0)
                await response.MarkdownAsync("No anti-pattern in its shape.\n\n");
            foreach (var p in patterns)
            {
                var at = doc.RangeOf(p.Span);
                await response.MarkdownAsync($"- **{RuleCatalog.Find(p.RuleId)?.Title ?? p.RuleId}** (`{p.RuleId}`, line {at.Start.Line + 1}): {p.Message}\n");
            }
            total += patterns.Count;
            if (patterns.Count > 0) await response.MarkdownAsync("\n");
            var findings = doc.Findings.Where(f => f.RuleId.StartsWith("plan-", StringComparison.Ordinal) && statement.Span.Contains(f.Span)).ToList();
            foreach (var f in findings)
                await response.MarkdownAsync($"- From the plan (`{f.RuleId}`): {f.Message}\n");
            if (findings.Count > 0) await response.MarkdownAsync("\n");
            await IndexesCommand.AdviseAsync(doc, statement, context, response, withHeader: false);
        }
        if (context.Session is null)
            await response.MarkdownAsync("This is judged from the SQL alone. " + Guidance.ConnectionNeeded(context, "Checking it against real plans and table sizes"));
        return Followups.Of("indexes", "explain", "stats");
    }
}
