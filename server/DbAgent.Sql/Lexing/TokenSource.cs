using System.Runtime.InteropServices;

namespace DbAgent.Sql.Lexing;

/// <summary>
/// Token access that the hot loops (splitter, parser, lexical checks) are specialised on: a span when the tokens are
/// held in one piece (a whole parse), any list otherwise (the pieces of an edited document). Generic code over these
/// structs is compiled once per kind, with the indexer inlined rather than called through an interface.
/// </summary>
internal interface ITokenSource
{
    int Count { get; }
    Token this[int index] { get; }
    /// <summary>The kind alone: what loops that skip most tokens read, without copying the token.</summary>
    TokenKind KindAt(int index);
}

internal readonly ref struct SpanTokens(ReadOnlySpan<Token> tokens) : ITokenSource
{
    private readonly ReadOnlySpan<Token> _tokens = tokens;
    public int Count => _tokens.Length;
    public Token this[int index] => _tokens[index];
    public TokenKind KindAt(int index) => _tokens[index].Kind;
}

internal readonly struct ListTokens(IReadOnlyList<Token> tokens) : ITokenSource
{
    public int Count => tokens.Count;
    public Token this[int index] => tokens[index];
    public TokenKind KindAt(int index) => tokens[index].Kind;
}

internal static class TokenSource
{
    /// <summary>The tokens as one span when they are held in one piece.</summary>
    public static bool TryGetSpan(IReadOnlyList<Token> tokens, out ReadOnlySpan<Token> span)
    {
        switch (tokens)
        {
            case TokenList { Single: { } single }:
                span = single;
                return true;
            case List<Token> list:
                span = CollectionsMarshal.AsSpan(list);
                return true;
            default:
                span = default;
                return false;
        }
    }
}
