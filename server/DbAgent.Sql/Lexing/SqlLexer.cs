using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>
/// A dialect-aware SQL lexer. Never throws: every character of the input belongs to exactly one token, unterminated
/// strings and comments run to the end and are flagged, and bytes no dialect knows become <see cref="TokenKind.Unknown"/>.
/// Linear in the input; script conventions (psql meta-commands, T-SQL GO, MySQL DELIMITER) are tokens of their own.
/// </summary>
/// <remarks>
/// Built for throughput (it runs on every keystroke's re-parse and over whole corpora): the first character of a token
/// picks its branch through a per-dialect table of ASCII classes, so dialect rules cost nothing per character; runs
/// (words, whitespace) are scanned through a table of character flags; comment and quoted bodies are searched with the
/// vectorised <see cref="MemoryExtensions.IndexOfAny{T}(ReadOnlySpan{T}, T, T)"/>; tokens are written straight into
/// the output list's array. Real SQL averages about four characters per token, so per-token overhead is what counts.
/// </remarks>
public static class SqlLexer
{
    public static IReadOnlyList<Token> Lex(SourceText text, SqlDialect dialect) => Lex(text.Text, dialect);

    public static List<Token> Lex(string text, SqlDialect dialect)
    {
        // Sized for one token per three characters (real SQL has one per four or five), so that the array is written
        // once and rarely regrown; the slack is a few bytes per line of the document.
        var tokens = new List<Token>(text.Length / 3 + 16);
        Scan(text, dialect, 0, true, tokens, int.MaxValue, null);
        return tokens;
    }

    /// <summary>
    /// Lexes from <paramref name="start"/> (a token boundary whose state is given: at the start of a line or not, no
    /// custom delimiter) into <paramref name="output"/>, and stops as soon as, at or after <paramref name="resyncFrom"/>,
    /// <paramref name="canResync"/> says the old tokens from that position on are the same. Returns the position
    /// where it stopped (the input's length when it ran to the end). Lexing is deterministic from a token boundary
    /// and its state, which is what makes this safe. <paramref name="canResync"/> must not throw.
    /// </summary>
    internal static int LexFrom(string text, SqlDialect dialect, int start, bool atLineStart, List<Token> output, int resyncFrom, Func<int, bool, bool> canResync) =>
        Scan(text, dialect, start, atLineStart, output, resyncFrom, canResync);

    /// <summary>The lexer's state at a token boundary: true after a whitespace token that holds a line feed.</summary>
    internal static bool AtLineStartAfter(string text, in Token previous) =>
        previous.Kind == TokenKind.Whitespace && text.AsSpan(previous.Start, previous.Length).Contains('\n');

    /// <summary>How a token that starts with a given ASCII character is lexed, per dialect (see <see cref="Leads"/>).</summary>
    private enum Lead : byte
    {
        Unknown,
        Whitespace,
        Word,
        /// <summary>A letter that may prefix a string: E'..' U&amp;'..' (PostgreSQL), N'..' X'..' B'..' (all).</summary>
        PrefixLetter,
        Digit,
        Dot,
        OpenParen,
        CloseParen,
        OpenBracket,
        CloseBracket,
        Comma,
        Semicolon,
        SingleQuote,
        DoubleQuote,
        /// <summary>`name` (MySQL, SQLite).</summary>
        Backtick,
        /// <summary>[name] (T-SQL, SQLite).</summary>
        BracketIdentifier,
        Minus,
        Slash,
        /// <summary># line comment (MySQL).</summary>
        HashComment,
        /// <summary>#temp table name (T-SQL).</summary>
        HashWord,
        /// <summary>psql meta-command (PostgreSQL).</summary>
        Backslash,
        Dollar,
        Question,
        Colon,
        /// <summary>@name, @@name (T-SQL, SQLite, MySQL); an operator character in PostgreSQL.</summary>
        At,
        Operator,
    }

    /// <summary>Character flags for ASCII; everything above 127 is decided by <see cref="char.IsLetter(char)"/>.</summary>
    private const byte IdentStart = 1, IdentPart = 2, DollarPart = 4, HashPart = 8, OperatorChar = 16, KnownStart = 32, Space = 64;

    private static readonly byte[] CharFlags = BuildCharFlags();

    /// <summary>Four tables of 128 <see cref="Lead"/>s, one per <see cref="SqlDialect"/> in enum order.</summary>
    private static readonly byte[] Leads = BuildLeads();

    private static byte[] BuildCharFlags()
    {
        var flags = new byte[128];
        for (var c = 0; c < 128; c++)
        {
            var ch = (char)c;
            byte f = 0;
            if (char.IsAsciiLetter(ch) || ch == '_') f |= IdentStart | IdentPart | KnownStart;
            if (char.IsAsciiDigit(ch)) f |= IdentPart | KnownStart;
            if (ch == '$') f |= DollarPart;
            if (ch == '#') f |= HashPart;
            if ("+-*/<>=~!@#%^&|?:".Contains(ch)) f |= OperatorChar | KnownStart;
            // Where a run of unknown characters stops: at anything another token can start with. \f and \v are
            // whitespace tokens when they lead, but do not end an unknown run (kept as it always was).
            if (" \t\r\n'\"(),;.[]`$@?:".Contains(ch)) f |= KnownStart;
            if (" \t\r\n\f\v".Contains(ch)) f |= Space;
            flags[c] = f;
        }
        return flags;
    }

    private static byte[] BuildLeads()
    {
        var leads = new byte[4 * 128];
        foreach (var dialect in Enum.GetValues<SqlDialect>())
        {
            var table = leads.AsSpan((int)dialect * 128, 128);
            for (var c = 0; c < 128; c++)
            {
                var ch = (char)c;
                table[c] = (byte)(ch switch
                {
                    ' ' or '\t' or '\r' or '\n' or '\f' or '\v' => Lead.Whitespace,
                    'N' or 'n' or 'X' or 'x' or 'B' or 'b' => Lead.PrefixLetter,
                    'E' or 'e' or 'U' or 'u' when dialect == SqlDialect.Postgres => Lead.PrefixLetter,
                    _ when char.IsAsciiLetter(ch) || ch == '_' => Lead.Word,
                    _ when char.IsAsciiDigit(ch) => Lead.Digit,
                    '.' => Lead.Dot,
                    '(' => Lead.OpenParen,
                    ')' => Lead.CloseParen,
                    '[' when dialect is SqlDialect.TSql or SqlDialect.Sqlite => Lead.BracketIdentifier,
                    '[' => Lead.OpenBracket,
                    ']' => Lead.CloseBracket,
                    ',' => Lead.Comma,
                    ';' => Lead.Semicolon,
                    '\'' => Lead.SingleQuote,
                    '"' => Lead.DoubleQuote,
                    '`' when dialect is SqlDialect.MySql or SqlDialect.Sqlite => Lead.Backtick,
                    '-' => Lead.Minus,
                    '/' => Lead.Slash,
                    '#' when dialect == SqlDialect.MySql => Lead.HashComment,
                    '#' when dialect == SqlDialect.TSql => Lead.HashWord,
                    '\\' when dialect == SqlDialect.Postgres => Lead.Backslash,
                    '$' => Lead.Dollar,
                    '?' => Lead.Question,
                    ':' => Lead.Colon,
                    '@' when dialect != SqlDialect.Postgres => Lead.At,
                    _ when (CharFlags[c] & OperatorChar) != 0 => Lead.Operator,
                    _ => Lead.Unknown,
                });
            }
        }
        return leads;
    }

    // Optimised from the first call: the loop runs long, and the tiered JIT would otherwise run it as unoptimised
    // and then on-stack-replaced code for many calls before the fully optimised version takes over.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Scan(string text, SqlDialect dialect, int start, bool atLineStart, List<Token> output, int resyncFrom, Func<int, bool, bool>? canResync)
    {
        ReadOnlySpan<char> s = text;
        var leads = Leads.AsSpan((int)dialect * 128, 128);
        var flags = CharFlags;
        var postgres = dialect == SqlDialect.Postgres;
        var mysql = dialect == SqlDialect.MySql;
        // '$' continues a word in PostgreSQL and MySQL, '#' in T-SQL.
        var partMask = (byte)(IdentPart | (dialect is SqlDialect.Postgres or SqlDialect.MySql ? DollarPart : 0) | (dialect == SqlDialect.TSql ? HashPart : 0));
        // The letter of a line-start script command: GO (T-SQL), DELIMITER (MySQL); compared with c | 0x20.
        var scriptLetter = dialect switch { SqlDialect.TSql => 'g', SqlDialect.MySql => 'd', _ => '\uffff' };
        string? delimiter = null; // MySQL DELIMITER other than ';'

        // The output list's array is written directly: its count is set to its capacity while lexing and cut back to
        // the tokens written at the end (no clearing: tokens hold no references).
        var n = output.Count;
        CollectionsMarshal.SetCount(output, Math.Max(output.Capacity, n + 16));
        var buffer = CollectionsMarshal.AsSpan(output);

        var pos = start;
        while ((uint)pos < (uint)s.Length)
        {
            // resyncFrom is int.MaxValue for a full lex: one compare per token.
            if (pos >= resyncFrom && canResync!(pos, atLineStart)) break;
            var lineStart = atLineStart;
            atLineStart = false;
            start = pos;
            var c = s[pos];
            var kind = TokenKind.Unknown;
            var tokenFlags = TokenFlags.None;

            if (lineStart && (c | 0x20) == scriptLetter && ScriptLineEnd(s, pos, mysql, partMask) is var lineEnd and >= 0)
            {
                if (mysql)
                {
                    kind = TokenKind.DelimiterCommand;
                    delimiter = DelimiterOf(s, pos);
                }
                else
                {
                    kind = TokenKind.BatchSeparator;
                }
                pos = lineEnd;
            }
            else if (delimiter is not null && s[pos..].StartsWith(delimiter, StringComparison.Ordinal))
            {
                pos += delimiter.Length;
                kind = TokenKind.CustomDelimiter;
            }
            else
            {
                switch ((Lead)(c < 128 ? leads[c] : char.IsLetter(c) ? (byte)Lead.Word : (byte)Lead.Unknown))
                {
                    case Lead.Whitespace:
                        // A line feed puts the next token at the start of a line (where script commands live).
                        kind = TokenKind.Whitespace;
                        do
                        {
                            if (c == '\n') atLineStart = true;
                            if ((uint)++pos >= (uint)s.Length) break;
                            c = s[pos];
                        } while (c < 128 && (flags[c] & Space) != 0);
                        break;

                    case Lead.Word:
                        kind = TokenKind.Word;
                        pos = delimiter is null ? WordEnd(s, pos + 1, partMask) : WordEndBefore(s, pos + 1, partMask, delimiter);
                        break;

                    case Lead.PrefixLetter:
                    {
                        // E'..' (PostgreSQL, by the table: backslash escapes), N'..' X'..' B'..', and U&'..' U&".."
                        // (PostgreSQL, by the table); otherwise the letter starts a word.
                        var next = At(s, pos + 1);
                        var upper = c & ~0x20;
                        if (next == '\'' && upper != 'U')
                        {
                            var escapes = upper == 'E' || mysql;
                            kind = TokenKind.String;
                            tokenFlags = TokenFlags.Prefixed | (escapes ? TokenFlags.BackslashEscapes : TokenFlags.None);
                            pos = QuotedEnd(s, pos + 1, '\'', escapes);
                        }
                        else if (upper == 'U' && next == '&' && At(s, pos + 2) is '\'' or '"')
                        {
                            var quote = s[pos + 2];
                            kind = quote == '\'' ? TokenKind.String : TokenKind.QuotedIdentifier;
                            tokenFlags = TokenFlags.Prefixed;
                            pos = QuotedEnd(s, pos + 2, quote, false);
                        }
                        else
                        {
                            kind = TokenKind.Word;
                            pos = delimiter is null ? WordEnd(s, pos + 1, partMask) : WordEndBefore(s, pos + 1, partMask, delimiter);
                        }
                        break;
                    }

                    case Lead.Digit:
                        kind = TokenKind.Number;
                        pos = NumberEnd(s, pos);
                        break;

                    case Lead.Dot:
                        if (char.IsAsciiDigit(At(s, pos + 1)))
                        {
                            kind = TokenKind.Number;
                            pos = NumberEnd(s, pos);
                        }
                        else
                        {
                            kind = TokenKind.Dot;
                            pos++;
                        }
                        break;

                    case Lead.OpenParen: kind = TokenKind.OpenParen; pos++; break;
                    case Lead.CloseParen: kind = TokenKind.CloseParen; pos++; break;
                    case Lead.OpenBracket: kind = TokenKind.OpenBracket; pos++; break;
                    case Lead.CloseBracket: kind = TokenKind.CloseBracket; pos++; break;
                    case Lead.Comma: kind = TokenKind.Comma; pos++; break;
                    case Lead.Semicolon: kind = TokenKind.Semicolon; pos++; break;

                    case Lead.SingleQuote:
                        kind = TokenKind.String;
                        tokenFlags = mysql ? TokenFlags.BackslashEscapes : TokenFlags.None;
                        pos = QuotedEnd(s, pos, '\'', mysql);
                        break;

                    case Lead.DoubleQuote:
                        // MySQL: a string; elsewhere an identifier.
                        kind = mysql ? TokenKind.String : TokenKind.QuotedIdentifier;
                        tokenFlags = mysql ? TokenFlags.BackslashEscapes : TokenFlags.None;
                        pos = QuotedEnd(s, pos, '"', mysql);
                        break;

                    case Lead.Backtick:
                        kind = TokenKind.QuotedIdentifier;
                        pos = QuotedEnd(s, pos, '`', false);
                        break;

                    case Lead.BracketIdentifier:
                        kind = TokenKind.QuotedIdentifier;
                        pos = QuotedEnd(s, pos, ']', false);
                        break;

                    case Lead.Minus:
                        // MySQL needs whitespace (or the end) after "--" for a comment.
                        if (At(s, pos + 1) == '-' && (!mysql || At(s, pos + 2) is '\0' or ' ' or '\t' or '\r' or '\n'))
                        {
                            kind = TokenKind.LineComment;
                            pos = LineEnd(s, pos + 2);
                        }
                        else
                        {
                            kind = TokenKind.Operator;
                            pos = OperatorEnd(s, pos, postgres);
                        }
                        break;

                    case Lead.Slash:
                        if (At(s, pos + 1) == '*')
                        {
                            kind = TokenKind.BlockComment;
                            pos = BlockCommentEnd(s, pos, dialect is SqlDialect.Postgres or SqlDialect.TSql);
                        }
                        else
                        {
                            kind = TokenKind.Operator;
                            pos = OperatorEnd(s, pos, postgres);
                        }
                        break;

                    case Lead.HashComment:
                        kind = TokenKind.LineComment;
                        pos = LineEnd(s, pos + 1);
                        break;

                    case Lead.HashWord:
                        if (IsIdentifierPart(At(s, pos + 1), partMask))
                        {
                            kind = TokenKind.Word;
                            pos = WordEnd(s, pos + 1, partMask);
                        }
                        else
                        {
                            kind = TokenKind.Operator;
                            pos = OperatorEnd(s, pos, postgres);
                        }
                        break;

                    case Lead.Backslash:
                        // psql reads a backslash outside quotes as a meta-command to the end of the line (SELECT 1 \gset).
                        kind = TokenKind.MetaCommand;
                        pos = LineEnd(s, pos + 1);
                        break;

                    case Lead.Dollar:
                        (pos, kind, tokenFlags) = Dollar(s, pos, dialect, partMask);
                        break;

                    case Lead.Question:
                        // PostgreSQL has ?| ?& ?- operators; a lone ? is a driver placeholder everywhere.
                        if (!postgres || !IsOperatorChar(At(s, pos + 1)))
                        {
                            kind = TokenKind.Parameter;
                            pos = DigitsEnd(s, pos + 1);
                        }
                        else
                        {
                            kind = TokenKind.Operator;
                            pos = OperatorEnd(s, pos, postgres);
                        }
                        break;

                    case Lead.Colon:
                        (pos, kind, _) = Colon(s, pos, postgres, partMask);
                        break;

                    case Lead.At:
                        if (IsIdentifierStart(At(s, pos + 1)) || At(s, pos + 1) == '@')
                        {
                            kind = TokenKind.Parameter;
                            pos++;
                            if (s[pos] == '@') pos++;
                            while ((uint)pos < (uint)s.Length && (IsIdentifierPart(s[pos], partMask) || s[pos] == '@' || s[pos] == '#')) pos++;
                        }
                        else
                        {
                            kind = TokenKind.Operator;
                            pos = OperatorEnd(s, pos, postgres);
                        }
                        break;

                    case Lead.Operator:
                        kind = TokenKind.Operator;
                        pos = OperatorEnd(s, pos, postgres);
                        break;

                    default:
                        kind = TokenKind.Unknown;
                        pos = UnknownEnd(s, pos);
                        break;
                }
            }

            if (pos < 0)
            {
                // The helpers' way of saying: unterminated, runs to the end.
                pos = s.Length;
                tokenFlags |= TokenFlags.Unterminated;
            }
            if ((uint)n >= (uint)buffer.Length) buffer = Grow(output);
            buffer[n++] = new Token(kind, start, pos - start, tokenFlags);
        }

        CollectionsMarshal.SetCount(output, n);
        return pos;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Span<Token> Grow(List<Token> output)
    {
        // Count equals capacity here: one more doubles the array (copying it), then the count is set to the new capacity.
        CollectionsMarshal.SetCount(output, output.Count + 1);
        CollectionsMarshal.SetCount(output, output.Capacity);
        return CollectionsMarshal.AsSpan(output);
    }

    /// <summary>What a scan helper returns for a token that runs unterminated to the end of the input.</summary>
    private const int Unterminated = -1;

    /// <summary>Where a token that needed a closer look ends (or <see cref="Unterminated"/>), and what it is.</summary>
    private readonly record struct Scanned(int End, TokenKind Kind, TokenFlags Flags = TokenFlags.None);

    /// <summary>The character at <paramref name="index"/>, or '\0' past the end.</summary>
    private static char At(ReadOnlySpan<char> s, int index) => (uint)index < (uint)s.Length ? s[index] : '\0';

    private static bool IsIdentifierStart(char c) => c < 128 ? (CharFlags[c] & IdentStart) != 0 : char.IsLetter(c);

    private static bool IsIdentifierPart(char c, byte partMask) => c < 128 ? (CharFlags[c] & partMask) != 0 : char.IsLetterOrDigit(c);

    private static bool IsOperatorChar(char c) => c < 128 && (CharFlags[c] & OperatorChar) != 0;

    /// <summary>The end of a word's identifier characters from <paramref name="pos"/>.</summary>
    private static int WordEnd(ReadOnlySpan<char> s, int pos, byte partMask)
    {
        var flags = CharFlags;
        for (; (uint)pos < (uint)s.Length; pos++)
        {
            var c = s[pos];
            if (c < 128 ? (flags[c] & partMask) == 0 : !char.IsLetterOrDigit(c)) break;
        }
        return pos;
    }

    /// <summary>DELIMITER $$ then END$$: the delimiter ends the word even where '$' could continue it.</summary>
    private static int WordEndBefore(ReadOnlySpan<char> s, int pos, byte partMask, string delimiter)
    {
        while ((uint)pos < (uint)s.Length && IsIdentifierPart(s[pos], partMask))
        {
            if (s[pos] == delimiter[0] && s[pos..].StartsWith(delimiter, StringComparison.Ordinal)) break;
            pos++;
        }
        return pos;
    }

    /// <summary>The next line break (\n or \r) from <paramref name="pos"/>, or the end.</summary>
    private static int LineEnd(ReadOnlySpan<char> s, int pos)
    {
        if (pos >= s.Length) return s.Length;
        var i = s[pos..].IndexOfAny('\n', '\r');
        return i < 0 ? s.Length : pos + i;
    }

    private static int DigitsEnd(ReadOnlySpan<char> s, int pos)
    {
        while ((uint)pos < (uint)s.Length && char.IsAsciiDigit(s[pos])) pos++;
        return pos;
    }

    /// <summary>Block comments nest in PostgreSQL and T-SQL; not in MySQL or SQLite.</summary>
    private static int BlockCommentEnd(ReadOnlySpan<char> s, int pos, bool nests)
    {
        pos += 2;
        var depth = 1;
        while (pos < s.Length)
        {
            // Only '*' (and '/' where comments nest) can change anything: jump from one to the next.
            var i = nests ? s[pos..].IndexOfAny('*', '/') : s[pos..].IndexOf('*');
            if (i < 0) break;
            pos += i;
            if (s[pos] == '*' && At(s, pos + 1) == '/')
            {
                pos += 2;
                if (--depth == 0) return pos;
            }
            else if (nests && s[pos] == '/' && At(s, pos + 1) == '*')
            {
                pos += 2;
                depth++;
            }
            else
            {
                pos++;
            }
        }
        return Unterminated;
    }

    /// <summary>
    /// A quoted run from the opening quote at <paramref name="pos"/>, where the quote doubles to escape itself; with
    /// backslash escapes, \x escapes too.
    /// </summary>
    private static int QuotedEnd(ReadOnlySpan<char> s, int pos, char quote, bool backslash)
    {
        pos++;
        while (pos < s.Length)
        {
            var i = backslash ? s[pos..].IndexOfAny(quote, '\\') : s[pos..].IndexOf(quote);
            if (i < 0) break;
            pos += i;
            if (s[pos] != quote)
            {
                pos += 2; // a backslash and the character it escapes
                continue;
            }
            if (At(s, pos + 1) == quote)
            {
                pos += 2;
                continue;
            }
            return pos + 1;
        }
        return Unterminated;
    }

    private static int NumberEnd(ReadOnlySpan<char> s, int pos)
    {
        if (s[pos] == '0' && At(s, pos + 1) is 'x' or 'X' && char.IsAsciiHexDigit(At(s, pos + 2)))
        {
            pos += 2;
            while ((uint)pos < (uint)s.Length && (char.IsAsciiHexDigit(s[pos]) || s[pos] == '_')) pos++;
            return pos;
        }
        while ((uint)pos < (uint)s.Length && (char.IsAsciiDigit(s[pos]) || s[pos] == '_')) pos++;
        if (At(s, pos) == '.' && At(s, pos + 1) != '.') pos = DigitsEnd(s, pos + 1);
        if (At(s, pos) is 'e' or 'E' && (char.IsAsciiDigit(At(s, pos + 1)) || (At(s, pos + 1) is '+' or '-' && char.IsAsciiDigit(At(s, pos + 2)))))
            pos = DigitsEnd(s, pos + 2);
        return pos;
    }

    /// <summary>
    /// '$': PostgreSQL $1 parameters and $tag$ ... $tag$ strings (tag: identifier characters, no digit first); T-SQL
    /// $action (a word) and $12.50 (money); SQLite $name parameters. Anything else is an unknown character.
    /// </summary>
    private static Scanned Dollar(ReadOnlySpan<char> s, int pos, SqlDialect dialect, byte partMask)
    {
        var next = At(s, pos + 1);
        switch (dialect)
        {
            case SqlDialect.Postgres when char.IsAsciiDigit(next):
                return new(DigitsEnd(s, pos + 1), TokenKind.Parameter);
            case SqlDialect.Postgres:
            {
                var p = pos + 1;
                while (p < s.Length && (char.IsAsciiLetterOrDigit(s[p]) || s[p] == '_' || s[p] > 127)) p++;
                if (p >= s.Length || s[p] != '$') break;
                var tag = s.Slice(pos, p - pos + 1);
                var bodyStart = p + 1;
                var close = s[bodyStart..].IndexOf(tag, StringComparison.Ordinal);
                return new(close < 0 ? Unterminated : bodyStart + close + tag.Length, TokenKind.String, TokenFlags.DollarQuoted);
            }
            case SqlDialect.TSql when IsIdentifierStart(next):
                return new(WordEnd(s, pos + 2, partMask), TokenKind.Word);
            case SqlDialect.TSql when char.IsAsciiDigit(next) || next == '.':
                return new(NumberEnd(s, pos + 1), TokenKind.Number);
            case SqlDialect.Sqlite when IsIdentifierStart(next):
                return new(WordEnd(s, pos + 1, partMask), TokenKind.Parameter);
        }
        return new(UnknownEnd(s, pos), TokenKind.Unknown);
    }

    /// <summary>':' as :name parameters, psql's :'name' / :"name" (PostgreSQL), and otherwise an operator (::).</summary>
    private static Scanned Colon(ReadOnlySpan<char> s, int pos, bool postgres, byte partMask)
    {
        var next = At(s, pos + 1);
        var afterColon = pos > 0 && s[pos - 1] == ':';
        if (postgres && next is '\'' or '"' && !afterColon)
        {
            // psql variables interpolated as a literal or an identifier: :'name', :"name"
            var p = pos + 2;
            while (p < s.Length && s[p] != next && s[p] != '\n') p++;
            if (p < s.Length && s[p] == next) p++;
            return new(p, TokenKind.Parameter);
        }
        if (next != ':' && IsIdentifierStart(next) && !afterColon) return new(WordEnd(s, pos + 1, partMask), TokenKind.Parameter);
        return new(OperatorEnd(s, pos, postgres), TokenKind.Operator);
    }

    private static int OperatorEnd(ReadOnlySpan<char> s, int start, bool postgres)
    {
        var pos = start + 1;
        while ((uint)pos < (uint)s.Length && IsOperatorChar(s[pos]))
        {
            // A comment start ends the operator, as in PostgreSQL's lexer.
            if ((s[pos] == '-' && At(s, pos + 1) == '-') || (s[pos] == '/' && At(s, pos + 1) == '*')) break;
            if (!postgres && !IsMultiCharOperator(s.Slice(start, pos - start + 1))) break;
            pos++;
        }
        return pos;
    }

    /// <summary>Outside PostgreSQL, operators are the few fixed multi-character ones; anything else splits.</summary>
    private static bool IsMultiCharOperator(ReadOnlySpan<char> op) => op.Length switch
    {
        2 => op is "<>" or "<=" or ">=" or "!=" or "||" or "::" or "<<" or ">>" or "->" or "&&" or ":=" or "!<" or "!>" or "+=" or "-=" or "*=" or "/=" or "%=" or "&=" or "|=" or "^=",
        3 => op is "<=>" or "->>",
        _ => false,
    };

    /// <summary>A run of characters no token starts with (binary garbage), from <paramref name="pos"/>.</summary>
    private static int UnknownEnd(ReadOnlySpan<char> s, int pos)
    {
        var flags = CharFlags;
        for (pos++; (uint)pos < (uint)s.Length; pos++)
        {
            var c = s[pos];
            if (c < 128 ? (flags[c] & KnownStart) != 0 : char.IsLetter(c)) break;
        }
        return pos;
    }

    /// <summary>
    /// At a line start: the end of a T-SQL GO line or of a MySQL DELIMITER line (the caller passes only lines that
    /// start with the dialect's letter), or -1.
    /// </summary>
    private static int ScriptLineEnd(ReadOnlySpan<char> s, int pos, bool mysql, byte partMask)
    {
        if (!mysql) return GoLineEnd(s, pos, partMask);
        if (!s[pos..].StartsWith("DELIMITER", StringComparison.OrdinalIgnoreCase) || pos + 9 >= s.Length || s[pos + 9] is not (' ' or '\t')) return -1;
        return LineEnd(s, pos + 9);
    }

    /// <summary>The delimiter a DELIMITER line sets: its first word, or null for ';' or none.</summary>
    private static string? DelimiterOf(ReadOnlySpan<char> s, int pos)
    {
        var p = pos + 9;
        while (p < s.Length && s[p] is ' ' or '\t') p++;
        var delimStart = p;
        while (p < s.Length && !char.IsWhiteSpace(s[p])) p++;
        var text = s[delimStart..p];
        return text.Length == 0 || text is ";" ? null : text.ToString();
    }

    /// <summary>GO alone on its line, optionally with a repeat count and a trailing comment.</summary>
    private static int GoLineEnd(ReadOnlySpan<char> s, int pos, byte partMask)
    {
        if (At(s, pos + 1) is not ('O' or 'o')) return -1;
        var p = pos + 2;
        if (p < s.Length && IsIdentifierPart(s[p], partMask)) return -1;
        while (p < s.Length && s[p] is ' ' or '\t') p++;
        while (p < s.Length && char.IsAsciiDigit(s[p])) p++;
        while (p < s.Length && s[p] is ' ' or '\t') p++;
        if (p + 1 < s.Length && s[p] == '-' && s[p + 1] == '-') p = LineEnd(s, p);
        if (p < s.Length && s[p] != '\n' && s[p] != '\r') return -1;
        return p;
    }
}
