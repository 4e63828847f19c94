using System.Text.RegularExpressions;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>
/// <c>-- dbagent-ignore rule-id[, rule-id]</c> on its own line before a statement, or at the end of the statement's
/// last line, silences those rules for that statement. Without ids it silences every rule for the statement.
/// </summary>
public sealed partial class InlineSuppression
{
    private readonly HashSet<string> _ids;
    private readonly bool _all;

    private InlineSuppression(HashSet<string> ids, bool all)
    {
        _ids = ids;
        _all = all;
    }

    public static InlineSuppression None { get; } = new(new HashSet<string>(StringComparer.OrdinalIgnoreCase), false);

    public bool IsEmpty => !_all && _ids.Count == 0;

    public bool Suppresses(string ruleId) => _all || _ids.Contains(ruleId);

    /// <summary>The suppressions that apply to one statement.</summary>
    public static InlineSuppression For(SqlScript script, ParsedStatement statement)
    {
        var text = script.Text;
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var all = false;
        foreach (var comment in script.CommentsAround(statement))
        {
            // A comment before the statement counts only on a line of its own: a comment after the previous
            // statement on the same line belongs to that statement.
            if (comment.End <= statement.Span.Start && !StartsItsLine(text, comment)) continue;
            var body = text.ToString(comment.Span);
            foreach (Match match in Directive().Matches(body))
            {
                var list = match.Groups["ids"];
                if (!list.Success || list.Value.Trim().Length == 0)
                {
                    all = true;
                    continue;
                }
                foreach (var id in list.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    ids.Add(id);
            }
        }
        return ids.Count == 0 && !all ? None : new InlineSuppression(ids, all);
    }

    private static bool StartsItsLine(SourceText text, Token comment)
    {
        for (var i = comment.Start - 1; i >= 0; i--)
        {
            var c = text[i];
            if (c is '\n' or '\r') return true;
            if (!char.IsWhiteSpace(c)) return false;
        }
        return true;
    }

    [GeneratedRegex(@"dbagent-ignore(?![\w-])(?<ids>[ \t]+[a-z0-9][a-z0-9-]*(?:[ \t]*,[ \t]*[a-z0-9][a-z0-9-]*)*)?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();
}
