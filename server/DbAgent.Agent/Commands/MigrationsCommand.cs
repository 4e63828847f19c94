using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Migrations;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>/migrations: the safety of each DDL statement of the active file on a live database, for its engine.</summary>
public sealed class MigrationsCommand : IChatCommand
{
    private const int MaxRisks = 40;

    public string Name => "migrations";
    public string Description => "check migration safety";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Document is not { } doc)
        {
            await response.MarkdownAsync(Guidance.NoDocument);
            return Followups.Of("schema");
        }
        var dialect = context.Dialect ?? doc.Dialect;
        await response.ProgressAsync("Checking the DDL for locks, rewrites and data loss...");
        // The whole file, unless the user selected some of it.
        var statements = doc.Selection is { IsEmpty: false } ? doc.FocusStatements() : doc.Script.Statements;
        var assessed = statements
            .Select(s => (Statement: s, Risks: MigrationSafety.Assess(s, dialect)))
            .Where(x => x.Risks.Count > 0).ToList();
        var ddlCount = statements.Count(s => s.Model.Ddl.Count > 0 || IsDdl(s.Model.Kind));
        if (ddlCount == 0 && assessed.Count == 0)
        {
            await response.MarkdownAsync($"The active file has no DDL (CREATE, ALTER, DROP, TRUNCATE): nothing to check for migration safety.\n");
            return Followups.Of("review", "schema");
        }

        var dangers = assessed.Sum(a => a.Risks.Count(r => r.Level == MigrationRiskLevel.Danger));
        var warnings = assessed.Sum(a => a.Risks.Count(r => r.Level == MigrationRiskLevel.Warning));
        await response.MarkdownAsync($"## Migration safety ({EngineNames.DisplayName(dialect)})\n\n" +
            $"{ddlCount} DDL statement{(ddlCount == 1 ? "" : "s")}: {dangers} that can lose data or break running code, {warnings} that lock or rewrite a table.\n\n");

        var shown = 0;
        foreach (var (statement, risks) in assessed)
        {
            response.CancellationToken.ThrowIfCancellationRequested();
            foreach (var risk in risks.OrderBy(r => r.Level))
            {
                if (++shown > MaxRisks) break;
                var range = doc.RangeOf(risk.Span.IsEmpty ? statement.Span : risk.Span);
                await response.MarkdownAsync($"### {Label(risk.Level)} {risk.Title} (line {range.Start.Line + 1}) ");
                await response.ReferenceAsync(doc.Uri, range);
                await response.MarkdownAsync($"\n\n{risk.Why}\n\n**Safer:** {risk.SaferWay}\n\n");
            }
        }
        var total = assessed.Sum(a => a.Risks.Count);
        if (total > MaxRisks)
            await response.MarkdownAsync($"...and {total - MaxRisks} more: split the migration, or select the statements to check.\n\n");
        if (dangers + warnings == 0)
            await response.MarkdownAsync("Nothing here locks a table for long or loses data.\n\n");
        await response.MarkdownAsync(GeneralPractice(dialect));
        return Followups.Of("schema", "indexes", "backup");
    }

    /// <summary>How to keep a migration from blocking others, in the terms of the file's own engine.</summary>
    internal static string GeneralPractice(DbAgent.Sql.SqlDialect dialect) => dialect switch
    {
        DbAgent.Sql.SqlDialect.Postgres => "General practice: start the migration with `SET lock_timeout = '5s'` so it fails fast instead of queueing behind a long transaction and blocking every query that queues behind it.\n",
        DbAgent.Sql.SqlDialect.MySql => "General practice: start the migration with `SET SESSION lock_wait_timeout = 5` so it fails fast instead of waiting for a metadata lock behind a long transaction and blocking every query that queues behind it.\n",
        DbAgent.Sql.SqlDialect.TSql => "General practice: start the migration with `SET LOCK_TIMEOUT 5000` so it fails fast instead of queueing behind a long transaction and blocking every query that queues behind it.\n",
        _ => "General practice on SQLite: a migration write-locks the whole database for as long as its transaction lasts, so run it in one short transaction (`BEGIN IMMEDIATE; ... COMMIT;`) at a quiet moment, with `PRAGMA busy_timeout = 5000;` so it waits at most 5 s for another writer instead of failing at once. A change `ALTER TABLE` cannot make (a column's type or constraints) means rebuilding the table (create the new one, copy, drop, rename) in that transaction, with `PRAGMA foreign_keys = OFF;` set before `BEGIN`.\n",
    };

    private static bool IsDdl(StatementKind kind) => kind is StatementKind.CreateTable or StatementKind.AlterTable or StatementKind.DropTable
        or StatementKind.CreateIndex or StatementKind.DropIndex or StatementKind.AlterIndex or StatementKind.Truncate or StatementKind.CreateView
        or StatementKind.DropView or StatementKind.CreateMaterializedView or StatementKind.CreateType or StatementKind.AlterType or StatementKind.DropType
        or StatementKind.DropSchema or StatementKind.CreateSchema or StatementKind.CreateSequence or StatementKind.DropSequence;

    private static string Label(MigrationRiskLevel level) => level switch
    {
        MigrationRiskLevel.Danger => "Danger:",
        MigrationRiskLevel.Warning => "Locks:",
        _ => "Note:",
    };
}
