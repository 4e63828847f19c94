using DbAgent.Sql.Lexing;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Completion;

/// <summary>The built-in function whose argument list holds a position, and which argument the position is in.</summary>
public sealed record SignatureAt(IReadOnlyList<BuiltinFunction> Overloads, int ActiveParameter);

/// <summary>Finds the call around a position from the statement's tokens (works while the call is still unclosed).</summary>
public static class SqlSignatures
{
    public static SignatureAt? At(IReadOnlyList<Token> tokens, string source, SqlDialect dialect, int offset, BuiltinCatalog? builtins = null) =>
        At(StatementScope.At(tokens, source, dialect, offset), dialect, offset, builtins);

    /// <summary>The call around a position in a document, reading only the statement there.</summary>
    public static SignatureAt? At(IReadOnlyList<Token> tokens, SourceText text, SqlDialect dialect, int offset, BuiltinCatalog? builtins = null) =>
        At(StatementScope.At(tokens, text, dialect, offset), dialect, offset, builtins);

    private static SignatureAt? At(StatementScope scope, SqlDialect dialect, int offset, BuiltinCatalog? builtins)
    {
        builtins ??= BuiltinCatalog.For(dialect);
        var t = scope.Tokens;
        // Walk back to each unclosed paren, innermost first; the first that follows a known function name wins.
        var depth = 0;
        var commas = 0;
        for (var i = t.Count - 1; i >= 0; i--)
        {
            if (t[i].Start >= offset) continue;
            switch (t[i].Kind)
            {
                case TokenKind.CloseParen:
                    depth++;
                    break;
                case TokenKind.OpenParen when depth > 0:
                    depth--;
                    break;
                case TokenKind.OpenParen:
                    if (i > 0 && t[i - 1].Kind == TokenKind.Word && builtins.Find(scope.Text(i - 1)) is { Count: > 0 } overloads)
                        return new SignatureAt(overloads, commas);
                    commas = 0; // an inner group that is no call (a subquery, a tuple): look further out
                    break;
                case TokenKind.Comma when depth == 0:
                    commas++;
                    break;
                case TokenKind.Word when depth == 0 && scope.Is(i, "SELECT"):
                    return null;
            }
        }
        return null;
    }
}
