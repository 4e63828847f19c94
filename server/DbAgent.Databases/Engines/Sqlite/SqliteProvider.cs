using System.Text;
using DbAgent.Analysis.Plans;
using DbAgent.Databases.Catalog;
using DbAgent.Databases.Connections;
using DbAgent.Databases.Plans;
using DbAgent.Databases.Statistics;
using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using Microsoft.Data.Sqlite;

namespace DbAgent.Databases.Engines.Sqlite;

public sealed class SqliteProvider : IDatabaseProvider
{
    public DatabaseEngine Engine => DatabaseEngine.Sqlite;

    public EngineCapabilities Capabilities { get; } = new()
    {
        HypotheticalIndexes = true, JsonPlans = false, GenericPlans = true, TableStatistics = true, ColumnStatistics = true,
        IndexUsageStatistics = false,
        Notes = "SQLite prints no row estimates or costs: rows come from sqlite_stat1 (after ANALYZE) or bounded counts, column figures from a sample, " +
                "and it keeps no index usage counters. What-if indexes are planned on a private in-memory copy of the schema and statistics; the file is only read.",
    };

    public async Task<IDatabaseSession> OpenAsync(ConnectionTarget target, CancellationToken cancellationToken)
    {
        return await AdoCommands.GuardAsync(target, async () =>
        {
            var path = target.Database ?? new SqliteConnectionStringBuilder(target.ConnectionString ?? "").DataSource;
            if (string.IsNullOrEmpty(path) || path != ":memory:" && !path.StartsWith("file:", StringComparison.OrdinalIgnoreCase) && !File.Exists(path))
                throw new DatabaseAccessException(new ConnectionFailure(ConnectionFailureKind.DatabaseNotFound,
                    SecretRedactor.Redact($"Connection '{target.Name}': the SQLite file '{path}' does not exist.", target)));
            var connection = new SqliteConnection(DriverConnectionStrings.Build(target));
            return await DatabaseSession<SqliteConnection>.OpenAsync(connection, async () =>
            {
                // The connection is read-only already (Mode=ReadOnly); query_only makes SQLite itself refuse writes too.
                await AdoCommands.ExecuteAsync(connection, null, "PRAGMA query_only = 1", cancellationToken);
                var version = (string?)await AdoCommands.ScalarAsync(connection, null, "SELECT sqlite_version()", cancellationToken) ?? "?";
                return (IDatabaseSession)new SqliteSession(target, connection, new ServerInfo(DatabaseEngine.Sqlite, version, Path.GetFileName(path)), Capabilities);
            }, cancellationToken);
        });
    }
}

internal sealed class SqliteSession(ConnectionTarget target, SqliteConnection connection, ServerInfo serverInfo, EngineCapabilities capabilities)
    : DatabaseSession<SqliteConnection>(target, connection, serverInfo, capabilities), IDatabaseSession
{
    public Task<SchemaModel> LoadSchemaAsync(CancellationToken ct) => ExclusiveAsync(() => SqliteCatalogReader.ReadAsync(Connection, ct), ct);

    public Task<TableStats?> GetTableStatsAsync(QualifiedName table, CancellationToken ct) => ExclusiveAsync(() => SqliteStatisticsReader.ReadTableAsync(Connection, table, ct), ct);

    public Task<ColumnStats?> GetColumnStatsAsync(QualifiedName table, string column, CancellationToken ct) =>
        ExclusiveAsync(() => SqliteStatisticsReader.ReadColumnAsync(Connection, table, column, ct), ct);

    public Task<QueryPlan> ExplainAsync(string sql, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.Sqlite);
        return ExclusiveAsync(() => ExplainOnAsync(Connection, statement, options, ct), ct);
    }

    /// <summary>
    /// The plan with and without the index, both on a private in-memory copy of the schema and statistics
    /// (<see cref="SqliteWhatIfCopy"/>): the user's file is only read, and nothing waits on a lock DbAgent itself holds.
    /// </summary>
    public async Task<WhatIfIndexResult> ExplainWithIndexAsync(string sql, IndexDefinition index, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        var statement = ExplainGuard.Check(sql, SqlDialect.Sqlite);
        return await ExclusiveAsync(async () =>
        {
            await using var copy = await SqliteWhatIfCopy.CreateAsync(Connection, ct);
            var before = await BuildPlanAsync(await ExplainRowsAsync(copy.Connection, null, statement, ct), statement, ct);
            var name = index.Name ?? $"dbagent_whatif_{index.Table.Name}_{string.Join("_", index.Keys.Select(k => k.Column ?? "expr"))}";
            await copy.AddIndexAsync(Connection, index, name, ct);
            var after = await BuildPlanAsync(await ExplainRowsAsync(copy.Connection, null, statement, ct), statement, ct);
            var used = after.Nodes.Any(n => string.Equals(n.IndexName, name, StringComparison.OrdinalIgnoreCase));
            return new WhatIfIndexResult
            {
                Supported = true, Before = before, After = after, IndexUsed = used,
                Message = used ? "SQLite would use the index (planned on an in-memory copy of the schema and statistics; the file was only read)."
                    : "SQLite would not use this index for this statement (planned on an in-memory copy of the schema and statistics; the file was only read).",
            };
        }, ct);
    }

    /// <summary>
    /// One what-if batch for the workload advisor on one private in-memory copy (<see cref="SqliteWhatIfCopy"/>): the
    /// set's indexes created there with estimated statistics, every statement planned. SQLite's plans carry no cost;
    /// the advisor costs them by shape (<see cref="PlanShapeCost"/>) and says so. The user's file is only read.
    /// </summary>
    public async Task<WhatIfBatch> WhatIfBatchAsync(IReadOnlyList<string> statements, IReadOnlyList<IndexDefinition> indexes, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        return await ExclusiveAsync(async () =>
        {
            await using var copy = await SqliteWhatIfCopy.CreateAsync(Connection, ct);
            for (var i = 0; i < indexes.Count; i++)
            {
                // The proposal's own name, so that the plan names it; another if the schema has that name already.
                try { await copy.AddIndexAsync(Connection, indexes[i], indexes[i].Name ?? $"dbagent_whatif_{i}", ct); }
                catch (SqliteException) when (indexes[i].Name is not null) { await copy.AddIndexAsync(Connection, indexes[i], $"dbagent_whatif_{i}", ct); }
            }
            var plans = new List<QueryPlan?>();
            foreach (var sql in statements)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    var statement = ExplainGuard.Check(sql, SqlDialect.Sqlite);
                    plans.Add(await BuildPlanAsync(await ExplainRowsAsync(copy.Connection, null, statement, ct), statement, ct));
                }
                catch (Exception e) when (e is StatementNotExplainableException or SqliteException)
                {
                    plans.Add(null);
                }
            }
            // No size estimate here: the advisor estimates from the table's rows.
            return new WhatIfBatch { Supported = true, Plans = plans, IndexSizes = indexes.Select(_ => (long?)null).ToList() };
        }, ct);
    }

    private async Task<QueryPlan> ExplainOnAsync(SqliteConnection c, ExplainableStatement statement, ReadOnlyQueryOptions options, CancellationToken ct)
    {
        // EXPLAIN QUERY PLAN compiles the statement and never runs it; the transaction is rolled back all the same.
        List<SqliteQueryPlanRow> rows;
        await using (var tx = c.BeginTransaction(deferred: true))
        {
            try
            {
                rows = await ExplainRowsAsync(c, tx, statement, ct);
            }
            finally
            {
                await RollbackQuietlyAsync(tx);
            }
        }
        return await BuildPlanAsync(rows, statement, ct);
    }

    private static Task<List<SqliteQueryPlanRow>> ExplainRowsAsync(SqliteConnection c, SqliteTransaction? tx, ExplainableStatement statement, CancellationToken ct) =>
        AdoCommands.QueryAsync(c, tx, "EXPLAIN QUERY PLAN " + WithoutParameters(statement.Sql), r => new SqliteQueryPlanRow(r.Int(0), r.Int(1), r.GetString(3)), ct);

    /// <summary>Row estimates are read on the session's own Connection, outside any transaction.</summary>
    private async Task<QueryPlan> BuildPlanAsync(List<SqliteQueryPlanRow> rows, ExplainableStatement statement, CancellationToken ct)
    {
        var model = SqlScript.Parse(statement.Sql, SqlDialect.Sqlite).Statements is [var first, ..] ? first.Model : null;
        var relations = model?.Relations.Where(r => !r.IsCommonTableExpression).ToList() ?? [];
        var aliases = StatementAliases.Of(statement.Sql, SqlDialect.Sqlite);
        var estimates = await SqliteStatisticsReader.EstimatesAsync(Connection, relations.Select(r => r.Name.Name).Concat(aliases.Values).Concat(PlanTables(rows, aliases)), ct);
        return SqliteQueryPlanParser.Parse(rows, estimates, aliases);
    }

    private static IEnumerable<string> PlanTables(List<SqliteQueryPlanRow> rows, Dictionary<string, string> aliases) =>
        rows.Select(r => System.Text.RegularExpressions.Regex.Match(r.Detail, @"^(?:SCAN|SEARCH)\s+(?:TABLE\s+)?(\S+)"))
            .Where(m => m.Success).Select(m => m.Groups[1].Value.Trim('"'))
            .Select(name => aliases.TryGetValue(name, out var table) ? table : name);

    /// <summary>Parameters (?, ?1, :name, @name, $name) become NULL: EXPLAIN QUERY PLAN needs no values and plans `col = NULL` like `col = ?`.</summary>
    private static string WithoutParameters(string sql)
    {
        var tokens = SqlLexer.Lex(sql, SqlDialect.Sqlite);
        if (!tokens.Any(t => t.Kind == TokenKind.Parameter))
            return sql;
        var sb = new StringBuilder(sql.Length);
        var last = 0;
        foreach (var t in tokens.Where(t => t.Kind == TokenKind.Parameter))
        {
            sb.Append(sql, last, t.Start - last).Append("NULL");
            last = t.End;
        }
        return sb.Append(sql, last, sql.Length - last).ToString();
    }
}
