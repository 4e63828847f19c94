using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Statistics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using MySqlConnector;

namespace DbAgent.Databases.Engines.MySql;

public sealed class MySqlProvider : IDatabaseProvider
{
    public DatabaseEngine Engine => DatabaseEngine.MySql;

    public EngineCapabilities Capabilities { get; } = new()
    {
        HypotheticalIndexes = false, JsonPlans = true, GenericPlans = false, TableStatistics = true, ColumnStatistics = true,
        IndexUsageStatistics = true,
        Notes = "MySQL and MariaDB have no hypothetical indexes: an index is only proposed, never built, and its effect is not measured. " +
                "Index use needs performance_schema; column histograms need ANALYZE TABLE (MariaDB PERSISTENT FOR, MySQL UPDATE HISTOGRAM).",
    };

    public static bool IsMariaDbVersion(string version) => version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);

    public async Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        return await AdoCommands.GuardAsync(target, async () =>
        {
            var connection = new MySqlConnection(DriverConnectionStrings.Build(target));
            return await DatabaseSession<MySqlConnection>.OpenAsync(connection, async () =>
            {
                var info = await AdoCommands.QueryAsync(connection, null, "SELECT VERSION(), COALESCE(DATABASE(), ''), @@performance_schema",
                    r => (Version: r.GetString(0), Database: r.GetString(1), PerformanceSchema: r.Bool(2)), cancellationToken);
                var (version, database, performanceSchema) = info[0];
                var mariaDb = IsMariaDbVersion(version) || connection.ServerVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase);
                var capabilities = Capabilities with
                {
                    IndexUsageStatistics = performanceSchema,
                    Notes = Capabilities.Notes + (performanceSchema ? "" : " performance_schema is off on this server, so index use is not known."),
                };
                return (IDatabaseSession)new MySqlSession(target, connection, new ServerInfo(DatabaseEngine.MySql, version, database) { IsMariaDb = mariaDb }, capabilities);
            }, cancellationToken);
        });
    }
}

/// <summary>
/// One MySQL/MariaDB connection. Reads run in START TRANSACTION READ ONLY with max_statement_time (MariaDB) or
/// max_execution_time (MySQL) and lock_wait_timeout, and are rolled back. The one exception is EXPLAIN of a DML
/// statement, which these servers refuse in a read-only transaction: see <see cref="InReadOnlyTransaction{T}"/>.
/// </summary>
internal sealed class MySqlSession(ConnectionTarget target, MySqlConnection connection, ServerInfo serverInfo, EngineCapabilities capabilities)
    : DatabaseSession<MySqlConnection>(target, connection, serverInfo, capabilities), IDatabaseSession
{
    public Task<SchemaModel> LoadSchemaAsync(CancellationToken ct) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 30000 }, tx => MySqlCatalogReader.ReadAsync(Connection, tx, ServerInfo.IsMariaDb, ct), ct);

    public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken ct) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions(), tx => MySqlStatisticsReader.ReadTableAsync(Connection, tx, table, ct), ct);

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken ct) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions(), tx => MySqlStatisticsReader.ReadColumnAsync(Connection, tx, table, column, ServerInfo.IsMariaDb, ct), ct);

    /// <summary>performance_schema's statement digests of this database (MySQL 5.6+, MariaDB 10.0+), when the schema is on.</summary>
    public Task<IReadOnlyList<StatementStat>> ReadStatementStatsAsync(int limit, CancellationToken ct) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 10000 }, async tx =>
        {
            try
            {
                // SUM_TIMER_WAIT is in picoseconds.
                return (IReadOnlyList<StatementStat>)await AdoCommands.QueryAsync(Connection, tx,
                    $"SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT / 1000000000.0 FROM performance_schema.events_statements_summary_by_digest WHERE SCHEMA_NAME = DATABASE() AND DIGEST_TEXT IS NOT NULL ORDER BY SUM_TIMER_WAIT DESC LIMIT {Math.Max(1, limit)}",
                    r => new StatementStat(r.GetString(0), r.Long(1) ?? 0, r.Double(2) ?? 0), ct);
            }
            catch (MySqlException)
            {
                return [];
            }
        }, ct);

    public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.MySql);
        if (statement.ParameterNames.Count > 0)
            throw new StatementNotExplainableException("MySQL and MariaDB cannot plan a statement with parameters (?, :name) without values.");
        return InReadOnlyTransactionAsync(options, async tx =>
        {
            // MariaDB's ANALYZE runs the statement; only for read-only statements the user opted in for. MySQL's
            // EXPLAIN ANALYZE has no JSON form, so MySQL always gets the estimate-only plan.
            await RefuseStoredFunctionsAsync(statement, tx, ct);
            var analyze = options.Analyze && statement.IsReadOnly && ServerInfo.IsMariaDb;
            var prefix = analyze ? "ANALYZE FORMAT=JSON " : "EXPLAIN FORMAT=JSON ";
            await using var command = new MySqlCommand(prefix + statement.Sql, Connection, tx)
            {
                CommandTimeout = Math.Max(1, (options.StatementTimeoutMs + options.LockTimeoutMs) / 1000 + 2),
            };
            var json = Convert.ToString(await command.ExecuteScalarAsync(ct)) ?? "{}";
            var aliases = StatementAliases.Of(statement.Sql, SqlDialect.MySql);
            (string, double?)? deletedTable = null;
            if (json.Contains("\"Deleting all rows", StringComparison.Ordinal) &&
                DbAgent.Sql.Syntax.SqlScript.Parse(statement.Sql, SqlDialect.MySql).Statements is [var first, ..] && first.Model.Targets.FirstOrDefault() is { } written)
            {
                var rows = await AdoCommands.QueryAsync(Connection, tx, "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @name",
                    r => r.Double(0), ct, null, ("schema", written.Name.Schema), ("name", written.Name.Name));
                deletedTable = (written.Name.Name, rows.FirstOrDefault());
            }
            return MySqlPlanParser.Parse(json, ServerInfo.IsMariaDb, aliases, deletedTable);
        }, ct, readOnly: statement.Kind == StatementKind.Select);
    }

    /// <summary>
    /// MySQL and MariaDB evaluate a stored function with constant arguments while they optimise (EXPLAIN included),
    /// whatever it is declared as: a statement that calls one, directly or through a view it names, is declined.
    /// The view check reads the view's text, so it over-collects rather than misses.
    /// </summary>
    private async Task RefuseStoredFunctionsAsync(ExplainableStatement statement, MySqlTransaction tx, CancellationToken ct)
    {
        var names = PlanningCodeGuard.Names(statement.Sql, SqlDialect.MySql);
        if (names.Words.Count == 0) return;
        var functions = await AdoCommands.QueryAsync(Connection, tx,
            "SELECT ROUTINE_SCHEMA, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_TYPE = 'FUNCTION'",
            r => (Schema: r.GetString(0), Name: r.GetString(1)), ct);
        if (functions.Count == 0) return;
        var called = names.Called.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var reached = functions.Where(f => called.Contains(f.Name)).ToList();
        var words = names.Words.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var views = await AdoCommands.QueryAsync(Connection, tx, "SELECT TABLE_NAME, VIEW_DEFINITION FROM information_schema.VIEWS",
            r => (Name: r.GetString(0), Definition: r.IsDBNull(1) ? "" : r.GetString(1)), ct);
        foreach (var view in views.Where(v => words.Contains(v.Name)))
            reached.AddRange(functions.Where(f => view.Definition.Contains(f.Name + "(", StringComparison.OrdinalIgnoreCase) || view.Definition.Contains(f.Name + "`(", StringComparison.OrdinalIgnoreCase)));
        if (reached.Count == 0) return;
        throw new PlanningWouldRunCodeException(PlanningCodeGuard.Describe(
            reached.Select(f => $"{f.Schema}.{f.Name} (stored function)").Distinct().Order(StringComparer.Ordinal).ToList(),
            $"{(ServerInfo.IsMariaDb ? "MariaDB" : "MySQL")} evaluates while optimising when its arguments are constant, even under EXPLAIN."));
    }

    public Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken ct) =>
        Task.FromResult(WhatIfIndexResult.Unsupported(
            $"{(ServerInfo.IsMariaDb ? "MariaDB" : "MySQL")} has no hypothetical indexes, and DbAgent never builds one to find out: the index is only proposed."));

    /// <param name="readOnly">
    /// False only for EXPLAIN of INSERT/UPDATE/DELETE: MySQL and MariaDB refuse even to explain them inside a READ ONLY
    /// transaction (error 1792). EXPLAIN without ANALYZE never executes the statement (and ANALYZE is never used for
    /// them), and the transaction is rolled back all the same.
    /// </param>
    private Task<T> InReadOnlyTransactionAsync<T>(ReadOnlyQueryOptions options, Func<MySqlTransaction, Task<T>> work, CancellationToken ct, bool readOnly = true) =>
        InRolledBackTransactionAsync(
            async () =>
            {
                var seconds = Math.Max(1, (options.LockTimeoutMs + 999) / 1000);
                var timeout = ServerInfo.IsMariaDb
                    ? $"SET SESSION max_statement_time = {options.StatementTimeoutMs / 1000.0:0.###}"
                    : $"SET SESSION max_execution_time = {Math.Max(1, options.StatementTimeoutMs)}";
                await AdoCommands.ExecuteAsync(Connection, null,
                    $"{timeout.Replace(',', '.')}; SET SESSION lock_wait_timeout = {seconds}; SET SESSION innodb_lock_wait_timeout = {seconds}", ct);
                return await Connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, isReadOnly: readOnly, ct);
            },
            null, work, ct);
}
