using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

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
        return Followups.Of("optimize", "explain", "migrations");
    }

    /// <summary>Writes the advice for one statement; returns how many candidates and hints it had.</summary>
    internal static async Task<int> AdviseAsync(ChatDocument doc, ParsedStatement statement, ChatContext context, ChatResponse response, bool withHeader = true)
    {
        var dialect = context.Dialect ?? doc.Dialect;
        var advice = IndexAdvisor.Advise(statement.Model, dialect, context.Schema, doc.Script.Text.Text);
        if (advice.Candidates.Count == 0 && advice.Hints.Count == 0) return 0;
        if (withHeader)
        {
            var range = doc.RangeOf(statement.Span);
            await response.MarkdownAsync($"### Statement at line {range.Start.Line + 1} ");
            await response.ReferenceAsync(doc.Uri, range);
            await response.MarkdownAsync("\n\n");
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
                ? $"The existing index `{candidate.CoveredBy}` already starts with these keys: nothing to add.\n\n"
                : $"```sql\n{candidate.Ddl}\n```\n\n";
            await response.MarkdownAsync(text);
        }
        foreach (var hint in advice.Hints)
            await response.MarkdownAsync($"- {hint.Text}\n");
        if (advice.Hints.Count > 0) await response.MarkdownAsync("\n");
        return advice.Candidates.Count + advice.Hints.Count;
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
