using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Analysis.Findings;
using DbAgent.Analysis.Rules;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>
/// /migrations: the migration-safety findings of the active file, quoted from the one analysis pipeline (the same
/// findings the editor squiggles and `dbagent check` prints), with each rule's why and safe recipe.
/// </summary>
public sealed class MigrationsCommand : IChatCommand
{
    private const int MaxRisks = 40;

    public string Name => "migrations";
    public string Description => "check migration safety";

    /// <summary>True for findings of migration-safety rules (locks, rewrites, breaking changes).</summary>
    public static bool IsMigrationFinding(Finding finding) => RuleCatalog.Find(finding.RuleId)?.Category == RuleCategory.Migration;

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
        var findings = doc.Findings.Where(IsMigrationFinding)
            .Where(f => statements.Any(s => s.Span.Contains(f.Span.Start) || s.Span.Start == f.Span.Start))
            .ToList();
        var ddlCount = statements.Count(s => s.Model.Ddl.Count > 0 || IsDdl(s.Model.Kind));
        if (ddlCount == 0 && findings.Count == 0)
        {
            await response.MarkdownAsync($"The active file has no DDL (CREATE, ALTER, DROP, TRUNCATE): nothing to check for migration safety.\n");
            return Followups.Of("review", "schema");
        }

        var errors = findings.Count(f => f.Severity == FindingSeverity.Error);
        var warnings = findings.Count(f => f.Severity == FindingSeverity.Warning);
        await response.MarkdownAsync($"## Migration safety ({EngineNames.DisplayName(dialect)})\n\n" +
            $"{ddlCount} DDL statement{(ddlCount == 1 ? "" : "s")}: {errors} finding{(errors == 1 ? "" : "s")} that fail{(errors == 1 ? "s" : "")} or lose data, {warnings} that lock, rewrite or break running code" +
            (findings.Count > errors + warnings ? $", {findings.Count - errors - warnings} to know about" : "") + ".\n\n");

        foreach (var finding in findings.OrderBy(f => f.Severity).ThenBy(f => f.Span.Start).Take(MaxRisks))
        {
            response.CancellationToken.ThrowIfCancellationRequested();
            var range = doc.RangeOf(finding.Span);
            var rule = RuleCatalog.Find(finding.RuleId);
            await response.MarkdownAsync($"### {Label(finding.Severity)} {rule?.Title ?? finding.RuleId} (`{finding.RuleId}`, line {range.Start.Line + 1}) ");
            await response.ReferenceAsync(doc.Uri, range);
            // The lock-timeout finding names its own engine's statement; the page lists every engine's.
            var fix = finding.RuleId == "missing-lock-timeout" ? null : RuleGuide.For(finding.RuleId)?.Fix;
            await response.MarkdownAsync($"\n\n{finding.Message}\n\n" + (string.IsNullOrWhiteSpace(fix) ? "" : $"**Safer:** {fix}\n\n"));
        }
        if (findings.Count > MaxRisks)
            await response.MarkdownAsync($"...and {findings.Count - MaxRisks} more: split the migration, or select the statements to check.\n\n");
        if (findings.Count == 0)
            await response.MarkdownAsync("No migration-safety rule reports anything here: nothing locks an existing table for long, rewrites it, or breaks running code.\n\n");
        // SQLite has no lock-timeout rule (one writer locks the whole file): its practice is said here instead.
        if (dialect == DbAgent.Sql.SqlDialect.Sqlite && ddlCount > 0) await response.MarkdownAsync(GeneralPractice(dialect));
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

    private static string Label(FindingSeverity severity) => severity switch
    {
        FindingSeverity.Error => "Fails:",
        FindingSeverity.Warning => "Locks or breaks:",
        _ => "Note:",
    };
}
