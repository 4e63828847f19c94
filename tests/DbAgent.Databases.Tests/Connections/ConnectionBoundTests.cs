using DbAgent.Databases.Connections;
using Npgsql;

namespace DbAgent.Databases.Tests.Connections;

/// <summary>
/// One bounded set of sessions per connection target (issue 12): however many documents, hovers and chats ask at
/// once, DbAgent never holds more than <see cref="ConnectionManager.MaxSessionsPerTarget"/> connections to one
/// database. Counted on a real PostgreSQL in pg_stat_activity, in a database of the test's own.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ConnectionBoundTests
{
    private string _admin = null!;
    private string _database = null!;

    [OneTimeSetUp]
    public async Task CreateDatabase()
    {
        var admin = Environment.GetEnvironmentVariable("DBAGENT_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin)) Assert.Ignore("DBAGENT_TEST_POSTGRES is not set: run through .ci/run (or export it).");
        _admin = admin;
        _database = "dbagent_test_robust12_pool_" + Guid.NewGuid().ToString("N")[..8];
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {_database}", c);
        await cmd.ExecuteNonQueryAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabase()
    {
        if (_database is null) return;
        NpgsqlConnection.ClearAllPools();
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", c);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<int> OpenConnections()
    {
        await using var c = new NpgsqlConnection(_admin);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = @d AND application_name LIKE 'dbagent%'", c);
        cmd.Parameters.AddWithValue("d", _database);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync());
    }

    [Test]
    public async Task Sixty_concurrent_operations_on_two_names_for_one_target_never_exceed_the_bound()
    {
        NpgsqlConnection.ClearAllPools(); // idle connections other tests left in the driver's pool
        var builder = new NpgsqlConnectionStringBuilder(_admin) { Database = _database };
        var password = builder.Password;
        builder.Password = null;
        await using var manager = new ConnectionManager();
        Assert.That(manager.MaxSessionsPerTarget, Is.LessThanOrEqualTo(8));
        // Two names, one database: the bound is per target, not per name.
        manager.Configure([
            ConnectionTargetParser.FromConnectionString(builder.ConnectionString, DatabaseEngine.Postgres, "a") with { Password = password },
            ConnectionTargetParser.FromConnectionString(builder.ConnectionString, DatabaseEngine.Postgres, "b") with { Password = password },
        ]);
        var max = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                max = Math.Max(max, await OpenConnections());
                await Task.Delay(20);
            }
        });
        var operations = Enumerable.Range(0, 60).Select(i => manager.UseAsync(i % 2 == 0 ? "a" : "b", async (session, ct) =>
        {
            await Task.Delay(150, ct); // a plan, a statistics read, a catalog load: the session is held meanwhile
            return i;
        }, CancellationToken.None)).ToList();
        var results = await Task.WhenAll(operations);
        stop.Cancel();
        await sampler;
        Assert.That(results.All(r => r.Ok), Is.True, string.Join("; ", results.Where(r => !r.Ok).Select(r => r.Failure!.Message).Distinct()));
        TestContext.Out.WriteLine($"most connections seen at once: {max} (bound {manager.MaxSessionsPerTarget})");
        Assert.That(max, Is.GreaterThan(0), "the sampler saw the sessions");
        Assert.That(max, Is.LessThanOrEqualTo(manager.MaxSessionsPerTarget));
    }

    [Test]
    public async Task An_operation_that_opens_a_second_session_inside_the_first_does_not_wait_for_itself()
    {
        var builder = new NpgsqlConnectionStringBuilder(_admin) { Database = _database };
        await using var manager = new ConnectionManager();
        manager.Configure([ConnectionTargetParser.FromConnectionString(builder.ConnectionString, DatabaseEngine.Postgres, "a")]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var outer = Enumerable.Range(0, manager.MaxSessionsPerTarget * 2).Select(_ => manager.UseAsync("a", async (s, ct) =>
        {
            await Task.Delay(50, ct);
            var inner = await manager.UseAsync("a", (s2, _) => Task.FromResult(s2.ServerInfo.Version), ct);
            return inner.Ok;
        }, timeout.Token));
        var results = await Task.WhenAll(outer);
        Assert.That(results.All(r => r.Ok && r.Value), Is.True);
        Assert.That(await OpenConnections(), Is.LessThanOrEqualTo(DriverConnectionStrings.MaxPoolSize), "the driver's pool keeps no more than its bound");
    }
}
