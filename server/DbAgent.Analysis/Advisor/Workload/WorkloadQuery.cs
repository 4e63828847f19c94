using System.Text;
using System.Text.RegularExpressions;

namespace DbAgent.Analysis.Advisor.Workload;

/// <summary>Where a workload query came from.</summary>
public enum WorkloadSource
{
    File,
    Workspace,
    PgStatStatements,
    PerformanceSchema,
    QueryStore,
}

/// <summary>
/// One query shape of the workload: a representative text (with constants, when a file gave them; with $n or ?
/// placeholders when the engine's statistics did), how often it ran and for how long. Queries of the same shape
/// are grouped into one, their calls and times added.
/// </summary>
public sealed record WorkloadQuery(string Sql, string Fingerprint, WorkloadSource Source)
{
    /// <summary>How many times the shape ran (1 per occurrence in a file).</summary>
    public double Calls { get; init; } = 1;

    /// <summary>Total execution time in milliseconds when the engine measured it; null for files.</summary>
    public double? TotalTimeMs { get; init; }

    /// <summary>Where the first occurrence was read (file:line), for the report.</summary>
    public string? Origin { get; init; }

    /// <summary>
    /// The weight of the shape in the workload cost: how often it runs. The engine's total time is reported beside
    /// it; it does not change the weight, since the planner's costs already measure per-call work.
    /// </summary>
    public double Weight => Math.Max(1, Calls);
}

/// <summary>A workload: query shapes, grouped and weighted.</summary>
public sealed class Workload
{
    public Workload(IEnumerable<WorkloadQuery> queries)
    {
        Queries = Group(queries);
    }

    public IReadOnlyList<WorkloadQuery> Queries { get; }

    /// <summary>Same fingerprint, one query: the first text is kept, calls and times are summed.</summary>
    public static IReadOnlyList<WorkloadQuery> Group(IEnumerable<WorkloadQuery> queries)
    {
        var byShape = new Dictionary<string, WorkloadQuery>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var q in queries)
        {
            if (byShape.TryGetValue(q.Fingerprint, out var seen))
            {
                byShape[q.Fingerprint] = seen with
                {
                    Calls = seen.Calls + q.Calls,
                    TotalTimeMs = seen.TotalTimeMs is null && q.TotalTimeMs is null ? null : (seen.TotalTimeMs ?? 0) + (q.TotalTimeMs ?? 0),
                    // A text with real constants plans better than one with placeholders: prefer it.
                    Sql = HasPlaceholders(seen.Sql) && !HasPlaceholders(q.Sql) ? q.Sql : seen.Sql,
                };
            }
            else
            {
                byShape[q.Fingerprint] = q;
                order.Add(q.Fingerprint);
            }
        }
        return order.Select(f => byShape[f]).ToList();
    }

    private static bool HasPlaceholders(string sql) => QueryFingerprint.PlaceholderPattern().IsMatch(sql);
}

/// <summary>
/// The shape of a query: constants replaced by <c>?</c>, IN lists folded to one element, comments dropped,
/// whitespace collapsed, keywords and unquoted names in lower case. Two queries that differ only by their constants
/// have the same fingerprint (what pg_stat_statements' queryid and MySQL's digest do on the server side).
/// </summary>
public static partial class QueryFingerprint
{
    public static string Of(string sql)
    {
        var sb = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                while (i < sql.Length && sql[i] != '\n') i++;
                Space(sb);
                continue;
            }
            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                var end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                Space(sb);
                continue;
            }
            if (c == '\'')
            {
                // A string constant, with '' as an escaped quote; a prefix (E'', N'') stays part of the word before.
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == '\'' && i + 1 < sql.Length && sql[i + 1] == '\'') { i += 2; continue; }
                    if (sql[i] == '\'') { i++; break; }
                    i++;
                }
                sb.Append('?');
                continue;
            }
            if (c is '"' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                var end = sql.IndexOf(close, i + 1);
                end = end < 0 ? sql.Length - 1 : end;
                sb.Append(sql, i, end - i + 1);
                i = end + 1;
                continue;
            }
            if (c == '$' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1]))
            {
                i++;
                while (i < sql.Length && char.IsAsciiDigit(sql[i])) i++;
                sb.Append('?');
                continue;
            }
            if (char.IsAsciiDigit(c) && (sb.Length == 0 || !(char.IsLetterOrDigit(sb[^1]) || sb[^1] is '_' or '$')))
            {
                while (i < sql.Length && (char.IsAsciiDigit(sql[i]) || sql[i] == '.' || sql[i] is 'e' or 'E')) i++;
                sb.Append('?');
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                Space(sb);
                i++;
                continue;
            }
            sb.Append(char.ToLowerInvariant(c));
            i++;
        }
        var text = sb.ToString().Trim().TrimEnd(';').Trim();
        text = SpaceAroundPunctuation().Replace(text, "$1");
        // IN (?, ?, ?) and IN (?) are one shape; so is a negative constant.
        text = InList().Replace(text, "in(?)");
        text = NegativeConstant().Replace(text, "$1?");
        return text;
    }

    private static void Space(StringBuilder sb)
    {
        if (sb.Length > 0 && sb[^1] != ' ') sb.Append(' ');
    }

    [GeneratedRegex(@"\s*([(),=<>+*/])\s*")]
    private static partial Regex SpaceAroundPunctuation();

    [GeneratedRegex(@"\bin\(\?(?:,\?)*\)")]
    private static partial Regex InList();

    [GeneratedRegex(@"([=<>(,])-\?")]
    private static partial Regex NegativeConstant();

    [GeneratedRegex(@"\$\d+|(?<![\w'])\?(?![\w'])")]
    internal static partial Regex PlaceholderPattern();
}
