using DbAgent.Analysis.Plans;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;

namespace DbAgent.Databases;

public enum DatabaseEngine
{
    Postgres,
    MySql,
    SqlServer,
    Sqlite,
}

/// <summary>What an engine can do here, so that features degrade honestly rather than pretend.</summary>
public sealed record EngineCapabilities
{
    public bool HypotheticalIndexes { get; init; }
    public bool JsonPlans { get; init; }
    public bool GenericPlans { get; init; }
    public bool TableStatistics { get; init; }
    public bool ColumnStatistics { get; init; }
    public bool IndexUsageStatistics { get; init; }
    /// <summary>A sentence for the user about what is missing and why.</summary>
    public string? Notes { get; init; }
}

public sealed record ExplainOptions
{
    /// <summary>EXPLAIN ANALYZE, only for read-only statements and only when the user opted in.</summary>
    public bool Analyze { get; init; }
    public int StatementTimeoutMs { get; init; } = 5000;
    public int LockTimeoutMs { get; init; } = 1000;
}

public sealed record ServerInfo(DatabaseEngine Engine, string Version, string Database)
{
    /// <summary>MariaDB answers as MySQL but plans differently.</summary>
    public bool IsMariaDb { get; init; }
}

/// <summary>An open connection to one target. Analysis through it never changes the database.</summary>
public interface IDatabaseSession : IAsyncDisposable
{
    ServerInfo ServerInfo { get; }
    Task<SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken);
    Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken cancellationToken);
    Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken cancellationToken);
    /// <summary>The plan of a statement, without running it (unless <see cref="ExplainOptions.Analyze"/> on a read-only statement).</summary>
    Task<QueryPlan> ExplainAsync(string sql, ExplainOptions options, CancellationToken cancellationToken);
}

public interface IDatabaseProvider
{
    DatabaseEngine Engine { get; }
    SqlDialect Dialect { get; }
    EngineCapabilities Capabilities { get; }
    Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken);
}
