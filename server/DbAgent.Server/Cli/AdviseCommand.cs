using System.Globalization;
using System.Text;
using System.Text.Json;
using DbAgent.Analysis.Advisor;
using DbAgent.Analysis.Advisor.Workload;
using DbAgent.Analysis.Plans;
using DbAgent.Databases;
using DbAgent.Databases.Advisor;
using DbAgent.Databases.Connections;
using DbAgent.Server.Workspace;
using DbAgent.Sql;
using DbAgent.Sql.Dialects;
using DbAgent.Sql.Migrations;

namespace DbAgent.Server.Cli;

/// <summary>
/// `dbagent advise`: the workload index advisor. Reads the workload (SQL files or folders, and/or the engine's own
/// statement statistics), asks the planner what-if costs where the engine has them, and prints the chosen indexes,
/// the indexes worth dropping and each query's cost before and after; `--migrations DIR` writes them as one
/// reversible migration in that folder's layout. Nothing is built in the database. Exit 0, or 2 on usage errors
/// and when the database cannot be reached.
/// </summary>
public static class AdviseCommand
{
    public const string UsageText = "usage: dbagent advise [--connection NAME|URL|CONNECTION-STRING] [--workload PATH]... [--from-stats] [--dialect postgres|mysql|tsql|sqlite] [--budget 500MB|25%] [--format text|json|sarif] [--migrations DIR]";

    public sealed record Options(IReadOnlyList<string> Workload, bool FromStats, string? Connection, SqlDialect? Dialect, long? BudgetBytes, double? BudgetFraction, string Format, string? Migrations);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (!TryParse(args, out var options, out var problem))
        {
            await error.WriteLineAsync($"dbagent advise: {problem}").ConfigureAwait(false);
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return 2;
        }
        IDatabaseSession? session = null;
        if (options.Connection is not null)
        {
            try
            {
                var target = ConnectionResolver.Resolve(options.Connection);
                session = await ProviderRegistry.Default.OpenAsync(target, cancellationToken).ConfigureAwait(false);
            }
            catch (ConnectionConfigurationException e)
            {
                await error.WriteLineAsync($"dbagent advise: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var message = e is DatabaseAccessException access ? access.Failure.Message : e.Message;
                await error.WriteLineAsync($"dbagent advise: cannot reach the database: {message}").ConfigureAwait(false);
                return 2;
            }
        }
        await using var _ = session;
        var dialect = options.Dialect ?? (session is null ? SqlDialect.Postgres : session.ServerInfo.Engine.ToDialect());

        var workload = new List<WorkloadQuery>();
        foreach (var path in options.Workload)
        {
            var files = File.Exists(path) ? [path] : Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*.sql", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList() : null;
            if (files is null)
            {
                await error.WriteLineAsync($"dbagent advise: no such file or directory: {path}").ConfigureAwait(false);
                return 2;
            }
            foreach (var file in files)
            {
                string text;
                try { text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"{file}: skipped: {e.Message}").ConfigureAwait(false);
                    continue;
                }
                workload.AddRange(WorkloadText.Queries(text, dialect, Path.GetRelativePath(Environment.CurrentDirectory, file)));
            }
        }
        if (options.FromStats)
        {
            if (session is null)
            {
                await error.WriteLineAsync("dbagent advise: --from-stats needs --connection.").ConfigureAwait(false);
                return 2;
            }
            var stats = await session.ReadStatementStatsAsync(500, cancellationToken).ConfigureAwait(false);
            if (stats.Count == 0)
                await error.WriteLineAsync("dbagent advise: the database keeps no statement statistics here (pg_stat_statements not installed in this database, performance_schema off, or no Query Store).").ConfigureAwait(false);
            var source = session.ServerInfo.Engine switch
            {
                DatabaseEngine.Postgres => WorkloadSource.PgStatStatements,
                DatabaseEngine.MySql => WorkloadSource.PerformanceSchema,
                _ => WorkloadSource.QueryStore,
            };
            foreach (var s in stats)
            {
                foreach (var q in WorkloadText.Queries(s.Sql, dialect, null, source))
                    workload.Add(q with { Calls = s.Calls, TotalTimeMs = s.TotalTimeMs, Origin = source.ToString() });
            }
        }
        if (workload.Count == 0)
        {
            await error.WriteLineAsync("dbagent advise: the workload has no query an index can serve (give --workload PATH or --from-stats).").ConfigureAwait(false);
            return 2;
        }

        WorkloadAdvice advice;
        try
        {
            advice = await WorkloadAdvisor.AdviseAsync(session, dialect, workload, null, new WorkloadAdviceOptions
            {
                BudgetBytes = options.BudgetBytes, BudgetFraction = options.BudgetFraction ?? WorkloadAdviceOptions.DefaultBudgetFraction,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DatabaseAccessException e)
        {
            await error.WriteLineAsync($"dbagent advise: {e.Failure.Message}").ConfigureAwait(false);
            return 2;
        }

        var (up, down) = Migration(advice);
        string? written = null;
        if (options.Migrations is not null && (advice.Selection.Indexes.Count > 0 || advice.Selection.Drops.Count > 0))
        {
            var set = MigrationDiscovery.Classify(options.Migrations) ?? new MigrationSet(options.Migrations, MigrationTool.Numbered, []);
            Directory.CreateDirectory(options.Migrations);
            foreach (var file in MigrationWriter.Create(set, "dbagent indexes", up, down, DateTimeOffset.UtcNow))
            {
                await File.WriteAllTextAsync(file.Path, file.Content, cancellationToken).ConfigureAwait(false);
                written ??= file.Path;
            }
        }

        switch (options.Format)
        {
            case "json":
                await output.WriteLineAsync(JsonSerializer.Serialize(Json(advice, up, down, written), JsonOptions)).ConfigureAwait(false);
                break;
            case "sarif":
                await output.WriteLineAsync(JsonSerializer.Serialize(Sarif(advice), JsonOptions)).ConfigureAwait(false);
                break;
            default:
                await output.WriteAsync(Text(advice, up, down, written)).ConfigureAwait(false);
                break;
        }
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    /// <summary>Up: the new indexes, then the drops (after their replacements exist). Down: the reverse.</summary>
    public static (string Up, string Down) Migration(WorkloadAdvice advice)
    {
        var up = new StringBuilder();
        var down = new StringBuilder();
        foreach (var index in advice.Selection.Indexes)
        {
            var ddl = IndexAdvisor.Render(index.Index, advice.Dialect);
            up.AppendLine(ddl.Up);
            down.Insert(0, ddl.Down + Environment.NewLine);
        }
        foreach (var drop in advice.Selection.Drops)
        {
            var recreate = new IndexCandidate(drop.Table, drop.Keys.Select(k => new CandidateKey(k, IndexKeyRole.Equality)).ToList(), drop.Name) { Predicate = drop.Predicate };
            var ddl = IndexAdvisor.Render(recreate, advice.Dialect);
            up.AppendLine($"-- {drop.Reason}: {drop.Evidence}");
            up.AppendLine(ddl.Down);
            if (drop.Keys.Count > 0) down.AppendLine(ddl.Up);
        }
        return (up.ToString(), down.ToString());
    }

    private static string Text(WorkloadAdvice advice, string up, string down, string? written)
    {
        var s = advice.Selection;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"Workload: {advice.Queries.Count} query shape(s), {s.Candidates} candidate index(es); {(!s.Verified ? "UNVERIFIED: no what-if costing on this engine" : s.CostBasis == PlanShapeCost.Basis ? "costs from the plans' shape (SQLite plans carry no cost; what-if on a private copy, nothing built)" : "costs from the planner (what-if, nothing built)")}.");
        if (s.Verified)
            sb.AppendLine(inv, $"What-if: {s.Counters.Batches} batch(es), {s.Counters.Explains} plan(s) asked, {s.Counters.CacheHits} cache hit(s); {advice.Elapsed.TotalSeconds:0.0} s.");
        if (s.BudgetBytes is { } budget) sb.AppendLine(inv, $"Budget: {IndexSelection.Bytes(budget)}.");
        sb.AppendLine();
        sb.AppendLine(inv, $"Indexes to create ({s.Indexes.Count}{(advice.TotalSizeBytes is { } total ? ", about " + IndexSelection.Bytes(total) : "")}):");
        foreach (var index in s.Indexes)
        {
            sb.AppendLine(inv, $"  {IndexAdvisor.Render(index.Index, advice.Dialect).Up}");
            sb.AppendLine(inv, $"      {(index.SizeBytes is { } b ? IndexSelection.Bytes(b) + "; " : "")}{index.Index.Explain()}{(index.Serves.Count > 0 ? "; serves " + string.Join(", ", index.Serves.Select(i => "#" + (i + 1))) : "")}");
        }
        if (s.Drops.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Indexes to drop ({s.Drops.Count}):");
            foreach (var drop in s.Drops) sb.AppendLine(inv, $"  {drop.Table}.{drop.Name}: {drop.Reason}: {drop.Evidence}");
        }
        sb.AppendLine();
        sb.AppendLine(s.CostBasis == PlanShapeCost.Basis ? "Queries (weight; plan-shape cost before -> after):" : "Queries (weight; planner cost before -> after):");
        foreach (var q in s.Queries)
        {
            var cost = q.Before is { } b && q.After is { } a ? $"{b:0.##} -> {a:0.##}{(b > 0 ? $" ({a / b:P0})" : "")}" : "not costed";
            sb.AppendLine(inv, $"  #{q.Id + 1} x{q.Query.Weight:0}: {cost}  {OneLine(q.Query.Sql)}{(q.Query.Origin is { } o ? "  [" + o + "]" : "")}");
        }
        foreach (var note in advice.Notes) sb.AppendLine(inv, $"note: {note}");
        if (written is not null) sb.AppendLine(inv, $"\nMigration written: {written}");
        else if (up.Length > 0)
        {
            sb.AppendLine("\n-- up");
            sb.Append(up);
            sb.AppendLine("-- down");
            sb.Append(down);
        }
        return sb.ToString();
    }

    private static object Json(WorkloadAdvice advice, string up, string down, string? written) => new
    {
        dialect = advice.Dialect.ToString().ToLowerInvariant(),
        verified = advice.Selection.Verified,
        costBasis = advice.Selection.Verified ? advice.Selection.CostBasis : null,
        candidates = advice.Selection.Candidates,
        whatIf = new { batches = advice.Selection.Counters.Batches, explains = advice.Selection.Counters.Explains, cacheHits = advice.Selection.Counters.CacheHits },
        elapsedMs = (long)advice.Elapsed.TotalMilliseconds,
        budgetBytes = advice.Selection.BudgetBytes,
        totalSizeBytes = advice.TotalSizeBytes,
        indexes = advice.Selection.Indexes.Select(i => new
        {
            name = i.Index.Name, table = i.Index.Table.ToString(), keys = i.Index.IndexKeys.Select(k => k.ToString()), include = i.Index.Include,
            where = i.Index.Predicate, extends = i.Index.Extends, sizeBytes = i.SizeBytes, gain = i.Gain, serves = i.Serves.Select(x => x + 1),
            ddl = IndexAdvisor.Render(i.Index, advice.Dialect).Up, reasons = i.Index.Reasons,
        }),
        drops = advice.Selection.Drops.Select(d => new { table = d.Table.ToString(), name = d.Name, reason = d.Reason, evidence = d.Evidence, sizeBytes = d.SizeBytes }),
        queries = advice.Selection.Queries.Select(q => new { id = q.Id + 1, sql = q.Query.Sql, origin = q.Query.Origin, weight = q.Query.Weight, totalTimeMs = q.Query.TotalTimeMs, costBefore = q.Before, costAfter = q.After }),
        notes = advice.Notes,
        migration = new { up, down, written },
    };

    /// <summary>SARIF 2.1.0: one result per index to create (rule index-advice) and to drop (index-drop), at the query that asked for it.</summary>
    private static object Sarif(WorkloadAdvice advice)
    {
        object Location(int? queryId)
        {
            var origin = queryId is { } id ? advice.Queries.FirstOrDefault(q => q.Id == id)?.Query.Origin : null;
            if (origin is null || origin.LastIndexOf(':') is var colon && colon <= 0 || !int.TryParse(origin[(colon + 1)..], out var line))
                return new { physicalLocation = new { artifactLocation = new { uri = origin ?? "workload" } } };
            return new { physicalLocation = new { artifactLocation = new { uri = origin[..colon].Replace('\\', '/') }, region = new { startLine = line } } };
        }
        var results = advice.Selection.Indexes.Select(i => (object)new
        {
            ruleId = "index-advice", level = "note",
            message = new { text = $"Create {IndexAdvisor.Render(i.Index, advice.Dialect).Up} ({i.Index.Explain()})" },
            locations = new[] { Location(i.Serves.Count > 0 ? i.Serves[0] : null) },
        }).Concat(advice.Selection.Drops.Select(d => (object)new
        {
            ruleId = "index-drop", level = "note",
            message = new { text = $"Drop {d.Table}.{d.Name} ({d.Reason}): {d.Evidence}" },
            locations = new[] { Location(null) },
        })).ToList();
        return new Dictionary<string, object>
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new[]
            {
                new
                {
                    tool = new { driver = new { name = "dbagent advise", rules = new[]
                    {
                        new { id = "index-advice", shortDescription = new { text = "An index the workload needs" } },
                        new { id = "index-drop", shortDescription = new { text = "An index the workload does not need" } },
                    } } },
                    results,
                },
            },
        };
    }

    private static string OneLine(string sql)
    {
        var one = string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return one.Length <= 100 ? one : one[..97] + "...";
    }

    public static bool TryParse(string[] args, out Options options, out string problem)
    {
        var workload = new List<string>();
        var fromStats = false;
        string? connection = null, migrations = null;
        SqlDialect? dialect = null;
        long? budgetBytes = null;
        double? budgetFraction = null;
        var format = "text";
        options = new Options([], false, null, null, null, null, "text", null);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? Value()
            {
                var eq = arg.IndexOf('=');
                if (eq > 0 && arg.StartsWith("--", StringComparison.Ordinal)) return arg[(eq + 1)..];
                return i + 1 < args.Length ? args[++i] : null;
            }
            var name = arg.Contains('=') && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..arg.IndexOf('=')] : arg;
            switch (name)
            {
                case "--workload":
                    var w = Value();
                    if (string.IsNullOrWhiteSpace(w)) { problem = "--workload needs a file or folder of SQL."; return false; }
                    workload.Add(w);
                    break;
                case "--from-stats":
                    fromStats = true;
                    break;
                case "--connection":
                    connection = Value();
                    if (string.IsNullOrWhiteSpace(connection)) { problem = "--connection needs a connection name, URL or connection string."; return false; }
                    break;
                case "--dialect":
                    var d = Value();
                    if (d is null || !SqlDialectNames.TryParse(d, out var parsed)) { problem = $"--dialect needs one of postgres, mysql, tsql, sqlite (got '{d}')."; return false; }
                    dialect = parsed;
                    break;
                case "--budget":
                    var b = Value();
                    if (!TryParseBudget(b, out budgetBytes, out budgetFraction)) { problem = $"--budget needs a size (500MB, 2GB, 1048576) or a percentage of the tables' size (25%) (got '{b}')."; return false; }
                    break;
                case "--format":
                    var f = Value();
                    if (f is not ("text" or "json" or "sarif")) { problem = $"--format needs text, json or sarif (got '{f}')."; return false; }
                    format = f;
                    break;
                case "--migrations":
                    migrations = Value();
                    if (string.IsNullOrWhiteSpace(migrations)) { problem = "--migrations needs the migrations folder."; return false; }
                    break;
                default:
                    if (arg.StartsWith('-')) { problem = $"unknown option '{arg}'."; return false; }
                    workload.Add(arg);
                    break;
            }
        }
        if (workload.Count == 0 && !fromStats) { problem = "no workload: give --workload PATH (SQL files or folders) or --from-stats with --connection."; return false; }
        options = new Options(workload, fromStats, connection, dialect, budgetBytes, budgetFraction, format, migrations);
        return true;
    }

    public static bool TryParseBudget(string? text, out long? bytes, out double? fraction)
    {
        bytes = null;
        fraction = null;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();
        if (text.EndsWith('%'))
        {
            if (!double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent <= 0) return false;
            fraction = percent / 100;
            return true;
        }
        var units = new (string Suffix, long Factor)[] { ("GB", 1L << 30), ("MB", 1L << 20), ("KB", 1L << 10), ("B", 1) };
        foreach (var (suffix, factor) in units)
        {
            if (!text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) continue;
            if (!double.TryParse(text[..^suffix.Length].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0) return false;
            bytes = (long)(value * factor);
            return true;
        }
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var raw) || raw < 0) return false;
        bytes = raw;
        return true;
    }
}
