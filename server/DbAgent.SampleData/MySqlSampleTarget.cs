using MySqlConnector;

namespace DbAgent.SampleData;

/// <summary>
/// MySQL and MariaDB: multi-row INSERTs of <see cref="BatchRows"/> rows, one transaction per table, with foreign
/// key and unique checks off for the load (the generated rows satisfy them by construction). Batched INSERTs need
/// nothing from the server's configuration, unlike LOAD DATA LOCAL INFILE.
/// </summary>
internal sealed class MySqlSampleTarget : ISampleTarget
{
    private const int BatchRows = 1000;
    private readonly MySqlConnection _connection;
    private readonly bool _mariaDb;

    private MySqlSampleTarget(MySqlConnection connection, bool mariaDb, string description)
    {
        _connection = connection;
        _mariaDb = mariaDb;
        Description = description;
    }

    public string Description { get; }

    /// <summary>A MySqlConnector connection string (Server=...;Database=...;User ID=...;Password=...).</summary>
    public static async Task<MySqlSampleTarget> OpenAsync(string connection, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connection)
        {
            ApplicationName = "dbagent sample",
            DefaultCommandTimeout = 0,
        };
        if (string.IsNullOrEmpty(builder.Database))
            throw new ArgumentException("the MySQL connection string names no database (Database=...)");
        var mysql = new MySqlConnection(builder.ConnectionString);
        try
        {
            await mysql.OpenAsync(cancellationToken);
            var mariaDb = mysql.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
            var engine = mariaDb ? "MariaDB" : "MySQL";
            return new MySqlSampleTarget(mysql, mariaDb,
                $"{engine} database {builder.Database} on {builder.Server}:{builder.Port}");
        }
        catch
        {
            await mysql.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<string>> ExistingTablesAsync(CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            "SELECT table_name FROM information_schema.tables " +
            "WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name", _connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) tables.Add(reader.GetString(0));
        return tables;
    }

    public Task DropSampleObjectsAsync(CancellationToken cancellationToken) =>
        ExecuteScriptAsync(
            "SET foreign_key_checks = 0; " +
            $"DROP TABLE IF EXISTS {string.Join(", ", SampleShop.Tables.Reverse().Select(t => Quote(t.Name)))}; " +
            "SET foreign_key_checks = 1;", cancellationToken);

    public async Task ExecuteScriptAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, _connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long> LoadAsync(SampleTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        await ExecuteScriptAsync("SET SESSION foreign_key_checks = 0, SESSION unique_checks = 0", cancellationToken);
        await using var transaction = await _connection.BeginTransactionAsync(cancellationToken);
        var batch = new List<object?[]>(BatchRows);
        long count = 0;
        foreach (var row in rows)
        {
            batch.Add(row);
            if (batch.Count == BatchRows)
            {
                await InsertAsync(table, batch, transaction, cancellationToken);
                count += batch.Count;
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            await InsertAsync(table, batch, transaction, cancellationToken);
            count += batch.Count;
        }
        await transaction.CommitAsync(cancellationToken);
        await ExecuteScriptAsync("SET SESSION foreign_key_checks = 1, SESSION unique_checks = 1", cancellationToken);
        return count;
    }

    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        var tables = string.Join(", ", SampleShop.Tables.Select(t => Quote(t.Name)));
        // MariaDB's engine-independent statistics (histograms, null fractions) need PERSISTENT FOR ALL.
        await ExecuteScriptAsync(
            _mariaDb ? $"ANALYZE TABLE {tables} PERSISTENT FOR ALL" : $"ANALYZE TABLE {tables}", cancellationToken);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task InsertAsync(
        SampleTable table, List<object?[]> batch, MySqlTransaction transaction, CancellationToken cancellationToken)
    {
        var columns = table.Columns;
        await using var command = new MySqlCommand { Connection = _connection, Transaction = transaction };
        var sql = new System.Text.StringBuilder(64 + batch.Count * columns.Count * 8);
        sql.Append("INSERT INTO ").Append(Quote(table.Name)).Append(" (")
            .AppendJoin(", ", columns.Select(c => Quote(c.Name))).Append(") VALUES ");
        var index = 0;
        for (var r = 0; r < batch.Count; r++)
        {
            sql.Append(r == 0 ? "(" : ", (");
            for (var c = 0; c < columns.Count; c++)
            {
                var name = "@p" + index++;
                if (c > 0) sql.Append(", ");
                sql.Append(name);
                command.Parameters.AddWithValue(name, batch[r][c] ?? DBNull.Value);
            }
            sql.Append(')');
        }
        command.CommandText = sql.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => "`" + identifier.Replace("`", "``") + "`";
}
