using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>MySQL/MariaDB ALTER TABLE with ALGORITHM=COPY, LOCK=SHARED|EXCLUSIVE, or a change that always copies the table.</summary>
public sealed class MySqlTableCopyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("mysql-table-copy", "ALTER TABLE that copies the table",
        "This ALTER TABLE copies the table and blocks writes to it until it ends.", FindingSeverity.Warning, RuleCategory.Migration, SqlDialect.MySql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        if (context.Model.Kind is not (StatementKind.AlterTable or StatementKind.CreateIndex)) yield break;
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        var table = context.Model.Targets.FirstOrDefault()?.Name.ToString();
        for (var i = 0; i + 2 < significant.Count; i++)
        {
            var (t, depth) = significant[i];
            if (depth != 0 || significant[i + 1].Token.Kind != TokenKind.Operator) continue;
            var value = tokens.Text(significant[i + 2].Token).ToUpperInvariant();
            if (tokens.IsWord(t, "ALGORITHM") && value == "COPY")
                yield return Report(context, TextSpanOf(significant, i, i + 2),
                    $"ALGORITHM=COPY rebuilds {table ?? "the table"} into a copy while writes wait. Use ALGORITHM=INPLACE (or INSTANT) with LOCK=NONE so MySQL refuses instead of locking, or an online schema change tool (gh-ost, pt-online-schema-change).",
                    table);
            else if (tokens.IsWord(t, "LOCK") && value is "SHARED" or "EXCLUSIVE")
                yield return Report(context, TextSpanOf(significant, i, i + 2),
                    $"LOCK={value} blocks {(value == "SHARED" ? "writes to" : "reads and writes of")} {table ?? "the table"} for the whole ALTER. State LOCK=NONE so the ALTER fails rather than block, or use an online schema change tool.",
                    table);
        }
        // Changes InnoDB cannot do in place.
        var convert = tokens.Find(significant, "CONVERT");
        if (convert >= 0 && tokens.Sequence(significant, convert, "CONVERT", "TO"))
            yield return Report(context, significant[convert].Token.Span,
                $"CONVERT TO CHARACTER SET rewrites every row of {table ?? "the table"} in a table copy that blocks writes. Use an online schema change tool for a large table.", table);
        var drop = tokens.Find(significant, "DROP");
        if (drop >= 0 && tokens.Sequence(significant, drop, "DROP", "PRIMARY", "KEY") && tokens.Find(significant, "ADD") < 0)
            yield return Report(context, significant[drop].Token.Span,
                $"DROP PRIMARY KEY without adding another copies {table ?? "the table"} (InnoDB clusters rows by the key) and blocks writes meanwhile.", table);
    }

    private static Sql.Text.TextSpan TextSpanOf(IReadOnlyList<(Token Token, int Depth)> significant, int from, int to) =>
        Sql.Text.TextSpan.FromBounds(significant[from].Token.Start, significant[to].Token.End);
}

/// <summary>MySQL ignores an inline column-level REFERENCES: no foreign key is created.</summary>
public sealed class MySqlInlineReferencesRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("mysql-inline-references", "Inline REFERENCES that MySQL ignores",
        "MySQL parses a column-level REFERENCES and ignores it: no foreign key is created.", FindingSeverity.Warning, RuleCategory.Correctness, SqlDialect.MySql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var (table, column, _) in DefinedColumns.Of(context.Model))
        {
            if (column.References is not { } reference) continue;
            yield return Report(context, reference.Span.IsEmpty ? column.Span : reference.Span,
                $"{table}.{column.Name} REFERENCES {reference.ReferencedTable}: MySQL (and MariaDB before 10.5) accept this and create no foreign key. Write it as a table constraint: FOREIGN KEY ({column.Name}) REFERENCES {reference.ReferencedTable} (...).");
        }
    }
}

/// <summary>SQL Server NOLOCK / READUNCOMMITTED: dirty reads, rows read twice or missed.</summary>
public sealed class NoLockRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("nolock-hint", "NOLOCK table hint",
        "NOLOCK reads uncommitted data and can miss rows or read them twice.", FindingSeverity.Warning, RuleCategory.Correctness, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        var tokens = context.Tokens;
        var significant = tokens.Significant();
        for (var i = 0; i < significant.Count; i++)
        {
            var t = significant[i].Token;
            var isHint = (tokens.IsWord(t, "NOLOCK") || tokens.IsWord(t, "READUNCOMMITTED")) && i > 0 && significant[i - 1].Token.Kind is TokenKind.OpenParen or TokenKind.Comma;
            var isLevel = tokens.IsWord(t, "UNCOMMITTED") && i > 1 && tokens.IsWord(significant[i - 1].Token, "READ") && tokens.Find(significant, "ISOLATION") >= 0;
            if (!isHint && !isLevel) continue;
            yield return Report(context, isLevel ? Sql.Text.TextSpan.FromBounds(significant[i - 1].Token.Start, t.End) : t.Span,
                "NOLOCK / READ UNCOMMITTED reads rows other transactions have not committed, and a page split during the scan can skip rows or return them twice. Use READ COMMITTED SNAPSHOT (or SNAPSHOT isolation) for reads that must not block.");
        }
    }
}
