using System.Net.Sockets;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Connections;

/// <summary>Why talking to a database failed, in the few kinds a user can act on.</summary>
public enum ConnectionFailureKind
{
    /// <summary>Nothing listens there, or the server went away (refused, reset, shut down).</summary>
    Unreachable,
    AuthenticationFailed,
    /// <summary>Connecting, a statement or a lock wait took longer than allowed.</summary>
    Timeout,
    UnknownHost,
    DatabaseNotFound,
    /// <summary>The settings cannot be understood (bad URL, unknown option).</summary>
    InvalidConfiguration,
    /// <summary>The database refused the statement (syntax, permissions, a table that does not exist).</summary>
    QueryFailed,
    Other,
}

/// <summary>One clear sentence for a failure; <see cref="Message"/> never holds a password.</summary>
public sealed record ConnectionFailure(ConnectionFailureKind Kind, string Message)
{
    /// <summary>True when the connection itself is lost or unusable (as opposed to one statement failing).</summary>
    public bool ConnectionLost => Kind is ConnectionFailureKind.Unreachable or ConnectionFailureKind.AuthenticationFailed
        or ConnectionFailureKind.UnknownHost or ConnectionFailureKind.DatabaseNotFound or ConnectionFailureKind.InvalidConfiguration;

    /// <summary>
    /// Maps a driver exception to a kind and a message naming the connection, with every secret removed. A
    /// <see cref="DatabaseAccessException"/> already carries its failure, which is returned as it is.
    /// </summary>
    public static ConnectionFailure From(Exception exception, ConnectionTarget? target)
    {
        if (exception is DatabaseAccessException access) return access.Failure;
        var where = target is null ? "the database" : $"'{target.Name}' ({Describe(target)})";
        var (kind, detail) = Classify(exception);
        // Some drivers (MySqlConnector) say only "unable to connect" for a name DNS does not know: ask DNS ourselves.
        if (kind == ConnectionFailureKind.Unreachable && detail is null && HostIsUnknown(target?.Host))
            kind = ConnectionFailureKind.UnknownHost;
        var message = kind switch
        {
            ConnectionFailureKind.Unreachable => $"Cannot reach {where}: the server is down or not accepting connections.",
            ConnectionFailureKind.AuthenticationFailed when detail == NoPassword =>
                $"{Capitalise(where)} asks for a password and no password was given: store one with DbAgent: Add Connection (or put it in the connection's environment).",
            ConnectionFailureKind.AuthenticationFailed => $"{Capitalise(where)} refused the login: wrong user name or password.",
            ConnectionFailureKind.Timeout when detail is "statement timeout" or "lock timeout" or "lock wait timeout" =>
                $"{Capitalise(where)} stopped a statement at DbAgent's {detail} (dbagent.plans.statementTimeoutMs; raise it to let slow plans finish).",
            ConnectionFailureKind.Timeout when target is not null && target.Engine != DatabaseEngine.Sqlite =>
                $"{Capitalise(where)} did not answer in time: connecting timed out after {DriverConnectionStrings.ConnectTimeoutSeconds(target)} s "
                + $"(a slow or filtered network, or an overloaded server). To wait longer, add connect_timeout to the connection's URL "
                + $"(?connect_timeout=30) or {DriverConnectionStrings.ConnectTimeoutKeyword(target.Engine)}=30 to its connection string.",
            ConnectionFailureKind.Timeout => $"{Capitalise(where)} did not answer in time.",
            ConnectionFailureKind.UnknownHost => $"Cannot reach {where}: the host name {(target?.Host is { } host ? $"'{host}' " : "")}is unknown (the DNS lookup found no such host).",
            ConnectionFailureKind.DatabaseNotFound => $"{Capitalise(where)}: the database does not exist.",
            ConnectionFailureKind.InvalidConfiguration => $"{Capitalise(where)}: the connection settings are not valid.",
            ConnectionFailureKind.QueryFailed => $"{Capitalise(where)} rejected the statement.",
            _ => $"{Capitalise(where)} failed.",
        };
        if (!string.IsNullOrWhiteSpace(detail) && detail != NoPassword && !(kind == ConnectionFailureKind.Timeout && message.Contains(detail, StringComparison.Ordinal)))
            message += $" ({detail.Trim().TrimEnd('.')})";
        return new ConnectionFailure(kind, SecretRedactor.Redact(message, target));
    }

    /// <summary>True only when DNS answered that the name does not exist (an IP address, a socket path or a failed lookup: false).</summary>
    private static bool HostIsUnknown(string? host)
    {
        if (string.IsNullOrEmpty(host) || host.StartsWith('/') || System.Net.IPAddress.TryParse(host, out _)) return false;
        try
        {
            // Only on a failure path, and a resolver that cannot be reached fails with another code (false).
            return System.Net.Dns.GetHostAddresses(host).Length == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.HostNotFound or SocketError.NoData)
        {
            return true;
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The detail <see cref="Classify"/> gives when the server wanted a password and the client had none.</summary>
    public const string NoPassword = "no password was given";

    private static string Capitalise(string s) => s.Length > 0 && char.IsLower(s[0]) ? char.ToUpperInvariant(s[0]) + s[1..] : s;

    private static string Describe(ConnectionTarget t) => t.Engine == DatabaseEngine.Sqlite
        ? $"sqlite {t.Database}"
        : $"{ConnectionTargetParser.EngineName(t.Engine)} {t.Host ?? "localhost"}{(t.Port is null ? "" : $":{t.Port}")}{(t.Database is null ? "" : $"/{t.Database}")}";

    /// <summary>The kind, and the driver's own short reason where it helps (redacted by the caller).</summary>
    public static (ConnectionFailureKind Kind, string? Detail) Classify(Exception exception)
    {
        switch (exception)
        {
            case ConnectionConfigurationException e:
                return (ConnectionFailureKind.InvalidConfiguration, e.Message);
            case PostgresException pg:
                return pg.SqlState switch
                {
                    "28P01" or "28000" => (ConnectionFailureKind.AuthenticationFailed, null),
                    "3D000" => (ConnectionFailureKind.DatabaseNotFound, null),
                    "57014" => (ConnectionFailureKind.Timeout, "statement timeout"),
                    "55P03" => (ConnectionFailureKind.Timeout, "lock timeout"),
                    "57P01" or "57P02" or "57P03" or "08006" or "08003" or "08001" or "08004" => (ConnectionFailureKind.Unreachable, pg.MessageText),
                    _ => (ConnectionFailureKind.QueryFailed, $"{pg.SqlState}: {pg.MessageText}"),
                };
            case MySqlException my:
                return my.ErrorCode switch
                {
                    MySqlErrorCode.AccessDenied when my.Message.Contains("using password: NO", StringComparison.OrdinalIgnoreCase) => (ConnectionFailureKind.AuthenticationFailed, NoPassword),
                    MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.PasswordNoMatch => (ConnectionFailureKind.AuthenticationFailed, null),
                    MySqlErrorCode.UnknownDatabase => (ConnectionFailureKind.DatabaseNotFound, null),
                    MySqlErrorCode.LockWaitTimeout => (ConnectionFailureKind.Timeout, "lock wait timeout"),
                    MySqlErrorCode.QueryInterrupted or MySqlErrorCode.QueryTimeout or (MySqlErrorCode)1969 or (MySqlErrorCode)3024 =>
                        (ConnectionFailureKind.Timeout, "statement timeout"),
                    // MySqlConnector: "Connect Timeout expired" with a CommandTimeoutExpired inside (and an aborted socket below it).
                    MySqlErrorCode.UnableToConnectToHost when FindInner<MySqlException>(my.InnerException ?? my) is { ErrorCode: MySqlErrorCode.CommandTimeoutExpired } expired && expired != my =>
                        (ConnectionFailureKind.Timeout, null),
                    MySqlErrorCode.UnableToConnectToHost when my.InnerException is not null && FindSocketError(my) is { } se => FromSocket(se),
                    MySqlErrorCode.UnableToConnectToHost => my.Message.Contains("timeout", StringComparison.OrdinalIgnoreCase) || FindInner<TimeoutException>(my) is not null
                        ? (ConnectionFailureKind.Timeout, null) : (ConnectionFailureKind.Unreachable, null),
                    MySqlErrorCode.CommandTimeoutExpired => (ConnectionFailureKind.Timeout, null),
                    _ when FindSocketError(my) is { } se => FromSocket(se),
                    _ when my.Number == 0 && (FindInner<System.IO.IOException>(my) is not null || FindInner<System.IO.EndOfStreamException>(my) is not null
                        || my.Message.Contains("Failed to read", StringComparison.OrdinalIgnoreCase) || my.Message.Contains("Connection", StringComparison.OrdinalIgnoreCase)) =>
                        (ConnectionFailureKind.Unreachable, "connection lost"),
                    _ when my.Number is 2006 or 2013 or 1927 or 1053 or 1152 or 1158 or 1159 or 1160 or 1161 => (ConnectionFailureKind.Unreachable, "connection lost"),
                    _ => (ConnectionFailureKind.QueryFailed, $"{my.Number}: {my.Message}"),
                };
            case SqlException sql:
                return sql.Number switch
                {
                    18456 or 18452 or 18486 or 18487 or 18488 => (ConnectionFailureKind.AuthenticationFailed, null),
                    4060 => (ConnectionFailureKind.DatabaseNotFound, null),
                    -2 => (ConnectionFailureKind.Timeout, null),
                    1222 => (ConnectionFailureKind.Timeout, "lock timeout"),
                    11001 => (ConnectionFailureKind.UnknownHost, null),
                    53 or -1 or 2 or 10054 or 10060 or 10061 or 233 or 64 => (ConnectionFailureKind.Unreachable, null),
                    _ when FindSocketError(sql) is { } se => FromSocket(se),
                    _ => (ConnectionFailureKind.QueryFailed, $"{sql.Number}: {sql.Message}"),
                };
            case SqliteException lite:
                return lite.SqliteErrorCode switch
                {
                    14 => (ConnectionFailureKind.DatabaseNotFound, "the file cannot be opened"),
                    26 => (ConnectionFailureKind.InvalidConfiguration, "the file is not a SQLite database"),
                    5 or 6 => (ConnectionFailureKind.Timeout, "the database is locked"),
                    23 => (ConnectionFailureKind.AuthenticationFailed, null),
                    _ => (ConnectionFailureKind.QueryFailed, lite.Message),
                };
            case NpgsqlException npg when npg.Message.Contains("No password has been provided", StringComparison.OrdinalIgnoreCase):
                // Npgsql says so before it sends anything: the server is up and wants a password DbAgent does not have.
                return (ConnectionFailureKind.AuthenticationFailed, NoPassword);
            case NpgsqlException npg:
                if (FindSocketError(npg) is { } pse)
                    return FromSocket(pse);
                if (FindInner<TimeoutException>(npg) is not null || npg.Message.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
                    return (ConnectionFailureKind.Timeout, null);
                return (ConnectionFailureKind.Unreachable, null);
            case SocketException socket:
                return FromSocket(socket.SocketErrorCode);
            case TimeoutException:
                return (ConnectionFailureKind.Timeout, null);
            case OperationCanceledException:
                return (ConnectionFailureKind.Timeout, "cancelled");
            case System.IO.IOException io when FindSocketError(io) is { } ise:
                return FromSocket(ise);
            case System.IO.IOException:
                return (ConnectionFailureKind.Unreachable, "connection lost");
            case ArgumentException or FormatException:
                return (ConnectionFailureKind.InvalidConfiguration, exception.Message);
            default:
                if (exception.InnerException is { } inner)
                    return Classify(inner);
                return (ConnectionFailureKind.Other, exception.Message);
        }
    }

    private static (ConnectionFailureKind, string?) FromSocket(SocketError error) => error switch
    {
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => (ConnectionFailureKind.UnknownHost, null),
        SocketError.TimedOut => (ConnectionFailureKind.Timeout, null),
        SocketError.ConnectionRefused => (ConnectionFailureKind.Unreachable, "connection refused: nothing listens on that port"),
        _ => (ConnectionFailureKind.Unreachable, null),
    };

    private static SocketError? FindSocketError(Exception e) => FindInner<SocketException>(e)?.SocketErrorCode;

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (Exception? current = e; current is not null; current = current.InnerException)
            if (current is T found)
                return found;
        if (e is AggregateException aggregate)
            foreach (var inner in aggregate.InnerExceptions)
                if (FindInner<T>(inner) is { } found)
                    return found;
        return null;
    }
}

/// <summary>
/// Thrown by sessions in place of the driver's exception: one clear, secret-free message and a kind. The driver's
/// exception is deliberately not kept as InnerException, so that printing this one can never leak what it held.
/// </summary>
public sealed class DatabaseAccessException(ConnectionFailure failure) : Exception(failure.Message)
{
    public ConnectionFailure Failure { get; } = failure;
}
