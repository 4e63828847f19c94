using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>ADD COLUMN ... NOT NULL without a default: fails (or fills junk) on a table that has rows.</summary>
public sealed class AddColumnNotNullWithoutDefaultRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("add-column-not-null-without-default", "NOT NULL column added without a default",
        "A NOT NULL column without a default cannot be added to a table that has rows.", FindingSeverity.Error, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not AddColumnAction { Column: { Nullable: false, Default: null, IsIdentity: false } column } add) continue;
            if (IsGenerated(column.RawType) || AddColumnRewriteRule.IsSerial(column.RawType)) continue;
            var message = context.Script.Dialect switch
            {
                SqlDialect.MySql => $"ADD COLUMN {column.Name} NOT NULL without a default: MySQL fills existing rows of {add.Table} with the type's implicit default (0, '', a zero date), and strict MariaDB refuses it. Add it nullable or with a default, backfill, then make it NOT NULL.",
                SqlDialect.Sqlite => $"ADD COLUMN {column.Name} NOT NULL without a default: SQLite refuses it (\"Cannot add a NOT NULL column with default value NULL\"). Give it a default.",
                _ => $"ADD COLUMN {column.Name} NOT NULL without a default fails on {add.Table} as soon as it has a row. Add it nullable (or with a default), backfill in batches, then set NOT NULL.",
            };
            yield return Report(context, add.Span, message, add.Table.ToString());
        }
    }

    private static bool IsGenerated(string rawType) => rawType.Contains("GENERATED", StringComparison.OrdinalIgnoreCase);
}

/// <summary>PostgreSQL ADD COLUMN forms that rewrite the whole table: a volatile default, serial types, a stored generated column.</summary>
public sealed class AddColumnRewriteRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("add-column-rewrite", "ADD COLUMN that rewrites the table",
        "This column is filled row by row: the whole table is rewritten under an ACCESS EXCLUSIVE lock.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var statementText = context.Script.Text.ToString(context.Statement.Span);
        foreach (var action in context.Model.Ddl)
        {
            if (action is not AddColumnAction add) continue;
            var column = add.Column;
            var columnText = add.Span.End <= context.Script.Text.Length ? context.Script.Text.ToString(add.Span) : statementText;
            string? why = null;
            if (IsSerial(column.RawType))
                why = $"{column.RawType} fills every existing row from a sequence";
            else if (columnText.Contains("GENERATED", StringComparison.OrdinalIgnoreCase) && columnText.Contains("STORED", StringComparison.OrdinalIgnoreCase))
                why = "a stored generated column is computed for every existing row";
            else if (column.Default is { } def && IsVolatile(def))
                why = $"the volatile default {def} is evaluated for every existing row";
            if (why is null) continue;
            yield return Report(context, add.Span,
                $"ADD COLUMN {column.Name} rewrites all of {add.Table} under an ACCESS EXCLUSIVE lock: {why}. Add the column without it, fill existing rows in batches, then set the default (or identity) for new rows.",
                add.Table.ToString());
        }
    }

    internal static bool IsSerial(string rawType) =>
        rawType.Trim().ToLowerInvariant() is "serial" or "bigserial" or "smallserial" or "serial4" or "serial8" or "serial2";

    internal static bool IsVolatile(string expression)
    {
        var e = expression.ToLowerInvariant();
        return e.Contains("random(") || e.Contains("gen_random_uuid(") || e.Contains("uuid_generate") || e.Contains("clock_timestamp(")
            || e.Contains("nextval(") || e.Contains("timeofday(");
    }
}

/// <summary>ALTER COLUMN ... TYPE: a table rewrite on most engines unless the change is binary-compatible.</summary>
public sealed class ColumnTypeChangeRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("column-type-change", "Column type change",
        "Changing a column's type rewrites the table under an exclusive lock on most engines.", FindingSeverity.Warning, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not AlterColumnTypeAction type) continue;
            var old = context.Schema?.Tables.FirstOrDefault(t => NameComparer.SameObject(t.Name, type.Table))?.FindColumn(type.Column)?.DataType;
            if (old is not null && IsBinaryCompatible(context.Script.Dialect, old, type.RawType)) continue;
            var message = context.Script.Dialect switch
            {
                SqlDialect.Postgres => $"Changing {type.Table}.{type.Column} to {type.RawType} rewrites the table and rebuilds its indexes under an ACCESS EXCLUSIVE lock (only varchar widening and varchar to text are free). Add a new column, backfill it in batches, switch, then drop the old one.",
                SqlDialect.MySql => $"Changing {type.Table}.{type.Column} to {type.RawType} copies the table (ALGORITHM=COPY) and blocks writes; only widening a VARCHAR within the same length-byte size is in place. Use an online schema change tool or expand/contract.",
                SqlDialect.TSql => $"Changing {type.Table}.{type.Column} to {type.RawType} touches every row under a schema-modification lock (only widening varchar/nvarchar is metadata-only). Use a new column and a batched backfill.",
                _ => $"SQLite cannot change a column's type in place: {type.Table} must be rebuilt (new table, copy, rename).",
            };
            yield return Report(context, type.Span, message, type.Table.ToString());
        }
    }

    /// <summary>PostgreSQL's free conversions: varchar(n) to a larger varchar or to text.</summary>
    private static bool IsBinaryCompatible(SqlDialect dialect, string oldType, string newType)
    {
        if (dialect != SqlDialect.Postgres) return false;
        var o = oldType.Replace(" ", "").ToLowerInvariant();
        var n = newType.Replace(" ", "").ToLowerInvariant();
        if (!o.StartsWith("varchar") && !o.StartsWith("charactervarying") && o != "text") return false;
        if (n is "text" or "varchar" or "charactervarying") return true;
        return Length(o) is { } ol && Length(n) is { } nl && nl >= ol && (n.StartsWith("varchar") || n.StartsWith("charactervarying"));
    }

    private static int? Length(string type)
    {
        var open = type.IndexOf('(');
        var close = type.IndexOf(')');
        return open > 0 && close > open && int.TryParse(type[(open + 1)..close], out var n) ? n : null;
    }
}

/// <summary>Renames of columns and tables: running code that uses the old name breaks on commit.</summary>
public sealed class RenameRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("rename-column-or-table", "Column or table renamed",
        "Renaming a column or table breaks running code that still uses the old name.", FindingSeverity.Warning, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            switch (action)
            {
                case RenameColumnAction rc:
                    yield return Report(context, rc.Span,
                        $"Renaming {rc.Table}.{rc.OldName} to {rc.NewName} breaks every running query that uses {rc.OldName} the moment it commits. Add the new column, write both, backfill, move reads, then drop the old one.",
                        rc.Table.ToString());
                    break;
                case RenameTableAction rt:
                    yield return Report(context, rt.Span,
                        $"Renaming {rt.Table} to {rt.NewName} breaks every running query that uses {rt.Table}. Deploy code that uses the new name with the rename, or leave a view named {rt.Table.Name} for the transition.",
                        rt.Table.ToString());
                    break;
            }
        }
    }
}

/// <summary>Dropping columns and tables: data loss, and running code that still reads them breaks.</summary>
public sealed class DropColumnRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("drop-column", "Column dropped",
        "Dropping a column loses its data and breaks running code that still reads it.", FindingSeverity.Warning, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
            if (action is DropColumnAction drop)
                yield return Report(context, drop.Span,
                    $"Dropping {drop.Table}.{drop.Column} loses its data, and code still selecting it fails at once. Deploy code that no longer uses it first (with an ORM, mark it ignored), then drop it in a later migration.",
                    drop.Table.ToString());
    }
}

public sealed class DropTableRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("drop-table", "Table dropped",
        "Dropping a table loses its data and breaks running code that still uses it.", FindingSeverity.Warning, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not DropObjectAction { ObjectKind: DroppedObjectKind.Table } drop) continue;
            var names = string.Join(", ", drop.Names);
            yield return Report(context, drop.Span,
                $"DROP TABLE {names} loses the data for good{(drop.Cascade ? ", and CASCADE silently drops the views and foreign keys that depend on it" : "")}. Deploy code that no longer uses it, keep a backup (or rename it first), and drop it in a later release.",
                drop.Names.Count == 1 ? drop.Names[0].ToString() : null);
        }
    }
}

/// <summary>TRUNCATE (and TRUNCATE ... CASCADE): every row gone under an ACCESS EXCLUSIVE lock.</summary>
public sealed class TruncateRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("truncate-table", "TRUNCATE in a migration",
        "TRUNCATE removes every row under an exclusive lock.", FindingSeverity.Warning, RuleCategory.Migration);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.Truncate) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var cascade = tokens.Find(significant, "CASCADE") >= 0;
        var target = context.Model.Targets.FirstOrDefault()?.Name;
        // Emptying a temporary table is routine.
        if (target is not null && (target.Name.StartsWith('#') || target.Name.StartsWith('@'))) yield break;
        yield return Report(context, context.Model.KeywordSpan.IsEmpty ? context.Statement.Span : context.Model.KeywordSpan,
            $"TRUNCATE {target?.ToString() ?? ""} removes every row under an ACCESS EXCLUSIVE lock, without row triggers{(cascade ? "; CASCADE also empties every table with a foreign key to it" : "")}. Make sure it is meant; prefer a reviewed DELETE in batches for data you keep.".Replace("TRUNCATE  ", "TRUNCATE "),
            target?.ToString());
    }
}
