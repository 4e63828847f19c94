using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;

namespace DbAgent.Databases.Plans;

/// <summary>A statement DbAgent will not send for a plan (DDL, TRUNCATE, several statements). Nothing was sent.</summary>
public class StatementNotExplainableException(string message) : Exception(message);

/// <summary>A statement cleared for EXPLAIN: exactly one, of a kind that has a plan.</summary>
public sealed record ExplainableStatement(string Sql, StatementKind Kind, bool IsReadOnly, int ParameterCount, IReadOnlyList<string> ParameterNames);

/// <summary>
/// The first line of "analysis never changes a database": only one statement of a kind that has a plan is ever
/// sent, and ANALYZE is allowed only for statements the semantic model sees as read-only. The read-only
/// transaction each engine opens around EXPLAIN is the second line.
/// </summary>
public static class ExplainGuard
{
    private static readonly HashSet<StatementKind> Explainable =
        [StatementKind.Select, StatementKind.Insert, StatementKind.Update, StatementKind.Delete, StatementKind.Merge];

    private static readonly string[] WritingWords =
        ["INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "DROP", "ALTER", "CREATE", "GRANT", "REVOKE", "INTO", "CALL", "EXEC", "EXECUTE", "COPY", "LOCK", "NEXTVAL", "SETVAL"];

    public static ExplainableStatement Check(string sql, SqlDialect dialect)
    {
        var script = SqlScript.Parse(sql ?? "", dialect);
        var statements = script.Statements.Where(s => s.Model.Kind != StatementKind.Unknown || !string.IsNullOrWhiteSpace(sql![s.Span.Start..s.Span.End])).ToList();
        if (statements.Count == 0)
            throw new StatementNotExplainableException("There is no statement to explain.");
        if (statements.Count > 1)
            throw new StatementNotExplainableException("Only one statement at a time can be explained.");
        var statement = statements[0];
        var model = statement.Model;
        if (!Explainable.Contains(model.Kind))
            throw new StatementNotExplainableException($"{Describe(model.Kind)} statements have no query plan; DbAgent never runs them.");
        var text = sql![model.Span.Start..model.Span.End].Trim().TrimEnd(';').TrimEnd();

        var parameters = script.Tokens.Where(t => t.Kind == Sql.Lexing.TokenKind.Parameter && t.Start >= model.Span.Start && t.End <= model.Span.End)
            .Select(t => sql.Substring(t.Start, t.Length)).ToList();
        var positional = parameters.Where(p => p.Length > 1 && p[0] == '$' && p[1..].All(char.IsAsciiDigit)).Select(p => int.Parse(p[1..])).DefaultIfEmpty(0).Max();
        // Read-only for ANALYZE means: a SELECT the model understood, writing nothing, with no data-changing keyword
        // anywhere in it (a DELETE inside a WITH, SELECT ... INTO, FOR UPDATE locks).
        var words = script.Tokens.Where(t => t.Kind == Sql.Lexing.TokenKind.Word && t.Start >= model.Span.Start && t.End <= model.Span.End)
            .Select(t => sql.Substring(t.Start, t.Length)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var readOnly = model.Kind == StatementKind.Select && !model.IsOpaque && !model.Targets.Any() && !words.Overlaps(WritingWords) &&
                       !ContainsWord(text, "FOR UPDATE") && !ContainsWord(text, "FOR SHARE");
        return new ExplainableStatement(text, model.Kind, readOnly, positional, parameters.Distinct().ToList());
    }

    private static bool ContainsWord(string text, string words) =>
        System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{words.Replace(" ", @"\s+")}\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static string Describe(StatementKind kind) => kind switch
    {
        StatementKind.Unknown or StatementKind.Other => "Such",
        StatementKind.Truncate => "TRUNCATE",
        StatementKind.DropTable => "DROP TABLE",
        _ => System.Text.RegularExpressions.Regex.Replace(kind.ToString(), "(?<=[a-z])(?=[A-Z])", " ").ToUpperInvariant(),
    };
}
