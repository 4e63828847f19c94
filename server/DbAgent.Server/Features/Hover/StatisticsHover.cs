using System.Globalization;
using System.Text;
using DbAgent.Databases;

namespace DbAgent.Server.Features.Hover;

/// <summary>Compact markdown of what an engine says about a table or a column (each engine what it has).</summary>
public static class StatisticsHover
{
    /// <param name="indexesListed">The hover's schema part already lists the table's indexes with their keys: a list of
    /// bare names (all an engine without index sizes or use counters gives, like SQLite) would say it again.</param>
    public static void DescribeTable(StringBuilder markdown, TableStats stats, string connection, DateTimeOffset now, bool indexesListed = false)
    {
        markdown.AppendLine().Append("**Statistics** from `").Append(connection).AppendLine("`").AppendLine();
        var facts = new List<string>();
        if (stats.EstimatedRows is { } rows) facts.Add($"~{Count(rows)} rows");
        if (stats.LiveRows is { } live) facts.Add($"{Count(live)} live");
        if (stats.DeadRows is { } dead) facts.Add($"{Count(dead)} dead{DeadShare(stats)}");
        if (facts.Count > 0) markdown.Append("- ").AppendLine(string.Join(" · ", facts));

        var sizes = new List<string>();
        if (stats.TableBytes is { } table) sizes.Add($"table {Bytes(table)}");
        if (stats.IndexBytes is { } indexBytes) sizes.Add($"indexes {Bytes(indexBytes)}");
        if (stats.TotalBytes is { } total) sizes.Add($"total {Bytes(total)}");
        if (sizes.Count > 0) markdown.Append("- ").AppendLine(string.Join(" · ", sizes));

        if (stats.SequentialScans is not null || stats.IndexScans is not null)
            markdown.Append("- scans: ").Append(stats.SequentialScans is { } seq ? $"{Count(seq)} sequential" : "sequential unknown")
                .Append(" · ").AppendLine(stats.IndexScans is { } idx ? $"{Count(idx)} by index" : "by index unknown");

        var maintenance = new List<string>();
        if (Latest(stats.LastVacuum, stats.LastAutoVacuum) is { } vacuum) maintenance.Add($"vacuum {Ago(vacuum, now)}");
        if (Latest(stats.LastAnalyze, stats.LastAutoAnalyze) is { } analyze) maintenance.Add($"analyze {Ago(analyze, now)}");
        if (maintenance.Count > 0) markdown.Append("- last ").AppendLine(string.Join(" · ", maintenance));

        if (stats.Indexes.Count > 0)
        {
            // Only the columns the engine fills: SQLite keeps no index usage counters (and sizes only with dbstat),
            // and an empty column would read as "zero".
            var shown = stats.Indexes.Take(12).ToList();
            var withSize = shown.Any(i => i.SizeBytes is not null);
            var withScans = shown.Any(i => i.Scans is not null);
            if (withSize || withScans)
            {
                markdown.AppendLine().Append("| index |").Append(withSize ? " size |" : "").Append(withScans ? " scans |" : "").AppendLine()
                    .Append("|---|").Append(withSize ? "---|" : "").Append(withScans ? "---|" : "").AppendLine();
                foreach (var index in shown)
                {
                    markdown.Append("| `").Append(index.Name).Append('`').Append(Kind(index)).Append(" |");
                    if (withSize) markdown.Append(' ').Append(index.SizeBytes is { } size ? Bytes(size) : "unknown").Append(" |");
                    if (withScans) markdown.Append(' ').Append(index.Scans is { } scans ? Count(scans) : "unknown").Append(" |");
                    markdown.AppendLine();
                }
            }
            else if (!indexesListed)
            {
                markdown.Append("- indexes: ").AppendLine(string.Join(", ", shown.Select(i => $"`{i.Name}`{Kind(i)}")));
            }
            if (stats.Indexes.Count > 12 && (withSize || withScans || !indexesListed)) markdown.Append("_… and ").Append(stats.Indexes.Count - 12).AppendLine(" more._");
        }
    }

    private static string Kind(IndexStats index) => index.Primary ? " (primary)" : index.Unique ? " (unique)" : "";

    public static void DescribeColumn(StringBuilder markdown, ColumnStats stats, string connection)
    {
        markdown.AppendLine().Append("**Statistics** from `").Append(connection).AppendLine("`").AppendLine();
        var facts = new List<string>();
        if (stats.DataType is { } type) facts.Add($"`{type}`");
        if (stats.Nullable is { } nullable) facts.Add(nullable ? "nullable" : "not null");
        if (stats.Default is { } d) facts.Add($"default `{d}`");
        if (facts.Count > 0) markdown.Append("- ").AppendLine(string.Join(" · ", facts));
        if (stats.NullFraction is { } nulls) markdown.Append("- nulls: ").AppendLine(Percent(nulls));
        if (stats.DistinctValues is { } distinct)
            markdown.Append("- distinct: ").AppendLine(distinct < 0 ? $"{Percent(-distinct)} of rows (grows with the table)" : Count(distinct));
        if (stats.MostCommonValues.Count > 0)
        {
            var values = stats.MostCommonValues.Take(5).Select((v, i) =>
                $"`{Shorten(v)}`" + (i < stats.MostCommonFrequencies.Count ? $" {Percent(stats.MostCommonFrequencies[i])}" : ""));
            markdown.Append("- most common: ").AppendLine(string.Join(", ", values));
        }
        if (stats.Correlation is { } correlation)
            markdown.Append("- correlation with row order: ").AppendLine(correlation.ToString("0.00", CultureInfo.InvariantCulture));
    }

    public static string Count(double value) => value switch
    {
        >= 1e9 => (value / 1e9).ToString("0.#", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (value / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (value / 1e3).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0", CultureInfo.InvariantCulture),
    };

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.#", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };

    private static string Percent(double fraction) => (fraction * 100).ToString(fraction < 0.01 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + "%";

    private static string DeadShare(TableStats stats) =>
        stats.DeadRows is { } dead && stats.LiveRows is { } live && live + dead > 0 && dead * 10 > live
            ? $" ({Percent(dead / (double)(live + dead))}: vacuum is behind)"
            : "";

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static string Ago(DateTimeOffset when, DateTimeOffset now)
    {
        var age = now - when;
        if (age < TimeSpan.Zero) age = TimeSpan.Zero;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : $"{(int)age.TotalDays} days ago";
    }

    private static string Shorten(string value) => (value.Length > 24 ? value[..24] + "…" : value).Replace("`", "'").ReplaceLineEndings(" ");
}
