using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>PostgreSQL ADD FOREIGN KEY / CHECK validated at once: every row is checked under a lock that blocks writes.</summary>
public sealed class ConstraintWithoutNotValidRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("constraint-without-not-valid", "Constraint added without NOT VALID",
        "A foreign key or check constraint added without NOT VALID scans the table while writes wait.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not AddConstraintAction { Constraint: { Kind: ConstraintKind.ForeignKey or ConstraintKind.Check, NotValid: false } k } add) continue;
            var fk = k.Kind == ConstraintKind.ForeignKey;
            var message = fk
                ? $"ADD FOREIGN KEY on {add.Table} checks every row under a SHARE ROW EXCLUSIVE lock on {add.Table} and on {k.ReferencedTable?.ToString() ?? "the referenced table"}: writes to both wait. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement."
                : $"ADD CHECK on {add.Table} checks every row under an ACCESS EXCLUSIVE lock. Add it NOT VALID, then VALIDATE CONSTRAINT in a separate statement (which lets writes through).";
            var fixes = new List<FindingFix>();
            if (k.Name is { Length: > 0 } name && context.Model.Ddl.Count == 1)
            {
                var end = context.Model.Span.End;
                fixes.Add(new FindingFix("Add NOT VALID and VALIDATE CONSTRAINT separately",
                    [new FindingEdit(new Sql.Text.TextSpan(end, 0), $" NOT VALID;\nALTER TABLE {add.Table} VALIDATE CONSTRAINT {name}")]));
            }
            yield return Report(context, add.Span, message, add.Table.ToString(), [.. fixes]);
        }
    }
}

/// <summary>PostgreSQL ADD PRIMARY KEY / UNIQUE without USING INDEX: the index is built under ACCESS EXCLUSIVE.</summary>
public sealed class UniqueConstraintWithoutIndexRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("unique-constraint-without-index", "PRIMARY KEY or UNIQUE added without an existing index",
        "Adding a PRIMARY KEY or UNIQUE constraint builds its index under an ACCESS EXCLUSIVE lock.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var usingIndex = false;
        var significant = tokens.Significant();
        for (var i = 0; i + 1 < significant.Count; i++)
            if (tokens.IsWord(significant[i].Token, "USING") && tokens.IsWord(significant[i + 1].Token, "INDEX")) usingIndex = true;
        if (usingIndex) yield break;
        foreach (var action in context.Model.Ddl)
        {
            switch (action)
            {
                case AddConstraintAction { Constraint.Kind: ConstraintKind.PrimaryKey or ConstraintKind.Unique } add:
                    var kind = add.Constraint.Kind == ConstraintKind.PrimaryKey ? "PRIMARY KEY" : "UNIQUE";
                    yield return Report(context, add.Span,
                        $"ADD {kind} on {add.Table} builds a unique index while holding an ACCESS EXCLUSIVE lock: no reads or writes meanwhile. Build it first with CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT ... {kind} USING INDEX.",
                        add.Table.ToString());
                    break;
                case AddColumnAction { Column: { IsPrimaryKey: true } or { IsUnique: true } } col:
                    yield return Report(context, col.Span,
                        $"ADD COLUMN {col.Column.Name} with {(col.Column.IsPrimaryKey ? "PRIMARY KEY" : "UNIQUE")} builds a unique index under the ALTER TABLE's ACCESS EXCLUSIVE lock. Add the column, build the index CONCURRENTLY, then attach it with USING INDEX.",
                        col.Table.ToString());
                    break;
            }
        }
    }
}

/// <summary>PostgreSQL ADD CONSTRAINT ... EXCLUDE: builds an index under ACCESS EXCLUSIVE and cannot be NOT VALID.</summary>
public sealed class ExclusionConstraintRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("exclusion-constraint", "Exclusion constraint added to a table",
        "Adding an exclusion constraint builds its index under an ACCESS EXCLUSIVE lock, and it cannot be added NOT VALID.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind != StatementKind.AlterTable) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var add = tokens.Find(significant, "ADD");
        var exclude = tokens.Find(significant, "EXCLUDE", add);
        if (add < 0 || exclude < 0) yield break;
        var table = context.Model.Targets.FirstOrDefault()?.Name.ToString();
        yield return Report(context, significant[exclude].Token.Span,
            $"ADD ... EXCLUDE on {table ?? "the table"} builds its index and checks every row under an ACCESS EXCLUSIVE lock; there is no NOT VALID or USING INDEX form. Add it while the table is small or in a maintenance window, or enforce the rule another way.",
            table);
    }
}

/// <summary>SET NOT NULL scans the table under ACCESS EXCLUSIVE unless a validated CHECK (col IS NOT NULL) exists.</summary>
public sealed class SetNotNullRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("set-not-null", "SET NOT NULL on an existing column",
        "SET NOT NULL scans the whole table while every read and write waits.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.Postgres, SqlDialect.MySql, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var action in context.Model.Ddl)
        {
            if (action is not SetColumnNullabilityAction { Nullable: false } nn) continue;
            // A validated CHECK (col IS NOT NULL) lets PostgreSQL 12+ skip the scan: the schema says whether one exists.
            if (context.Schema?.Tables.FirstOrDefault(t => NameComparer.SameObject(t.Name, nn.Table)) is { } table
                && table.Constraints.Any(c => c.Kind == ConstraintKind.Check && c.CheckExpression is { } e
                    && e.Replace(" ", "").Contains(nn.Column + "ISNOTNULL", StringComparison.OrdinalIgnoreCase)))
                continue;
            var message = context.Script.Dialect switch
            {
                SqlDialect.Postgres => $"SET NOT NULL on {nn.Table}.{nn.Column} scans every row under an ACCESS EXCLUSIVE lock. First ADD CONSTRAINT ... CHECK ({nn.Column} IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ skips the scan) and drop the check.",
                SqlDialect.MySql => $"Making {nn.Table}.{nn.Column} NOT NULL rebuilds the table (ALGORITHM=COPY on older versions) and fails on any NULL. Backfill first and run it in a quiet window.",
                _ => $"ALTER COLUMN {nn.Column} NOT NULL checks every row of {nn.Table} under a schema-modification lock. Backfill first and run it in a quiet window.",
            };
            yield return Report(context, nn.Span, message, nn.Table.ToString());
        }
    }
}
