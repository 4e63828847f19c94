using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>
/// A dialect-aware SQL lexer. Never throws: every character of the input belongs to exactly one token, unterminated
/// strings and comments run to the end and are flagged, and bytes no dialect knows become <see cref="TokenKind.Unknown"/>.
/// Linear in the input; script conventions (psql meta-commands, T-SQL GO, MySQL DELIMITER) are tokens of their own.
/// </summary>
/// <remarks>
/// Built for throughput (it runs on every re-parse and over whole corpora). Real SQL averages four characters per token,
/// so what counts is the cost per token. Whitespace, words, punctuation, plain integers and one-character operators
/// (nine tokens in ten) go through <see cref="FastScan"/>, a loop that makes no calls but a word's keyword lookup, so
/// that its state stays in registers; everything else, in every dialect and state, goes through <see cref="Scan"/>
/// one token at a time. Both pick a token's branch from its first character through a table of ASCII classes. Word
/// ends come from a bit mask of word characters computed 64 characters at a time (where AVX2 is there), other runs
/// from a table of character flags; comment and quoted bodies are searched with the vectorised IndexOf/IndexOfAny.
/// The output is checked token for token against the previous, simpler lexer (all corpora, four dialects, random
/// input, LexFrom resyncs).
/// </remarks>
public static class SqlLexer
{
    public static IReadOnlyList<Token> Lex(SourceText text, SqlDialect dialect) => Lex(text.Text, dialect);

    public static List<Token> Lex(string text, SqlDialect dialect)
    {
        // Lex into a reused buffer and return a list of exactly the right size: the count is not known beforehand, and
        // guessing high (more memory to clear and keep) or growing both cost more than one copy.
        var scratch = LexIntoScratch(text, dialect);
        var tokens = new List<Token>(scratch.Count);
        CollectionsMarshal.SetCount(tokens, scratch.Count);
        CollectionsMarshal.AsSpan(scratch).CopyTo(CollectionsMarshal.AsSpan(tokens));
        GiveBack(scratch);
        return tokens;
    }

    /// <summary>
    /// The tokens in an array of exactly their count, for a parse that keeps them: the array is not cleared before
    /// the tokens are copied in (a document of 5 MB has 15 MB of tokens).
    /// </summary>
    internal static Token[] LexToArray(string text, SqlDialect dialect)
    {
        var scratch = LexIntoScratch(text, dialect);
        var tokens = GC.AllocateUninitializedArray<Token>(scratch.Count);
        CollectionsMarshal.AsSpan(scratch).CopyTo(tokens);
        GiveBack(scratch);
        return tokens;
    }

    /// <summary>The whole text lexed into this thread's reused buffer, which <see cref="GiveBack"/> returns.</summary>
    private static List<Token> LexIntoScratch(string text, SqlDialect dialect)
    {
        var scratch = t_scratch ?? new List<Token>(4096);
        t_scratch = null;
        scratch.Clear();
        Scan(text, dialect, 0, true, scratch, int.MaxValue, null, null);
        return scratch;
    }

    /// <summary>Keeps the buffer for the next lex on this thread; buffers for very large documents are not kept.</summary>
    private static void GiveBack(List<Token> scratch)
    {
        if (scratch.Capacity <= MaxScratchTokens) t_scratch = scratch;
    }

    private const int MaxScratchTokens = 1 << 18;

    /// <summary>
    /// Lexes from <paramref name="start"/> (a token boundary whose state is given: at the start of a line or not, no
    /// custom delimiter) into <paramref name="output"/>, and stops as soon as, at or after <paramref name="resyncFrom"/>,
    /// <paramref name="canResync"/> says the old tokens from that position on are the same. Returns the position
    /// where it stopped (the input's length when it ran to the end). Lexing is deterministic from a token boundary
    /// and its state, which is what makes this safe. <paramref name="nextCandidate"/> gives the first position at or
    /// after the one given where an old token starts (int.MaxValue when none does): only there can the old tokens
    /// resume, so only there is <paramref name="canResync"/> asked, and the fast scan runs on between them (a quote
    /// typed mid-file re-lexes to the end, and old and new tokens then rarely start at the same place). Neither
    /// callback may throw.
    /// </summary>
    /// <remarks>
    /// <paramref name="text"/> may hold only part of the document (from its <see cref="TextWindow.Base"/>): positions
    /// in and out are document offsets, and the end of the window is the end of the input. A caller that gives part
    /// of a document checks where the lexer stopped: at the window's end, the last token may have been cut short.
    /// </remarks>
    internal static int LexFrom(TextWindow text, SqlDialect dialect, int start, bool atLineStart, List<Token> output, int resyncFrom,
        Func<int, int> nextCandidate, Func<int, bool, bool> canResync)
    {
        var b = text.Base;
        if (b == 0) return Scan(text.Chars, dialect, start, atLineStart, output, resyncFrom, nextCandidate, canResync);
        var first = output.Count;
        var stopped = Scan(text.Chars, dialect, start - b, atLineStart, output, resyncFrom == int.MaxValue ? int.MaxValue : resyncFrom - b,
            p => nextCandidate(p + b) is var c && c != int.MaxValue ? c - b : int.MaxValue,
            (p, lineStart) => canResync(p + b, lineStart));
        var tokens = CollectionsMarshal.AsSpan(output);
        for (var i = first; i < tokens.Length; i++) tokens[i] = tokens[i] with { Start = tokens[i].Start + b };
        return stopped + b;
    }

    /// <summary>The lexer's state at a token boundary: true after a whitespace token that holds a line feed.</summary>
    internal static bool AtLineStartAfter(SourceText text, in Token previous) =>
        previous.Kind == TokenKind.Whitespace && text.Slice(previous.Span).Contains('\n');

    [ThreadStatic]
    private static List<Token>? t_scratch;

    /// <summary>How a token that starts with a given ASCII character is lexed (see <see cref="Leads"/>).</summary>
    private enum Lead : byte
    {
        Unknown,
        Whitespace,
        Word,
        /// <summary>A letter that may prefix a string: N'..' X'..' B'..', and in PostgreSQL E'..' U&amp;'..'.</summary>
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
        /// <summary>= &lt; &gt; + * ! % ^ &amp; | ~, which mean the same in every dialect.</summary>
        Operator,
        /// <summary>Other operators, parameters, '"', '`', '$', '#', '\': lexed by <see cref="ScanRare"/>, where the dialects differ.</summary>
        Rare,
    }

    private const byte U = (byte)Lead.Unknown, S = (byte)Lead.Whitespace, W = (byte)Lead.Word, P = (byte)Lead.PrefixLetter,
        D = (byte)Lead.Digit, Dt = (byte)Lead.Dot, Op = (byte)Lead.OpenParen, Cp = (byte)Lead.CloseParen, Ob = (byte)Lead.OpenBracket,
        Cb = (byte)Lead.CloseBracket, Cm = (byte)Lead.Comma, Sc = (byte)Lead.Semicolon, Q = (byte)Lead.SingleQuote, O = (byte)Lead.Operator, R = (byte)Lead.Rare;

    /// <summary>The <see cref="Lead"/> of each ASCII character, the same in every dialect (the few differences are in
    /// <see cref="ScanRare"/> and in the cases for '[' and the prefix letters). Static data: no allocation, no bounds checks.</summary>
    private static ReadOnlySpan<byte> Leads =>
    [
        U, U, U, U, U, U, U, U, U, S, S, S, S, S, U, U, // 00 01 02 03 04 05 06 07 08 \t \n \v \f \r 0E 0F
        U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, // 10 .. 1F
        S, O, R, R, R, O, O, Q, Op, Cp, O, O, Cm, R, Dt, R, //   ! " # $ % & ' ( ) * + , - . /
        D, D, D, D, D, D, D, D, D, D, R, Sc, O, O, O, R, // 0 1 2 3 4 5 6 7 8 9 : ; < = > ?
        R, W, P, W, W, P, W, W, W, W, W, W, W, W, P, W, // @ A B C D E F G H I J K L M N O
        W, W, W, W, W, P, W, W, P, W, W, Ob, R, Cb, O, W, // P Q R S T U V W X Y Z [ \ ] ^ _
        R, W, P, W, W, P, W, W, W, W, W, W, W, W, P, W, // ` a b c d e f g h i j k l m n o
        W, W, W, W, W, P, W, W, P, W, W, U, O, U, O, U, // p q r s t u v w x y z { | } ~ 7F
    ];

    /// <summary>Character flags for ASCII; above 127, <see cref="char.IsLetter(char)"/> decides.</summary>
    private const byte IdentStart = 1, IdentPart = 2, DollarPart = 4, HashPart = 8, OperatorChar = 16, Space = 32,
        /// <summary>Ends a run of unknown characters: anything another token can start with. \f and \v are whitespace
        /// tokens when they lead, but do not end an unknown run.</summary>
        KnownStart = 64;

    private const byte Ltr = IdentStart | IdentPart | KnownStart, Dgt = IdentPart | KnownStart, Ws = Space | KnownStart,
        Opr = OperatorChar | KnownStart, Ks = KnownStart;

    private static ReadOnlySpan<byte> CharFlags =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, Ws, Ws, Space, Space, Ws, 0, 0, // 00 01 02 03 04 05 06 07 08 \t \n \v \f \r 0E 0F
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 10 .. 1F
        Ws, Opr, Ks, HashPart | Opr, DollarPart | Ks, Opr, Opr, Ks, Ks, Ks, Opr, Opr, Ks, Opr, Ks, Opr, //   ! " # $ % & ' ( ) * + , - . /
        Dgt, Dgt, Dgt, Dgt, Dgt, Dgt, Dgt, Dgt, Dgt, Dgt, Opr, Ks, Opr, Opr, Opr, Opr, // 0 1 2 3 4 5 6 7 8 9 : ; < = > ?
        Opr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, // @ A B C D E F G H I J K L M N O
        Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ks, 0, Ks, Opr, Ltr, // P Q R S T U V W X Y Z [ \ ] ^ _
        Ks, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, // ` a b c d e f g h i j k l m n o
        Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, Ltr, 0, Opr, 0, Opr, 0, // p q r s t u v w x y z { | } ~ 7F
    ];

    /// <summary>Which characters continue a word: '$' too in PostgreSQL and MySQL, '#' in T-SQL.</summary>
    private static byte PartMask(SqlDialect dialect) =>
        (byte)(IdentPart | (dialect is SqlDialect.Postgres or SqlDialect.MySql ? DollarPart : 0) | (dialect == SqlDialect.TSql ? HashPart : 0));

    /// <summary>
    /// Lexes from <paramref name="start"/> into <paramref name="output"/> (appending) until the end or a resync (see
    /// <see cref="LexFrom"/>). Runs of common tokens go to <see cref="FastScan"/>; this loop takes one token of any kind
    /// each time FastScan stops, and all tokens while a MySQL delimiter is set.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as FastScan
    private static int Scan(string text, SqlDialect dialect, int start, bool atLineStart, List<Token> output, int resyncFrom,
        Func<int, int>? nextCandidate, Func<int, bool, bool>? canResync)
    {
        ReadOnlySpan<char> s = text;
        var partMask = PartMask(dialect);
        // The letter of a line-start script command: GO (T-SQL), DELIMITER (MySQL); compared with c | 0x20.
        var scriptLetter = dialect switch { SqlDialect.TSql => 'g', SqlDialect.MySql => 'd', _ => '\0' }; // c | 0x20 is never 0
        string? delimiter = null; // MySQL DELIMITER other than ';'

        // The output list's array is written directly: its count is set to its capacity while lexing and cut back to
        // the tokens written at the end (no clearing: tokens hold no references).
        var n = output.Count;
        CollectionsMarshal.SetCount(output, Math.Max(output.Capacity, n + 16));
        var buffer = CollectionsMarshal.AsSpan(output);

        var pos = start;
        // Where the old tokens might resume next (resyncFrom is int.MaxValue for a full lex): FastScan stops there.
        var stopAt = resyncFrom == int.MaxValue ? int.MaxValue : Math.Max(resyncFrom, nextCandidate!(resyncFrom));
        while ((uint)pos < (uint)s.Length)
        {
            if (delimiter is null)
            {
                pos = FastScan(s, pos, buffer, ref n, ref atLineStart, stopAt, partMask, scriptLetter);
                if ((uint)pos >= (uint)s.Length) break;
            }

            // One token that FastScan left: any kind, in any state.
            if (pos >= stopAt)
            {
                // A token that ran over the candidate (a slow-path one does not stop there): the next candidate may be here.
                if (pos > stopAt) stopAt = Math.Max(resyncFrom, nextCandidate!(pos));
                if (pos == stopAt)
                {
                    if (canResync!(pos, atLineStart)) break;
                    // This token starts at the candidate: the next candidate lies after it.
                    stopAt = Math.Max(resyncFrom, nextCandidate!(pos + 1));
                }
            }
            start = pos;
            var c = s[pos];
            TokenKind kind;
            var tokenFlags = TokenFlags.None;

            if (atLineStart)
            {
                atLineStart = false;
                if ((c | 0x20) == scriptLetter && ScriptLineEnd(s, pos, dialect) is var lineEnd and >= 0)
                {
                    kind = TokenKind.BatchSeparator;
                    if (dialect == SqlDialect.MySql)
                    {
                        kind = TokenKind.DelimiterCommand;
                        delimiter = DelimiterOf(s, pos);
                    }
                    pos = lineEnd;
                    goto Emit;
                }
            }
            if (delimiter is not null && s[pos..].StartsWith(delimiter, StringComparison.Ordinal))
            {
                pos += delimiter.Length;
                kind = TokenKind.CustomDelimiter;
                goto Emit;
            }

            var lead = c < 128 ? (Lead)Leads[c] : char.IsLetter(c) ? Lead.Word : Lead.Unknown;
            switch (lead)
            {
                case Lead.Whitespace:
                    // A line feed puts the next token at the start of a line (where script commands live).
                    kind = TokenKind.Whitespace;
                    while (true)
                    {
                        if (c == '\n') atLineStart = true;
                        if ((uint)++pos >= (uint)s.Length) break;
                        c = s[pos];
                        if (c >= 128 || (CharFlags[c] & Space) == 0) break;
                    }
                    break;

                case Lead.PrefixLetter when At(s, pos + 1) is '\'' or '&':
                    (pos, kind, tokenFlags) = PrefixedString(s, pos, dialect);
                    if (kind != TokenKind.Word) break;
                    goto case Lead.Word;

                case Lead.PrefixLetter:
                case Lead.Word:
                    kind = TokenKind.Word;
                    if (delimiter is null)
                    {
                        while ((uint)++pos < (uint)s.Length)
                        {
                            c = s[pos];
                            if (c < 128 ? (CharFlags[c] & partMask) == 0 : !char.IsLetterOrDigit(c)) break;
                        }
                    }
                    else
                    {
                        pos = WordEndBefore(s, pos + 1, partMask, delimiter);
                    }
                    break;

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

                case Lead.OpenParen or Lead.CloseParen or Lead.CloseBracket or Lead.Comma or Lead.Semicolon:
                    kind = Punctuation(lead);
                    pos++;
                    break;

                case Lead.OpenBracket:
                    // [name] in T-SQL and SQLite.
                    if (dialect is SqlDialect.TSql or SqlDialect.Sqlite)
                    {
                        kind = TokenKind.QuotedIdentifier;
                        pos = QuotedEnd(s, pos, ']', false);
                    }
                    else
                    {
                        kind = TokenKind.OpenBracket;
                        pos++;
                    }
                    break;

                case Lead.SingleQuote:
                {
                    var mysql = dialect == SqlDialect.MySql;
                    kind = TokenKind.String;
                    tokenFlags = mysql ? TokenFlags.BackslashEscapes : TokenFlags.None;
                    pos = QuotedEnd(s, pos, '\'', mysql);
                    break;
                }

                case Lead.Operator:
                    kind = TokenKind.Operator;
                    pos = OperatorEnd(s, pos, dialect == SqlDialect.Postgres);
                    break;

                case Lead.Rare:
                    (pos, kind, tokenFlags) = ScanRare(s, pos, dialect, partMask);
                    break;

                default:
                    kind = TokenKind.Unknown;
                    pos = UnknownEnd(s, pos);
                    break;
            }

        Emit:
            if (pos < 0)
            {
                // The helpers' way of saying: unterminated, runs to the end.
                pos = s.Length;
                tokenFlags |= TokenFlags.Unterminated;
            }
            if ((uint)n >= (uint)buffer.Length) buffer = Grow(output);
            buffer[n++] = kind == TokenKind.Word
                ? new Token(kind, start, pos - start, tokenFlags) { Keyword = Keywords.Of(s.Slice(start, pos - start)) }
                : new Token(kind, start, pos - start, tokenFlags);
        }

        CollectionsMarshal.SetCount(output, n);
        return pos;
    }

    /// <summary>
    /// The hot loop: whitespace, words, punctuation, plain integers and one-character operators, nine tokens in ten of
    /// real SQL. It makes no calls but the keyword lookup, so that its state stays in registers. It stops at a token boundary, leaving the
    /// token to <see cref="Scan"/>, at anything else: a token that needs more (strings, comments, non-ASCII, ...), a
    /// script letter at a line start, <paramref name="stopAt"/>, or a full buffer. Returns where it stopped.
    /// </summary>
    // Optimised from the first call: the loop runs long, and the tiered JIT would otherwise run it as unoptimised and
    // then on-stack-replaced code for many calls before the fully optimised version takes over.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FastScan(ReadOnlySpan<char> s, int pos, Span<Token> buffer, ref int count, ref bool atLineStart, int stopAt, byte partMask, int scriptLetter)
    {
        var n = count;
        var lineStart = atLineStart;
        var end = Math.Min(s.Length, stopAt); // tokens that start here or later are left to Scan
        // A bit mask of word characters over a block of 64 (see WordMask); empty until the first word needs it.
        var blockStart = -64;
        ulong wordBits = 0;
        var extraV = Vector256.Create((byte)((partMask & DollarPart) != 0 ? '$' : (partMask & HashPart) != 0 ? '#' : '_'));
        while (pos < end && (uint)n < (uint)buffer.Length)
        {
            var start = pos;
            var c = s[pos];
            if (c >= 128 || (lineStart && (c | 0x20) == scriptLetter)) break;
            var lead = (Lead)Leads[c];
            TokenKind kind;
            // Word or PrefixLetter (one compare); a prefix letter followed by ' or & is left to Scan.
            if ((uint)(lead - Lead.Word) <= Lead.PrefixLetter - Lead.Word)
            {
                if (lead == Lead.PrefixLetter && At(s, pos + 1) is '\'' or '&') goto Leave;
            Word:
                pos++;
                if (Vector256.IsHardwareAccelerated)
                {
                    // The word's end from wordBits (bit i: s[blockStart + i] continues a word), refilled for the next 64
                    // characters when pos leaves the block; near the end of the input, the loop below.
                    while (true)
                    {
                        if ((uint)(pos - blockStart) >= 64)
                        {
                            if (pos > s.Length - 64) break;
                            blockStart = pos;
                            wordBits = WordMask(s, pos, extraV);
                        }
                        var stops = ~wordBits >> (pos - blockStart);
                        if (stops != 0)
                        {
                            pos += BitOperations.TrailingZeroCount(stops);
                            goto WordEnd;
                        }
                        pos = blockStart + 64;
                    }
                }
                while ((uint)pos < (uint)s.Length && s[pos] < 128 && (CharFlags[s[pos]] & partMask) != 0) pos++;
            WordEnd:
                if (pos < s.Length && s[pos] >= 128) goto Leave; // non-ASCII: char.IsLetterOrDigit decides
                lineStart = false;
                // The keyword is looked up here, while the word is in the cache (measured: a pass over the tokens after
                // FastScan returns costs more than the registers this call spills).
                buffer[n++] = new Token(TokenKind.Word, start, pos - start) { Keyword = Keywords.Of(s.Slice(start, pos - start)) };
                // Words mostly come one space apart (select a from t where ...): from one to the next without going
                // round the loop, whose dispatch on the next character is a jump the processor often mispredicts.
                if (pos + 1 < end && s[pos] == ' ' && (uint)(n + 1) < (uint)buffer.Length && (c = s[pos + 1]) < 128 && (CharFlags[c] & Space) == 0)
                {
                    buffer[n++] = new Token(TokenKind.Whitespace, pos, 1);
                    start = ++pos;
                    lead = (Lead)Leads[c];
                    if (lead == Lead.Word || (lead == Lead.PrefixLetter && At(s, pos + 1) is not ('\'' or '&'))) goto Word;
                }
                continue;
            }

            switch (lead)
            {
                case Lead.Whitespace:
                    // Emitted here, as the one token that can leave the next at the start of a line.
                    lineStart = false;
                    while (true)
                    {
                        if (c == '\n') lineStart = true;
                        if ((uint)++pos >= (uint)s.Length) break;
                        c = s[pos];
                        if (c >= 128 || (CharFlags[c] & Space) == 0) break;
                    }
                    buffer[n++] = new Token(TokenKind.Whitespace, start, pos - start);
                    continue;

                case Lead.Digit:
                    // Plain integers; anything that may make a longer number (. e x _) is left to NumberEnd.
                    while ((uint)++pos < (uint)s.Length && char.IsAsciiDigit(c = s[pos])) { }
                    if (pos < s.Length && c is '.' or 'e' or 'E' or 'x' or 'X' or '_') goto Leave;
                    kind = TokenKind.Number;
                    break;

                case Lead.Dot when !char.IsAsciiDigit(At(s, pos + 1)):
                    kind = TokenKind.Dot;
                    pos++;
                    break;

                case Lead.Operator when !IsOperatorChar(At(s, pos + 1)):
                    kind = TokenKind.Operator;
                    pos++;
                    break;

                case Lead.OpenParen or Lead.CloseParen or Lead.CloseBracket or Lead.Comma or Lead.Semicolon:
                    kind = Punctuation(lead);
                    pos++;
                    break;

                default:
                    goto Leave;
            }
            lineStart = false;
            buffer[n++] = new Token(kind, start, pos - start);
            // A single space after the token (", " "= "): taken here for the same reason as after a word.
            if (pos + 1 < end && s[pos] == ' ' && (uint)n < (uint)buffer.Length && (c = s[pos + 1]) < 128 && (CharFlags[c] & Space) == 0)
            {
                buffer[n++] = new Token(TokenKind.Whitespace, pos, 1);
                pos++;
            }
            continue;

        Leave:
            pos = start;
            break;
        }
        count = n;
        atLineStart = lineStart;
        return pos;
    }

    /// <summary>Bit i set when s[pos + i] continues a word (ASCII letter, digit, '_', extra), for 64 characters.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong WordMask(ReadOnlySpan<char> s, int pos, Vector256<byte> extra)
    {
        ref var first = ref Unsafe.As<char, ushort>(ref MemoryMarshal.GetReference(s));
        return WordMask32(ref first, pos, extra) | (ulong)WordMask32(ref first, pos + 32, extra) << 32;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint WordMask32(ref ushort first, int pos, Vector256<byte> extra)
    {
        // Saturate to 255 before narrowing, so that no non-ASCII character passes for an ASCII one.
        var max = Vector256.Create((ushort)255);
        var lo = Vector256.Min(Vector256.LoadUnsafe(ref first, (nuint)pos), max);
        var hi = Vector256.Min(Vector256.LoadUnsafe(ref first, (nuint)(pos + 16)), max);
        var b = Vector256.Narrow(lo, hi);
        var part = Vector256.LessThan((b | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26))
            | Vector256.LessThan(b - Vector256.Create((byte)'0'), Vector256.Create((byte)10))
            | Vector256.Equals(b, Vector256.Create((byte)'_'))
            | Vector256.Equals(b, extra);
        return part.ExtractMostSignificantBits();
    }

    /// <summary>Tokens that start with an operator character, a parameter sigil, '"', '`', '$', '#' or '\'.</summary>
    private static Scanned ScanRare(ReadOnlySpan<char> s, int pos, SqlDialect dialect, byte partMask)
    {
        var postgres = dialect == SqlDialect.Postgres;
        var mysql = dialect == SqlDialect.MySql;
        var c = s[pos];
        switch (c)
        {
            case '"':
                // MySQL: a string; elsewhere an identifier.
                return mysql
                    ? new(QuotedEnd(s, pos, '"', true), TokenKind.String, TokenFlags.BackslashEscapes)
                    : new(QuotedEnd(s, pos, '"', false), TokenKind.QuotedIdentifier);
            case '`' when dialect is SqlDialect.MySql or SqlDialect.Sqlite:
                return new(QuotedEnd(s, pos, '`', false), TokenKind.QuotedIdentifier);
            case '-' when At(s, pos + 1) == '-' && (!mysql || At(s, pos + 2) is '\0' or ' ' or '\t' or '\r' or '\n'):
                // MySQL needs whitespace (or the end) after "--" for a comment.
                return new(LineEnd(s, pos + 2), TokenKind.LineComment);
            case '/' when At(s, pos + 1) == '*':
                return new(BlockCommentEnd(s, pos, dialect is SqlDialect.Postgres or SqlDialect.TSql), TokenKind.BlockComment);
            case '#' when mysql:
                return new(LineEnd(s, pos + 1), TokenKind.LineComment);
            case '#' when dialect == SqlDialect.TSql && IsIdentifierPart(At(s, pos + 1), partMask):
                // #temp tables
                return new(WordEnd(s, pos + 1, partMask), TokenKind.Word);
            case '\\' when postgres:
                // psql reads a backslash outside quotes as a meta-command to the end of the line (SELECT 1 \gset).
                return new(LineEnd(s, pos + 1), TokenKind.MetaCommand);
            case '$':
                return Dollar(s, pos, dialect, partMask);
            case '?' when !postgres || !IsOperatorChar(At(s, pos + 1)):
                // PostgreSQL has ?| ?& ?- operators; a lone ? is a driver placeholder everywhere.
                return new(DigitsEnd(s, pos + 1), TokenKind.Parameter);
            case ':':
                return Colon(s, pos, postgres, partMask);
            case '@' when !postgres && (IsIdentifierStart(At(s, pos + 1)) || At(s, pos + 1) == '@'):
            {
                // @name, @@global (T-SQL, SQLite, MySQL)
                pos++;
                if (s[pos] == '@') pos++;
                while ((uint)pos < (uint)s.Length && (IsIdentifierPart(s[pos], partMask) || s[pos] == '@' || s[pos] == '#')) pos++;
                return new(pos, TokenKind.Parameter);
            }
        }
        return IsOperatorChar(c) ? new(OperatorEnd(s, pos, postgres), TokenKind.Operator) : new(UnknownEnd(s, pos), TokenKind.Unknown);
    }

    /// <summary>
    /// A letter followed by ' or &amp;: E'..' (PostgreSQL: backslash escapes), N'..' X'..' B'..', U&amp;'..' and U&amp;".."
    /// (PostgreSQL); otherwise (<see cref="TokenKind.Word"/>) the letter starts a word.
    /// </summary>
    private static Scanned PrefixedString(ReadOnlySpan<char> s, int pos, SqlDialect dialect)
    {
        var postgres = dialect == SqlDialect.Postgres;
        var mysql = dialect == SqlDialect.MySql;
        var upper = (char)(s[pos] & ~0x20);
        var next = s[pos + 1];
        if (next == '\'')
        {
            if (upper == 'E' && postgres) return new(QuotedEnd(s, pos + 1, '\'', true), TokenKind.String, TokenFlags.BackslashEscapes | TokenFlags.Prefixed);
            if (upper is 'N' or 'X' or 'B')
                return new(QuotedEnd(s, pos + 1, '\'', mysql), TokenKind.String, TokenFlags.Prefixed | (mysql ? TokenFlags.BackslashEscapes : TokenFlags.None));
        }
        if (upper == 'U' && next == '&' && At(s, pos + 2) is '\'' or '"' && postgres)
        {
            var quote = s[pos + 2];
            return new(QuotedEnd(s, pos + 2, quote, false), quote == '\'' ? TokenKind.String : TokenKind.QuotedIdentifier, TokenFlags.Prefixed);
        }
        return new(pos, TokenKind.Word);
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
        for (; (uint)pos < (uint)s.Length; pos++)
        {
            var c = s[pos];
            if (c < 128 ? (CharFlags[c] & partMask) == 0 : !char.IsLetterOrDigit(c)) break;
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

    /// <summary>The kind of a one-character punctuation token, from how it is led.</summary>
    private static TokenKind Punctuation(Lead lead) => lead switch
    {
        Lead.OpenParen => TokenKind.OpenParen,
        Lead.CloseParen => TokenKind.CloseParen,
        Lead.CloseBracket => TokenKind.CloseBracket,
        Lead.Comma => TokenKind.Comma,
        _ => TokenKind.Semicolon,
    };

    private static int OperatorEnd(ReadOnlySpan<char> s, int start, bool postgres)
    {
        // PostgreSQL's lexer knows ':' only as '::' (a cast), ':=' and ':' alone (array slices), never inside an
        // operator: x.*::text is '*' then '::'.
        if (postgres && s[start] == ':') return start + (At(s, start + 1) is ':' or '=' ? 2 : 1);
        var pos = start + 1;
        while ((uint)pos < (uint)s.Length && IsOperatorChar(s[pos]))
        {
            // A comment start ends the operator, as in PostgreSQL's lexer.
            if ((s[pos] == '-' && At(s, pos + 1) == '-') || (s[pos] == '/' && At(s, pos + 1) == '*')) break;
            if (postgres && s[pos] == ':') break;
            if (!postgres && !IsMultiCharOperator(s.Slice(start, pos - start + 1))) break;
            pos++;
        }
        return postgres && pos - start > 1 && s[pos - 1] is '+' or '-' ? WithoutTrailingSigns(s, start, pos) : pos;
    }

    /// <summary>
    /// PostgreSQL's rule for an operator that ends in '+' or '-': unless it holds one of ~ ! @ # % ^ &amp; | ` ?, the
    /// trailing signs are not part of it, so that a=-1 is 'a', '=', '-', '1'.
    /// </summary>
    private static int WithoutTrailingSigns(ReadOnlySpan<char> s, int start, int end)
    {
        foreach (var c in s[start..(end - 1)])
            if (c is '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '`' or '?') return end;
        do end--; while (end - start > 1 && s[end - 1] is '+' or '-');
        return end;
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
        for (pos++; (uint)pos < (uint)s.Length; pos++)
        {
            var c = s[pos];
            if (c < 128 ? (CharFlags[c] & KnownStart) != 0 : char.IsLetter(c)) break;
        }
        return pos;
    }

    /// <summary>
    /// At a line start: the end of a T-SQL GO line or of a MySQL DELIMITER line (the caller passes only lines that
    /// start with the dialect's letter), or -1.
    /// </summary>
    private static int ScriptLineEnd(ReadOnlySpan<char> s, int pos, SqlDialect dialect)
    {
        if (dialect != SqlDialect.MySql) return GoLineEnd(s, pos, PartMask(dialect));
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
