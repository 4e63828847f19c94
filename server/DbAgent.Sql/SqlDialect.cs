namespace DbAgent.Sql;

/// <summary>The four SQL front ends. MySQL covers MariaDB; T-SQL is SQL Server's dialect.</summary>
public enum SqlDialect
{
    Postgres,
    MySql,
    TSql,
    Sqlite,
}

public static class SqlDialectNames
{
    /// <summary>
    /// An identifier between the dialect's delimiters, with the closing delimiter doubled inside: `name` (MySQL),
    /// [name] (T-SQL), "name" (the others). The one place that knows how each dialect quotes a name.
    /// </summary>
    public static string Delimit(this SqlDialect dialect, string identifier) => dialect switch
    {
        SqlDialect.MySql => "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`",
        SqlDialect.TSql => "[" + identifier.Replace("]", "]]", StringComparison.Ordinal) + "]",
        _ => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"",
    };

    /// <summary>The names used in settings, on the command line and in `-- dbagent: dialect=` comments.</summary>
    public static string ToName(this SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => "postgres",
        SqlDialect.MySql => "mysql",
        SqlDialect.TSql => "tsql",
        SqlDialect.Sqlite => "sqlite",
        _ => throw new ArgumentOutOfRangeException(nameof(dialect)),
    };

    /// <summary>Accepts the setting names and the usual aliases (postgresql, pg, mariadb, sqlserver, mssql).</summary>
    public static bool TryParse(string? name, out SqlDialect dialect)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "postgres" or "postgresql" or "pg" or "pgsql":
                dialect = SqlDialect.Postgres; return true;
            case "mysql" or "mariadb":
                dialect = SqlDialect.MySql; return true;
            case "tsql" or "t-sql" or "sqlserver" or "mssql":
                dialect = SqlDialect.TSql; return true;
            case "sqlite" or "sqlite3":
                dialect = SqlDialect.Sqlite; return true;
            default:
                dialect = SqlDialect.Postgres; return false;
        }
    }
}
