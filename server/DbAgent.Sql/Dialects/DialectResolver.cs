using System.Text.RegularExpressions;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Dialects;

/// <summary>Where a document's dialect came from, first to last in precedence.</summary>
public enum DialectSource
{
    Connection,
    FirstLineComment,
    Setting,
    Content,
    Default,
}

/// <summary>
/// Decides a document's dialect: the engine of its connection, a first-line comment `-- dbagent: dialect=postgres`,
/// the `dbagent.dialect` setting, detection from the content, and PostgreSQL when nothing says otherwise.
/// </summary>
public static partial class DialectResolver
{
    /// <summary>Only the head of a large file is read for detection: the signals appear early and this keeps it cheap.</summary>
    private const int DetectionWindow = 64 * 1024;

    public static SqlDialect Resolve(string text, SqlDialect? connectionDialect, SqlDialect? setting, out DialectSource source) =>
        Resolve(text, () => text, connectionDialect, setting, out source);

    /// <summary>
    /// As <see cref="Resolve(string, SqlDialect?, SqlDialect?, out DialectSource)"/> for a document's text, reading
    /// only its head (a keystroke in a long file makes no string of the whole of it): the first-line comment is looked
    /// for in the first <see cref="FirstLineWindow"/> characters, the content in the first 64K.
    /// </summary>
    public static SqlDialect Resolve(SourceText text, SqlDialect? connectionDialect, SqlDialect? setting, out DialectSource source) =>
        Resolve(text.Slice(new TextSpan(0, Math.Min(text.Length, FirstLineWindow))),
            () => text.Length > DetectionWindow ? text.ToString(new TextSpan(0, DetectionWindow)) : text.Text, connectionDialect, setting, out source);

    /// <summary>The connection's dialect, the first-line comment in <paramref name="head"/>, the setting, then the <paramref name="content"/>'s signals.</summary>
    private static SqlDialect Resolve(ReadOnlySpan<char> head, Func<string> content, SqlDialect? connectionDialect, SqlDialect? setting, out DialectSource source)
    {
        if (connectionDialect is { } connected)
        {
            source = DialectSource.Connection;
            return connected;
        }
        if (FromFirstLineComment(head) is { } commented)
        {
            source = DialectSource.FirstLineComment;
            return commented;
        }
        if (setting is { } set)
        {
            source = DialectSource.Setting;
            return set;
        }
        if (Detect(content()) is { } detected)
        {
            source = DialectSource.Content;
            return detected;
        }
        source = DialectSource.Default;
        return SqlDialect.Postgres;
    }

    /// <summary>How far into a document its first-line dialect comment is looked for.</summary>
    private const int FirstLineWindow = 4096;

    /// <summary>`-- dbagent: dialect=NAME` on the first non-empty line.</summary>
    public static SqlDialect? FromFirstLineComment(string text) => FromFirstLineComment(text.AsSpan());

    private static SqlDialect? FromFirstLineComment(ReadOnlySpan<char> span)
    {
        var start = 0;
        while (start < span.Length && char.IsWhiteSpace(span[start])) start++;
        var end = span[start..].IndexOfAny('\r', '\n');
        var line = end < 0 ? span[start..] : span.Slice(start, end);
        var match = FirstLinePattern().Match(line.ToString());
        return match.Success && SqlDialectNames.TryParse(match.Groups[1].Value, out var dialect) ? dialect : null;
    }

    /// <summary>Scores dialect-specific signals in the text (outside nothing: a rough, cheap look) and returns the clear winner.</summary>
    public static SqlDialect? Detect(string text)
    {
        var sample = text.Length > DetectionWindow ? text[..DetectionWindow] : text;
        Span<int> scores = stackalloc int[4];
        scores[(int)SqlDialect.TSql] += 3 * GoLine().Count(sample) + BracketName().Count(sample) + NationalString().Count(sample)
            + 2 * TopClause().Count(sample) + 2 * TSqlWords().Count(sample);
        scores[(int)SqlDialect.MySql] += Backtick().Count(sample) + 3 * MySqlWords().Count(sample);
        scores[(int)SqlDialect.Postgres] += 2 * DollarQuote().Count(sample) + DoubleColonCast().Count(sample) + 3 * PostgresWords().Count(sample);
        scores[(int)SqlDialect.Sqlite] += 3 * SqliteWords().Count(sample);

        var best = -1;
        var bestScore = 0;
        var tie = false;
        for (var d = 0; d < scores.Length; d++)
        {
            if (scores[d] > bestScore) { best = d; bestScore = scores[d]; tie = false; }
            else if (scores[d] == bestScore && bestScore > 0) tie = true;
        }
        return best < 0 || tie ? null : (SqlDialect)best;
    }

    [GeneratedRegex(@"^--\s*dbagent:\s*dialect\s*=\s*([A-Za-z0-9_-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex FirstLinePattern();

    [GeneratedRegex(@"^[ \t]*GO[ \t]*\d*[ \t]*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"\[[A-Za-z_][A-Za-z0-9_ ]*\]\s*[.(,]|\.\[[A-Za-z_]")]
    private static partial Regex BracketName();

    [GeneratedRegex(@"(?<![A-Za-z0-9_])N'")]
    private static partial Regex NationalString();

    [GeneratedRegex(@"\bSELECT\s+(DISTINCT\s+)?TOP\s*\(?\s*\d", RegexOptions.IgnoreCase)]
    private static partial Regex TopClause();

    [GeneratedRegex(@"\b(NVARCHAR|IDENTITY\s*\(|SET\s+NOCOUNT|DATETIME2|UNIQUEIDENTIFIER|NONCLUSTERED|@@ROWCOUNT|GETDATE\s*\()", RegexOptions.IgnoreCase)]
    private static partial Regex TSqlWords();

    [GeneratedRegex(@"`[^`\r\n]+`")]
    private static partial Regex Backtick();

    [GeneratedRegex(@"\b(AUTO_INCREMENT|ENGINE\s*=|DEFAULT\s+CHARSET|UNSIGNED|ON\s+DUPLICATE\s+KEY)", RegexOptions.IgnoreCase)]
    private static partial Regex MySqlWords();

    [GeneratedRegex(@"\$[A-Za-z_]*\$")]
    private static partial Regex DollarQuote();

    [GeneratedRegex(@"[A-Za-z0-9_)'\]]::[A-Za-z_]")]
    private static partial Regex DoubleColonCast();

    [GeneratedRegex(@"\b(BIGSERIAL|SERIAL|CREATE\s+EXTENSION|JSONB|ILIKE|RETURNING|TIMESTAMPTZ|CONCURRENTLY)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresWords();

    [GeneratedRegex(@"\b(AUTOINCREMENT|PRAGMA|WITHOUT\s+ROWID)\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqliteWords();
}
