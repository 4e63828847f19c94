using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Rules.Migrations;

/// <summary>Column definitions of CREATE TABLE and ADD COLUMN, with the table they belong to.</summary>
internal static class DefinedColumns
{
    public static IEnumerable<(QualifiedName Table, ColumnDefinition Column, bool InPrimaryKey)> Of(StatementModel model)
    {
        foreach (var action in model.Ddl)
        {
            switch (action)
            {
                case CreateTableAction create:
                    var pk = create.Constraints.FirstOrDefault(c => c.Kind == ConstraintKind.PrimaryKey)?.Columns ?? [];
                    foreach (var c in create.Columns) yield return (create.Table, c, c.IsPrimaryKey || pk.Contains(c.Name, NameComparer.Instance));
                    break;
                case AddColumnAction add:
                    yield return (add.Table, add.Column, add.Column.IsPrimaryKey);
                    break;
            }
        }
    }

    public static string Normal(string rawType) => rawType.Trim().ToLowerInvariant();
}

/// <summary>PostgreSQL serial types: identity columns are the standard and own their sequence properly.</summary>
public sealed class PreferIdentityRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("prefer-identity", "serial instead of an identity column",
        "serial types create a loosely owned sequence; identity columns are the standard replacement.", FindingSeverity.Information, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var (table, column, _) in DefinedColumns.Of(context.Model))
        {
            if (!AddColumnRewriteRule.IsSerial(column.RawType)) continue;
            var replacement = DefinedColumns.Normal(column.RawType) switch { "bigserial" or "serial8" => "bigint", "smallserial" or "serial2" => "smallint", _ => "integer" };
            yield return Report(context, column.Span,
                $"{table}.{column.Name} is {column.RawType}: its sequence's permissions and ownership are managed apart from the table, and inserts can bypass it. Use {replacement} GENERATED ALWAYS AS IDENTITY (or BY DEFAULT).");
        }
    }
}

/// <summary>32-bit integer primary keys run out at 2.1 billion; widening later rewrites the table and every foreign key.</summary>
public sealed class PreferBigintKeyRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("prefer-bigint-key", "32-bit integer primary key",
        "A 32-bit primary key runs out at about 2.1 billion rows or sequence values.", FindingSeverity.Information, RuleCategory.Migration, SqlDialect.Postgres, SqlDialect.MySql, SqlDialect.TSql);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var (table, column, inPrimaryKey) in DefinedColumns.Of(context.Model))
        {
            if (!inPrimaryKey) continue;
            var type = DefinedColumns.Normal(column.RawType);
            // Only keys that count up: an integer key without a generator is someone else's id, sized by them.
            var generated = column.IsIdentity || type is "serial" or "serial4" || column.Default?.Contains("nextval", StringComparison.OrdinalIgnoreCase) == true
                || context.Script.Text.ToString(column.Span).Contains("AUTO_INCREMENT", StringComparison.OrdinalIgnoreCase);
            var is32 = type is "int" or "integer" or "int4" or "serial" or "serial4" || type.StartsWith("int(") || type.StartsWith("int ") || type.StartsWith("integer ");
            if (!is32 || !generated) continue;
            yield return Report(context, column.Span,
                $"{table}.{column.Name} is a 32-bit generated key: it overflows at 2,147,483,647, and widening it later rewrites the table and every foreign key to it. Use bigint{(context.Script.Dialect == SqlDialect.Postgres && type.StartsWith("serial") ? " (bigint GENERATED ALWAYS AS IDENTITY)" : "")}.");
        }
    }
}

/// <summary>PostgreSQL timestamp without time zone stores wall-clock time that means different instants in different sessions.</summary>
public sealed class PreferTimestamptzRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("prefer-timestamptz", "timestamp without time zone",
        "timestamp without time zone stores a wall-clock time, not an instant.", FindingSeverity.Information, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var (table, column, _) in DefinedColumns.Of(context.Model))
        {
            var type = DefinedColumns.Normal(column.RawType);
            if (!(type == "timestamp" || type.StartsWith("timestamp(") || type.StartsWith("timestamp without time zone") || type.StartsWith("timestamp without"))) continue;
            yield return Report(context, column.Span,
                $"{table}.{column.Name} is timestamp without time zone: the same value means different instants for sessions in different time zones, and DST makes some values ambiguous. Use timestamptz.");
        }
    }
}

/// <summary>PostgreSQL char(n)/varchar(n): text with a CHECK is as fast and can change its limit without a rewrite.</summary>
public sealed class PreferTextRule() : StatementRule(Definition)
{
    public static readonly RuleDescriptor Definition = Rule("prefer-text", "char(n) or varchar(n) instead of text",
        "In PostgreSQL, text is as fast as varchar(n); changing a length limit later takes a lock, and char(n) pads with spaces.", FindingSeverity.Hint, RuleCategory.Migration, SqlDialect.Postgres);

    protected override IEnumerable<Finding> Check(LintContext context)
    {
        foreach (var (table, column, _) in DefinedColumns.Of(context.Model))
        {
            var type = DefinedColumns.Normal(column.RawType).Replace(" ", "");
            if (type.StartsWith("char(") || type.StartsWith("character(") || type is "char" or "character" or "bpchar")
                yield return Report(context, column.Span,
                    $"{table}.{column.Name} is {column.RawType}: char(n) pads values with spaces that comparisons then ignore or not, depending on the operator. Use text (with a CHECK on length if the limit matters).");
            else if (type.StartsWith("varchar(") || type.StartsWith("charactervarying("))
                yield return Report(context, column.Span,
                    $"{table}.{column.Name} is {column.RawType}: in PostgreSQL text performs the same, and a length limit as CHECK (char_length({column.Name}) <= n) can be changed NOT VALID without locking the table.");
        }
    }
}
