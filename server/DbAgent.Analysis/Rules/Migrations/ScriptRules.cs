using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>Script rules share the descriptor plumbing of statement rules.</summary>
public abstract class ScriptRule(RuleDescriptor descriptor) : IScriptRule
{
    public RuleDescriptor Descriptor { get; } = descriptor;

    public IEnumerable<Finding> Analyze(ScriptFacts facts) => Descriptor.AppliesTo(facts.Dialect) ? Check(facts) : [];

    protected abstract IEnumerable<Finding> Check(ScriptFacts facts);

    protected Finding Report(TextSpan span, string message, params FindingFix[] fixes) =>
        new(Descriptor.Id, Descriptor.DefaultSeverity, message, span) { Fixes = fixes };

    protected static RuleDescriptor Rule(string id, string title, string message, FindingSeverity severity, RuleCategory category, params SqlDialect[] engines) =>
        new(id, title, message, severity, category) { Engines = engines };

    /// <summary>The DDL that takes a lock on an existing table long enough to matter while it waits in the lock queue.</summary>
    internal static QualifiedName? LockedTable(StatementModel model)
    {
        foreach (var action in model.Ddl)
        {
            switch (action)
            {
                case CreateIndexAction { Index.Concurrently: false } ci: return ci.Index.Table;
                case AddColumnAction a: return a.Table;
                case DropColumnAction d: return d.Table;
                case AlterColumnTypeAction t: return t.Table;
                case SetColumnNullabilityAction n: return n.Table;
                case SetColumnDefaultAction sd: return sd.Table;
                case RenameColumnAction rc: return rc.Table;
                case RenameTableAction rt: return rt.Table;
                case AddConstraintAction ac: return ac.Table;
                case DropConstraintAction dc: return dc.Table;
            }
        }
        return model.Kind is StatementKind.AlterTable or StatementKind.Truncate ? model.Targets.FirstOrDefault()?.Name : null;
    }
}

/// <summary>PostgreSQL CREATE/DROP INDEX CONCURRENTLY (and REINDEX CONCURRENTLY) inside BEGIN ... COMMIT fails at run time.</summary>
public sealed class ConcurrentlyInTransactionRule() : ScriptRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("concurrently-in-transaction", "CONCURRENTLY inside a transaction block",
        "CONCURRENTLY cannot run inside a transaction block: the migration fails.", FindingSeverity.Error, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(ScriptFacts facts)
    {
        var statements = facts.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            if (!facts.InTransactionBlock(i)) continue;
            var statement = statements[i];
            if (statement.Model.Kind is not (StatementKind.CreateIndex or StatementKind.DropIndex or StatementKind.Other or StatementKind.Unknown)) continue;
            var tokens = new StatementTokens(facts.Script, statement);
            var significant = tokens.Significant();
            var at = tokens.Find(significant, "CONCURRENTLY");
            if (at < 0 || statement.Model.Kind is not (StatementKind.CreateIndex or StatementKind.DropIndex or StatementKind.Other or StatementKind.Unknown)) continue;
            if (statement.Model.Kind is StatementKind.Other or StatementKind.Unknown && !tokens.IsWord(significant[0].Token, "REINDEX")) continue;
            // Move it after the COMMIT that closes the block.
            var fixes = new List<FindingFix>();
            var close = Enumerable.Range(i + 1, statements.Count - i - 1).FirstOrDefault(j => statements[j].Model.Kind == StatementKind.Transaction && statements[j].Model.Detail is "COMMIT" or "END", -1);
            if (close > 0)
            {
                var text = facts.Script.Text;
                var from = statement.Span.Start;
                var to = statement.Span.End;
                if (to < text.Length && text[to] == ';') to++;
                var moved = text.ToString(TextSpan.FromBounds(from, to)).TrimEnd();
                if (!moved.EndsWith(';')) moved += ";";
                var afterClose = statements[close].Span.End;
                if (afterClose < text.Length && text[afterClose] == ';') afterClose++;
                fixes.Add(new FindingFix("Move it after the transaction block (COMMIT)",
                    [new FindingEdit(TextSpan.FromBounds(from, to), ""), new FindingEdit(new TextSpan(afterClose, 0), "\n" + moved)]));
            }
            yield return Report(significant[at].Token.Span,
                "CONCURRENTLY cannot run inside a transaction block: PostgreSQL raises an error and the migration fails. Run this statement outside BEGIN ... COMMIT (mark the migration non-transactional in your tool).",
                [.. fixes]);
        }
    }
}

/// <summary>A statement that locks an existing table, with no lock_timeout set before it: it can queue behind a long transaction and block everyone behind it.</summary>
public sealed class MissingLockTimeoutRule() : ScriptRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("missing-lock-timeout", "Locking DDL without a lock timeout",
        "DDL waiting for its lock blocks every query queued behind it; a lock timeout makes it give up instead.", FindingSeverity.Warning, RuleCategory.Migration,
        SqlDialect.Postgres, SqlDialect.MySql, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(ScriptFacts facts)
    {
        var i = facts.FirstLockWithoutTimeout();
        if (i < 0) yield break;
        var statement = facts.Statements[i];
        var table = facts.LockedTable(i)!;
        var (setting, line) = facts.Dialect switch
        {
            SqlDialect.MySql => ("lock_wait_timeout", "SET SESSION lock_wait_timeout = 5;"),
            SqlDialect.TSql => ("LOCK_TIMEOUT", "SET LOCK_TIMEOUT 5000;"),
            _ => ("lock_timeout", "SET lock_timeout = '5s';"),
        };
        var text = facts.Script.Text;
        var lineStart = text.GetLineStart(text.GetLinePosition(statement.Span.Start).Line);
        var indent = text.ToString(TextSpan.FromBounds(lineStart, statement.Span.Start));
        var insertAt = string.IsNullOrWhiteSpace(indent) ? lineStart : statement.Span.Start;
        yield return Report(ScriptFacts.KeywordSpan(statement),
            $"This statement locks {table} and nothing set {setting} before it: while it waits behind a long-running transaction, every query on {table} queues behind it. Set it first: {line}",
            new FindingFix($"Add {line} before it", [new FindingEdit(new TextSpan(insertAt, 0), (insertAt == lineStart ? indent : "") + line + "\n" + (insertAt == lineStart ? "" : indent))]));
    }
}

/// <summary>A transaction block that both changes the schema and rewrites many rows: the DDL's locks are held for the whole backfill.</summary>
public sealed class DdlWithBackfillRule() : ScriptRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("ddl-with-backfill", "Schema change and backfill in one transaction",
        "DDL locks are held until commit: a backfill in the same transaction keeps the table locked for its whole run.", FindingSeverity.Warning, RuleCategory.Migration,
        SqlDialect.Postgres, SqlDialect.TSql, SqlDialect.Sqlite);

    protected override IEnumerable<Finding> Check(ScriptFacts facts)
    {
        var statements = facts.Statements;
        QualifiedName? locked = null;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (!facts.InTransactionBlock(i)) { locked = null; continue; }
            if (facts.LockedTable(i) is { } table && !facts.LocksNewTable(i)) { locked ??= table; continue; }
            var model = statement.Model;
            if (locked is null || model.Kind is not (StatementKind.Update or StatementKind.Delete or StatementKind.Insert)) continue;
            // A backfill reads or writes many rows: INSERT ... SELECT, or an UPDATE/DELETE over a table.
            if (model.Kind == StatementKind.Insert && !model.Relations.Any(r => r.Role == RelationRole.Read)) continue;
            yield return Report(ScriptFacts.KeywordSpan(statement),
                $"This {model.Kind.ToString().ToUpperInvariant()} runs in the same transaction as DDL on {locked}: the DDL's lock is held until COMMIT, so {locked} stays locked for the whole backfill. Commit the schema change first and backfill in batches in separate transactions.");
            locked = null;
        }
    }
}

/// <summary>PostgreSQL ALTER TYPE ... ADD VALUE inside a transaction block: the value cannot be used before COMMIT (and fails before PostgreSQL 12).</summary>
public sealed class EnumAddValueInTransactionRule() : ScriptRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("enum-add-value-in-transaction", "Enum value added inside a transaction block",
        "A value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction commits.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(ScriptFacts facts)
    {
        var statements = facts.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            if (!facts.InTransactionBlock(i)) continue;
            foreach (var action in statements[i].Model.Ddl)
                if (action is AddEnumValueAction add)
                    yield return Report(add.Span,
                        $"ALTER TYPE {add.Type} ADD VALUE inside BEGIN ... COMMIT: PostgreSQL before 12 refuses it, and from 12 the new value cannot be used until COMMIT (a later statement of this block that writes '{add.Value}' fails). Run it in its own migration, outside the block.");
        }
    }
}

/// <summary>SQL Server transaction that writes to tables of more than one database: a distributed or cross-database transaction.</summary>
public sealed class CrossDatabaseTransactionRule() : ScriptRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("cross-database-transaction", "Transaction across databases",
        "A transaction that writes to more than one database is not atomic under availability groups and can be left half-done.", FindingSeverity.Warning, RuleCategory.Correctness, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(ScriptFacts facts)
    {
        var statements = facts.Statements;
        string? firstDatabase = null;
        for (var i = 0; i < statements.Count; i++)
        {
            if (!facts.InTransactionBlock(i)) { firstDatabase = null; continue; }
            var model = statements[i].Model;
            foreach (var target in model.Targets)
            {
                var database = DatabaseOf(facts.Script.Text.ToString(target.Span));
                firstDatabase ??= database ?? "";
                if (database is null || string.Equals(database, firstDatabase, StringComparison.OrdinalIgnoreCase)) continue;
                yield return Report(target.Span,
                    $"This transaction writes to {database} after writing to {(firstDatabase.Length == 0 ? "the current database" : firstDatabase)}: cross-database transactions are not guaranteed atomic with availability groups or database mirroring, and on a linked server they need MSDTC. Keep each transaction inside one database, and make the steps idempotent.");
                yield break;
            }
        }
    }

    /// <summary>The database part of a three-part name as written (db.schema.table or db..table); null for shorter names.</summary>
    private static string? DatabaseOf(string written)
    {
        var parts = written.Split('.');
        return parts.Length >= 3 && parts[0].Trim().Trim('[', ']', '"') is { Length: > 0 } db ? db : null;
    }
}
