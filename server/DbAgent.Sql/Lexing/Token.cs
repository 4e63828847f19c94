using System.Runtime.InteropServices;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>A token's kind. The three trivia kinds come first: hot loops skip trivia with one compare.</summary>
public enum TokenKind : byte
{
    Whitespace,
    LineComment,
    BlockComment,
    /// <summary>A bare word: keyword or identifier (the parser decides which).</summary>
    Word,
    /// <summary>"name" (not MySQL), `name` (MySQL, SQLite), [name] (T-SQL, SQLite).</summary>
    QuotedIdentifier,
    /// <summary>'text', E'text', N'text', X'..', B'..', U&amp;'..', $tag$ text $tag$, and MySQL "text".</summary>
    String,
    Number,
    /// <summary>$1, ?, ?1, :name, @name, $name (SQLite), and T-SQL @variables / @@globals.</summary>
    Parameter,
    Operator,
    Comma,
    Semicolon,
    OpenParen,
    CloseParen,
    OpenBracket,
    CloseBracket,
    Dot,
    /// <summary>T-SQL batch separator: a line holding only GO (and an optional count).</summary>
    BatchSeparator,
    /// <summary>A psql meta-command line (\set, \i, \gset ...).</summary>
    MetaCommand,
    /// <summary>A MySQL client DELIMITER line; the new delimiter follows the keyword.</summary>
    DelimiterCommand,
    /// <summary>The statement delimiter set by DELIMITER (when it is not ';').</summary>
    CustomDelimiter,
    /// <summary>A character no dialect gives meaning to (binary garbage lands here, one run per token).</summary>
    Unknown,
}

[Flags]
public enum TokenFlags : byte
{
    None = 0,
    /// <summary>A string, quoted identifier or comment that runs to the end of the input.</summary>
    Unterminated = 1,
    /// <summary>A string with backslash escapes (PostgreSQL E'...', MySQL strings).</summary>
    BackslashEscapes = 2,
    /// <summary>A dollar-quoted string ($$...$$ or $tag$...$tag$).</summary>
    DollarQuoted = 4,
    /// <summary>National (N'...'), binary (X'..', B'..') or Unicode (U&amp;'..') prefix.</summary>
    Prefixed = 8,
}

/// <summary>One token: a kind and a span into the source text; text is read from the source on demand.</summary>
/// <remarks>The explicit layout puts the two bytes and the keyword after the two ints: twelve bytes rather than
/// sixteen, and a document holds about one token per four characters.</remarks>
[StructLayout(LayoutKind.Explicit)]
public readonly record struct Token(
    [field: FieldOffset(8)] TokenKind Kind,
    [field: FieldOffset(0)] int Start,
    [field: FieldOffset(4)] int Length,
    [field: FieldOffset(9)] TokenFlags Flags = TokenFlags.None)
{
    /// <summary>
    /// For a word, the keyword it spells (any case), else <see cref="Kw.None"/>. The lexer looks it up while the word's
    /// text is at hand, so the splitter and the parser compare numbers and never read the text of a word again.
    /// </summary>
    [field: FieldOffset(10)]
    internal Kw Keyword { get; init; }

    public TextSpan Span => new(Start, Length);
    public int End => Start + Length;

    public bool IsTrivia => Kind is TokenKind.Whitespace or TokenKind.LineComment or TokenKind.BlockComment;
    public bool IsComment => Kind is TokenKind.LineComment or TokenKind.BlockComment;
    public bool IsUnterminated => (Flags & TokenFlags.Unterminated) != 0;

    public bool IsWord(SourceText source, string word) =>
        Kind == TokenKind.Word && source.Slice(Span).Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsWord(string source, string word) =>
        Kind == TokenKind.Word && source.AsSpan(Start, Length).Equals(word, StringComparison.OrdinalIgnoreCase);
}
