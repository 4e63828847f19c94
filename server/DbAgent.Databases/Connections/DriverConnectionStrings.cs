using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Connections;

/// <summary>
/// Builds each driver's connection string from a target through the driver's own builder, so quoting and keywords
/// are the driver's. The result holds the password: hand it to the driver only, never show or log it.
/// </summary>
public static class DriverConnectionStrings
{
    /// <summary>How long opening a connection may take before it counts as a timeout.</summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>
    /// The most physical connections the driver's pool keeps to one target: twice
    /// <see cref="ConnectionManager.MaxSessionsPerTarget"/>'s default, since an operation may open one nested session
    /// for its own target. Many documents then queue in the manager instead of exhausting max_connections.
    /// </summary>
    public const int MaxPoolSize = 8;

    public static string Build(ConnectionTarget target, string applicationName = "dbagent", int connectTimeoutSeconds = DefaultConnectTimeoutSeconds)
    {
        var connectionString = target.ConnectionString;
        if (connectionString is not null && ConnectionTargetParser.LooksLikeUrl(connectionString))
        {
            // A URL given as connectionString: its fields win over nothing, the target's explicit fields win over it.
            var fromUrl = ConnectionTargetParser.FromUrl(connectionString, target.Name);
            target = target with
            {
                ConnectionString = null,
                Host = target.Host ?? fromUrl.Host, Port = target.Port ?? fromUrl.Port, Database = target.Database ?? fromUrl.Database,
                User = target.User ?? fromUrl.User, Password = target.Password ?? fromUrl.Password,
                Options = fromUrl.Options.Concat(target.Options).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            };
            connectionString = null;
        }

        switch (target.Engine)
        {
            case DatabaseEngine.Postgres:
            {
                var b = new NpgsqlConnectionStringBuilder(connectionString ?? "");
                ApplyOptions(b, target, PostgresOptionNames);
                if (target.Host is not null) b.Host = target.Host;
                if (target.Port is not null) b.Port = target.Port.Value;
                if (target.Database is not null) b.Database = target.Database;
                if (target.User is not null) b.Username = target.User;
                if (target.Password is not null) b.Password = target.Password;
                b.Host ??= "localhost";
                b.ApplicationName = applicationName;
                b.MaxPoolSize = MaxPoolSize;
                // The user's own connect timeout (`connect_timeout` in the URL, `Timeout` in the string) wins over ours.
                if (b.Timeout == NpgsqlDefaults.Timeout) b.Timeout = connectTimeoutSeconds;
                return b.ConnectionString;
            }
            case DatabaseEngine.MySql:
            {
                var b = new MySqlConnectionStringBuilder(connectionString ?? "");
                ApplyOptions(b, target, MySqlOptionNames);
                if (target.Host is not null) b.Server = target.Host;
                if (target.Port is not null) b.Port = (uint)target.Port.Value;
                if (target.Database is not null) b.Database = target.Database;
                if (target.User is not null) b.UserID = target.User;
                if (target.Password is not null) b.Password = target.Password;
                if (string.IsNullOrEmpty(b.Server)) b.Server = "localhost";
                b.ApplicationName = applicationName;
                b.MaximumPoolSize = MaxPoolSize;
                if (b.ConnectionTimeout == MySqlDefaults.ConnectionTimeout) b.ConnectionTimeout = (uint)connectTimeoutSeconds;
                return b.ConnectionString;
            }
            case DatabaseEngine.SqlServer:
            {
                var b = new SqlConnectionStringBuilder(connectionString ?? "");
                ApplyOptions(b, target, SqlServerOptionNames);
                if (target.Host is not null) b.DataSource = target.Port is null ? target.Host : $"{target.Host},{target.Port}";
                if (target.Database is not null) b.InitialCatalog = target.Database;
                if (target.User is not null) b.UserID = target.User;
                if (target.Password is not null) b.Password = target.Password;
                if (string.IsNullOrEmpty(b.DataSource)) b.DataSource = "localhost";
                b.ApplicationName = applicationName;
                b.MaxPoolSize = MaxPoolSize;
                if (b.ConnectTimeout == SqlServerDefaults.ConnectTimeout) b.ConnectTimeout = connectTimeoutSeconds;
                b.ApplicationIntent = ApplicationIntent.ReadOnly;
                return b.ConnectionString;
            }
            case DatabaseEngine.Sqlite:
            {
                var b = new SqliteConnectionStringBuilder(connectionString ?? "");
                if (target.Database is not null) b.DataSource = target.Database;
                if (target.Password is not null) b.Password = target.Password;
                // Analysis opens the file read-only; a missing file is an error, not a new empty database.
                b.Mode = SqliteOpenMode.ReadOnly;
                b.Pooling = false;
                return b.ConnectionString;
            }
            default:
                throw new ConnectionConfigurationException($"Connection '{target.Name}': unsupported engine.");
        }
    }

    private static readonly NpgsqlConnectionStringBuilder NpgsqlDefaults = new();
    private static readonly MySqlConnectionStringBuilder MySqlDefaults = new();
    private static readonly SqlConnectionStringBuilder SqlServerDefaults = new();

    /// <summary>How long opening a connection to the target may take, in seconds (DbAgent's default or the user's own).</summary>
    public static int ConnectTimeoutSeconds(ConnectionTarget target)
    {
        try
        {
            return target.Engine switch
            {
                DatabaseEngine.Postgres => new NpgsqlConnectionStringBuilder(Build(target)).Timeout,
                DatabaseEngine.MySql => (int)new MySqlConnectionStringBuilder(Build(target)).ConnectionTimeout,
                DatabaseEngine.SqlServer => new SqlConnectionStringBuilder(Build(target)).ConnectTimeout,
                _ => DefaultConnectTimeoutSeconds,
            };
        }
        catch (Exception e) when (e is ConnectionConfigurationException or ArgumentException or FormatException)
        {
            return DefaultConnectTimeoutSeconds;
        }
    }

    /// <summary>The connection-string keyword of the driver's connect timeout, as a user would write it.</summary>
    public static string ConnectTimeoutKeyword(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.MySql => "Connection Timeout",
        DatabaseEngine.SqlServer => "Connect Timeout",
        _ => "Timeout",
    };

    // URL query names → driver keywords; unknown names are tried as driver keywords as they are.
    private static readonly Dictionary<string, string> PostgresOptionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode", ["application_name"] = "Application Name", ["connect_timeout"] = "Timeout", ["options"] = "Options",
    };
    private static readonly Dictionary<string, string> MySqlOptionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ssl-mode"] = "SslMode", ["sslmode"] = "SslMode", ["ssl_mode"] = "SslMode", ["charset"] = "CharacterSet", ["connect_timeout"] = "Connection Timeout",
    };
    private static readonly Dictionary<string, string> SqlServerOptionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["encrypt"] = "Encrypt", ["trustServerCertificate"] = "TrustServerCertificate", ["integratedSecurity"] = "Integrated Security",
        ["connect_timeout"] = "Connect Timeout",
    };

    private static void ApplyOptions(System.Data.Common.DbConnectionStringBuilder builder, ConnectionTarget target, Dictionary<string, string> names)
    {
        foreach (var (key, value) in target.Options)
        {
            var keyword = names.TryGetValue(key, out var mapped) ? mapped : key;
            try
            {
                builder[keyword] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or KeyNotFoundException or NotSupportedException)
            {
                throw new ConnectionConfigurationException($"Connection '{target.Name}': option '{key}' is not understood by the driver.");
            }
        }
    }
}
