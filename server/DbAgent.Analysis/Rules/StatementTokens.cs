using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Rules;

/// <summary>The significant tokens of one statement, with their parenthesis depth, for shape checks over the token stream.</summary>
public readonly struct StatementTokens
{
    private readonly SqlScript _script;
    private readonly ParsedStatement _statement;
    private readonly IReadOnlyList<(Token Token, int Depth)>? _significant;

    public StatementTokens(SqlScript script, ParsedStatement statement)
        : this(script, statement, null)
    {
    }

    /// <param name="significant">The statement's significant tokens when already listed (see <see cref="LintContext"/>).</param>
    internal StatementTokens(SqlScript script, ParsedStatement statement, IReadOnlyList<(Token Token, int Depth)>? significant)
    {
        _script = script;
        _statement = statement;
        _significant = significant;
    }

    /// <summary>Significant tokens (no whitespace or comments) with the depth of parentheses they sit in.</summary>
    public IReadOnlyList<(Token Token, int Depth)> Significant() => _significant ?? List(_script, _statement);

    /// <summary>The list <see cref="Significant"/> returns, built anew.</summary>
    internal static IReadOnlyList<(Token Token, int Depth)> List(SqlScript script, ParsedStatement statement)
    {
        var tokens = script.Tokens;
        var depth = 0;
        var first = Math.Max(0, statement.Slice.FirstToken);
        var last = Math.Min(statement.Slice.LastToken, tokens.Count - 1);
        var result = new List<(Token, int)>(Math.Max(0, last - first + 1));
        for (var i = first; i <= last; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia) continue;
            if (t.Kind == TokenKind.CloseParen) depth = Math.Max(0, depth - 1);
            result.Add((t, depth));
            if (t.Kind == TokenKind.OpenParen) depth++;
        }
        return result;
    }

    public bool IsWord(Token token, string word) => token.IsWord(_script.Text, word);

    /// <summary>The token's text as written.</summary>
    public string Text(Token token) => _script.Text.ToString(token.Span);

    /// <summary>The index in <paramref name="significant"/> of the first <paramref name="word"/> at or after <paramref name="from"/> (at top level when <paramref name="topLevel"/>), or -1.</summary>
    public int Find(IReadOnlyList<(Token Token, int Depth)> significant, string word, int from = 0, bool topLevel = true)
    {
        for (var i = Math.Max(0, from); i < significant.Count; i++)
            if ((!topLevel || significant[i].Depth == 0) && IsWord(significant[i].Token, word)) return i;
        return -1;
    }

    /// <summary>True when the words follow each other (ignoring trivia) starting at <paramref name="at"/>.</summary>
    public bool Sequence(IReadOnlyList<(Token Token, int Depth)> significant, int at, params string[] words)
    {
        if (at < 0 || at + words.Length > significant.Count) return false;
        for (var k = 0; k < words.Length; k++)
            if (!IsWord(significant[at + k].Token, words[k])) return false;
        return true;
    }
}
