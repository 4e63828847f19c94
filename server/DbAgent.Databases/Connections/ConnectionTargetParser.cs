using System.Collections;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Connections;

/// <summary>A connection that cannot be understood. The message never holds a password.</summary>
public sealed class ConnectionConfigurationException(string message) : Exception(message);

/// <summary>
/// Turns settings objects, URLs, ADO.NET connection strings and environment variables into <see cref="ConnectionTarget"/>s.
/// Passwords found on the way are moved into <see cref="ConnectionTarget.Password"/> and taken out of the stored
/// connection string, so that the string can be shown.
/// </summary>
public static class ConnectionTargetParser
{
    public static bool TryParseEngine(string? name, out DatabaseEngine engine)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case "postgres" or "postgresql" or "pg" or "pgsql":
                engine = DatabaseEngine.Postgres; return true;
            case "mysql" or "mariadb":
                engine = DatabaseEngine.MySql; return true;
            case "sqlserver" or "mssql" or "tsql" or "sql-server":
                engine = DatabaseEngine.SqlServer; return true;
            case "sqlite" or "sqlite3":
                engine = DatabaseEngine.Sqlite; return true;
            default:
                engine = DatabaseEngine.Postgres; return false;
        }
    }

    public static string EngineName(DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Postgres => "postgres",
        DatabaseEngine.MySql => "mysql",
        DatabaseEngine.SqlServer => "sqlserver",
        DatabaseEngine.Sqlite => "sqlite",
        _ => engine.ToString().ToLowerInvariant(),
    };

    /// <summary>A settings entry: explicit fields, or a connection string / URL, with explicit fields winning.</summary>
    public static ConnectionTarget FromSettings(ConnectionSettings settings, int index = 0)
    {
        var name = string.IsNullOrWhiteSpace(settings.Name) ? $"connection{index + 1}" : settings.Name.Trim();
        DatabaseEngine? engine = null;
        if (!string.IsNullOrWhiteSpace(settings.Engine))
        {
            if (!TryParseEngine(settings.Engine, out var e))
                throw new ConnectionConfigurationException($"Connection '{name}': unknown engine '{settings.Engine}' (use postgres, mysql, sqlserver or sqlite).");
            engine = e;
        }

        ConnectionTarget target;
        if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
            target = FromConnectionString(settings.ConnectionString, engine, name);
        else if (engine is null)
            throw new ConnectionConfigurationException($"Connection '{name}': give an engine (postgres, mysql, sqlserver, sqlite) or a connection string.");
        else
            target = new ConnectionTarget(name, engine.Value);

        return target with
        {
            Host = settings.Host ?? target.Host,
            Port = settings.Port ?? target.Port,
            Database = settings.Database ?? target.Database,
            User = settings.User ?? target.User,
            ReadOnly = settings.ReadOnly ?? true,
            Folders = settings.Folders?.Where(f => !string.IsNullOrWhiteSpace(f)).ToList() ?? [],
        };
    }

    public static bool LooksLikeUrl(string text)
    {
        var t = text.TrimStart();
        return t.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ||
               t.StartsWith("file:", StringComparison.OrdinalIgnoreCase) ||
               System.Text.RegularExpressions.Regex.IsMatch(t, @"^(postgres|postgresql|mysql|mariadb|sqlserver|mssql)://", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }

    /// <summary>A URL or an engine's ADO.NET connection string; <paramref name="engine"/> may be null when the text tells.</summary>
    public static ConnectionTarget FromConnectionString(string text, DatabaseEngine? engine, string name)
    {
        text = text.Trim();
        if (LooksLikeUrl(text))
        {
            var fromUrl = FromUrl(text, name);
            if (engine is not null && engine != fromUrl.Engine)
                throw new ConnectionConfigurationException($"Connection '{name}': the URL is for {EngineName(fromUrl.Engine)} but the engine says {EngineName(engine.Value)}.");
            return fromUrl;
        }
        if (IsSqliteFilePath(text, engine))
            return new ConnectionTarget(name, DatabaseEngine.Sqlite) { Database = text };
        var detected = engine ?? GuessEngine(text)
            ?? throw new ConnectionConfigurationException($"Connection '{name}': cannot tell the engine of this connection string; set \"engine\".");
        try
        {
            return FromAdoNet(text, detected, name);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ConnectionConfigurationException($"Connection '{name}': not a valid {EngineName(detected)} connection string ({SecretRedactor.Redact(e.Message)}).");
        }
    }

    /// <summary>
    /// A bare SQLite file path (`shop.db`, `/data/app.sqlite`, `C:\data\app.db`): text without `=` that is for SQLite
    /// by the engine given, or by a SQLite file extension when no engine is given. A relative path is resolved
    /// against the workspace folder by the language server and against the working directory by the CLI.
    /// </summary>
    public static bool IsSqliteFilePath(string text, DatabaseEngine? engine)
    {
        text = text.Trim();
        if (text.Length == 0 || text.Contains('=') || LooksLikeUrl(text)) return false;
        if (engine == DatabaseEngine.Sqlite) return true;
        return engine is null && (text.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || text.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase)
            || text.EndsWith(".sqlite3", StringComparison.OrdinalIgnoreCase) || text == ":memory:");
    }

    /// <summary>
    /// What a pasted connection string or URL becomes in settings: the same form (URL, ADO.NET string or file
    /// path) without its password, which is returned apart for the secret store. Throws
    /// <see cref="ConnectionConfigurationException"/> (secret-free) for text the engine's parser rejects.
    /// </summary>
    public static (DatabaseEngine Engine, string ConnectionString, string? Password) ForSettings(string text, DatabaseEngine? engine, string name = "new connection")
    {
        text = text.Trim();
        var target = FromConnectionString(text, engine, name);
        if (IsSqliteFilePath(text, engine ?? target.Engine))
            return (target.Engine, text, null);
        if (LooksLikeUrl(text))
            return (target.Engine, ToUrl(target), target.Password);
        // ADO.NET: the driver's builder already took the password out of the stored string.
        return (target.Engine, target.ConnectionString ?? "", target.Password);
    }

    /// <summary>A password-free URL that <see cref="FromUrl"/> reads back into the same target (less its password).</summary>
    public static string ToUrl(ConnectionTarget target)
    {
        if (target.Engine == DatabaseEngine.Sqlite)
            return "sqlite:" + (target.Database ?? "") + Query(target.Options);
        var scheme = target.Engine is DatabaseEngine.Postgres or DatabaseEngine.MySql or DatabaseEngine.SqlServer
            ? EngineName(target.Engine)
            : throw new ConnectionConfigurationException($"Connection '{target.Name}': unsupported engine.");
        var user = target.User is null ? "" : Uri.EscapeDataString(target.User) + "@";
        var host = target.Host is null ? "" : target.Host.Contains(':') ? $"[{target.Host}]" : Uri.EscapeDataString(target.Host);
        var port = target.Port is null ? "" : ":" + target.Port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var database = target.Database is null ? "" : "/" + Uri.EscapeDataString(target.Database);
        return $"{scheme}://{user}{host}{port}{database}{Query(target.Options)}";
    }

    private static string Query(IReadOnlyDictionary<string, string> options) =>
        options.Count == 0 ? "" : "?" + string.Join("&", options.Select(o => Uri.EscapeDataString(o.Key) + "=" + Uri.EscapeDataString(o.Value)));

    /// <summary>Guesses the engine of an ADO.NET string from the keywords only one driver uses.</summary>
    public static DatabaseEngine? GuessEngine(string connectionString)
    {
        DbConnectionStringBuilder builder = new();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            return null;
        }
        bool Has(params string[] keys) => keys.Any(builder.ContainsKey);
        if (Has("Data Source", "DataSource", "Filename") && !Has("Initial Catalog", "User ID", "UID", "Integrated Security", "Trusted_Connection", "Server", "Host"))
            return DatabaseEngine.Sqlite;
        if (Has("Initial Catalog", "Integrated Security", "Trusted_Connection", "TrustServerCertificate", "Encrypt", "MultipleActiveResultSets", "Application Intent", "Addr", "Address") || Has("Data Source") && Has("User ID", "UID"))
            return DatabaseEngine.SqlServer;
        if (Has("Host", "Username", "SSL Mode", "Search Path", "Include Error Detail"))
            return DatabaseEngine.Postgres;
        if (Has("Server", "Uid", "User ID", "User", "SslMode", "AllowUserVariables", "Allow User Variables"))
            return DatabaseEngine.MySql;
        return null;
    }

    private static ConnectionTarget FromAdoNet(string text, DatabaseEngine engine, string name)
    {
        switch (engine)
        {
            case DatabaseEngine.Postgres:
            {
                var b = new NpgsqlConnectionStringBuilder(text);
                var password = b.Password;
                b.Password = null;
                return new ConnectionTarget(name, engine)
                {
                    Host = b.Host, Port = b.Port, Database = b.Database, User = b.Username,
                    Password = string.IsNullOrEmpty(password) ? null : password, ConnectionString = b.ConnectionString,
                };
            }
            case DatabaseEngine.MySql:
            {
                var b = new MySqlConnectionStringBuilder(text);
                var password = b.Password;
                b.Password = "";
                b.Remove("Password");
                return new ConnectionTarget(name, engine)
                {
                    Host = NullIfEmpty(b.Server), Port = (int)b.Port, Database = NullIfEmpty(b.Database), User = NullIfEmpty(b.UserID),
                    Password = NullIfEmpty(password), ConnectionString = b.ConnectionString,
                };
            }
            case DatabaseEngine.SqlServer:
            {
                var b = new SqlConnectionStringBuilder(text);
                var password = b.Password;
                b.Remove("Password");
                var (host, port) = SplitSqlServerDataSource(b.DataSource);
                return new ConnectionTarget(name, engine)
                {
                    Host = host, Port = port, Database = NullIfEmpty(b.InitialCatalog), User = NullIfEmpty(b.UserID),
                    Password = NullIfEmpty(password), ConnectionString = b.ConnectionString,
                };
            }
            case DatabaseEngine.Sqlite:
            {
                var b = new SqliteConnectionStringBuilder(text);
                var password = b.Password;
                b.Password = "";
                b.Remove("Password");
                return new ConnectionTarget(name, engine)
                {
                    Database = NullIfEmpty(b.DataSource), Password = NullIfEmpty(password), ConnectionString = b.ConnectionString,
                };
            }
            default:
                throw new ConnectionConfigurationException($"Connection '{name}': unsupported engine.");
        }
    }

    private static (string? Host, int? Port) SplitSqlServerDataSource(string? dataSource)
    {
        if (string.IsNullOrWhiteSpace(dataSource))
            return (null, null);
        var ds = dataSource.Trim();
        if (ds.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
            ds = ds[4..];
        var comma = ds.LastIndexOf(',');
        if (comma > 0 && int.TryParse(ds[(comma + 1)..], out var port))
            return (ds[..comma], port);
        return (ds, null);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    /// <summary>postgres://, postgresql://, mysql://, mariadb://, sqlserver:// (or mssql://), sqlite:path and file:path.</summary>
    public static ConnectionTarget FromUrl(string url, string name)
    {
        url = url.Trim();
        if (url.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) || url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            return SqliteFromUrl(url, name);

        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !TryParseEngine(url[..schemeEnd], out var engine))
            throw new ConnectionConfigurationException($"Connection '{name}': unknown URL scheme (use postgres://, mysql://, mariadb://, sqlserver://, sqlite: or file:).");

        // SQL Server's JDBC form: sqlserver://host:1433;databaseName=db;user=sa
        var rest = url[(schemeEnd + 3)..];
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var semicolon = rest.IndexOf(';');
        if (engine == DatabaseEngine.SqlServer && semicolon >= 0)
        {
            foreach (var part in rest[(semicolon + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                if (eq > 0)
                    options[part[..eq].Trim()] = part[(eq + 1)..].Trim();
            }
            rest = rest[..semicolon];
        }

        var query = rest.IndexOf('?');
        if (query >= 0)
        {
            foreach (var part in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                var key = Uri.UnescapeDataString(eq > 0 ? part[..eq] : part);
                options[key] = eq > 0 ? Uri.UnescapeDataString(part[(eq + 1)..]) : "true";
            }
            rest = rest[..query];
        }

        var at = rest.LastIndexOf('@');
        string? user = null, password = null;
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var colon = userInfo.IndexOf(':');
            user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            if (colon >= 0)
                password = Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }

        var slash = rest.IndexOf('/');
        var hostPort = slash >= 0 ? rest[..slash] : rest;
        var database = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : null;
        string? host = hostPort;
        int? port = null;
        if (hostPort.StartsWith('['))
        {
            // [::1]:5432
            var close = hostPort.IndexOf(']');
            host = close > 0 ? hostPort[1..close] : hostPort;
            if (close > 0 && close + 1 < hostPort.Length && hostPort[close + 1] == ':' && int.TryParse(hostPort[(close + 2)..], out var p6))
                port = p6;
        }
        else
        {
            var colon = hostPort.LastIndexOf(':');
            if (colon >= 0)
            {
                if (!int.TryParse(hostPort[(colon + 1)..], out var p) || p is <= 0 or > 65535)
                    throw new ConnectionConfigurationException($"Connection '{name}': the port in the URL is not a number between 1 and 65535.");
                port = p;
                host = hostPort[..colon];
            }
        }
        host = string.IsNullOrEmpty(host) ? null : Uri.UnescapeDataString(host);

        string? Take(params string[] keys)
        {
            foreach (var key in keys)
                if (options.Remove(key, out var value))
                    return value;
            return null;
        }
        user = Take("user", "username", "userName") ?? user;
        password = Take("password") ?? password;
        database = NullIfEmpty(database) ?? Take("database", "databaseName", "dbname", "initial catalog");

        return new ConnectionTarget(name, engine)
        {
            Host = host, Port = port, Database = database, User = NullIfEmpty(user), Password = NullIfEmpty(password),
            Options = options,
        };
    }

    private static ConnectionTarget SqliteFromUrl(string url, string name)
    {
        var colon = url.IndexOf(':');
        var path = url[(colon + 1)..];
        var query = path.IndexOf('?');
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (query >= 0)
        {
            foreach (var part in path[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=');
                options[eq > 0 ? part[..eq] : part] = eq > 0 ? Uri.UnescapeDataString(part[(eq + 1)..]) : "true";
            }
            path = path[..query];
        }
        // sqlite:///abs/path and file:///abs/path are absolute; sqlite://rel and sqlite:rel are relative.
        if (path.StartsWith("///", StringComparison.Ordinal))
            path = path[2..];
        else if (path.StartsWith("//", StringComparison.Ordinal))
            path = path[2..];
        path = Uri.UnescapeDataString(path);
        if (path.Length == 0)
            throw new ConnectionConfigurationException($"Connection '{name}': the SQLite URL names no file.");
        return new ConnectionTarget(name, DatabaseEngine.Sqlite) { Database = path, Options = options };
    }

    /// <summary>
    /// Connections the environment describes: DATABASE_URL, then PG*, MYSQL_*, and SQLCMD* variables. Named
    /// "DATABASE_URL", "PGHOST" (for the PostgreSQL group), "MYSQL_HOST" and "SQLCMDSERVER".
    /// </summary>
    public static IReadOnlyList<ConnectionTarget> FromEnvironment(IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Get(string key) => environment.Contains(key) ? NullIfEmpty(environment[key]?.ToString()) : null;
        int? Port(string key) => int.TryParse(Get(key), out var p) ? p : null;
        var targets = new List<ConnectionTarget>();

        if (Get("DATABASE_URL") is { } url)
        {
            try
            {
                targets.Add(FromConnectionString(url, null, "DATABASE_URL"));
            }
            catch (ConnectionConfigurationException)
            {
                // An unusable DATABASE_URL (e.g. a scheme we do not serve) is not ours to complain about.
            }
        }
        if (Get("PGHOST") is not null || Get("PGDATABASE") is not null || Get("PGSERVICE") is not null)
        {
            targets.Add(new ConnectionTarget("PGHOST", DatabaseEngine.Postgres)
            {
                Host = Get("PGHOST") ?? "localhost", Port = Port("PGPORT"), Database = Get("PGDATABASE"),
                User = Get("PGUSER") ?? Get("USER"), Password = Get("PGPASSWORD"),
            });
        }
        if (Get("MYSQL_HOST") is not null || Get("MYSQL_TCP_PORT") is not null || Get("MYSQL_DATABASE") is not null)
        {
            targets.Add(new ConnectionTarget("MYSQL_HOST", DatabaseEngine.MySql)
            {
                Host = Get("MYSQL_HOST") ?? "localhost", Port = Port("MYSQL_TCP_PORT"), Database = Get("MYSQL_DATABASE"),
                User = Get("MYSQL_USER") ?? Get("USER"), Password = Get("MYSQL_PWD") ?? Get("MYSQL_PASSWORD"),
            });
        }
        if (Get("SQLCMDSERVER") is not null)
        {
            targets.Add(new ConnectionTarget("SQLCMDSERVER", DatabaseEngine.SqlServer)
            {
                Host = Get("SQLCMDSERVER"), Database = Get("SQLCMDDBNAME"), User = Get("SQLCMDUSER"), Password = Get("SQLCMDPASSWORD"),
            });
        }
        return targets;
    }
}
