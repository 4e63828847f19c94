using System.Text.RegularExpressions;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Tools;

/// <summary>How each dialect names itself and quotes identifiers, for the text and DDL the chat writes.</summary>
public static partial class Engines
{
    public static string DisplayName(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => "PostgreSQL",
        SqlDialect.MySql => "MySQL/MariaDB",
        SqlDialect.TSql => "SQL Server",
        _ => "SQLite",
    };

    /// <summary>The server a session talks to, as people name it (MariaDB answers as MySQL but is not).</summary>
    public static string ServerName(DbAgent.Databases.ServerInfo info) => info.Engine switch
    {
        DbAgent.Databases.DatabaseEngine.Postgres => "PostgreSQL",
        DbAgent.Databases.DatabaseEngine.MySql => info.IsMariaDb ? "MariaDB" : "MySQL",
        DbAgent.Databases.DatabaseEngine.SqlServer => "SQL Server",
        _ => "SQLite",
    } + (string.IsNullOrWhiteSpace(info.Version) ? "" : " " + info.Version);

    /// <summary>The fence language for code blocks.</summary>
    public static string Fence(SqlDialect dialect) => "sql";

    /// <summary>Quotes an identifier only when it needs it, the way the dialect does.</summary>
    public static string Quote(string name, SqlDialect dialect)
    {
        if (PlainIdentifier().IsMatch(name) && !(dialect == SqlDialect.Postgres && name.Any(char.IsUpper))) return name;
        return dialect switch
        {
            SqlDialect.MySql => "`" + name.Replace("`", "``") + "`",
            SqlDialect.TSql => "[" + name.Replace("]", "]]") + "]",
            _ => "\"" + name.Replace("\"", "\"\"") + "\"",
        };
    }

    public static string Quote(QualifiedName name, SqlDialect dialect) =>
        name.Schema is null ? Quote(name.Name, dialect) : Quote(name.Schema, dialect) + "." + Quote(name.Name, dialect);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainIdentifier();
}
