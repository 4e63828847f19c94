using System.Text.RegularExpressions;
using DbAgent.Sql;

namespace DbAgent.Server.Documents;

/// <summary>
/// A document's dialect, first to last: a `-- dbagent: dialect=NAME` comment on the first line, the resource-scoped
/// `dbagent.dialect` setting, what the content shows (GO batches, backticks, dollar quotes), PostgreSQL.
/// </summary>
public static partial class DialectSelector
{
    public static (SqlDialect Dialect, DialectSource Source) Select(string text, SqlDialect? configured)
    {
        if (FromComment(text) is { } fromComment) return (fromComment, DialectSource.Comment);
        if (configured is { } setting) return (setting, DialectSource.Setting);
        if (FromContent(text) is { } detected) return (detected, DialectSource.Content);
        return (SqlDialect.Postgres, DialectSource.Default);
    }

    public static SqlDialect? FromComment(string text)
    {
        var head = text.AsSpan(0, Math.Min(text.Length, 512));
        var newline = head.IndexOfAny('\r', '\n');
        var firstLine = (newline < 0 ? head : head[..newline]).ToString();
        var match = DialectComment().Match(firstLine);
        return match.Success && SqlDialectNames.TryParse(match.Groups[1].Value, out var d) ? d : null;
    }

    /// <summary>Only signs that one dialect alone gives; anything ambiguous says nothing.</summary>
    public static SqlDialect? FromContent(string text)
    {
        // Look at the head only: detection must stay cheap on a 20 MB file.
        var sample = text.Length > 64 * 1024 ? text[..(64 * 1024)] : text;
        if (GoLine().IsMatch(sample)) return SqlDialect.TSql;
        if (sample.Contains("$$", StringComparison.Ordinal) || PostgresCast().IsMatch(sample)) return SqlDialect.Postgres;
        if (sample.Contains('`') || MySqlSigns().IsMatch(sample)) return SqlDialect.MySql;
        if (TSqlSigns().IsMatch(sample)) return SqlDialect.TSql;
        if (SqliteSigns().IsMatch(sample)) return SqlDialect.Sqlite;
        return null;
    }

    [GeneratedRegex(@"^\s*--\s*dbagent\s*:\s*dialect\s*=\s*([A-Za-z0-9_-]+)", RegexOptions.IgnoreCase)]
    private static partial Regex DialectComment();

    [GeneratedRegex(@"^[ \t]*GO[ \t]*(\d+)?[ \t]*\r?$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex GoLine();

    [GeneratedRegex(@"::\s*[a-z]", RegexOptions.IgnoreCase)]
    private static partial Regex PostgresCast();

    [GeneratedRegex(@"\bENGINE\s*=\s*InnoDB\b|\bAUTO_INCREMENT\b|^\s*DELIMITER\s", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
    private static partial Regex MySqlSigns();

    [GeneratedRegex(@"\bIDENTITY\s*\(\s*\d+\s*,\s*\d+\s*\)|\bNVARCHAR\s*\(\s*MAX\s*\)|\[dbo\]\.", RegexOptions.IgnoreCase)]
    private static partial Regex TSqlSigns();

    [GeneratedRegex(@"\bAUTOINCREMENT\b|\bPRAGMA\s|\bWITHOUT\s+ROWID\b", RegexOptions.IgnoreCase)]
    private static partial Regex SqliteSigns();
}
