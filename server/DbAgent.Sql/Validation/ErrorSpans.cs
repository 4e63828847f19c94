using DbAgent.Sql.Lexing;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Validation;

/// <summary>Turns an engine's error position into a range worth underlining: the token there.</summary>
internal static class ErrorSpans
{
    /// <summary>
    /// The significant token at (or just after) the offset; at the end of the input, the last token, since "at end of
    /// input" means what came before is incomplete. An unterminated string is underlined on its first line only.
    /// </summary>
    public static TextSpan AtOffset(string text, IReadOnlyList<Token> tokens, int offset)
    {
        Token? chosen = null;
        foreach (var t in tokens)
        {
            if (t.IsTrivia) continue;
            if (t.End > offset) { chosen = t; break; }
        }
        if (chosen is null)
        {
            for (var i = tokens.Count - 1; i >= 0; i--)
                if (!tokens[i].IsTrivia) { chosen = tokens[i]; break; }
        }
        if (chosen is not { } token) return new TextSpan(Math.Min(offset, text.Length), 0);
        var start = token.Start;
        var end = token.End;
        var lineEnd = text.IndexOfAny(['\n', '\r'], start);
        if (lineEnd >= 0 && lineEnd < end) end = Math.Max(lineEnd, start + 1);
        return TextSpan.FromBounds(start, end);
    }
}
