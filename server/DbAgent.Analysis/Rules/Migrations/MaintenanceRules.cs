using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>PostgreSQL VACUUM FULL rewrites the table under ACCESS EXCLUSIVE.</summary>
public sealed class VacuumFullRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("vacuum-full", "VACUUM FULL",
        "VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        if (significant.Count < 2 || !tokens.IsWord(significant[0].Token, "VACUUM")) yield break;
        var full = tokens.Find(significant, "FULL", topLevel: false);
        if (full < 0 || full > 4) yield break;
        // VACUUM (FULL false) is an explicit no.
        if (full + 1 < significant.Count && (tokens.IsWord(significant[full + 1].Token, "FALSE") || tokens.IsWord(significant[full + 1].Token, "OFF"))) yield break;
        yield return Report(context, significant[full].Token.Span,
            "VACUUM FULL rewrites the whole table under an ACCESS EXCLUSIVE lock: no reads or writes until it ends. Plain VACUUM (or pg_repack / pg_squeeze for bloat) runs alongside traffic.");
    }
}

/// <summary>PostgreSQL REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks readers of the view.</summary>
public sealed class RefreshWithoutConcurrentlyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("refresh-matview-without-concurrently", "REFRESH MATERIALIZED VIEW without CONCURRENTLY",
        "A plain refresh locks the materialized view against reads until it ends.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        if (!tokens.Sequence(significant, 0, "REFRESH", "MATERIALIZED", "VIEW")) yield break;
        if (tokens.Find(significant, "CONCURRENTLY") >= 0) yield break;
        // WITH NO DATA empties the view on purpose; CONCURRENTLY does not allow it.
        if (tokens.Find(significant, "NO") is var no and >= 0 && tokens.Sequence(significant, no, "NO", "DATA")) yield break;
        yield return Report(context, significant[0].Token.Span,
            "REFRESH MATERIALIZED VIEW takes an ACCESS EXCLUSIVE lock on the view: every query reading it waits for the refresh. Use REFRESH MATERIALIZED VIEW CONCURRENTLY (it needs a unique index on the view).");
    }
}

/// <summary>PostgreSQL enum changes: ADD VALUE in a transaction block, RENAME VALUE breaking running code.</summary>
public sealed class EnumValueChangeRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("enum-value-change", "Enum value renamed or removed",
        "Renaming an enum value breaks running code that writes the old value.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        if (!tokens.Sequence(significant, 0, "ALTER", "TYPE")) yield break;
        var rename = tokens.Find(significant, "RENAME");
        if (rename >= 0 && tokens.Sequence(significant, rename, "RENAME", "VALUE"))
            yield return Report(context, significant[rename].Token.Span,
                "ALTER TYPE ... RENAME VALUE breaks running code and stored queries that write or compare the old value as soon as it commits. Add the new value, move the rows and the code to it, and keep the old one until nothing uses it.");
    }
}

/// <summary>CREATE TRIGGER on a table in a migration: a SHARE ROW EXCLUSIVE lock and logic hidden from application code.</summary>
public sealed class TriggerRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("trigger-in-migration", "Trigger added to a table",
        "A trigger adds hidden work to every write on its table.", FindingSeverity.Information, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.CreateTrigger) yield break;
        var table = context.Model.Relations.FirstOrDefault(r => r.Role is RelationRole.Altered or RelationRole.Written or RelationRole.Read)?.Name;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var on = tokens.Find(significant, "ON");
        if (table is null && on >= 0 && on + 1 < significant.Count) table = QualifiedName.Parse(tokens.Text(significant[on + 1].Token));
        var lockNote = context.Script.Dialect == SqlDialect.Postgres ? " Creating it takes a SHARE ROW EXCLUSIVE lock that blocks writes while waiting for running transactions." : "";
        yield return Report(context, context.Model.KeywordSpan.IsEmpty ? context.Statement.Span : context.Model.KeywordSpan,
            $"A trigger on {table?.ToString() ?? "the table"} runs on every matching write, hidden from the code that writes; bulk loads and backfills slow down with it.{lockNote} Keep its logic small, or do the work in the application or a queue.",
            table?.ToString());
    }
}
