using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Statistics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Microsoft.Data.SqlClient;

namespace DbAgent.Databases.Engines.SqlServer;

public sealed class SqlServerProvider : IDatabaseProvider
{
    public DatabaseEngine Engine => DatabaseEngine.SqlServer;

    public EngineCapabilities Capabilities { get; } = new()
    {
        HypotheticalIndexes = false, JsonPlans = false, GenericPlans = true, TableStatistics = true, ColumnStatistics = true,
        IndexUsageStatistics = true, MissingIndexReport = true,
        Notes = "Plans come from showplan XML, which never runs the statement; index advice comes from the optimizer's missing-index report, " +
                "not from a hypothetical index. Index use counters reset when the server restarts.",
    };

    public async Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        return await AdoCommands.GuardAsync(target, async () =>
        {
            var connection = new SqlConnection(DriverConnectionStrings.Build(target));
            return await DatabaseSession<SqlConnection>.OpenAsync(connection, async () =>
            {
                var info = await AdoCommands.QueryAsync(connection, null, "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)), DB_NAME()",
                    r => (Version: r.GetString(0), Database: r.GetString(1)), cancellationToken);
                return (IDatabaseSession)new SqlServerSession(target, connection, new ServerInfo(DatabaseEngine.SqlServer, info[0].Version, info[0].Database), Capabilities);
            }, cancellationToken);
        });
    }
}

/// <summary>
/// One SQL Server connection. Plans come from SET SHOWPLAN_XML ON, under which the server compiles statements and
/// executes none; it is set inside a transaction that is rolled back, with SET LOCK_TIMEOUT.
/// </summary>
internal sealed class SqlServerSession(ConnectionTarget target, SqlConnection connection, ServerInfo serverInfo, EngineCapabilities capabilities)
    : DatabaseSession<SqlConnection>(target, connection, serverInfo, capabilities), IDatabaseSession
{
    public Task<SchemaModel> LoadSchemaAsync(CancellationToken ct) =>
        InRolledBackTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 30000 }, tx => SqlServerCatalogReader.ReadAsync(Connection, tx, ct), ct);

    public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken ct) =>
        InRolledBackTransactionAsync(new ReadOnlyQueryOptions(), tx => SqlServerStatisticsReader.ReadTableAsync(Connection, tx, table, ct), ct);

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken ct) =>
        InRolledBackTransactionAsync(new ReadOnlyQueryOptions(), tx => SqlServerStatisticsReader.ReadColumnAsync(Connection, tx, table, column, ct), ct);

    public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.TSql);
        return InRolledBackTransactionAsync(options, async tx =>
        {
            await RefuseScalarFunctionsAsync(statement.Sql, tx, ct);
            // SHOWPLAN_XML must be alone in its batch. From here until OFF, nothing sent is executed.
            await AdoCommands.ExecuteAsync(Connection, tx, "SET SHOWPLAN_XML ON", ct);
            try
            {
                await using var command = new SqlCommand(statement.Sql, Connection, tx) { CommandTimeout = Math.Max(1, options.StatementTimeoutMs / 1000) };
                var xml = Convert.ToString(await command.ExecuteScalarAsync(ct)) ?? "";
                return SqlServerShowplanParser.Parse(xml);
            }
            finally
            {
                if (Connection.State == System.Data.ConnectionState.Open)
                    await AdoCommands.ExecuteAsync(Connection, tx, "SET SHOWPLAN_XML OFF", CancellationToken.None);
            }
        }, ct);
    }

    /// <summary>A statement that reaches a user scalar function is not compiled: SQL Server could run it while it does (see <see cref="SqlServerPlanningGuard"/>).</summary>
    private async Task RefuseScalarFunctionsAsync(string sql, SqlTransaction tx, CancellationToken ct)
    {
        var functions = await AdoCommands.QueryAsync(Connection, tx, SqlServerPlanningGuard.FunctionsQuery,
            r => new SqlServerFunction(r.GetString(0), r.GetString(1), r.GetString(2)), ct);
        if (functions.Count == 0) return;
        var views = await AdoCommands.QueryAsync(Connection, tx, SqlServerPlanningGuard.ViewReferencesQuery,
            r => new SqlServerViewReference(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)), ct);
        var reached = SqlServerPlanningGuard.Reached(sql, functions, views);
        if (reached.Count > 0) throw new PlanningWouldRunCodeException(SqlServerPlanningGuard.Describe(reached));
    }

    public async Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        // SQL Server has no hypothetical index for ordinary users; what it offers is the optimizer's own report of
        // the index it missed, which the plan carries.
        var plan = await ExplainAsync(sql, options, ct);
        var missing = plan.Root.Details.TryGetValue("MissingIndexes", out var m) ? m : null;
        return new WhatIfIndexResult
        {
            Supported = false, Before = plan,
            Message = missing is null
                ? "SQL Server cannot evaluate an index without building it, and its optimizer reports no missing index for this statement."
                : $"SQL Server cannot evaluate an index without building it; its optimizer reports as missing: {missing}",
        };
    }

    /// <summary>Query Store's statement statistics, or the plan cache's where Query Store is off (see <see cref="SqlServerWorkloadReader"/>).</summary>
    public Task<IReadOnlyList<StatementStat>> ReadStatementStatsAsync(int limit, CancellationToken ct) =>
        InRolledBackTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 10000 }, tx => SqlServerWorkloadReader.ReadAsync(Connection, tx, limit, ct), ct);

    private Task<T> InRolledBackTransactionAsync<T>(ReadOnlyQueryOptions options, Func<SqlTransaction, Task<T>> work, CancellationToken ct) =>
        InRolledBackTransactionAsync(
            async () => (SqlTransaction)await Connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct),
            tx => AdoCommands.ExecuteAsync(Connection, tx, $"SET LOCK_TIMEOUT {Math.Max(1, options.LockTimeoutMs)}", ct),
            work, ct);
}
