using System.Diagnostics;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.Sql.Semantics;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Tests.Connections;

/// <summary>The manager's states, fail-fast and reconnection, on SQLite files that come and go (no server needed).</summary>
public class ConnectionManagerTests
{
    private string _path = "";

    [SetUp]
    public void NewPath() => _path = Path.Combine(Path.GetTempPath(), $"dbagent-manager-{Guid.NewGuid():N}.db");

    [TearDown]
    public void Delete()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private void CreateDatabase()
    {
        using var c = new SqliteConnection($"Data Source={_path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO items(name) VALUES ('a'), ('b');";
        cmd.ExecuteNonQuery();
    }

    [Test]
    public async Task A_missing_database_is_unreachable_fails_fast_and_connects_once_it_appears()
    {
        await using var manager = new ConnectionManager { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        var events = new List<ConnectionStatus>();
        manager.StatusChanged += s => { lock (events) events.Add(s); };
        manager.Configure([new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = _path }]);
        Assert.That(manager.GetStatus("local").State, Is.EqualTo(ConnectionState.Unknown));

        var first = await manager.UseAsync("local", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "items"), ct), CancellationToken.None);
        Assert.That(first.Ok, Is.False);
        Assert.That(first.Failure!.Kind, Is.EqualTo(ConnectionFailureKind.DatabaseNotFound));
        Assert.That(manager.GetStatus("local").State, Is.EqualTo(ConnectionState.Unreachable));
        Assert.That(manager.GetStatus("local").Message, Does.Contain("does not exist"));

        CreateDatabase();
        var sw = Stopwatch.StartNew();
        while (manager.GetStatus("local").State != ConnectionState.Connected && sw.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        Assert.That(manager.GetStatus("local").State, Is.EqualTo(ConnectionState.Connected), "the backoff loop found the database");
        var stats = await manager.UseAsync("local", (s, ct) => s.GetTableStatsAsync(new QualifiedName(null, "items"), ct), CancellationToken.None);
        Assert.That(stats.Value!.EstimatedRows, Is.EqualTo(2));
        lock (events)
            Assert.That(events.Select(e => e.State).First(), Is.EqualTo(ConnectionState.Unreachable));
    }

    [Test]
    public async Task While_unreachable_operations_fail_fast_without_touching_the_database()
    {
        var opened = 0;
        var provider = new CountingProvider(() => opened++);
        await using var manager = new ConnectionManager(new ProviderRegistry([provider])) { InitialBackoff = TimeSpan.FromSeconds(30) };
        manager.Configure([new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = _path }]);
        await manager.UseAsync("local", (s, ct) => s.LoadSchemaAsync(ct), CancellationToken.None);
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            var r = await manager.UseAsync("local", (s, ct) => s.LoadSchemaAsync(ct), CancellationToken.None);
            Assert.That(r.Failure!.Kind, Is.EqualTo(ConnectionFailureKind.DatabaseNotFound));
        }
        Assert.That(opened, Is.EqualTo(1), "one attempt, then the backoff answers");
        Assert.That(sw.ElapsedMilliseconds, Is.LessThan(1000));
    }

    [Test]
    public async Task The_catalog_is_cached_and_refreshed_on_demand()
    {
        CreateDatabase();
        await using var manager = new ConnectionManager();
        manager.Configure([new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = _path }]);
        var first = await manager.GetSchemaAsync("local", refresh: false, CancellationToken.None);
        Assert.That(first.Value!.Tables.Select(t => t.Name.Name), Is.EqualTo(new[] { "items" }));
        using (var c = new SqliteConnection($"Data Source={_path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE more(id INTEGER)";
            cmd.ExecuteNonQuery();
        }
        var cached = await manager.GetSchemaAsync("local", refresh: false, CancellationToken.None);
        Assert.That(cached.Value, Is.SameAs(first.Value));
        var refreshed = await manager.GetSchemaAsync("local", refresh: true, CancellationToken.None);
        Assert.That(refreshed.Value!.Tables.Select(t => t.Name.Name), Is.EquivalentTo(new[] { "items", "more" }));
    }

    [Test]
    public async Task Test_connection_reports_the_version_or_one_clear_message()
    {
        CreateDatabase();
        await using var manager = new ConnectionManager();
        var ok = await manager.TestAsync(new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = _path }, CancellationToken.None);
        Assert.That((ok.Ok, ok.ServerVersion), Is.EqualTo((true, (await new SqliteProvider().OpenAsync(new ConnectionTarget("x", DatabaseEngine.Sqlite) { Database = _path }, default)).ServerInfo.Version)));
        var bad = await manager.TestAsync(new ConnectionTarget("gone", DatabaseEngine.Sqlite) { Database = _path + ".missing" }, CancellationToken.None);
        Assert.That(bad.Ok, Is.False);
        Assert.That(bad.Message, Does.Contain("does not exist"));
    }

    [Test]
    public async Task A_connection_lost_inside_work_is_marked_and_the_reconnect_loop_brings_it_back()
    {
        CreateDatabase();
        await using var manager = new ConnectionManager { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(200) };
        var events = new List<ConnectionStatus>();
        manager.StatusChanged += s => { lock (events) events.Add(s); };
        manager.Configure([new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = _path }]);
        Assert.That((await manager.UseAsync("local", (s, ct) => s.LoadSchemaAsync(ct), CancellationToken.None)).Ok, Is.True);

        manager.ReportLost("local", new ConnectionFailure(ConnectionFailureKind.QueryFailed, "one statement failed"));
        Assert.That(manager.GetStatus("local").State, Is.EqualTo(ConnectionState.Connected), "a failed statement is not a lost connection");

        manager.ReportLost("local", new ConnectionFailure(ConnectionFailureKind.Unreachable, "Cannot reach 'local'."));
        Assert.That(manager.GetStatus("local").State, Is.EqualTo(ConnectionState.Unreachable));
        var sw = Stopwatch.StartNew();
        while (manager.GetStatus("local").State != ConnectionState.Connected && sw.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
        lock (events)
            Assert.That(events.Select(e => e.State), Is.EqualTo(new[] { ConnectionState.Connected, ConnectionState.Unreachable, ConnectionState.Connected }));
    }

    /// <summary>The real SQLite provider, counting opens (and seeing the target each open gets).</summary>
    private sealed class CountingProvider(Action onOpen, Action<ConnectionTarget>? onTarget = null) : IDatabaseProvider
    {
        private readonly SqliteProvider _inner = new();
        public DatabaseEngine Engine => DatabaseEngine.Sqlite;
        public EngineCapabilities Capabilities => _inner.Capabilities;

        public Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
        {
            onOpen();
            onTarget?.Invoke(target);
            return _inner.OpenAsync(target, cancellationToken);
        }
    }
}

public class ConnectionManagerCatalogTests
{
    [Test]
    public async Task A_catalog_read_goes_on_when_its_caller_stops_waiting_and_the_next_caller_finds_it()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dbagent-manager-{Guid.NewGuid():N}.db");
        try
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "CREATE TABLE items(id INTEGER PRIMARY KEY)";
                cmd.ExecuteNonQuery();
            }
            await using var manager = new ConnectionManager();
            manager.Configure([new ConnectionTarget("local", DatabaseEngine.Sqlite) { Database = path }]);
            using var cancelled = new CancellationTokenSource();
            cancelled.Cancel();
            Assert.That(manager.CachedSchema("local"), Is.Null);
            Assert.CatchAsync<OperationCanceledException>(() => manager.GetSchemaAsync("local", refresh: false, cancelled.Token));
            var sw = Stopwatch.StartNew();
            while (manager.CachedSchema("local") is null && sw.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
            Assert.That(manager.CachedSchema("local")!.Tables.Select(t => t.Name.Name), Is.EqualTo(new[] { "items" }), "read in the background although nobody waited");
            var again = await manager.GetSchemaAsync("local", refresh: false, CancellationToken.None);
            Assert.That(again.Value, Is.SameAs(manager.CachedSchema("local")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}
