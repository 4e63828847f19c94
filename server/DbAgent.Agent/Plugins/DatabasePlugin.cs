using System.ComponentModel;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Commands;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;
using Microsoft.SemanticKernel;

namespace DbAgent.Agent.Plugins;

/// <summary>
/// The analysis tools as kernel functions, over the snapshot the request was made with. Each returns the same
/// markdown the slash command streams, so the model sees exactly what the user would.
/// </summary>
public sealed class DatabasePlugin(ChatContext context)
{
    public const string PluginName = "database";

    [KernelFunction("review_findings")]
    [Description("Lists the findings of the active SQL file (rule id, line, why it matters, how to fix) and query anti-patterns.")]
    public Task<string> ReviewFindingsAsync(CancellationToken cancellationToken = default) =>
        RunAsync(new ReviewCommand(), context, cancellationToken);

    [KernelFunction("explain_statement")]
    [Description("Explains what a statement of the active file does: relations and roles, predicates and how they can use indexes, ordering, limit, and its execution plan when connected.")]
    public Task<string> ExplainStatementAsync(
        [Description("1-based line of the statement in the active file; omit for the statement under the cursor")] int? line = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(new ExplainCommand(), AtLine(line), cancellationToken);

    [KernelFunction("suggest_indexes")]
    [Description("Suggests indexes for a query of the active file from its predicates (equality, range, ORDER BY), with the engine's online CREATE INDEX.")]
    public Task<string> SuggestIndexesAsync(
        [Description("1-based line of the statement in the active file; omit for the statement under the cursor")] int? line = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(new IndexesCommand(), AtLine(line), cancellationToken);

    [KernelFunction("find_query_problems")]
    [Description("Finds anti-patterns in a query of the active file (SELECT *, leading-wildcard LIKE, functions on columns, OR across columns, NOT IN with NULLs, missing LIMIT).")]
    public Task<string> FindQueryProblemsAsync(
        [Description("1-based line of the statement in the active file; omit for the statement under the cursor")] int? line = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(new OptimizeCommand(), AtLine(line), cancellationToken);

    [KernelFunction("describe_schema")]
    [Description("Describes the schema (tables, columns, keys, indexes) replayed from the workspace migrations or read from the live database, with design remarks.")]
    public async Task<string> DescribeSchemaAsync(
        [Description("A table name to describe only that table; omit for the whole schema")] string? table = null,
        CancellationToken cancellationToken = default)
    {
        if (!string.IsNullOrWhiteSpace(table))
        {
            if (context.Schema?.FindTable(QualifiedName.Parse(table.Trim())) is { } found) return SchemaCommand.DescribeTable(found);
            return context.Schema is null ? "The schema is not known: no migrations were found and there is no connection." : $"There is no table `{table}` in the known schema.";
        }
        return await RunAsync(new SchemaCommand(), context, cancellationToken).ConfigureAwait(false);
    }

    [KernelFunction("check_migration_safety")]
    [Description("Checks the DDL of the active file for table rewrites, long locks, failures on existing rows and data loss, for its engine.")]
    public Task<string> CheckMigrationSafetyAsync(CancellationToken cancellationToken = default) =>
        RunAsync(new MigrationsCommand(), context, cancellationToken);

    [KernelFunction("table_stats")]
    [Description("Statistics of one table from the live database: estimated rows, sizes, index usage, sequential vs index scans, vacuum/analyze.")]
    public async Task<string> TableStatsAsync(
        [Description("The table name, optionally schema-qualified")] string table,
        CancellationToken cancellationToken = default)
    {
        if (context.Session is not { } session) return Guidance.ConnectionNeeded(context, "Table statistics");
        if (string.IsNullOrWhiteSpace(table)) return "Name a table.";
        var stats = await session.GetTableStatsAsync(QualifiedName.Parse(table.Trim()), cancellationToken).ConfigureAwait(false);
        return stats is null ? $"Table `{table}` was not found in the database." : StatsCommand.Render(stats);
    }

    private ChatContext AtLine(int? line)
    {
        if (line is not { } l || context.Document is not { } doc) return context;
        var text = doc.Script.Text;
        if (l < 1 || l > text.LineCount) return context;
        var start = text.GetLineStart(l - 1);
        // The first statement that starts on or after the line's start, or the one spanning it.
        var statement = doc.Script.StatementAt(start) ?? doc.Script.Statements.FirstOrDefault(s => s.Span.Start >= start);
        var caret = statement?.Span.Start ?? start;
        return context with { Document = doc with { Selection = new TextSpan(caret, 0) } };
    }

    private static async Task<string> RunAsync(IChatCommand command, ChatContext context, CancellationToken cancellationToken)
    {
        var sink = new BufferedChatSink();
        await command.RunAsync(new ChatRequest("") { Command = command.Name }, context, new ChatResponse(sink, cancellationToken)).ConfigureAwait(false);
        return sink.ToMarkdown();
    }
}
