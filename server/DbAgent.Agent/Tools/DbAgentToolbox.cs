using System.Globalization;
using System.Text;
using System.Text.Json;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Commands;
using DbAgent.Analysis.Rules;
using DbAgent.Databases;
using DbAgent.Databases.Connections;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Agent.Tools;

/// <summary>What a tool call gave: the text for the model (or the error it should correct), never a secret.</summary>
public sealed record ToolOutcome(string Text, bool IsError);

/// <summary>
/// The one set of DbAgent tools: the chat's tool loop, agent mode and the Semantic Kernel path all call these.
/// Each call is read-only; a bad call (unknown tool, bad input, a database that fails) comes back as an error
/// text the model can act on, never as an exception.
/// </summary>
public sealed class DbAgentToolbox
{
    public static DbAgentToolbox Default { get; } = new([
        new ReviewTool(), new ExplainPlanTool(), new ProposeIndexesTool(), new TableStatsTool(), new SchemaTool(), new MigrationSafetyTool(),
    ]);

    public DbAgentToolbox(IReadOnlyList<DbAgentTool> tools) => Tools = tools;

    public IReadOnlyList<DbAgentTool> Tools { get; }

    public DbAgentTool? Find(string? name) => Tools.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    public async Task<ToolOutcome> InvokeAsync(string? name, JsonElement input, ToolContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Find(name) is not { } tool)
            return new ToolOutcome($"There is no tool `{name}`. The tools are: {string.Join(", ", Tools.Select(t => $"`{t.Name}`"))}.", true);
        try
        {
            var arguments = new ToolArguments(input, tool.Parameters);
            var text = await tool.RunAsync(arguments, context, cancellationToken).ConfigureAwait(false);
            return new ToolOutcome(context.Chat.Redact(text), false);
        }
        catch (ToolInputException e)
        {
            return new ToolOutcome($"Bad input for `{tool.Name}`: {e.Message}", true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (DatabaseAccessException e)
        {
            return new ToolOutcome(context.Chat.Redact($"`{tool.Name}`: the database could not answer: {e.Message}"), true);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ToolOutcome(context.Chat.Redact($"`{tool.Name}` failed ({e.GetType().Name}: {e.Message})."), true);
        }
    }

    /// <summary>Runs a slash command over a context into markdown (references written as file:line links).</summary>
    internal static async Task<string> RunCommandAsync(IChatCommand command, ChatContext context, CancellationToken cancellationToken)
    {
        var sink = new BufferedChatSink();
        await command.RunAsync(new ChatRequest("") { Command = command.Name }, context, new ChatResponse(sink, cancellationToken)).ConfigureAwait(false);
        return sink.ToMarkdown();
    }

    /// <summary>
    /// The context with the document the input names: `sql` (parsed in the context's dialect), else `file`
    /// (opened by the host), else the active document; `line` puts the caret on the statement at that line.
    /// </summary>
    internal static async Task<ChatContext> TargetAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var chat = context.Chat;
        ChatDocument? document = chat.Document;
        if (arguments.String("sql") is { } sql)
        {
            var dialect = chat.Dialect ?? DialectResolver.Detect(sql) ?? SqlDialect.Postgres;
            var script = SqlScript.Parse(sql, dialect, chat.Schema);
            document = new ChatDocument("untitled:query.sql", script) { Findings = Linter.Analyze(script, schema: chat.Schema) };
        }
        else if (arguments.String("file") is { } file)
        {
            document = context.Documents is { } documents ? await documents.OpenAsync(file, cancellationToken).ConfigureAwait(false) : null;
            if (document is null) throw new ToolInputException($"There is no SQL file `{file}` in the workspace. Give a path relative to the workspace folder, or pass the SQL text as `sql`.");
        }
        if (document is null) throw new ToolInputException("No SQL file is open: pass `file` (a workspace path) or `sql` (the SQL text).");
        if (arguments.Int("line") is { } line)
        {
            var text = document.Script.Text;
            if (line < 1 || line > text.LineCount) throw new ToolInputException($"`line` must be between 1 and {text.LineCount}, the lines of {Name(document.Uri)}.");
            var start = text.GetLineStart(line - 1);
            var statement = document.Script.StatementAt(start) ?? document.Script.Statements.FirstOrDefault(s => s.Span.Start >= start);
            document = document with { Selection = new TextSpan(statement?.Span.Start ?? start, 0) };
        }
        else if (!ReferenceEquals(document, chat.Document))
        {
            document = document with { Selection = null };
        }
        return chat with { Document = document };
    }

    internal static string Name(string uri) => uri[(uri.LastIndexOf('/') + 1)..];

    internal static string Where(ToolArguments a) =>
        a.String("sql") is not null ? "the given SQL" : a.String("file") is { } f ? $"`{f}`" + (a.Int("line") is { } l ? $" line {l}" : "") : "the active file";
}

internal static class Inputs
{
    public static readonly ToolParameter File = new("file", "string", "A SQL file: a path relative to the workspace folder (e.g. `queries/orders.sql`), an absolute path or a file URI. Omit for the active editor's file.");
    public static readonly ToolParameter Sql = new("sql", "string", "SQL text to analyse instead of a file.");
    public static readonly ToolParameter Line = new("line", "integer", "1-based line of the statement in the file; omit for the statement under the cursor (or every statement).");
}

/// <summary>A tool that answers with one of the slash commands' deterministic analyses of the file or SQL it is given.</summary>
internal abstract class CommandTool(IChatCommand command) : DbAgentTool
{
    public override async Task<string> RunAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken) =>
        await DbAgentToolbox.RunCommandAsync(command, await DbAgentToolbox.TargetAsync(arguments, context, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
}

internal sealed class ReviewTool() : CommandTool(new ReviewCommand())
{
    public override string Name => "dbagent_review";
    public override string Description => "Reviews a SQL file or SQL text: every finding of DbAgent's rules (rule id, line, why it matters, how to fix: syntax errors, UPDATE/DELETE without WHERE, unsafe migrations, plan-based findings such as full scans of large tables) and query anti-patterns." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [Inputs.File, Inputs.Sql];
    public override string Progress(ToolArguments a) => $"Reviewing {DbAgentToolbox.Where(a)}";
}

internal sealed class ExplainPlanTool() : CommandTool(new ExplainCommand())
{
    public override string Name => "dbagent_explain_plan";
    public override string Description => "Explains a SQL statement: what it reads and how (relations, predicates and whether indexes can serve them, ordering, limit) and, with a database connection, the database's own execution plan (EXPLAIN, estimated rows and cost, full scans, sorts)." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [Inputs.Sql, Inputs.File, Inputs.Line];
    public override string Progress(ToolArguments a) => $"Explaining the plan of {DbAgentToolbox.Where(a)}";
}

internal sealed class ProposeIndexesTool() : CommandTool(new IndexesCommand())
{
    public override string Name => "dbagent_propose_indexes";
    public override string Description => "Proposes indexes for a statement, or for every statement of a file (a workload): the columns from its predicates and ordering, the engine's online CREATE INDEX, and, with a connection, the what-if plan cost before and after (HypoPG on PostgreSQL, a private in-memory copy of the schema and statistics on SQLite). It only proposes: it never creates an index." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [Inputs.Sql, Inputs.File, Inputs.Line];
    public override string Progress(ToolArguments a) => $"Looking for indexes for {DbAgentToolbox.Where(a)}";
}

internal sealed class MigrationSafetyTool() : CommandTool(new MigrationsCommand())
{
    public override string Name => "dbagent_migration_safety";
    public override string Description => "Checks the DDL of a migration file (or SQL text) for what hurts a live database: table rewrites, long locks, statements that fail on existing rows, data loss, non-reversible steps, for its engine." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [Inputs.File, Inputs.Sql];
    public override string Progress(ToolArguments a) => $"Checking the migration safety of {DbAgentToolbox.Where(a)}";
}

internal sealed class SchemaTool : DbAgentTool
{
    public override string Name => "dbagent_schema";
    public override string Description => "Describes the schema of named tables (columns and types, keys, foreign keys, indexes), from the live database catalog when connected, else replayed from the workspace's migrations; without `tables`, the whole schema with design remarks." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [new("tables", "array", "Table names, optionally schema-qualified (e.g. [\"orders\", \"public.customers\"]); omit for the whole schema.")];
    public override string Progress(ToolArguments a) => a.Strings("tables") is { Count: > 0 } t ? $"Reading the schema of {string.Join(", ", t)}" : "Reading the schema";

    public override async Task<string> RunAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var tables = arguments.Strings("tables");
        var chat = context.Chat;
        if (tables.Count == 0) return await DbAgentToolbox.RunCommandAsync(new SchemaCommand(), chat, cancellationToken).ConfigureAwait(false);
        if (chat.Schema is not { } schema) return "The schema is not known: the workspace has no migrations and there is no connection.";
        var sb = new StringBuilder($"Schema of {string.Join(", ", tables.Select(t => $"`{t}`"))}{(chat.SchemaSource is { } source ? $" (from {source})" : "")}:\n\n");
        foreach (var name in tables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            sb.Append(schema.FindTable(QualifiedName.Parse(name)) is { } table ? SchemaCommand.DescribeTable(table) : $"There is no table `{name}` in the known schema ({schema.Tables.Count} tables: {string.Join(", ", schema.Tables.Take(20).Select(t => $"`{t.Name}`"))}).\n");
            sb.Append('\n');
        }
        return sb.ToString();
    }
}

internal sealed class TableStatsTool : DbAgentTool
{
    public override string Name => "dbagent_table_stats";
    public override string Description => "Statistics of a table from the connected database (estimated rows, table and index sizes, index use, sequential vs index scans, vacuum/analyze) and, with `column`, of one column (null fraction, distinct values, most common values, correlation). Reads the catalog's statistics views only." + NeverWrites;
    public override IReadOnlyList<ToolParameter> Parameters { get; } = [new("table", "string", "The table name, optionally schema-qualified.", Required: true), new("column", "string", "A column of the table, for its statistics.")];
    public override string Progress(ToolArguments a) => $"Reading the statistics of `{a.String("table")}`" + (a.String("column") is { } c ? $".`{c}`" : "");

    public override async Task<string> RunAsync(ToolArguments arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var chat = context.Chat;
        if (chat.Session is not { } session) return Guidance.ConnectionNeeded(chat, "Table statistics");
        var name = QualifiedName.Parse(arguments.String("table")!.Trim());
        var stats = await session.GetTableStatsAsync(name, cancellationToken).ConfigureAwait(false);
        if (stats is null) return $"Table `{name}` was not found in the database `{session.ServerInfo.Database}`.";
        var text = new StringBuilder($"Statistics of table `{name}` ({EngineNames.ServerName(session.ServerInfo)}, database `{session.ServerInfo.Database}`):\n\n");
        text.Append(StatsCommand.Render(stats));
        if (arguments.String("column") is { } columnName)
        {
            var column = await session.GetColumnStatsAsync(name, columnName.Trim(), cancellationToken).ConfigureAwait(false);
            text.Append("\n\n").Append(column is null ? $"Column `{columnName}` was not found in `{name}`.\n" : RenderColumn(column));
        }
        return text.ToString();
    }

    private static string RenderColumn(ColumnStats c)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder($"Column `{c.Column}`:\n");
        if (c.DataType is { } type) sb.Append($"- type: `{type}`{(c.Nullable is { } n ? n ? ", nullable" : ", not null" : "")}\n");
        if (c.NullFraction is { } nulls) sb.Append($"- nulls: {(nulls * 100).ToString("0.#", inv)}%\n");
        if (c.DistinctValues is { } distinct) sb.Append(distinct < 0 ? $"- distinct: {(-distinct * 100).ToString("0.#", inv)}% of rows\n" : $"- distinct values: {distinct.ToString("0", inv)}\n");
        if (c.MostCommonValues.Count > 0)
            sb.Append("- most common: ").Append(string.Join(", ", c.MostCommonValues.Take(5).Select((v, i) => $"`{v}`" + (i < c.MostCommonFrequencies.Count ? $" {(c.MostCommonFrequencies[i] * 100).ToString("0.#", inv)}%" : "")))).Append('\n');
        if (c.Correlation is { } corr) sb.Append($"- correlation with row order: {corr.ToString("0.00", inv)}\n");
        return sb.ToString();
    }
}
