using DbAgent.Databases.Engines.MySql;
using DbAgent.Databases.Engines.Postgres;
using DbAgent.Databases.Engines.Sqlite;
using DbAgent.Databases.Engines.SqlServer;

namespace DbAgent.Databases;

/// <summary>The provider of each engine.</summary>
public sealed class ProviderRegistry
{
    private readonly Dictionary<DatabaseEngine, IDatabaseProvider> _providers;

    public ProviderRegistry(IEnumerable<IDatabaseProvider> providers) => _providers = providers.ToDictionary(p => p.Engine);

    /// <summary>PostgreSQL, MySQL/MariaDB, SQL Server and SQLite.</summary>
    public static ProviderRegistry Default { get; } = new([new PostgresProvider(), new MySqlProvider(), new SqlServerProvider(), new SqliteProvider()]);

    public IReadOnlyCollection<IDatabaseProvider> All => _providers.Values;

    public IDatabaseProvider Get(DatabaseEngine engine) =>
        _providers.TryGetValue(engine, out var provider) ? provider : throw new KeyNotFoundException($"No provider for {engine}.");

    public bool TryGet(DatabaseEngine engine, out IDatabaseProvider provider) => _providers.TryGetValue(engine, out provider!);

    /// <summary>Opens a session to a target with the provider of its engine.</summary>
    public Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken) => Get(target.Engine).OpenAsync(target, cancellationToken);
}
