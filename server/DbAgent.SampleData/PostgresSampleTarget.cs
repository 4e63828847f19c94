using Npgsql;
using NpgsqlTypes;

namespace DbAgent.SampleData;

/// <summary>
/// PostgreSQL: binary COPY per table, into the current schema (the first of the connection's search path), so a
/// test or a user can keep the sample in a schema of its own with <c>Search Path=...</c>.
/// </summary>
internal sealed class PostgresSampleTarget : ISampleTarget
{
    private readonly NpgsqlConnection _connection;
    private readonly string _schema;

    private PostgresSampleTarget(NpgsqlConnection connection, string schema, string description)
    {
        _connection = connection;
        _schema = schema;
        Description = description;
    }

    public string Description { get; }

    /// <summary>An Npgsql connection string (Host=...;Database=...;Username=...;Password=...).</summary>
    public static async Task<PostgresSampleTarget> OpenAsync(string connection, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connection)
        {
            ApplicationName = "dbagent sample",
            // Bulk loads and the foreign key checks behind them outlast the default 30 s command timeout.
            CommandTimeout = 0,
        };
        var npgsql = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await npgsql.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT current_schema()", npgsql);
            var schema = await command.ExecuteScalarAsync(cancellationToken) as string
                ?? throw new InvalidOperationException(
                    "the connection has no current schema (its search_path names no schema that exists)");
            return new PostgresSampleTarget(npgsql, schema,
                $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port} (schema {schema})");
        }
        catch
        {
            await npgsql.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<string>> ExistingTablesAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.tables " +
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name", _connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public async Task DropSampleObjectsAsync(CancellationToken cancellationToken)
    {
        // Schema-qualified, so nothing of the same name further down the search path is touched.
        var tables = string.Join(", ", SampleShop.Tables.Reverse().Select(t => Qualified(t.Name)));
        var types = string.Join(", ", SampleShop.PostgresTypes.Select(Qualified));
        await ExecuteScriptAsync($"DROP TABLE IF EXISTS {tables} CASCADE; DROP TYPE IF EXISTS {types} CASCADE;",
            cancellationToken);
    }

    public async Task ExecuteScriptAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> LoadAsync(SampleTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // The migrations created enum types this connection has not seen yet.
        await _connection.ReloadTypesAsync(cancellationToken);
        var columns = table.Columns;
        var copy = $"COPY {Qualified(table.Name)} ({string.Join(", ", columns.Select(c => Quote(c.Name)))}) " +
                   "FROM STDIN (FORMAT BINARY)";
        await using var importer = await _connection.BeginBinaryImportAsync(copy, cancellationToken);
        long count = 0;
        foreach (var row in rows)
        {
            // The synchronous writers buffer; awaiting per value would cost more than the COPY itself.
            importer.StartRow();
            for (var i = 0; i < columns.Count; i++) Write(importer, columns[i], row[i]);
            if (++count % 100_000 == 0) cancellationToken.ThrowIfCancellationRequested();
        }
        await importer.CompleteAsync(cancellationToken);
        return count;
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        // Explicit ids were loaded into identity columns: move their sequences past them.
        foreach (var table in SampleShop.Tables)
        {
            var name = Qualified(table.Name);
            await ExecuteScriptAsync(
                $"SELECT setval(pg_get_serial_sequence('{name.Replace("'", "''")}', 'id'), " +
                $"GREATEST((SELECT max(id) FROM {name}), 1))", cancellationToken);
        }
        await ExecuteScriptAsync($"ANALYZE {string.Join(", ", SampleShop.Tables.Select(t => Qualified(t.Name)))}",
            cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void Write(NpgsqlBinaryImporter importer, SampleColumn column, object? value)
    {
        if (value is null)
        {
            importer.WriteNull();
            return;
        }
        switch (column.Type)
        {
            case SampleColumnType.Int64: importer.Write((long)value, NpgsqlDbType.Bigint); break;
            case SampleColumnType.Int32: importer.Write((int)value, NpgsqlDbType.Integer); break;
            case SampleColumnType.Text: importer.Write((string)value, NpgsqlDbType.Text); break;
            case SampleColumnType.Timestamp: importer.Write((DateTime)value, NpgsqlDbType.TimestampTz); break;
            case SampleColumnType.Json: importer.Write((string)value, NpgsqlDbType.Jsonb); break;
            case SampleColumnType.Enum: importer.Write((string)value, $"{_schema}.{column.PostgresType}"); break;
            default: throw new ArgumentOutOfRangeException(nameof(column), column.Type, "unknown sample column type");
        }
    }

    private string Qualified(string name) => $"{Quote(_schema)}.{Quote(name)}";

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
