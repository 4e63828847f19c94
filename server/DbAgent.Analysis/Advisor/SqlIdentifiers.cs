using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Analysis.Advisor;

/// <summary>Identifiers as the DDL and advice the analysis writes spell them, per dialect.</summary>
public static class SqlIdentifiers
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "all", "and", "as", "asc", "by", "check", "column", "constraint", "create", "default", "desc", "distinct", "from",
        "group", "having", "in", "index", "key", "limit", "not", "null", "offset", "on", "or", "order", "primary",
        "references", "select", "table", "to", "union", "unique", "user", "where", "with",
    };

    public static string Quote(QualifiedName name, SqlDialect dialect) =>
        name.Schema is null ? Quote(name.Name, dialect) : Quote(name.Schema, dialect) + "." + Quote(name.Name, dialect);

    /// <summary>Quotes an identifier only when it needs it: not a plain word, a reserved word, or (PostgreSQL) not lower case.</summary>
    public static string Quote(string identifier, SqlDialect dialect)
    {
        var plain = identifier.Length > 0 && (char.IsAsciiLetter(identifier[0]) || identifier[0] == '_')
            && identifier.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            && !Reserved.Contains(identifier)
            && (dialect != SqlDialect.Postgres || !identifier.Any(char.IsAsciiLetterUpper));
        return plain ? identifier : dialect.Delimit(identifier);
    }
}
