using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor;

/// <summary>The advice for predicates a plain B-tree key cannot serve, per engine.</summary>
internal static class IndexHints
{
    public static IndexHint OrAcrossColumns(IReadOnlyList<string> columns, SqlDialect dialect) => new(null,
        $"`{string.Join(" OR ", columns)}` filters on different columns: one composite index cannot serve an OR. " + dialect switch
        {
            SqlDialect.Postgres => $"Index each column separately ({string.Join(", ", columns.Select(c => $"`{c}`"))}) so PostgreSQL can combine them with a BitmapOr, or rewrite as a `UNION ALL` of one query per branch.",
            SqlDialect.MySql => "Index each column separately so MySQL can use an index merge (union), or rewrite as a `UNION ALL` of one query per branch.",
            SqlDialect.TSql => "Index each column separately and rewrite as a `UNION ALL` (or `UNION`) of one query per branch; SQL Server rarely combines indexes for an OR.",
            _ => "Index each column separately: SQLite's OR optimisation can then look up each branch; or rewrite as a `UNION ALL`.",
        });

    public static IndexHint InfixLike(QualifiedName table, string column, SqlDialect dialect)
    {
        var t = SqlIdentifiers.Quote(table, dialect);
        var c = SqlIdentifiers.Quote(column, dialect);
        var name = IndexAdvisor.IndexName(table, [new IndexKey(column, null, false)]);
        return new IndexHint(table, dialect switch
        {
            SqlDialect.Postgres => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree helps. A trigram index does: `CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE INDEX CONCURRENTLY {name}_trgm ON {t} USING gin ({c} gin_trgm_ops);`",
            SqlDialect.MySql => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree helps. For word search, a `FULLTEXT` index with `MATCH ({column}) AGAINST (...)`: `ALTER TABLE {t} ADD FULLTEXT INDEX ft{name[2..]} ({c});`",
            SqlDialect.TSql => $"`{column} LIKE '%...%'` starts with a wildcard: no B-tree index can seek. For word search, a full-text index with `CONTAINS({column}, ...)`.",
            _ => $"`{column} LIKE '%...%'` starts with a wildcard: no index helps. For word search, an FTS5 virtual table over `{column}` with `MATCH`.",
        });
    }

    /// <summary>
    /// A function-wrapped column on an engine where the advisor proposes no expression index: MySQL 8.0.13+ has
    /// functional key parts but MariaDB does not, and SQL Server needs a computed column.
    /// </summary>
    public static IndexHint ExpressionKey(QualifiedName table, string column, string expression, SqlDialect dialect)
    {
        var t = SqlIdentifiers.Quote(table, dialect);
        var lead = $"`{expression}` wraps `{column}`: a plain index on `{column}` cannot be used. Best, rewrite the predicate to compare the bare column. ";
        return new IndexHint(table, lead + (dialect == SqlDialect.MySql
            ? $"Else, on MySQL 8.0.13+, index the expression as a functional key part: `ALTER TABLE {t} ADD INDEX {IndexAdvisor.IndexName(table, [new IndexKey(null, expression, false)])} (({expression}));` (MariaDB has no functional key parts: add a virtual column `AS ({expression})` and index it)."
            : $"Else, SQL Server indexes an expression through a computed column: `ALTER TABLE {t} ADD {SqlIdentifiers.Quote(column + "_expr", dialect)} AS {expression} PERSISTED;` then an index on that column, and compare the column in the query."));
    }

    public static IndexHint PrimaryKeyJoin(QualifiedName table) =>
        new(table, $"`{table.Name}.id` is joined on; it is taken to be the primary key, which is indexed already.");
}
