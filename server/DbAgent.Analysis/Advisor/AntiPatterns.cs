using DbAgent.Sql;
using DbAgent.Sql.Lexing;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Advisor;

/// <summary>A query shape that is slow or wrong more often than not, where it is and what to do instead.</summary>
public sealed record AntiPattern(string Id, string Title, TextSpan Span, string Why, string Fix);

/// <summary>Finds anti-patterns in one statement from its semantic model (and, for the select list, its tokens).</summary>
public static class AntiPatterns
{
    public static IReadOnlyList<AntiPattern> Find(SqlScript script, ParsedStatement statement)
    {
        var model = statement.Model;
        var found = new List<AntiPattern>();
        var dialect = script.Dialect;

        if (model.Kind == StatementKind.Select && FindSelectStar(script, statement) is { } star)
            found.Add(new AntiPattern("select-star", "SELECT *", star,
                "It reads and sends every column, including wide ones the caller ignores; it prevents index-only scans; and it silently changes shape when a column is added.",
                "List the columns the caller uses."));

        foreach (var p in model.Predicates)
        {
            var column = p.Column?.Name ?? "the column";
            switch (p.Kind)
            {
                case PredicateKind.LikeInfix:
                    found.Add(new AntiPattern("leading-wildcard-like", $"LIKE with a leading wildcard on `{column}`", p.Span,
                        "A pattern that starts with `%` cannot use a B-tree index: every row is read and matched.",
                        dialect switch
                        {
                            SqlDialect.Postgres => "Anchor the pattern (`'abc%'`), or add a trigram index (`pg_trgm`, GIN with `gin_trgm_ops`), or use full-text search.",
                            SqlDialect.MySql => "Anchor the pattern (`'abc%'`), or use a FULLTEXT index with `MATCH ... AGAINST`.",
                            SqlDialect.TSql => "Anchor the pattern (`'abc%'`), or use a full-text index with `CONTAINS`.",
                            _ => "Anchor the pattern (`'abc%'`), or use an FTS5 table with `MATCH`.",
                        }));
                    break;
                case PredicateKind.FunctionWrapped:
                    found.Add(new AntiPattern("function-on-column", $"`{column}` wrapped in `{p.Function ?? "a function"}`", p.Span,
                        "A function or cast around a column hides it from its index (the predicate is not sargable): the engine computes it for every row.",
                        "Compare the bare column with a transformed value (e.g. `created_at >= '2024-01-01' AND created_at < '2024-01-02'` instead of `date(created_at) = '2024-01-01'`), or index the expression."));
                    break;
                case PredicateKind.NotEqual:
                    found.Add(new AntiPattern("not-equal-filter", $"`<>` on `{column}`", p.Span,
                        "A not-equal filter matches most rows; no index can narrow it.",
                        "Filter on what you want rather than what you do not, or accept the scan when the other predicates are selective."));
                    break;
                case PredicateKind.InSubquery or PredicateKind.Other when IsNotInSubquery(script, p):
                    found.Add(new AntiPattern("not-in-subquery", $"`NOT IN (subquery)` on `{column}`", p.Span,
                        "If the subquery returns a single NULL, `NOT IN` is never true and the query returns no rows; it also often plans worse than an anti-join.",
                        "Use `NOT EXISTS (SELECT 1 FROM ... WHERE ... = outer.column)`, which is NULL-safe and plans as an anti-join."));
                    break;
            }
        }

        foreach (var group in model.Predicates.Where(p => p.OrGroup is not null && p.Column is not null).GroupBy(p => p.OrGroup!.Value))
        {
            var columns = group.Select(p => p.Column!.Name).Distinct(NameComparer.Instance).ToList();
            if (columns.Count < 2) continue;
            var span = TextSpan.FromBounds(group.Min(p => p.Span.Start), group.Max(p => p.Span.End));
            found.Add(new AntiPattern("or-across-columns", $"OR across `{string.Join("`, `", columns)}`", span,
                "An OR over different columns cannot use one composite index; engines often fall back to a full scan.",
                "Index each column and let the engine combine them (BitmapOr / index merge), or rewrite as a `UNION ALL` of one query per branch."));
        }

        if (model.Kind == StatementKind.Select && model.OrderBy.Count > 0 && model.Limit is null && !model.HasWhere)
            found.Add(new AntiPattern("unbounded-ordered-read", "ORDER BY without LIMIT over a whole table", model.OrderBy[0].Span,
                "Sorting every row of a large table costs memory and time (a sort that spills to disk), and the client receives everything.",
                "Add a `LIMIT`/`TOP`/`FETCH FIRST` and paginate; index the ORDER BY columns so the engine reads rows in order."));
        else if (model.Kind == StatementKind.Select && model.OrderBy.Count > 0 && model.Limit is null)
            found.Add(new AntiPattern("ordered-read-without-limit", "ORDER BY without LIMIT", model.OrderBy[0].Span,
                "If the filter matches many rows, all of them are sorted and sent.",
                "Add a `LIMIT` and paginate when the result can be large."));

        if (model.Limit is { Offset: > 1000 } limit)
            found.Add(new AntiPattern("large-offset", $"OFFSET {limit.Offset}", limit.Span,
                "The engine still reads and throws away every skipped row: pages get slower the deeper they go.",
                "Use keyset pagination: `WHERE (sort_key, id) > (:last_key, :last_id) ORDER BY sort_key, id LIMIT n`."));

        if (model.Kind is StatementKind.Update or StatementKind.Delete && !model.HasWhere)
            found.Add(new AntiPattern(model.Kind == StatementKind.Update ? "update-without-where" : "delete-without-where",
                $"{model.Kind.ToString().ToUpperInvariant()} without WHERE", model.KeywordSpan,
                "It changes every row of the table.",
                "Add the WHERE clause you mean; if every row is intended, say so with `WHERE true` (or TRUNCATE for a delete) and a `-- dbagent-ignore` comment."));

        var joins = model.Relations.Count(r => r.Role == RelationRole.Read && !r.IsCommonTableExpression);
        if (model.Kind == StatementKind.Select && joins >= 2 && !model.Predicates.Any(p => p.Kind == PredicateKind.Join) && !model.IsOpaque && model.Predicates.Count > 0)
            found.Add(new AntiPattern("missing-join-condition", "Relations without a join condition", model.KeywordSpan,
                "Several relations are read but no predicate joins them: a cross join multiplies the row counts.",
                "Join them with `JOIN ... ON` on their keys."));
        return found;
    }

    /// <summary>`col NOT IN (SELECT ...)`: the NULL trap (a literal list the user wrote is left alone).</summary>
    private static bool IsNotInSubquery(SqlScript script, Predicate p) =>
        p.Operator is { } op && op.Equals("NOT IN", StringComparison.OrdinalIgnoreCase)
        && p.Span.End <= script.Text.Length
        && script.Text.ToString(p.Span).Contains("SELECT", StringComparison.OrdinalIgnoreCase);

    /// <summary>A top-level `*` (or `t.*`) in the select list; `count(*)` and products are not it.</summary>
    public static TextSpan? FindSelectStar(SqlScript script, ParsedStatement statement)
    {
        var text = script.Text;
        var tokens = script.Tokens;
        var depth = 0;
        Token? previous = null;
        for (var i = statement.Slice.FirstToken; i <= statement.Slice.LastToken && i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia) continue;
            if (t.Kind == TokenKind.OpenParen) depth++;
            else if (t.Kind == TokenKind.CloseParen) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && t.Kind == TokenKind.Operator && t.Length == 1 && text[t.Start] == '*' && previous is { } p)
            {
                if (p.IsWord(text, "SELECT") || p.IsWord(text, "DISTINCT") || p.IsWord(text, "ALL") || p.Kind is TokenKind.Comma or TokenKind.Dot)
                    return t.Span;
            }
            else if (depth == 0 && t.IsWord(text, "FROM")) return null;
            previous = t;
        }
        return null;
    }
}
