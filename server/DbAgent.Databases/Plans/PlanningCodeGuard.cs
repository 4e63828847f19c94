using DbAgent.Sql;
using DbAgent.Sql.Lexing;

namespace DbAgent.Databases.Plans;

/// <summary>
/// A statement DbAgent declines to explain because planning it could run user code: the engine would evaluate a
/// user-defined function while it plans (PostgreSQL folds IMMUTABLE and STABLE functions with constant arguments,
/// MySQL/MariaDB evaluate stored functions with constant arguments during EXPLAIN). Nothing was explained.
/// </summary>
public sealed class PlanningWouldRunCodeException(string message) : StatementNotExplainableException(message);

/// <summary>The names in a statement that could bring user code into planning: what is called, what is read, which operators.</summary>
public sealed record StatementNames(IReadOnlyList<string> Called, IReadOnlyList<string> Words, IReadOnlyList<string> Operators);

/// <summary>
/// "Analysis never changes a database" against functions that lie about their volatility: before EXPLAIN, the engine's
/// catalog is asked which user-defined functions the statement can reach (by name, through the views, defaults,
/// constraints and policies of the relations it names, and through user operators and casts), and a statement that
/// reaches one not known to be safe is declined with the functions named. The names are over-collected on purpose: a
/// word that might be a function or a relation is looked up, so a miss declines a statement rather than runs code.
/// </summary>
public static class PlanningCodeGuard
{
    public static StatementNames Names(string sql, SqlDialect dialect)
    {
        var tokens = SqlLexer.Lex(sql, dialect);
        var called = new HashSet<string>(StringComparer.Ordinal);
        var words = new HashSet<string>(StringComparer.Ordinal);
        var operators = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.Operator)
            {
                operators.Add(sql.Substring(t.Start, t.Length));
                continue;
            }
            if (t.Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier)) continue;
            var name = NameOf(sql.Substring(t.Start, t.Length), t.Kind, dialect);
            if (name.Length == 0) continue;
            words.Add(name);
            var next = i + 1;
            while (next < tokens.Count && tokens[next].Kind is TokenKind.Whitespace or TokenKind.LineComment or TokenKind.BlockComment) next++;
            if (next < tokens.Count && tokens[next].Kind == TokenKind.OpenParen) called.Add(name);
        }
        return new StatementNames(called.Order(StringComparer.Ordinal).ToList(), words.Order(StringComparer.Ordinal).ToList(), operators.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>An identifier as the catalog spells it: PostgreSQL folds unquoted names to lower case; quotes are removed.</summary>
    private static string NameOf(string text, TokenKind kind, SqlDialect dialect)
    {
        if (kind == TokenKind.Word) return dialect == SqlDialect.Postgres ? text.ToLowerInvariant() : text;
        if (text.Length < 2) return "";
        var (open, close) = (text[0], text[^1]);
        var inner = text[1..^1];
        return open switch
        {
            '"' => inner.Replace("\"\"", "\""),
            '`' => inner.Replace("``", "`"),
            '[' when close == ']' => inner.Replace("]]", "]"),
            _ => inner,
        };
    }

    public static string Describe(IReadOnlyList<string> functions, string engineWhy)
    {
        var shown = functions.Take(5).ToList();
        var list = string.Join(", ", shown) + (functions.Count > shown.Count ? $" and {functions.Count - shown.Count} more" : "");
        return $"Not explained: the statement reaches user-defined function{(functions.Count == 1 ? "" : "s")} {list}, which {engineWhy} " +
               "DbAgent does not let planning run code it cannot see is safe. Run EXPLAIN yourself if you trust the function.";
    }
}
