using System.Net.Sockets;
using DbAgent.Databases.Connections;
using MySqlConnector;
using Npgsql;

namespace DbAgent.Databases.Tests.Support;

/// <summary>
/// A scratch database on a real server for one fixture: from DBAGENT_TEST_POSTGRES / DBAGENT_TEST_MYSQL (set by
/// .ci/run), else from Testcontainers when a Docker engine answers, else the test is reported skipped with why.
/// Each fixture creates its own database named dbagent_test_dbs_*, and drops it afterwards.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly Func<Task> _drop;
    private readonly IAsyncDisposable? _container;

    private ScratchDatabase(DatabaseEngine engine, string connectionString, string adminConnectionString, Func<Task> drop, IAsyncDisposable? container)
    {
        Engine = engine;
        ConnectionString = connectionString;
        AdminConnectionString = adminConnectionString;
        _drop = drop;
        _container = container;
    }

    public DatabaseEngine Engine { get; }
    /// <summary>PostgreSQL: the fixture's schema; MySQL: the fixture's database.</summary>
    public string SchemaName { get; private init; } = "";
    /// <summary>The scratch database (holds a password: never print it).</summary>
    public string ConnectionString { get; }
    /// <summary>The server's configured database, for dropping the scratch one.</summary>
    public string AdminConnectionString { get; }

    public ConnectionTarget Target(string name = "test") => ConnectionTargetParser.FromConnectionString(ConnectionString, Engine, name);

    public static bool DockerAnswers()
    {
        var socket = Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://") ? host[7..] : "/var/run/docker.sock";
        if (!File.Exists(socket))
            return false;
        try
        {
            using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            s.Connect(new UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string NewName() => "dbagent_test_dbs_" + Guid.NewGuid().ToString("N")[..10];

    public static async Task<ScratchDatabase> PostgresAsync()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        IAsyncDisposable? container = null;
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (!DockerAnswers())
                Assert.Ignore("PostgreSQL tests need DBAGENT_TEST_POSTGRES (set by .ci/run) or a Docker engine for Testcontainers; neither is here.");
            var pg = new Testcontainers.PostgreSql.PostgreSqlBuilder("postgres:15").Build();
            await pg.StartAsync();
            container = pg;
            admin = pg.GetConnectionString();
        }
        // A schema of its own in the configured database: HypoPG (which only a superuser can install) is there.
        var name = NewName();
        try
        {
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or SocketException)
        {
            Assert.Ignore($"PostgreSQL from DBAGENT_TEST_POSTGRES is not usable: {SecretRedactor.Redact(e.Message, [new NpgsqlConnectionStringBuilder(admin).Password])}");
        }
        // The extension's own schema stays on the path so that its functions resolve.
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { SearchPath = $"{name},public" }.ConnectionString;
        return new ScratchDatabase(DatabaseEngine.Postgres, connectionString, admin, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {name} CASCADE", c);
            await cmd.ExecuteNonQueryAsync();
        }, container) { SchemaName = name };
    }

    public static async Task<ScratchDatabase> MySqlAsync()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_MYSQL");
        IAsyncDisposable? container = null;
        if (string.IsNullOrWhiteSpace(admin))
        {
            if (!DockerAnswers())
                Assert.Ignore("MariaDB/MySQL tests need DBAGENT_TEST_MYSQL (set by .ci/run) or a Docker engine for Testcontainers; neither is here.");
            var my = new Testcontainers.MySql.MySqlBuilder("mariadb:10.11").WithUsername("root").Build();
            await my.StartAsync();
            container = my;
            admin = my.GetConnectionString();
        }
        var name = NewName();
        try
        {
            await using var c = new MySqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new MySqlCommand($"CREATE DATABASE {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is MySqlException or SocketException)
        {
            Assert.Ignore($"MariaDB from DBAGENT_TEST_MYSQL is not usable: {SecretRedactor.Redact(e.Message, [new MySqlConnectionStringBuilder(admin).Password])}");
        }
        return new ScratchDatabase(DatabaseEngine.MySql, new MySqlConnectionStringBuilder(admin) { Database = name, AllowUserVariables = true }.ConnectionString, admin, async () =>
        {
            MySqlConnection.ClearAllPools();
            await using var c = new MySqlConnection(admin);
            await c.OpenAsync();
            await using var cmd = new MySqlCommand($"DROP DATABASE IF EXISTS {name}", c);
            await cmd.ExecuteNonQueryAsync();
        }, container) { SchemaName = name };
    }

    /// <summary>Runs setup SQL (several statements) directly, outside DbAgent: the test's own arrangement.</summary>
    public async Task ExecuteAsync(string sql)
    {
        if (Engine == DatabaseEngine.Postgres)
        {
            await using var c = new NpgsqlConnection(ConnectionString);
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 300 };
            await cmd.ExecuteNonQueryAsync();
        }
        else
        {
            await using var c = new MySqlConnection(ConnectionString);
            await c.OpenAsync();
            await using var cmd = new MySqlCommand(sql, c) { CommandTimeout = 300 };
            await cmd.ExecuteNonQueryAsync();
        }
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        System.Data.Common.DbConnection c = Engine == DatabaseEngine.Postgres ? new NpgsqlConnection(ConnectionString) : new MySqlConnection(ConnectionString);
        await using (c)
        {
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            await using var r = await cmd.ExecuteReaderAsync();
            var rows = new List<object?[]>();
            while (await r.ReadAsync())
            {
                var row = new object?[r.FieldCount];
                for (var i = 0; i < row.Length; i++)
                    row[i] = r.IsDBNull(i) ? null : r.GetValue(i);
                rows.Add(row);
            }
            return rows;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _drop();
        }
        finally
        {
            if (_container is not null)
                await _container.DisposeAsync();
        }
    }
}
