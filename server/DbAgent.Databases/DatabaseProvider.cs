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

public static class DatabaseEngineDialects
{
    /// <summary>The SQL dialect an engine speaks (MariaDB speaks MySQL's): the one mapping from engine to dialect.</summary>
    public static SqlDialect ToDialect(this DatabaseEngine engine) => engine switch
    {
        DatabaseEngine.Postgres => SqlDialect.Postgres,
        DatabaseEngine.MySql => SqlDialect.MySql,
        DatabaseEngine.SqlServer => SqlDialect.TSql,
        DatabaseEngine.Sqlite => SqlDialect.Sqlite,
        _ => throw new ArgumentOutOfRangeException(nameof(engine), engine, "Unknown engine."),
    };
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
    /// <summary>SQL Server's optimizer reports the indexes it missed.</summary>
    public bool MissingIndexReport { get; init; }
    /// <summary>A sentence for the user about what is missing and why.</summary>
    public string? Notes { get; init; }
}

/// <summary>
/// How the server runs any query against a user's database (catalog and statistics reads, EXPLAIN, what-if): in a
/// read-only or rolled-back transaction, within these statement and lock timeouts.
/// </summary>
public sealed record ReadOnlyQueryOptions
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
    /// <summary>The plan of a statement, without running it (unless <see cref="ReadOnlyQueryOptions.Analyze"/> on a read-only statement).</summary>
    Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken cancellationToken);

    /// <summary>What this database can do, found when the session opened (e.g. HypoPG installed in this database).</summary>
    EngineCapabilities Capabilities => new();

    /// <summary>
    /// A short text that changes whenever the catalog's tables, columns, keys or indexes change (DDL), read in one
    /// cheap query; null where the engine exposes no such thing (the catalog is then read again when it expires).
    /// </summary>
    Task<string?> CatalogVersionAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>
    /// The catalog after a change, read incrementally: only the tables the engine says changed since
    /// <paramref name="knownVersion"/> (from <see cref="CatalogVersionAsync"/>) are read again and put in a copy of
    /// <paramref name="known"/>. Null when the engine cannot tell what changed (the caller then reads it all).
    /// </summary>
    Task<SchemaModel?> RefreshSchemaAsync(SchemaModel known, string knownVersion, string version, CancellationToken cancellationToken) =>
        Task.FromResult<SchemaModel?>(null);

    /// <summary>
    /// The plan of a statement as it would be with one more index, without building it for real: HypoPG on
    /// PostgreSQL, a private in-memory copy of the schema and statistics on SQLite. Engines that cannot answer say so in the result.
    /// </summary>
    Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(WhatIfIndexResult.Unsupported("This engine cannot evaluate an index without building it; the index is only proposed."));

    /// <summary>
    /// One what-if batch for the workload advisor: every index of the set made hypothetical at once, every statement
    /// explained under it, then the hypothetical indexes removed. Nothing is built. Engines without what-if say so.
    /// </summary>
    Task<WhatIfBatch> WhatIfBatchAsync(IReadOnlyList<string> statements, IReadOnlyList<IndexDefinition> indexes, ReadOnlyQueryOptions options, CancellationToken cancellationToken) =>
        Task.FromResult(WhatIfBatch.Unsupported("This engine cannot evaluate an index without building it; indexes are proposed unverified."));

    /// <summary>The engine's own statement statistics (pg_stat_statements, performance_schema digests, Query Store), most time first.</summary>
    Task<IReadOnlyList<StatementStat>> ReadStatementStatsAsync(int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<StatementStat>>([]);
}

/// <summary>One what-if batch: per statement its plan under the set (null where it could not be planned), per index its estimated size.</summary>
public sealed record WhatIfBatch
{
    public bool Supported { get; init; }
    public IReadOnlyList<QueryPlan?> Plans { get; init; } = [];
    public IReadOnlyList<long?> IndexSizes { get; init; } = [];
    public string? Message { get; init; }

    public static WhatIfBatch Unsupported(string message) => new() { Supported = false, Message = message };
}

/// <summary>A statement shape as the engine counted it: normalised text, calls, total time.</summary>
public sealed record StatementStat(string Sql, long Calls, double TotalTimeMs);

/// <summary>The outcome of a what-if index: plans before and after, or why the engine could not tell.</summary>
public sealed record WhatIfIndexResult
{
    public bool Supported { get; init; }
    public QueryPlan? Before { get; init; }
    public QueryPlan? After { get; init; }
    /// <summary>True when the plan with the hypothetical index names that index.</summary>
    public bool IndexUsed { get; init; }
    public string? Message { get; init; }

    public static WhatIfIndexResult Unsupported(string message) => new() { Supported = false, Message = message };
}

public interface IDatabaseProvider
{
    DatabaseEngine Engine { get; }
    EngineCapabilities Capabilities { get; }
    Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken);
}
