using System.Globalization;
using DbAgent.Agent.Chat;
using DbAgent.Agent.Tools;
using DbAgent.Sql;

namespace DbAgent.Agent.Commands;

/// <summary>/scaling: how to scale the detected engine, in the order that pays off: measure, index, pool, replicate, partition, cache.</summary>
public sealed class ScalingCommand : IChatCommand
{
    public string Name => "scaling";
    public string Description => "scale the database";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        var dialect = context.Dialect ?? SqlDialect.Postgres;
        await response.MarkdownAsync($"## Scaling {Engines.DisplayName(dialect)}\n\n{EngineContext.Describe(context)}\n");
        if (context.Schema is { Tables.Count: > 0 } schema)
            await response.MarkdownAsync($"The workspace schema has {schema.Tables.Count.ToString(CultureInfo.InvariantCulture)} tables. " +
                (context.Session is null ? "Which of them are large decides what follows; `/stats` shows it with a connection.\n\n" : "`/stats` shows which of them are large.\n\n"));
        await response.MarkdownAsync("In order of payoff: **measure** the top queries, **index** them (`/optimize`, `/indexes`), **pool** connections, add **read replicas**, **partition** the largest tables, **cache** what is read often and changes rarely. Sharding comes last.\n\n");
        await response.MarkdownAsync(Guide(dialect));
        return Followups.Of("optimize", "stats", "backup");
    }

    public static string Guide(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => """
            - **Measure**: `CREATE EXTENSION pg_stat_statements;` then `SELECT query, calls, mean_exec_time, total_exec_time FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20;`
            - **Pool connections**: every PostgreSQL connection is a process (a few MB each). Put PgBouncer in front in `pool_mode = transaction` and keep `max_connections` in the low hundreds.
            - **Read replicas**: streaming replication (`pg_basebackup -R` on the replica, `hot_standby = on`); send reads that tolerate lag to replicas and watch `pg_stat_replication` (`replay_lag`).
            - **Partition** large append-mostly tables by time: `CREATE TABLE events (...) PARTITION BY RANGE (created_at);` with monthly partitions; retention becomes `ALTER TABLE events DETACH PARTITION ... CONCURRENTLY` + `DROP TABLE`, not a huge DELETE. The partition key must be part of every primary key and unique constraint.
            - **Memory**: `shared_buffers` about 25% of RAM, `effective_cache_size` about 75%, `work_mem` sized for sorts × concurrent queries.
            - **Cache and precompute**: materialized views (`REFRESH MATERIALIZED VIEW CONCURRENTLY` needs a unique index), or an application cache (Redis) for hot reads.
            - **Beyond one primary**: Citus shards tables across nodes by a distribution key.
            """,
        SqlDialect.MySql => """
            - **Measure**: enable the slow query log (`slow_query_log = ON`, `long_query_time = 0.5`) and read `performance_schema.events_statements_summary_by_digest` ordered by `SUM_TIMER_WAIT`.
            - **Memory**: `innodb_buffer_pool_size` at 50-75% of RAM on a dedicated server; the working set should fit.
            - **Pool connections**: a pool in the application, or ProxySQL (which can also split reads and writes).
            - **Read replicas**: GTID replication (`gtid_mode = ON`, `enforce_gtid_consistency = ON`; `CHANGE REPLICATION SOURCE TO SOURCE_HOST=..., SOURCE_AUTO_POSITION=1;` on MySQL 8.0.23+). Watch `Seconds_Behind_Source`. Group Replication or Galera (MariaDB) for high availability.
            - **Partition** by range of time: `PARTITION BY RANGE (TO_DAYS(created_at))`; the partition column must be in every unique key, including the primary key. Drop old data with `ALTER TABLE ... DROP PARTITION`.
            - **Beyond one primary**: Vitess shards MySQL horizontally.
            """,
        SqlDialect.TSql => """
            - **Measure**: turn on Query Store (`ALTER DATABASE app SET QUERY_STORE = ON;`) and read the top resource consumers and regressed queries; `sys.dm_exec_query_stats` for the plan cache.
            - **Pool connections**: ADO.NET pools by default per connection string; keep connection strings identical and watch `Max Pool Size` (100 by default).
            - **Read replicas**: Always On availability groups with readable secondaries; route reads with `ApplicationIntent=ReadOnly` in the connection string.
            - **Partition** large tables with a partition function and scheme (`CREATE PARTITION FUNCTION pf (date) AS RANGE RIGHT FOR VALUES (...)`), and switch old partitions out instead of deleting.
            - **Analytics** on large tables: a nonclustered columnstore index alongside the rowstore.
            - **Contention**: Resource Governor to cap heavy workloads; `READ_COMMITTED_SNAPSHOT ON` to stop readers blocking writers.
            """,
        _ => """
            - **One writer at a time** is SQLite's limit: enable WAL so readers never block the writer and vice versa: `PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;`
            - **Batch writes** in transactions (thousands of rows per `BEGIN ... COMMIT` instead of one per statement), keep write transactions short, and use one writer connection with many readers.
            - **Read replicas**: LiteFS replicates a SQLite database to read-only nodes; Litestream streams it to object storage.
            - **Move to a server database** (PostgreSQL is the usual step) when many processes on different machines must write concurrently, or when you need fine-grained roles and online schema changes.
            """,
    };
}
