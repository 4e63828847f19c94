using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Explain;
using DbAgent.Databases;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>/explain: what the selected or current statement does, from its model, and its plan when connected.</summary>
public sealed class ExplainCommand : IChatCommand
{
    private const int MaxStatements = 3;

    public string Name => "explain";
    public string Description => "explain the current statement";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Document is not { } doc)
        {
            await response.MarkdownAsync(Guidance.NoDocument);
            return Followups.Of("schema");
        }
        var statements = doc.FocusStatements().Where(s => s.Model.Kind != StatementKind.Unknown).ToList();
        if (statements.Count == 0)
        {
            await response.MarkdownAsync("The active file has no statement to explain.\n");
            return Followups.Of("schema");
        }
        if (statements.Count > MaxStatements)
            await response.MarkdownAsync($"The file has {statements.Count} statements; I explain the first {MaxStatements}. Put the cursor in a statement (or select it) to explain that one.\n\n");

        var planned = false;
        foreach (var statement in statements.Take(MaxStatements))
        {
            await response.StatementHeadingAsync(doc.Uri, doc.RangeOf(statement.Span));
            await response.MarkdownAsync(StatementDescription.Describe(statement.Model, doc.TextOf(statement.Span), doc.Dialect) + "\n");
            var risks = doc.Findings.Where(f => statement.Span.Contains(f.Span.Start) && MigrationsCommand.IsMigrationFinding(f) && f.Severity <= Analysis.Findings.FindingSeverity.Warning).ToList();
            if (risks.Count > 0)
                await response.MarkdownAsync($"On a live database: {string.Join("; ", risks.Select(r => r.Message))} `/migrations` gives the safer way.\n\n");

            if (context.Session is { } session && statement.Model.Kind is StatementKind.Select or StatementKind.Insert or StatementKind.Update or StatementKind.Delete or StatementKind.Merge)
            {
                await response.ProgressAsync("Asking the database for the plan...");
                try
                {
                    // EXPLAIN without ANALYZE inside a rolled-back read-only transaction: the statement is not run.
                    var plan = await session.ExplainAsync(doc.TextOf(statement.Span), context.QueryOptions, response.CancellationToken);
                    await response.MarkdownAsync($"**Plan** ({EngineNames.ServerName(session.ServerInfo)}):\n\n" + StatementDescription.RenderPlan(plan) + "\n");
                    planned = true;
                }
                catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    await response.MarkdownAsync($"The database could not plan this statement: {ex.Message}\n\n");
                }
            }
        }
        if (context.Session is null)
            await response.MarkdownAsync("\n" + Guidance.ConnectionNeeded(context, "The execution plan"));
        return planned ? Followups.Of("indexes", "optimize", "stats") : Followups.Of("indexes", "optimize", "review");
    }
}
