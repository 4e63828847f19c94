using DbAgent.Agent.Chat;
using DbAgent.Analysis.Advisor;
using DbAgent.Agent.Tools;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Databases;

namespace DbAgent.Agent.Commands;

/// <summary>/indexes: candidate indexes for the statements in focus, with the engine's online DDL.</summary>
public sealed class IndexesCommand : IChatCommand
{
    public string Name => "indexes";
    public string Description => "suggest indexes";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Document is not { } doc)
        {
            await response.MarkdownAsync(Guidance.NoDocument);
            if (context.Schema is { } schema) await ForeignKeyIndexesAsync(schema, response);
            return Followups.Of("schema");
        }
        var statements = doc.FocusStatements().Where(s => s.Model.Kind is StatementKind.Select or StatementKind.Update or StatementKind.Delete or StatementKind.Merge).ToList();
        if (statements.Count == 0)
        {
            await response.MarkdownAsync("There is no query (SELECT, UPDATE, DELETE) in focus to derive indexes from. Put the cursor in one, or select it.\n\n");
            if (context.Schema is { } schema) await ForeignKeyIndexesAsync(schema, response);
            return Followups.Of("schema", "migrations");
        }

        await response.ProgressAsync("Deriving candidate indexes from the predicates...");
        var any = 0;
        foreach (var statement in statements.Take(10))
            any += await AdviseAsync(doc, statement, context, response);
        if (any == 0)
            await response.MarkdownAsync("None of these statements filters, joins or sorts on a column an index could serve.\n\n");
        else
            await response.MarkdownAsync(EngineNote(context.Dialect ?? doc.Dialect, context.Session is not null));
        await WorkloadAsync(doc, context, response);
        return Followups.Of("optimize", "explain", "migrations");
    }

    /// <summary>
    /// The whole file as a workload, through the same entry point as `dbagent advise`: one index set for all its
    /// queries, weighed by the planner where the engine has what-if indexes (HypoPG), merged and with drops.
    /// </summary>
    internal static async Task WorkloadAsync(ChatDocument doc, ChatContext context, ChatResponse response)
    {
        var dialect = context.Dialect ?? doc.Dialect;
        var queries = DbAgent.Analysis.Advisor.Workload.WorkloadText.Queries(doc.Script.Text.ToString(), dialect, Path.GetFileName(doc.Uri), DbAgent.Analysis.Advisor.Workload.WorkloadSource.Workspace);
        if (queries.Count < 2 && context.Session is null) return;
        await response.ProgressAsync("Weighing one index set for every query of the file...");
        DbAgent.Databases.Advisor.WorkloadAdvice advice;
        try
        {
            advice = await DbAgent.Databases.Advisor.WorkloadAdvisor.AdviseAsync(context.Session, dialect, queries, context.Schema,
                new DbAgent.Databases.Advisor.WorkloadAdviceOptions { Explain = context.QueryOptions }, response.CancellationToken);
        }
        catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            await response.MarkdownAsync($"*Workload advice:* the database could not be asked: {ex.Message}\n\n");
            return;
        }
        var s = advice.Selection;
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append(inv, $"**For the whole file** ({advice.Queries.Count} query shape(s), {s.Candidates} candidates; ");
        sb.Append(!s.Verified ? "not verified by a planner: this engine has no what-if indexes here)\n\n"
            : s.CostBasis == DbAgent.Analysis.Plans.PlanShapeCost.Basis ? $"what-if on a private copy, {s.Counters.Batches} batches, {s.Counters.CacheHits} cache hits, nothing built; SQLite plans carry no cost, so the gain is the plan's shape: SCAN to SEARCH, the sort gone)\n\n"
            : $"planner what-if: {s.Counters.Batches} batches, {s.Counters.CacheHits} cache hits, nothing built)\n\n");
        if (s.Indexes.Count == 0) sb.Append("No index lowers the file's cost enough to pay for itself.\n\n");
        else sb.Append("```sql\n" + string.Concat(s.Indexes.Select(i => IndexAdvisor.Render(i.Index, dialect).Up + "\n")) + "```\n\n");
        foreach (var d in s.Drops) sb.Append(inv, $"- drop `{d.Name}` ({d.Reason}): {d.Evidence}\n");
        foreach (var q in s.Queries.Where(q => q.Before is not null && q.After is not null && q.After < q.Before))
            sb.Append(inv, $"- `{(q.Query.Sql.Length > 70 ? q.Query.Sql[..67] + "..." : q.Query.Sql)}`: {(s.CostBasis == DbAgent.Analysis.Plans.PlanShapeCost.Basis ? "plan-shape cost" : "cost")} {q.Before:0.##} → {q.After:0.##}\n");
        sb.Append("\n`dbagent advise --workload <file> --migrations <folder>` writes this as a reversible migration.\n\n");
        await response.MarkdownAsync(sb.ToString());
    }

    /// <summary>Writes the advice for one statement; returns how many candidates and hints it had.</summary>
    internal static async Task<int> AdviseAsync(ChatDocument doc, ParsedStatement statement, ChatContext context, ChatResponse response, bool withHeader = true)
    {
        var dialect = context.Dialect ?? doc.Dialect;
        var advice = IndexAdvisor.Advise(statement.Model, dialect, context.Schema, doc.Script.Text.Text);
        if (advice.Candidates.Count == 0 && advice.Hints.Count == 0) return 0;
        if (withHeader)
        {
            await response.StatementHeadingAsync(doc.Uri, doc.RangeOf(statement.Span));
        }
        else
        {
            await response.MarkdownAsync("**Index advice**\n\n");
        }
        foreach (var candidate in advice.Candidates)
        {
            var text = $"**`{candidate.Table}({candidate.KeyList})`**{(candidate.Predicate is null ? "" : $" where `{candidate.Predicate}`")}\n\n" +
                string.Concat(candidate.Reasons.Select(r => $"- {r}\n")) + "\n";
            text += candidate.CoveredBy is not null
                ? $"The existing index `{candidate.CoveredBy}` already serves these keys: nothing to add.\n\n"
                : $"```sql\n{IndexAdvisor.Render(candidate, dialect).Up}\n```\n\n";
            await response.MarkdownAsync(text);
            if (candidate.CoveredBy is null && context.Session is { } session)
                await response.MarkdownAsync(await WhatIfAsync(session, doc.TextOf(statement.Span), candidate, context, response));
        }
        foreach (var hint in advice.Hints)
            await response.MarkdownAsync($"- {hint.Text}\n");
        if (advice.Hints.Count > 0) await response.MarkdownAsync("\n");
        return advice.Candidates.Count + advice.Hints.Count;
    }

    /// <summary>The plan with the index, tried without building it (HypoPG, a rolled-back transaction), when the engine can.</summary>
    private static async Task<string> WhatIfAsync(IDatabaseSession session, string sql, IndexCandidate candidate, ChatContext context, ChatResponse response)
    {
        await response.ProgressAsync($"Trying {candidate.Name} on the database without building it...");
        var index = new IndexDefinition(candidate.Name, candidate.Table, candidate.IndexKeys, default)
        {
            Predicate = candidate.Predicate,
        };
        try
        {
            var result = await session.ExplainWithIndexAsync(sql, index, context.QueryOptions, response.CancellationToken);
            if (!result.Supported) return $"*What-if:* {result.Message ?? "this engine cannot try an index without building it."}\n\n";
            var verdict = result.IndexUsed ? "the plan **uses the index**" : "the plan **does not use the index**: the engine prefers another path (check the statistics, or the selectivity of the filter)";
            var cost = result.Before?.TotalCost is { } before && result.After?.TotalCost is { } after
                ? $" Estimated cost {before.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)} → {after.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}."
                : "";
            return $"*What-if on {EngineNames.ServerName(session.ServerInfo)}:* {verdict}. Before: {Access(result.Before)}; with the index: {Access(result.After)}.{cost}\n\n";
        }
        catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            return $"*What-if:* the database could not try the index: {ex.Message}\n\n";
        }
    }

    /// <summary>How a plan reaches its tables, in a few words: "SCAN on orders", "SEARCH on orders using ix_...".</summary>
    private static string Access(DbAgent.Analysis.Plans.QueryPlan? plan)
    {
        if (plan is null) return "unknown";
        var nodes = plan.Nodes.Where(n => n.Relation is not null).Take(4)
            .Select(n => $"`{n.NodeType} on {n.Relation}{(n.IndexName is null ? "" : $" using {n.IndexName}")}`").ToList();
        return nodes.Count == 0 ? $"`{plan.Root.NodeType}`" : string.Join(", ", nodes);
    }

    internal static string EngineNote(SqlDialect dialect, bool connected) => dialect switch
    {
        SqlDialect.Postgres => "`CREATE INDEX CONCURRENTLY` builds without blocking writes but cannot run inside a transaction block: put it in a migration of its own, marked non-transactional." +
            (connected ? "" : " With a connection (and HypoPG), the plan can be checked against the hypothetical index before you build it.") + "\n",
        SqlDialect.MySql => "`ALGORITHM=INPLACE, LOCK=NONE` makes MySQL/MariaDB fail rather than lock the table if it cannot build online. DbAgent only proposes indexes on MySQL; it never builds one.\n",
        SqlDialect.TSql => "`ONLINE = ON` needs Enterprise, Developer or Azure SQL; on Standard, drop the option and build in a quiet window.\n",
        _ => "SQLite has no online index build: the database is write-locked while it builds (quick for small tables).\n",
    };

    private static async Task ForeignKeyIndexesAsync(DbAgent.Sql.Schema.SchemaModel schema, ChatResponse response)
    {
        var missing = SchemaReview.Review(schema).Where(r => r.Id == "foreign-key-without-index").ToList();
        if (missing.Count == 0) return;
        await response.MarkdownAsync("From the schema, foreign keys without an index:\n\n" + string.Concat(missing.Select(m => $"- {m.Text} {m.Fix}\n")) + "\n");
    }
}
