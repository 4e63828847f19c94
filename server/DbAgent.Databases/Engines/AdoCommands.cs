using System.Data.Common;
using DbAgent.Databases.Connections;
using DbAgent.Sql;

namespace DbAgent.Databases.Engines;

/// <summary>Small ADO.NET helpers shared by the engines: typed reads and driver errors turned into clear failures.</summary>
internal static class AdoCommands
{
    public static async Task<List<T>> QueryAsync<T>(DbConnection connection, DbTransaction? transaction, string sql, Func<DbDataReader, T> map,
        CancellationToken cancellationToken, int? timeoutSeconds = null, params (string Name, object? Value)[] parameters)
    {
        var result = new List<T>();
        await using var command = Command(connection, transaction, sql, timeoutSeconds, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(map(reader));
        return result;
    }

    /// <summary>Streams the rows to <paramref name="row"/> as they arrive (no list of them held): for catalog reads of 500,000 rows.</summary>
    public static async Task ReadAsync(DbConnection connection, DbTransaction? transaction, string sql, Action<DbDataReader> row,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, null, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            row(reader);
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, int? timeoutSeconds, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        if (timeoutSeconds is not null)
            command.CommandTimeout = timeoutSeconds.Value;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            command.Parameters.Add(p);
        }
        return command;
    }

    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken, int? timeoutSeconds = null)
    {
        await using var command = Command(connection, transaction, sql, timeoutSeconds, []);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task<object?> ScalarAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, null, []);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    public static string? Str(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToString(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static long? Long(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static double? Double(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToDouble(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static bool Bool(this DbDataReader r, int i) => !r.IsDBNull(i) && Convert.ToBoolean(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
    public static int Int(this DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt32(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    public static DateTimeOffset? Time(this DbDataReader r, int i)
    {
        if (r.IsDBNull(i))
            return null;
        return r.GetValue(i) switch
        {
            DateTimeOffset dto => dto,
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, dt.Kind == DateTimeKind.Unspecified ? DateTimeKind.Utc : dt.Kind)),
            _ => null,
        };
    }

    /// <summary>
    /// Runs <paramref name="work"/> and turns whatever the driver throws into a <see cref="DatabaseAccessException"/>
    /// whose message is clear and holds no secret. Our own exceptions pass through.
    /// </summary>
    public static async Task<T> GuardAsync<T>(ConnectionTarget target, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (Exception e) when (e is not DatabaseAccessException and not Plans.StatementNotExplainableException and not OperationCanceledException { CancellationToken.IsCancellationRequested: true })
        {
            throw new DatabaseAccessException(ConnectionFailure.From(e, target));
        }
    }

    /// <summary>Quotes an identifier the engine's way.</summary>
    public static string Quote(DatabaseEngine engine, string name) => engine.ToDialect().Delimit(name);
}
