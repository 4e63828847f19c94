using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Migrations;

public enum MigrationRiskLevel
{
    /// <summary>Loses data or breaks running code.</summary>
    Danger,
    /// <summary>Locks or rewrites the table: downtime on a large one.</summary>
    Warning,
    /// <summary>Worth knowing, usually fine.</summary>
    Note,
}

/// <summary>One risk of a DDL statement on a live database, engine-aware, with the safer way.</summary>
public sealed record MigrationRisk(MigrationRiskLevel Level, string Title, TextSpan Span, string Why, string SaferWay);

/// <summary>
/// Migration safety from the DDL actions of the statement models: which changes rewrite a table, hold locks that
/// block reads or writes, fail on existing rows, or lose data, on each engine.
/// </summary>
public static class MigrationSafety
{
    public static IReadOnlyList<MigrationRisk> Assess(ParsedStatement statement, SqlDialect dialect)
    {
        var risks = new List<MigrationRisk>();
        var model = statement.Model;
        foreach (var action in model.Ddl)
            Assess(action, dialect, risks);

        // Without DDL actions (a form the model does not break down), judge by the statement kind.
        if (model.Ddl.Count == 0)
        {
            var target = model.Targets.FirstOrDefault()?.Name.ToString() ?? "the object";
            switch (model.Kind)
            {
                case StatementKind.DropTable:
                    risks.Add(DropTable(target, model.KeywordSpan));
                    break;
                case StatementKind.Truncate:
                    risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, $"TRUNCATE {target}", model.KeywordSpan,
                        "Every row is deleted, without a WHERE and (on most engines) without per-row triggers; it takes an exclusive lock.",
                        "Make sure this is intended and backed up; in a migration prefer an explicit, reviewed data step."));
                    break;
                case StatementKind.CreateIndex:
                    risks.Add(IndexBuild(null, dialect, model.KeywordSpan, concurrently: false, online: false, algorithm: null));
                    break;
                case StatementKind.DropIndex:
                    risks.Add(new MigrationRisk(MigrationRiskLevel.Note, "DROP INDEX", model.KeywordSpan,
                        "Queries that used the index fall back to scans." + (dialect == SqlDialect.Postgres ? " Plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table." : ""),
                        dialect == SqlDialect.Postgres ? "`DROP INDEX CONCURRENTLY`, after checking `pg_stat_user_indexes.idx_scan` shows it unused." : "Check the index is unused before dropping it."));
                    break;
                case StatementKind.AlterTable when model.IsOpaque || model.Ddl.Count == 0:
                    risks.Add(new MigrationRisk(MigrationRiskLevel.Note, "ALTER TABLE", model.KeywordSpan,
                        "This ALTER TABLE is a form the analysis does not break down yet; check its locking on your engine.",
                        "Run it first on a copy of production-sized data and time it."));
                    break;
            }
        }
        else if (model.Kind == StatementKind.Truncate)
        {
            risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, "TRUNCATE", model.KeywordSpan, "Every row is deleted.", "Make sure this is intended and backed up."));
        }
        return risks;
    }

    private static void Assess(DdlAction action, SqlDialect dialect, List<MigrationRisk> risks)
    {
        switch (action)
        {
            case CreateIndexAction ci:
                risks.Add(IndexBuild(ci.Index, dialect, ci.Span, ci.Index.Concurrently, ci.Index.Online, ci.Index.Algorithm, ci.Index.Lock));
                break;
            case AddColumnAction add:
                AddColumn(add, dialect, risks);
                break;
            case AlterColumnTypeAction type:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, $"Type change of `{type.Table}.{type.Column}` to `{type.RawType}`", type.Span,
                    dialect switch
                    {
                        SqlDialect.Postgres => "Unless the new type is binary-compatible (e.g. varchar(n) to a larger varchar or to text), PostgreSQL rewrites the whole table and rebuilds its indexes under an ACCESS EXCLUSIVE lock: no reads or writes meanwhile.",
                        SqlDialect.MySql => "MySQL/MariaDB rebuild the table (ALGORITHM=COPY) for most type changes, blocking writes; only extending a VARCHAR within the same length-byte size is in place.",
                        SqlDialect.TSql => "SQL Server checks or rewrites every row (a size-of-data operation) under a schema-modification lock; only widening a varchar/nvarchar is metadata-only.",
                        _ => "SQLite cannot change a column's type: it needs a new table, a copy of the rows, and a rename.",
                    },
                    "Add a new column of the new type, backfill it in batches, switch the application, then drop the old column (expand/contract)."));
                break;
            case SetColumnNullabilityAction { Nullable: false } nn:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, $"SET NOT NULL on `{nn.Table}.{nn.Column}`", nn.Span,
                    dialect switch
                    {
                        SqlDialect.Postgres => "PostgreSQL scans the whole table to check for NULLs while holding an ACCESS EXCLUSIVE lock; it fails if any row is NULL.",
                        SqlDialect.MySql => "MySQL/MariaDB rebuild the table to change nullability; it fails (strict mode) if any row is NULL.",
                        SqlDialect.TSql => "SQL Server scans the table under a schema-modification lock; it fails if any row is NULL.",
                        _ => "SQLite cannot change nullability in place: it needs a table rebuild.",
                    },
                    dialect == SqlDialect.Postgres
                        ? "Backfill NULLs in batches, `ADD CONSTRAINT ... CHECK (col IS NOT NULL) NOT VALID`, `VALIDATE CONSTRAINT` (no exclusive lock), then `SET NOT NULL` (PostgreSQL 12+ uses the valid check and skips the scan), and drop the check."
                        : "Backfill NULLs in batches first, then run it in a low-traffic window."));
                break;
            case DropColumnAction drop:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, $"DROP COLUMN `{drop.Table}.{drop.Column}`", drop.Span,
                    "The data is gone, and application code still reading the column breaks the moment this runs." +
                    (dialect == SqlDialect.MySql ? " MySQL before 8.0.29 rebuilds the table." : dialect == SqlDialect.Postgres ? " (In PostgreSQL the drop itself is quick: it only marks the column dropped.)" : ""),
                    "Deploy code that no longer uses the column first, back the data up if it may be needed, then drop it."));
                break;
            case RenameColumnAction rc:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, $"RENAME COLUMN `{rc.OldName}` to `{rc.NewName}` on `{rc.Table}`", rc.Span,
                    "Running application code that uses the old name fails as soon as this commits.",
                    "Expand/contract: add the new column, write both, backfill, switch reads, then drop the old one; or rename together with a code deploy in a maintenance window."));
                break;
            case RenameTableAction rt:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, $"RENAME TABLE `{rt.Table}` to `{rt.NewName}`", rt.Span,
                    "Running application code that uses the old name fails as soon as this commits.",
                    "Rename together with a code deploy, or leave a view with the old name during the transition."));
                break;
            case AddConstraintAction ac:
                AddConstraint(ac, dialect, risks);
                break;
            case DropObjectAction { ObjectKind: DroppedObjectKind.Table } dt:
                risks.Add(DropTable(string.Join(", ", dt.Names), dt.Span));
                break;
            case DropObjectAction { ObjectKind: DroppedObjectKind.Index } di:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Note, $"DROP INDEX {string.Join(", ", di.Names)}", di.Span,
                    "Queries that used the index fall back to scans." + (dialect == SqlDialect.Postgres ? " Plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the table." : ""),
                    dialect == SqlDialect.Postgres ? "`DROP INDEX CONCURRENTLY`, after `pg_stat_user_indexes.idx_scan` shows it unused." : "Check the index is unused before dropping it."));
                break;
            case DropObjectAction { ObjectKind: DroppedObjectKind.Schema or DroppedObjectKind.View or DroppedObjectKind.MaterializedView or DroppedObjectKind.Type } other:
                risks.Add(new MigrationRisk(other.Cascade ? MigrationRiskLevel.Danger : MigrationRiskLevel.Note, $"DROP {other.ObjectKind.ToString().ToUpperInvariant()} {string.Join(", ", other.Names)}", other.Span,
                    other.Cascade ? "CASCADE also drops every object that depends on it, silently." : "Objects or code that depend on it stop working.",
                    "List the dependants first and drop them explicitly."));
                break;
        }
    }

    private static MigrationRisk DropTable(string names, TextSpan span) =>
        new(MigrationRiskLevel.Danger, $"DROP TABLE {names}", span,
            "The table and its data are gone; no migration can roll this back.",
            "Back up or rename the table first, deploy code that no longer uses it, and drop it in a later release.");

    private static MigrationRisk IndexBuild(IndexDefinition? index, SqlDialect dialect, TextSpan span, bool concurrently, bool online, string? algorithm, string? lockOption = null)
    {
        var name = index is null ? "CREATE INDEX" : $"CREATE INDEX {index.Name ?? ""} ON {index.Table}".Replace("  ", " ");
        switch (dialect)
        {
            case SqlDialect.Postgres when !concurrently:
                return new MigrationRisk(MigrationRiskLevel.Warning, $"{name} without CONCURRENTLY", span,
                    "A plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits.",
                    "`CREATE INDEX CONCURRENTLY` (outside a transaction block: mark the migration non-transactional); if it fails, drop the INVALID index and retry.");
            case SqlDialect.Postgres:
                return new MigrationRisk(MigrationRiskLevel.Note, $"{name} CONCURRENTLY", span,
                    "Builds without blocking writes, but cannot run inside a transaction block and leaves an INVALID index if it fails.",
                    "Run it outside a transaction; check `pg_index.indisvalid` afterwards.");
            case SqlDialect.MySql when !(string.Equals(algorithm, "INPLACE", StringComparison.OrdinalIgnoreCase) || string.Equals(algorithm, "INSTANT", StringComparison.OrdinalIgnoreCase)) || !string.Equals(lockOption, "NONE", StringComparison.OrdinalIgnoreCase):
                return new MigrationRisk(MigrationRiskLevel.Note, $"{name} without ALGORITHM=INPLACE, LOCK=NONE", span,
                    "InnoDB usually builds secondary indexes online, but without the options it silently falls back to a locking copy when it cannot.",
                    "State `ALGORITHM=INPLACE, LOCK=NONE` so the statement fails instead of locking the table.");
            case SqlDialect.TSql when !online:
                return new MigrationRisk(MigrationRiskLevel.Warning, $"{name} without ONLINE = ON", span,
                    "An offline index build blocks writes to the table (and reads too, for a clustered index) until it finishes.",
                    "`WITH (ONLINE = ON)` (Enterprise, Developer and Azure SQL editions); otherwise build it in a maintenance window.");
            case SqlDialect.Sqlite:
                return new MigrationRisk(MigrationRiskLevel.Note, name, span,
                    "SQLite locks the database for writing during the build; quick on small tables.",
                    "Fine as is for an embedded database; run it at startup or in a maintenance step for large files.");
            default:
                return new MigrationRisk(MigrationRiskLevel.Note, name, span, "Built online as written.", "Nothing to change.");
        }
    }

    private static void AddColumn(AddColumnAction add, SqlDialect dialect, List<MigrationRisk> risks)
    {
        var c = add.Column;
        var title = $"ADD COLUMN `{add.Table}.{c.Name}`";
        if (c.Nullable == false && c.Default is null && !c.IsIdentity)
        {
            risks.Add(new MigrationRisk(MigrationRiskLevel.Danger, $"{title} NOT NULL without a default", add.Span,
                dialect switch
                {
                    SqlDialect.MySql => "On a non-empty table MySQL fills existing rows with the type's implicit default (0, '', zero date), which is rarely what you mean; MariaDB in strict mode fails.",
                    SqlDialect.Sqlite => "SQLite refuses it: `Cannot add a NOT NULL column with default value NULL`.",
                    _ => "It fails on any table that already has rows: existing rows would be NULL.",
                },
                "Add the column nullable (or with a default), backfill it in batches, then set NOT NULL."));
            return;
        }
        if (c.Default is { } def && dialect == SqlDialect.Postgres && IsVolatile(def))
        {
            risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, $"{title} with volatile default `{def}`", add.Span,
                "A volatile default is evaluated per row: PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock.",
                "Add the column without the default, set the default for new rows, and backfill existing rows in batches."));
            return;
        }
        if (c.IsPrimaryKey || c.IsUnique)
            risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, $"{title} with a {(c.IsPrimaryKey ? "PRIMARY KEY" : "UNIQUE")} constraint", add.Span,
                "The constraint builds an index under the ALTER's lock" + (dialect == SqlDialect.Sqlite ? "; SQLite refuses to add a PRIMARY KEY or UNIQUE column." : "."),
                "Add the column, then build a unique index online and attach it as the constraint."));
        if (c.References is not null && dialect == SqlDialect.Postgres)
            risks.Add(new MigrationRisk(MigrationRiskLevel.Note, $"{title} with an inline REFERENCES", add.Span,
                "The foreign key locks both tables briefly; there is no index on the new column, so deletes on the referenced table scan this one.",
                "Add the constraint `NOT VALID` and `VALIDATE` it separately, and index the column (CONCURRENTLY)."));
        var note = dialect switch
        {
            SqlDialect.Postgres => "Adding a column with no default or a constant default is a metadata-only change in PostgreSQL 11+ (brief ACCESS EXCLUSIVE lock; set `lock_timeout` so it does not queue behind long transactions).",
            SqlDialect.MySql => "MySQL 8.0.12+ adds a column at the end with ALGORITHM=INSTANT; in the middle (AFTER/FIRST) or on older versions the table is rebuilt. MariaDB 10.3+ is instant too.",
            SqlDialect.TSql => "A nullable column, or a NOT NULL column with a constant default, is metadata-only on SQL Server 2012+ Enterprise; elsewhere the default is written to every row.",
            _ => "SQLite adds a column by rewriting only the schema: cheap.",
        };
        risks.Add(new MigrationRisk(MigrationRiskLevel.Note, title, add.Span, note, "Nothing to change."));
    }

    private static void AddConstraint(AddConstraintAction ac, SqlDialect dialect, List<MigrationRisk> risks)
    {
        var k = ac.Constraint;
        var title = $"ADD {k.Kind switch { ConstraintKind.ForeignKey => "FOREIGN KEY", ConstraintKind.PrimaryKey => "PRIMARY KEY", ConstraintKind.Unique => "UNIQUE", ConstraintKind.Check => "CHECK", _ => "CONSTRAINT" }} on `{ac.Table}`";
        switch (k.Kind)
        {
            case ConstraintKind.ForeignKey or ConstraintKind.Check when dialect == SqlDialect.Postgres && !k.NotValid:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, $"{title} validated at once", ac.Span,
                    "PostgreSQL checks every existing row while holding a lock that blocks writes" + (k.Kind == ConstraintKind.ForeignKey ? " on both tables." : "."),
                    "`ADD CONSTRAINT ... NOT VALID` (instant), then `ALTER TABLE ... VALIDATE CONSTRAINT ...` (which allows writes)."));
                break;
            case ConstraintKind.PrimaryKey or ConstraintKind.Unique when dialect == SqlDialect.Postgres:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, title, ac.Span,
                    "The constraint builds its unique index under an ACCESS EXCLUSIVE lock.",
                    "`CREATE UNIQUE INDEX CONCURRENTLY ...`, then `ALTER TABLE ... ADD CONSTRAINT ... " + (k.Kind == ConstraintKind.PrimaryKey ? "PRIMARY KEY" : "UNIQUE") + " USING INDEX ...`."));
                break;
            case ConstraintKind.ForeignKey when dialect == SqlDialect.TSql:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, title, ac.Span,
                    "SQL Server checks every existing row under a schema-modification lock.",
                    "`WITH NOCHECK` then check later (the constraint stays untrusted until `WITH CHECK CHECK CONSTRAINT`), in a quiet window."));
                break;
            case ConstraintKind.ForeignKey when dialect == SqlDialect.MySql:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Note, title, ac.Span,
                    "InnoDB adds a foreign key in place only with `foreign_key_checks=0`; otherwise it copies the table.",
                    "Make sure the referencing column is indexed (InnoDB creates one if missing) and run it in a quiet window."));
                break;
            case ConstraintKind.PrimaryKey or ConstraintKind.Unique or ConstraintKind.ForeignKey or ConstraintKind.Check when dialect == SqlDialect.Sqlite:
                risks.Add(new MigrationRisk(MigrationRiskLevel.Warning, title, ac.Span,
                    "SQLite cannot add a constraint to an existing table: this needs a table rebuild (create new, copy, drop, rename).",
                    "Follow SQLite's 12-step ALTER TABLE procedure, inside a transaction with foreign keys off."));
                break;
        }
    }

    private static bool IsVolatile(string expression)
    {
        var e = expression.ToLowerInvariant();
        return e.Contains("random(") || e.Contains("gen_random_uuid(") || e.Contains("uuid_generate") || e.Contains("clock_timestamp(") || e.Contains("nextval(") || e.Contains("timeofday(");
    }
}
