using DbAgent.Databases;
using DbAgent.Sql;

namespace DbAgent.Agent.Tools;

/// <summary>How each engine names itself in the chat's text.</summary>
public static class EngineNames
{
    public static string DisplayName(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => "PostgreSQL",
        SqlDialect.MySql => "MySQL/MariaDB",
        SqlDialect.TSql => "SQL Server",
        _ => "SQLite",
    };

    /// <summary>The server a session talks to, as people name it (MariaDB answers as MySQL but is not).</summary>
    public static string ServerName(ServerInfo info) =>
        (info.Engine == DatabaseEngine.MySql ? info.IsMariaDb ? "MariaDB" : "MySQL" : DisplayName(info.Engine.ToDialect()))
        + (string.IsNullOrWhiteSpace(info.Version) ? "" : " " + info.Version);
}
