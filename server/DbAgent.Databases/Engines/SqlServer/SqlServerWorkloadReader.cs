using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.SqlClient;

namespace DbAgent.Databases.Engines.SqlServer;

/// <summary>One row of SQL Server's statement statistics: the text as the engine keeps it, runs, total elapsed time.</summary>
/// <param name="Text">The statement (Query Store's query text; for the plan cache, the batch or module text, cut at the offsets).</param>
/// <param name="TotalMicroseconds">Elapsed time of all runs, in microseconds (both sources count in microseconds).</param>
/// <param name="QueryHash">The engine's hash of the statement's shape (query_hash): the same for texts that differ only by constants.</param>
public sealed record SqlServerStatementRow(string Text, long Executions, double TotalMicroseconds, string? QueryHash);

/// <summary>
/// The workload SQL Server measured: Query Store where the database has it on (sys.query_store_* views, SQL Server
/// 2016+, on by default from 2022), else the plan cache (sys.dm_exec_query_stats, which needs VIEW SERVER STATE and
/// forgets what was evicted). Rows of one shape (same query_hash, or same text once the parameter declarations are
/// taken off) are added together; the catalog's and the tools' own queries are left out.
/// </summary>
public static partial class SqlServerWorkloadReader
{
    // Query Store: one text per query, runtime statistics per plan and interval; avg_duration is in microseconds.
    internal const string QueryStoreSql = """
        SELECT qt.query_sql_text, SUM(rs.count_executions), SUM(rs.avg_duration * rs.count_executions), CONVERT(varchar(34), q.query_hash, 1)
        FROM sys.query_store_query_text qt
        JOIN sys.query_store_query q ON q.query_text_id = qt.query_text_id
        JOIN sys.query_store_plan p ON p.query_id = q.query_id
        JOIN sys.query_store_runtime_stats rs ON rs.plan_id = p.plan_id
        GROUP BY qt.query_sql_text, q.query_hash
        """;

    // The plan cache: the statement is the part of the batch between the offsets (bytes of UTF-16; -1 = to the end).
    internal const string PlanCacheSql = """
        SELECT st.text, qs.statement_start_offset, qs.statement_end_offset, qs.execution_count, qs.total_elapsed_time, CONVERT(varchar(34), qs.query_hash, 1)
        FROM sys.dm_exec_query_stats qs
        CROSS APPLY sys.dm_exec_sql_text(qs.sql_handle) st
        WHERE st.dbid = DB_ID()
        """;

    public static async Task<IReadOnlyList<StatementStat>> ReadAsync(SqlConnection connection, SqlTransaction transaction, int limit, CancellationToken cancellationToken)
    {
        var rows = new List<SqlServerStatementRow>();
        var queryStoreOn = false;
        try
        {
            // actual_state: 1 read-only, 2 read-write (0 off, 3 error).
            var state = await AdoCommands.ScalarAsync(connection, transaction, "SELECT actual_state FROM sys.database_query_store_options", cancellationToken).ConfigureAwait(false);
            queryStoreOn = state is not null && Convert.ToInt32(state, CultureInfo.InvariantCulture) is 1 or 2;
        }
        catch (SqlException)
        {
            // Before SQL Server 2016 the view does not exist: the plan cache is what there is.
        }
        if (queryStoreOn)
        {
            try
            {
                rows.AddRange(await AdoCommands.QueryAsync(connection, transaction, QueryStoreSql,
                    r => new SqlServerStatementRow(r.GetString(0), r.Long(1) ?? 0, r.Double(2) ?? 0, r.Str(3)), cancellationToken).ConfigureAwait(false));
            }
            catch (SqlException)
            {
                // Query Store views need VIEW DATABASE STATE: without it, the plan cache is tried next.
            }
        }
        if (rows.Count == 0)
        {
            try
            {
                rows.AddRange(await AdoCommands.QueryAsync(connection, transaction, PlanCacheSql,
                    r => new SqlServerStatementRow(StatementText(r.Str(0) ?? "", r.GetInt32(1), r.GetInt32(2)), r.Long(3) ?? 0, r.Double(4) ?? 0, r.Str(5)),
                    cancellationToken).ConfigureAwait(false));
            }
            catch (SqlException)
            {
                // Without VIEW SERVER STATE (VIEW SERVER PERFORMANCE STATE on 2022) the plan cache is not readable:
                // no statistics, which the caller reports.
            }
        }
        return Fold(rows, limit);
    }

    /// <summary>The statement a plan-cache row is about: the batch text between the byte offsets the DMV gives (UTF-16).</summary>
    public static string StatementText(string batch, int startOffset, int endOffset)
    {
        var start = Math.Clamp(startOffset / 2, 0, batch.Length);
        var end = endOffset < 0 ? batch.Length : Math.Clamp(endOffset / 2 + 1, start, batch.Length);
        return batch[start..end];
    }

    /// <summary>
    /// The statement without what SQL Server puts around it: the parameter declarations of a parameterised text
    /// (<c>(@P1 int,@P2 nvarchar(4000))SELECT ...</c>, as sp_executesql and simple parameterisation keep it), and the
    /// trailing semicolon. Null for what is not a query an index serves: the catalog's and the engine's own queries.
    /// </summary>
    public static string? Normalise(string text)
    {
        var s = text.Trim();
        if (ParameterDeclarations().Match(s) is { Success: true } m) s = s[m.Length..].TrimStart();
        s = s.TrimEnd().TrimEnd(';').TrimEnd();
        if (s.Length == 0 || !Query().IsMatch(s)) return null;
        if (Catalog().IsMatch(s)) return null;
        return s;
    }

    /// <summary>Rows of one shape as one statistic (runs and times added), most total time first, at most <paramref name="limit"/>.</summary>
    public static IReadOnlyList<StatementStat> Fold(IEnumerable<SqlServerStatementRow> rows, int limit)
    {
        var byShape = new Dictionary<string, (string Sql, long Calls, double Micros)>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (Normalise(row.Text) is not { } sql) continue;
            var key = string.IsNullOrEmpty(row.QueryHash) || row.QueryHash == "0x0000000000000000"
                ? "text:" + Analysis.Advisor.Workload.QueryFingerprint.Of(sql) : "hash:" + row.QueryHash;
            byShape[key] = byShape.TryGetValue(key, out var seen)
                ? (seen.Sql, seen.Calls + row.Executions, seen.Micros + row.TotalMicroseconds)
                : (sql, row.Executions, row.TotalMicroseconds);
        }
        return byShape.Values.OrderByDescending(x => x.Micros).ThenBy(x => x.Sql, StringComparer.Ordinal).Take(Math.Max(1, limit))
            .Select(x => new StatementStat(x.Sql, x.Calls, x.Micros / 1000.0)).ToList();
    }

    // "(@P1 int,@name nvarchar(max),@d decimal(10,2))" before the statement.
    [GeneratedRegex(@"^\((\s*@\w+\s+[\w.]+(\s*\(\s*(\d+|max)\s*(,\s*\d+\s*)?\))?(\s+output)?\s*,?)+\)", RegexOptions.IgnoreCase)]
    private static partial Regex ParameterDeclarations();

    [GeneratedRegex(@"^(with\b|select\b|update\b|delete\b|insert\b|merge\b)", RegexOptions.IgnoreCase)]
    private static partial Regex Query();

    [GeneratedRegex(@"\b(sys|information_schema)\s*\.", RegexOptions.IgnoreCase)]
    private static partial Regex Catalog();
}
