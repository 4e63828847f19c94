using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>PostgreSQL CREATE INDEX without CONCURRENTLY: a SHARE lock blocks every write for the whole build.</summary>
public sealed class IndexWithoutConcurrentlyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("index-without-concurrently", "CREATE INDEX without CONCURRENTLY",
        "CREATE INDEX without CONCURRENTLY blocks writes to the table for the whole build.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not CreateIndexAction { Index: { Concurrently: false } index } create) continue;
            var tokens = context.Tokens;
            var significant = tokens.Significant();
            var at = tokens.Find(significant, "INDEX");
            FindingFix[] fix = at < 0 ? [] : [Insert("Add CONCURRENTLY (run it outside a transaction block)", significant[at].Token.End, " CONCURRENTLY")];
            yield return Report(context, create.Span,
                $"CREATE INDEX on {index.Table} takes a SHARE lock: every INSERT, UPDATE and DELETE waits until the build ends. Use CREATE INDEX CONCURRENTLY, outside a transaction block.",
                index.Table.ToString(), fix);
        }
    }
}

/// <summary>PostgreSQL DROP INDEX without CONCURRENTLY: an ACCESS EXCLUSIVE lock on the table.</summary>
public sealed class DropIndexWithoutConcurrentlyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("drop-index-without-concurrently", "DROP INDEX without CONCURRENTLY",
        "DROP INDEX without CONCURRENTLY locks the table against reads and writes.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.DropIndex) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var at = tokens.Find(significant, "INDEX");
        if (at < 0 || tokens.Find(significant, "CONCURRENTLY") >= 0) yield break;
        yield return Report(context, context.Model.KeywordSpan.IsEmpty ? context.Statement.Span : context.Model.KeywordSpan,
            "DROP INDEX takes an ACCESS EXCLUSIVE lock on its table: no reads or writes until it commits. Use DROP INDEX CONCURRENTLY, outside a transaction block.",
            null, Insert("Add CONCURRENTLY (run it outside a transaction block)", significant[at].Token.End, " CONCURRENTLY"));
    }
}

/// <summary>PostgreSQL REINDEX without CONCURRENTLY (PostgreSQL 12+).</summary>
public sealed class ReindexWithoutConcurrentlyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("reindex-without-concurrently", "REINDEX without CONCURRENTLY",
        "REINDEX without CONCURRENTLY blocks writes, and reads that use the index.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        if (significant.Count < 2 || !tokens.IsWord(significant[0].Token, "REINDEX")) yield break;
        if (tokens.Find(significant, "CONCURRENTLY") >= 0) yield break;
        // REINDEX SYSTEM cannot run concurrently at all: nothing to advise.
        if (tokens.IsWord(significant[1].Token, "SYSTEM")) yield break;
        var target = significant.Count > 1 ? significant[1].Token : significant[0].Token;
        yield return Report(context, significant[0].Token.Span,
            "REINDEX locks out writes to the table (and reads through the index) until it ends. On PostgreSQL 12+ use REINDEX ... CONCURRENTLY.",
            null, Insert("Add CONCURRENTLY", target.End, " CONCURRENTLY"));
    }
}

/// <summary>SQL Server CREATE INDEX / ALTER INDEX REBUILD without ONLINE = ON.</summary>
public sealed class IndexWithoutOnlineRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("index-without-online", "Index build without ONLINE = ON",
        "An offline index build blocks writes to the table until it ends.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not CreateIndexAction { Index: { Online: false } index } create) continue;
            var lockNote = index.Clustered ? "a Sch-M lock: no reads or writes" : "a shared lock: no writes";
            yield return Report(context, create.Span,
                $"CREATE INDEX on {index.Table} is built offline and holds {lockNote} until it ends. Add WITH (ONLINE = ON) (Enterprise, Developer and Azure SQL), or build it in a maintenance window.",
                index.Table.ToString());
        }
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        if (significant.Count > 0 && tokens.IsWord(significant[0].Token, "ALTER") && tokens.Find(significant, "INDEX") == 1
            && tokens.Find(significant, "REBUILD") is var rebuild and >= 0 && tokens.Find(significant, "ONLINE", topLevel: false) < 0)
            yield return Report(context, significant[rebuild].Token.Span,
                "ALTER INDEX ... REBUILD runs offline: the table is locked until it ends. Add WITH (ONLINE = ON), or use REORGANIZE, which is always online.");
    }
}
