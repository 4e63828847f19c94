using System.Globalization;
using Microsoft.Data.Sqlite;

namespace DbAgent.SampleData;

/// <summary>
/// SQLite: migrations and every row in one transaction through one prepared command per table, which is what
/// makes a million rows take seconds. Timestamps are stored as ISO-8601 text ('2025-06-01 12:34:56').
/// </summary>
internal sealed class SqliteSampleTarget : ISampleTarget
{
    private readonly SqliteConnection _connection;
    private SqliteTransaction? _transaction;

    private SqliteSampleTarget(SqliteConnection connection, string description)
    {
        _connection = connection;
        Description = description;
    }

    public string Description { get; }

    /// <summary>A file path, or a Microsoft.Data.Sqlite connection string (anything with '=' in it).</summary>
    public static async Task<SqliteSampleTarget> OpenAsync(string connection, CancellationToken cancellationToken)
    {
        var builder = connection.Contains('=')
            ? new SqliteConnectionStringBuilder(connection)
            : new SqliteConnectionStringBuilder { DataSource = connection };
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        // No pooling: the file is closed when we are done, so it can be moved or deleted right away.
        builder.Pooling = false;
        var dataSource = builder.DataSource;
        if (!string.IsNullOrEmpty(dataSource) && dataSource != ":memory:")
        {
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (directory is not null && !Directory.Exists(directory))
                throw new DirectoryNotFoundException($"the folder for the SQLite database does not exist: {directory}");
        }

        var sqlite = new SqliteConnection(builder.ToString());
        await sqlite.OpenAsync(cancellationToken);
        return new SqliteSampleTarget(sqlite, $"SQLite database {dataSource}");
    }

    public async Task<IReadOnlyList<string>> ExistingTablesAsync(CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText =
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public async Task DropSampleObjectsAsync(CancellationToken cancellationToken)
    {
        foreach (var table in SampleShop.Tables.Reverse())
            await ExecuteAsync($"DROP TABLE IF EXISTS \"{table.Name}\"", cancellationToken);
    }

    public Task ExecuteScriptAsync(string sql, CancellationToken cancellationToken) => ExecuteAsync(sql, cancellationToken);

    public async Task<long> LoadAsync(SampleTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        _transaction ??= _connection.BeginTransaction();
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        var columns = table.Columns;
        command.CommandText =
            $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) " +
            $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        command.Prepare();

        long count = 0;
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = ToSqlite(row[i]);
            command.ExecuteNonQuery();
            if (++count % 100_000 == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        return count;
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        // ANALYZE inside the load's transaction: sqlite_stat1 is committed with the rows it describes.
        await ExecuteAsync("ANALYZE", cancellationToken);
        await _transaction!.CommitAsync(cancellationToken);
        await _transaction.DisposeAsync();
        _transaction = null;
    }

    public async ValueTask DisposeAsync()
    {
        // An unfinished load is rolled back: the file keeps nothing half-written.
        if (_transaction is not null) await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        _transaction ??= _connection.BeginTransaction();
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static object ToSqlite(object? value) => value switch
    {
        null => DBNull.Value,
        DateTime time => time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => value,
    };
}
