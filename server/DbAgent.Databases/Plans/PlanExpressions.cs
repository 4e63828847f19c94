using System.Text.RegularExpressions;

namespace DbAgent.Databases.Plans;

/// <summary>Picks the column names out of a condition as an engine prints it ("(o.status = 'paid'::text)").</summary>
public static partial class PlanExpressions
{
    // A literal, a cast's type, or a dotted name whose parts may be quoted ("x", `x`, [x]), optionally followed by '('.
    [GeneratedRegex(@"'(?:[^']|'')*'|::\s*[A-Za-z_][\w ]*(?:\([^)]*\))?(?:\[\])?|(?:[A-Za-z_][\w$]*|""(?:[^""]|"""")*""|`[^`]*`|\[[^\]]*\])(?:\s*\.\s*(?:[A-Za-z_][\w$]*|""[^""]*""|`[^`]*`|\[[^\]]*\]))*\s*\(?")]
    private static partial Regex Pieces();

    private static readonly HashSet<string> Words = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "not", "is", "null", "true", "false", "in", "like", "ilike", "between", "any", "all", "some", "case", "when",
        "then", "else", "end", "exists", "as", "asc", "desc", "nulls", "first", "last", "escape", "similar", "to", "collate",
        "interval", "date", "timestamp", "time", "array", "row", "distinct", "from", "select", "where", "cast", "with", "zone",
        "at", "using", "sorted", "subplan", "initplan", "returns", "hashed", "scalaroperator", "expr", "unknown",
    };

    private static List<string> SplitParts(string dotted)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < dotted.Length; i++)
        {
            var ch = dotted[i];
            var close = ch switch { '"' => '"', '`' => '`', '[' => ']', _ => '\0' };
            if (close != '\0')
            {
                var end = dotted.IndexOf(close, i + 1);
                i = end < 0 ? dotted.Length - 1 : end;
            }
            else if (ch == '.')
            {
                parts.Add(dotted[start..i].Trim());
                start = i + 1;
            }
        }
        parts.Add(dotted[start..].Trim());
        return parts;
    }

    /// <summary>Column names (last part of a dotted name), distinct, in order of appearance.</summary>
    public static IReadOnlyList<string> Columns(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return [];
        var result = new List<string>();
        foreach (Match m in Pieces().Matches(expression))
        {
            var piece = m.Value;
            if (piece[0] is '\'' or ':')
                continue; // a literal or a cast's type name
            if (piece.TrimEnd().EndsWith('('))
                continue; // a function name
            var parts = SplitParts(piece.Trim());
            var last = parts[^1];
            var quoted = last.Length > 0 && last[0] is '"' or '`' or '[';
            var name = quoted ? last[1..^1] : last;
            if (!quoted && parts.Count == 1 && (Words.Contains(name) || name.Length > 0 && char.IsDigit(name[0])))
                continue;
            if (name.StartsWith('$') || name.Length == 0 || name.StartsWith("Expr", StringComparison.Ordinal) && name[4..].All(char.IsDigit))
                continue;
            if (!result.Contains(name, StringComparer.OrdinalIgnoreCase))
                result.Add(name);
        }
        return result;
    }
}
