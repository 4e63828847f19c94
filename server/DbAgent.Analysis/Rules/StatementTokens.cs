using DbAgent.Sql.Lexing;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Rules;

/// <summary>The significant tokens of one statement, with their parenthesis depth, for shape checks over the token stream.</summary>
public readonly struct StatementTokens
{
    private readonly SqlScript _script;
    private readonly ParsedStatement _statement;

    public StatementTokens(SqlScript script, ParsedStatement statement)
    {
        _script = script;
        _statement = statement;
    }

    /// <summary>Significant tokens (no whitespace or comments) with the depth of parentheses they sit in.</summary>
    public IReadOnlyList<(Token Token, int Depth)> Significant()
    {
        var result = new List<(Token, int)>();
        var tokens = _script.Tokens;
        var depth = 0;
        var last = Math.Min(_statement.Slice.LastToken, tokens.Count - 1);
        for (var i = Math.Max(0, _statement.Slice.FirstToken); i <= last; i++)
        {
            var t = tokens[i];
            if (t.IsTrivia) continue;
            if (t.Kind == TokenKind.CloseParen) depth = Math.Max(0, depth - 1);
            result.Add((t, depth));
            if (t.Kind == TokenKind.OpenParen) depth++;
        }
        return result;
    }

    public bool IsWord(Token token, string word) => token.IsWord(_script.Text.Text, word);
}
