using System.Globalization;
using System.Text;
using DbAgent.Agent.Chat;
using DbAgent.Databases;
using DbAgent.Sql.Semantics;

namespace DbAgent.Agent.Commands;

/// <summary>/stats: the statistics of the tables the statement in focus uses (or of the schema's tables), from the live database.</summary>
public sealed class StatsCommand : IChatCommand
{
    private const int MaxTables = 10;

    public string Name => "stats";
    public string Description => "show table statistics";

    public async Task<IReadOnlyList<ChatFollowup>> RunAsync(ChatRequest request, ChatContext context, ChatResponse response)
    {
        if (context.Session is not { } session)
        {
            await response.MarkdownAsync("## Table statistics\n\n" + Guidance.ConnectionNeeded(context, "Table statistics (rows, sizes, index use, vacuum/analyze)"));
            return Followups.Of("explain", "indexes", "schema");
        }

        var tables = new List<QualifiedName>();
        if (context.Document is { } doc)
            tables.AddRange(doc.FocusStatements().SelectMany(s => s.Model.Relations).Where(r => !r.IsCommonTableExpression).Select(r => r.Name));
        if (tables.Count == 0 && context.Schema is { } schema)
            tables.AddRange(schema.Tables.Select(t => t.Name));
        tables = tables.DistinctBy(t => t.ToString().ToLowerInvariant()).ToList();
        if (tables.Count == 0)
        {
            await response.MarkdownAsync("No table in focus and no known schema: open a file that uses a table, or run **DbAgent: Refresh Schema**.\n");
            return Followups.Of("schema");
        }

        await response.MarkdownAsync($"## Table statistics ({Agent.Tools.EngineNames.ServerName(session.ServerInfo)}, database `{session.ServerInfo.Database}`)\n\n");
        foreach (var table in tables.Take(MaxTables))
        {
            await response.ProgressAsync($"Reading statistics of {table}...");
            try
            {
                var stats = await session.GetTableStatsAsync(table, response.CancellationToken);
                await response.MarkdownAsync(stats is null ? $"### `{table}`\n\nNot found in the database.\n\n" : Render(stats));
            }
            catch (OperationCanceledException) when (response.CancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                await response.MarkdownAsync($"### `{table}`\n\nThe database could not give statistics: {ex.Message}\n\n");
            }
        }
        if (tables.Count > MaxTables) await response.MarkdownAsync($"...and {tables.Count - MaxTables} more tables; put the cursor in a statement to see the ones it uses.\n");
        return Followups.Of("explain", "indexes", "scaling");
    }

    public static string Render(TableStats s)
    {
        var sb = new StringBuilder($"### `{s.Table}`\n\n");
        if (s.EstimatedRows is { } rows) sb.Append($"- Estimated rows: {rows.ToString("N0", CultureInfo.InvariantCulture)}\n");
        if (s.LiveRows is { } live) sb.Append($"- Live rows: {live:N0}{(s.DeadRows is { } dead ? $", dead rows: {dead:N0}{(live + dead > 0 && dead * 5 > live ? " (high: autovacuum is behind)" : "")}" : "")}\n");
        if (s.TotalBytes is { } total) sb.Append($"- Size: {Bytes(total)} total{(s.TableBytes is { } t ? $", {Bytes(t)} table" : "")}{(s.IndexBytes is { } i ? $", {Bytes(i)} indexes" : "")}\n");
        else if (s.TableBytes is { } tb) sb.Append($"- Table size: {Bytes(tb)}\n");
        if (s.SequentialScans is { } seq) sb.Append($"- Sequential scans: {seq:N0}{(s.IndexScans is { } idx ? $", index scans: {idx:N0}" : "")}{(s.IndexScans is { } ix && seq > ix && (s.EstimatedRows ?? 0) > 10000 ? " (mostly full scans of a large table: look for a missing index)" : "")}\n");
        if ((s.LastAnalyze ?? s.LastAutoAnalyze) is not null) sb.Append($"- Last analyze: {Latest(s.LastAnalyze, s.LastAutoAnalyze)}\n");
        if ((s.LastVacuum ?? s.LastAutoVacuum) is not null) sb.Append($"- Last vacuum: {Latest(s.LastVacuum, s.LastAutoVacuum)}\n");
        if (s.Indexes.Count > 0)
        {
            sb.Append("- Indexes:\n");
            foreach (var i in s.Indexes)
                sb.Append($"  - `{i.Name}`{(i.Primary ? " (primary key)" : i.Unique ? " (unique)" : "")}{(i.SizeBytes is { } b ? $", {Bytes(b)}" : "")}{(i.Scans is { } n ? $", {n:N0} scans{(n == 0 && !i.Primary && !i.Unique ? " (unused: a candidate to drop)" : "")}" : "")}\n");
        }
        return sb.Append('\n').ToString();
    }

    private static string Latest(DateTimeOffset? a, DateTimeOffset? b)
    {
        var latest = a is null ? b : b is null ? a : a > b ? a : b;
        return latest?.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? "never";
    }

    private static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };
}
