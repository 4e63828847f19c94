using System.Globalization;
using System.Text.RegularExpressions;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Statistics;
using DbAgent.Sql;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using Npgsql;

namespace DbAgent.Databases.Engines.Postgres;

public sealed class PostgresProvider : IDatabaseProvider
{
    public DatabaseEngine Engine => DatabaseEngine.Postgres;

    /// <summary>What every PostgreSQL offers; a session adds HypoPG when the database has it.</summary>
    public EngineCapabilities Capabilities { get; } = new()
    {
        JsonPlans = true, GenericPlans = true, TableStatistics = true, ColumnStatistics = true, IndexUsageStatistics = true,
        HypotheticalIndexes = false,
        Notes = "Hypothetical indexes need the HypoPG extension in the database (CREATE EXTENSION hypopg).",
    };

    public async Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        return await AdoCommands.GuardAsync(target, async () =>
        {
            var connection = new NpgsqlConnection(DriverConnectionStrings.Build(target));
            return await DatabaseSession<NpgsqlConnection>.OpenAsync(connection, async () =>
            {
                var info = await AdoCommands.QueryAsync(connection, null, """
                    SELECT current_setting('server_version_num')::int, current_setting('server_version'), current_database(),
                           (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'),
                           EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg')
                    """, r => (Num: r.Int(0), Version: r.GetString(1), Database: r.GetString(2), HypoSchema: r.Str(3), HypoAvailable: r.Bool(4)), cancellationToken);
                var (num, version, database, hypoSchema, hypoAvailable) = info[0];
                var hypo = hypoSchema is not null;
                var capabilities = Capabilities with
                {
                    HypotheticalIndexes = hypo,
                    Notes = hypo ? null : hypoAvailable
                        ? "HypoPG is available on the server but not installed in this database: CREATE EXTENSION hypopg enables what-if indexes."
                        : "HypoPG is not installed on this server: indexes are proposed without a what-if plan.",
                };
                return (IDatabaseSession)new PostgresSession(target, connection, new ServerInfo(DatabaseEngine.Postgres, version, database), num, capabilities, hypoSchema);
            }, cancellationToken);
        });
    }
}

/// <summary>
/// One PostgreSQL connection. Every read runs in a READ ONLY transaction with statement and lock timeouts and is
/// rolled back; EXPLAIN never carries ANALYZE unless asked for a read-only statement.
/// </summary>
internal sealed partial class PostgresSession(ConnectionTarget target, NpgsqlConnection connection, ServerInfo serverInfo, int versionNumber, EngineCapabilities capabilities, string? hypoSchema)
    : DatabaseSession<NpgsqlConnection>(target, connection, serverInfo, capabilities), IDatabaseSession
{
    public Task<SchemaModel> LoadSchemaAsync(CancellationToken cancellationToken) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 30000 }, tx => PostgresCatalogReader.ReadAsync(Connection, tx, cancellationToken), cancellationToken);

    public Task<string?> CatalogVersionAsync(CancellationToken cancellationToken) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 10000 }, tx => PostgresCatalogReader.VersionAsync(Connection, tx, cancellationToken), cancellationToken);

    public Task<SchemaModel?> RefreshSchemaAsync(SchemaModel known, string knownVersion, string version, CancellationToken cancellationToken) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 30000 }, tx => PostgresCatalogReader.RefreshAsync(Connection, tx, known, knownVersion, version, cancellationToken), cancellationToken);

    public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken cancellationToken) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions(), tx => PostgresStatisticsReader.ReadTableAsync(Connection, tx, table, cancellationToken), cancellationToken);

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken cancellationToken) =>
        InReadOnlyTransactionAsync(new ReadOnlyQueryOptions(), tx => PostgresStatisticsReader.ReadColumnAsync(Connection, tx, table, column, cancellationToken), cancellationToken);

    public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.Postgres);
        return InReadOnlyTransactionAsync(options, tx => ExplainInTransactionAsync(statement, options, tx, cancellationToken), cancellationToken);
    }

    public async Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        if (!Capabilities.HypotheticalIndexes)
            return WhatIfIndexResult.Unsupported(Capabilities.Notes ?? "HypoPG is not installed in this database.");
        var statement = ExplainGuard.Check(sql, SqlDialect.Postgres);
        var plainOptions = options with { Analyze = false };
        var name = index.Name ?? $"dbagent_whatif_{index.Table.Name}_{string.Join("_", index.Keys.Select(k => k.Column ?? "expr"))}";
        var ddl = IndexDdl.Create(DatabaseEngine.Postgres, index, name);
        return await InReadOnlyTransactionAsync(plainOptions, async tx =>
        {
            var before = await ExplainInTransactionAsync(statement, plainOptions, tx, cancellationToken);
            // HypoPG keeps hypothetical indexes in this backend's memory only: nothing is written, and they are
            // dropped right after (they are not transactional, so a rollback alone would not remove them).
            try
            {
                var created = await AdoCommands.QueryAsync(Connection, tx, $"SELECT indexname FROM {AdoCommands.Quote(DatabaseEngine.Postgres, hypoSchema!)}.hypopg_create_index(@ddl)", r => r.GetString(0), cancellationToken, null, ("ddl", ddl));
                var after = await ExplainInTransactionAsync(statement, plainOptions, tx, cancellationToken);
                var hypoName = created.FirstOrDefault();
                var used = hypoName is not null && after.Nodes.Any(n => n.IndexName is not null && n.IndexName.Contains(hypoName, StringComparison.Ordinal));
                return new WhatIfIndexResult
                {
                    Supported = true, Before = before, After = after, IndexUsed = used,
                    Message = used ? $"With the index the estimated cost goes from {before.TotalCost:0.##} to {after.TotalCost:0.##} (HypoPG, nothing was built)."
                        : "The planner would not use this index for this statement (HypoPG, nothing was built).",
                };
            }
            finally
            {
                await AdoCommands.ExecuteAsync(Connection, tx, $"SELECT {AdoCommands.Quote(DatabaseEngine.Postgres, hypoSchema!)}.hypopg_reset()", CancellationToken.None);
            }
        }, cancellationToken);
    }

    public async Task<WhatIfBatch> WhatIfBatchAsync(IReadOnlyList<string> statements, IReadOnlyList<IndexDefinition> indexes, ReadOnlyQueryOptions options, CancellationToken cancellationToken)
    {
        if (!Capabilities.HypotheticalIndexes)
            return WhatIfBatch.Unsupported(Capabilities.Notes ?? "HypoPG is not installed in this database.");
        var plainOptions = options with { Analyze = false };
        var hypo = AdoCommands.Quote(DatabaseEngine.Postgres, hypoSchema!);
        return await InReadOnlyTransactionAsync(plainOptions, async tx =>
        {
            // HypoPG's indexes live in this backend's memory, not in the catalog; they are not transactional, so they
            // are reset before (a batch starts from none) and after, whatever happens.
            await AdoCommands.ExecuteAsync(Connection, tx, $"SELECT {hypo}.hypopg_reset()", cancellationToken);
            try
            {
                var sizes = new List<long?>();
                for (var i = 0; i < indexes.Count; i++)
                {
                    var ddl = IndexDdl.Create(DatabaseEngine.Postgres, indexes[i], $"dbagent_whatif_{i}");
                    var rows = await AdoCommands.QueryAsync(Connection, tx, $"SELECT {hypo}.hypopg_relation_size(indexrelid) FROM {hypo}.hypopg_create_index(@ddl)",
                        r => r.Long(0), cancellationToken, null, ("ddl", ddl));
                    var hypoSize = rows.FirstOrDefault();
                    // Ours where the columns' widths are known (HypoPG runs about twice the built size on narrow keys).
                    var ours = indexes[i].Method is null or "btree" ? await BtreeSize.EstimateAsync(Connection, tx, indexes[i], cancellationToken) : null;
                    sizes.Add(ours ?? hypoSize);
                }
                var plans = new List<QueryPlan?>();
                foreach (var sql in statements)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    ExplainableStatement statement;
                    try { statement = ExplainGuard.Check(sql, SqlDialect.Postgres); }
                    catch (StatementNotExplainableException) { plans.Add(null); continue; }
                    // One statement that fails to plan must not lose the batch: a savepoint isolates it.
                    await AdoCommands.ExecuteAsync(Connection, tx, "SAVEPOINT dbagent_whatif", cancellationToken);
                    try
                    {
                        plans.Add(await ExplainInTransactionAsync(statement, plainOptions, tx, cancellationToken));
                        await AdoCommands.ExecuteAsync(Connection, tx, "RELEASE SAVEPOINT dbagent_whatif", cancellationToken);
                    }
                    catch (PostgresException)
                    {
                        await AdoCommands.ExecuteAsync(Connection, tx, "ROLLBACK TO SAVEPOINT dbagent_whatif", CancellationToken.None);
                        plans.Add(null);
                    }
                }
                return new WhatIfBatch { Supported = true, Plans = plans, IndexSizes = sizes };
            }
            finally
            {
                await AdoCommands.ExecuteAsync(Connection, tx, $"SELECT {hypo}.hypopg_reset()", CancellationToken.None);
            }
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<StatementStat>> ReadStatementStatsAsync(int limit, CancellationToken cancellationToken)
    {
        return await InReadOnlyTransactionAsync(new ReadOnlyQueryOptions { StatementTimeoutMs = 10000 }, async tx =>
        {
            var schema = await AdoCommands.QueryAsync(Connection, tx, "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_stat_statements'",
                r => r.GetString(0), cancellationToken);
            if (schema.Count == 0) return (IReadOnlyList<StatementStat>)[];
            var view = AdoCommands.Quote(DatabaseEngine.Postgres, schema[0]) + ".pg_stat_statements";
            var time = versionNumber >= 130000 ? "total_exec_time" : "total_time";
            return await AdoCommands.QueryAsync(Connection, tx,
                $"SELECT query, calls, {time} FROM {view} WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) ORDER BY {time} DESC LIMIT {Math.Max(1, limit)}",
                r => new StatementStat(r.GetString(0), r.Long(1) ?? 0, r.Double(2) ?? 0), cancellationToken);
        }, cancellationToken);
    }

    private async Task<QueryPlan> ExplainInTransactionAsync(ExplainableStatement statement, ReadOnlyQueryOptions options, NpgsqlTransaction tx, CancellationToken ct)
    {
        await RefuseUserCodeInPlanningAsync(statement, tx, ct);
        var analyze = options.Analyze && statement.IsReadOnly && statement.ParameterCount == 0;
        string json;
        if (statement.ParameterCount == 0)
        {
            json = await ExplainTextAsync($"EXPLAIN (FORMAT JSON{(analyze ? ", ANALYZE, BUFFERS" : "")}) {statement.Sql}", tx, options, ct);
        }
        else if (versionNumber >= 160000)
        {
            // PostgreSQL 16+ plans $n parameters itself, without values.
            json = await ExplainTextAsync($"EXPLAIN (GENERIC_PLAN, FORMAT JSON) {statement.Sql}", tx, options, ct);
        }
        else
        {
            // PostgreSQL 15 and older: PREPARE lets the server infer the parameters' types, and plan_cache_mode =
            // force_generic_plan makes EXECUTE show the plan for unknown values (NULLs are only placeholders; with a
            // custom plan they would be folded into the plan). Prepared statements outlive a rollback: deallocate.
            var name = "dbagent_explain_" + Guid.NewGuid().ToString("N")[..12];
            await AdoCommands.ExecuteAsync(Connection, tx, "SET LOCAL plan_cache_mode = force_generic_plan", ct);
            await AdoCommands.ExecuteAsync(Connection, tx, $"PREPARE {name} AS {statement.Sql}", ct);
            try
            {
                var nulls = string.Join(", ", Enumerable.Repeat("NULL", statement.ParameterCount));
                json = await ExplainTextAsync($"EXPLAIN (FORMAT JSON) EXECUTE {name}({nulls})", tx, options, ct);
            }
            finally
            {
                await AdoCommands.ExecuteAsync(Connection, tx, $"DEALLOCATE {name}", CancellationToken.None);
            }
        }
        var plan = PostgresPlanParser.Parse(json);
        return plan;
    }

    /// <summary>
    /// The user-defined functions planning this statement could call: those it names, those behind the operators and
    /// casts it names, and those the views, defaults, constraints and policies of the relations it names depend on
    /// (through views of views). Unsafe are the non-volatile ones (PostgreSQL folds IMMUTABLE calls with constant
    /// arguments and evaluates STABLE ones for estimates) and every LANGUAGE sql one (the planner inlines its body,
    /// whose calls are then folded in turn). VOLATILE functions in other languages are never called while planning.
    /// Functions of installed extensions are trusted: a superuser put them there.
    /// </summary>
    private async Task RefuseUserCodeInPlanningAsync(ExplainableStatement statement, NpgsqlTransaction tx, CancellationToken ct)
    {
        var names = PlanningCodeGuard.Names(statement.Sql, SqlDialect.Postgres);
        if (names.Words.Count == 0 && names.Operators.Count == 0) return;
        var unsafeFunctions = await AdoCommands.QueryAsync(Connection, tx, """
            WITH RECURSIVE rels(oid) AS (
                SELECT c.oid FROM pg_class c WHERE c.relname = ANY(@words)
                UNION
                SELECT d.refobjid FROM pg_depend d JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                JOIN rels ON r.ev_class = rels.oid WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid <> rels.oid
            ), objects(classid, objid) AS (
                SELECT 'pg_rewrite'::regclass, r.oid FROM pg_rewrite r WHERE r.ev_class IN (SELECT oid FROM rels)
                UNION ALL SELECT 'pg_attrdef'::regclass, a.oid FROM pg_attrdef a WHERE a.adrelid IN (SELECT oid FROM rels)
                UNION ALL SELECT 'pg_constraint'::regclass, k.oid FROM pg_constraint k WHERE k.conrelid IN (SELECT oid FROM rels)
                UNION ALL SELECT 'pg_policy'::regclass, p.oid FROM pg_policy p WHERE p.polrelid IN (SELECT oid FROM rels)
            ), funcs(oid) AS (
                SELECT p.oid FROM pg_proc p WHERE p.proname = ANY(@called)
                UNION SELECT o.oprcode FROM pg_operator o WHERE o.oprname = ANY(@operators)
                UNION SELECT c.castfunc FROM pg_cast c JOIN pg_type t ON t.oid = c.casttarget WHERE t.typname = ANY(@words) AND c.castfunc <> 0
                UNION SELECT d.refobjid FROM pg_depend d JOIN objects o ON d.classid = o.classid AND d.objid = o.objid WHERE d.refclassid = 'pg_proc'::regclass
                UNION SELECT op.oprcode FROM pg_depend d JOIN objects o ON d.classid = o.classid AND d.objid = o.objid
                      JOIN pg_operator op ON d.refclassid = 'pg_operator'::regclass AND op.oid = d.refobjid
            )
            SELECT p.oid::regprocedure::text || ' (' || CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END || ', ' || l.lanname || ')'
            FROM funcs f JOIN pg_proc p ON p.oid = f.oid JOIN pg_language l ON l.oid = p.prolang
            WHERE p.pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
              AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = 'pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
              AND (p.provolatile <> 'v' OR l.lanname = 'sql')
            ORDER BY 1
            """, r => r.GetString(0), ct, null,
            ("words", names.Words.ToArray()), ("called", names.Called.ToArray()), ("operators", names.Operators.ToArray()));
        if (unsafeFunctions.Count > 0)
            throw new PlanningWouldRunCodeException(PlanningCodeGuard.Describe(unsafeFunctions,
                "PostgreSQL may run while planning (it evaluates IMMUTABLE and STABLE functions with constant arguments, and inlines SQL functions)."));
    }

    private async Task<string> ExplainTextAsync(string sql, NpgsqlTransaction tx, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, Connection, tx) { CommandTimeout = ClientTimeoutSeconds(options) };
        var value = await command.ExecuteScalarAsync(ct);
        return value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture) ?? "[]";
    }

    private static int ClientTimeoutSeconds(ReadOnlyQueryOptions options) => Math.Max(1, (options.StatementTimeoutMs + options.LockTimeoutMs) / 1000 + 2);

    /// <summary>BEGIN READ ONLY, the timeouts as SET LOCAL, the work, then ROLLBACK whatever happened.</summary>
    private Task<T> InReadOnlyTransactionAsync<T>(ReadOnlyQueryOptions options, Func<NpgsqlTransaction, Task<T>> work, CancellationToken ct) =>
        InRolledBackTransactionAsync(
            async () => await Connection.BeginTransactionAsync(ct),
            tx => AdoCommands.ExecuteAsync(Connection, tx,
                $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {Math.Max(1, options.StatementTimeoutMs)}; SET LOCAL lock_timeout = {Math.Max(1, options.LockTimeoutMs)}; SET LOCAL idle_in_transaction_session_timeout = {Math.Max(1000, options.StatementTimeoutMs * 2)}",
                ct),
            work, ct);
}
