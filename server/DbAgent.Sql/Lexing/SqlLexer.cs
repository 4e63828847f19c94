using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>
/// A dialect-aware SQL lexer. Never throws: every character of the input belongs to exactly one token, unterminated
/// strings and comments run to the end and are flagged, and bytes no dialect knows become <see cref="TokenKind.Unknown"/>.
/// Linear in the input; script conventions (psql meta-commands, T-SQL GO, MySQL DELIMITER) are tokens of their own.
/// </summary>
public static class SqlLexer
{
    public static IReadOnlyList<Token> Lex(SourceText text, SqlDialect dialect) => Lex(text.Text, dialect);

    public static List<Token> Lex(string text, SqlDialect dialect)
    {
        // Lex into a reused buffer and return a list of exactly the right size: the count is not known beforehand
        // (real SQL has one token per three to five characters), and guessing high or growing both cost more than
        // one copy. Buffers for very large documents are not kept.
        var scratch = t_scratch ?? new List<Token>(4096);
        t_scratch = null;
        scratch.Clear();
        var scanner = new Scanner(text, dialect, scratch, 0, true, null);
        scanner.Run(int.MaxValue, null);
        var tokens = new List<Token>(scratch.Count);
        tokens.AddRange(scratch);
        if (scratch.Capacity <= MaxScratchTokens)
        {
            scratch.Clear();
            t_scratch = scratch;
        }
        return tokens;
    }

    private const int MaxScratchTokens = 1 << 18;

    [ThreadStatic]
    private static List<Token>? t_scratch;

    /// <summary>
    /// Lexes from <paramref name="start"/> (a token boundary whose state is given: at the start of a line or not, no
    /// custom delimiter) into <paramref name="output"/>, and stops as soon as, at or after <paramref name="resyncFrom"/>,
    /// <paramref name="canResync"/> says the old tokens from that position on are the same. Returns the position
    /// where it stopped (the input's length when it ran to the end). Lexing is deterministic from a token boundary
    /// and its state, which is what makes this safe.
    /// </summary>
    internal static int LexFrom(string text, SqlDialect dialect, int start, bool atLineStart, List<Token> output, int resyncFrom, Func<int, bool, bool> canResync)
    {
        var scanner = new Scanner(text, dialect, output, start, atLineStart, null);
        return scanner.Run(resyncFrom, canResync);
    }

    /// <summary>The lexer's state at a token boundary: true after a whitespace token that holds a line feed.</summary>
    internal static bool AtLineStartAfter(string text, in Token previous) =>
        previous.Kind == TokenKind.Whitespace && text.AsSpan(previous.Start, previous.Length).Contains('\n');

    private ref struct Scanner
    {
        private readonly string _s;
        private readonly SqlDialect _dialect;
        private readonly List<Token> _tokens;
        private int _pos;
        private string? _delimiter; // MySQL DELIMITER other than ';'
        private bool _atLineStart;

        public Scanner(string s, SqlDialect dialect, List<Token> tokens, int start, bool atLineStart, string? delimiter)
        {
            _s = s;
            _dialect = dialect;
            _tokens = tokens;
            _pos = start;
            _delimiter = delimiter;
            _atLineStart = atLineStart;
        }

        private readonly char Peek(int ahead = 0) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';

        private void Add(TokenKind kind, int start, TokenFlags flags = TokenFlags.None)
        {
            _tokens.Add(new Token(kind, start, _pos - start, flags));
        }

        /// <summary>A word, with the keyword it spells looked up now, while its characters are in the cache.</summary>
        private void AddWord(int start)
        {
            _tokens.Add(new Token(TokenKind.Word, start, _pos - start) { Keyword = Keywords.Of(_s.AsSpan(start, _pos - start)) });
        }

        public int Run(int resyncFrom, Func<int, bool, bool>? canResync)
        {
            while (_pos < _s.Length)
            {
                if (canResync is not null && _pos >= resyncFrom && canResync(_pos, _atLineStart)) return _pos;
                var lineStart = _atLineStart;
                _atLineStart = false;
                var start = _pos;
                var c = _s[_pos];

                if (lineStart && TryScriptLine(start)) continue;
                if (c == '\\' && _dialect == SqlDialect.Postgres)
                {
                    // psql reads a backslash outside quotes as a meta-command to the end of the line (SELECT 1 \gset).
                    while (_pos < _s.Length && _s[_pos] != '\n' && _s[_pos] != '\r') _pos++;
                    Add(TokenKind.MetaCommand, start);
                    continue;
                }

                if (_delimiter is not null && _s.AsSpan(_pos).StartsWith(_delimiter, StringComparison.Ordinal))
                {
                    _pos += _delimiter.Length;
                    Add(TokenKind.CustomDelimiter, start);
                    continue;
                }

                switch (c)
                {
                    case ' ' or '\t' or '\r' or '\n' or '\f' or '\v':
                        ScanWhitespace(start);
                        continue;
                    case '-' when Peek(1) == '-' && (_dialect != SqlDialect.MySql || IsMySqlCommentStart()):
                        ScanLineComment(start);
                        continue;
                    case '#' when _dialect == SqlDialect.MySql:
                        ScanLineComment(start);
                        continue;
                    case '/' when Peek(1) == '*':
                        ScanBlockComment(start);
                        continue;
                    case '\'':
                        ScanQuoted(start, '\'', TokenKind.String, _dialect == SqlDialect.MySql ? TokenFlags.BackslashEscapes : TokenFlags.None);
                        continue;
                    case '"':
                        if (_dialect == SqlDialect.MySql) ScanQuoted(start, '"', TokenKind.String, TokenFlags.BackslashEscapes);
                        else ScanQuoted(start, '"', TokenKind.QuotedIdentifier, TokenFlags.None);
                        continue;
                    case '`' when _dialect is SqlDialect.MySql or SqlDialect.Sqlite:
                        ScanQuoted(start, '`', TokenKind.QuotedIdentifier, TokenFlags.None);
                        continue;
                    case '[' when _dialect is SqlDialect.TSql or SqlDialect.Sqlite:
                        ScanBracketIdentifier(start);
                        continue;
                    case '$' when _dialect == SqlDialect.Postgres:
                        if (TryDollar(start)) continue;
                        break;
                    case '$' when _dialect == SqlDialect.TSql && (IsIdentifierStart(Peek(1)) || char.IsAsciiDigit(Peek(1)) || Peek(1) == '.'):
                        // $action (MERGE OUTPUT) is a word; $12.50 a money literal.
                        if (IsIdentifierStart(Peek(1))) { _pos++; ScanWord(start); }
                        else { _pos++; ScanNumber(start); }
                        continue;
                    case '(':
                        _pos++; Add(TokenKind.OpenParen, start); continue;
                    case ')':
                        _pos++; Add(TokenKind.CloseParen, start); continue;
                    case '[':
                        _pos++; Add(TokenKind.OpenBracket, start); continue;
                    case ']':
                        _pos++; Add(TokenKind.CloseBracket, start); continue;
                    case ',':
                        _pos++; Add(TokenKind.Comma, start); continue;
                    case ';':
                        _pos++; Add(TokenKind.Semicolon, start); continue;
                    case '.' when !char.IsAsciiDigit(Peek(1)):
                        _pos++; Add(TokenKind.Dot, start); continue;
                }

                if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
                {
                    ScanNumber(start);
                    continue;
                }

                if (TryPrefixedString(start)) continue;
                if (TryParameter(start)) continue;

                if (IsIdentifierStart(c) || (c == '#' && _dialect == SqlDialect.TSql && IsIdentifierPart(Peek(1))))
                {
                    ScanWord(start);
                    continue;
                }

                if (IsOperatorChar(c))
                {
                    ScanOperator(start);
                    continue;
                }

                ScanUnknown(start);
            }
            return _pos;
        }

        /// <summary>MySQL needs whitespace (or end) after "--" for a comment.</summary>
        private readonly bool IsMySqlCommentStart()
        {
            var next = Peek(2);
            return next is '\0' or ' ' or '\t' or '\r' or '\n';
        }

        private void ScanWhitespace(int start)
        {
            while (_pos < _s.Length)
            {
                var c = _s[_pos];
                if (c == '\n') { _pos++; _atLineStart = true; continue; }
                if (c is ' ' or '\t' or '\r' or '\f' or '\v') { _pos++; continue; }
                break;
            }
            Add(TokenKind.Whitespace, start);
        }

        private void ScanLineComment(int start)
        {
            while (_pos < _s.Length && _s[_pos] != '\n' && _s[_pos] != '\r') _pos++;
            Add(TokenKind.LineComment, start);
        }

        /// <summary>Block comments nest in PostgreSQL and T-SQL; not in MySQL or SQLite.</summary>
        private void ScanBlockComment(int start)
        {
            var nests = _dialect is SqlDialect.Postgres or SqlDialect.TSql;
            _pos += 2;
            var depth = 1;
            while (_pos < _s.Length)
            {
                var c = _s[_pos];
                if (c == '*' && Peek(1) == '/')
                {
                    _pos += 2;
                    if (--depth == 0) { Add(TokenKind.BlockComment, start); return; }
                }
                else if (nests && c == '/' && Peek(1) == '*')
                {
                    _pos += 2;
                    depth++;
                }
                else
                {
                    if (c == '\n') _atLineStart = false;
                    _pos++;
                }
            }
            Add(TokenKind.BlockComment, start, TokenFlags.Unterminated);
        }

        /// <summary>A quoted run where the quote doubles to escape itself; with backslash escapes, \x escapes too.</summary>
        private void ScanQuoted(int start, char quote, TokenKind kind, TokenFlags flags)
        {
            _pos++;
            var backslash = (flags & TokenFlags.BackslashEscapes) != 0;
            while (_pos < _s.Length)
            {
                var c = _s[_pos];
                if (backslash && c == '\\')
                {
                    _pos += 2;
                    continue;
                }
                if (c == quote)
                {
                    if (Peek(1) == quote) { _pos += 2; continue; }
                    _pos++;
                    Add(kind, start, flags);
                    return;
                }
                _pos++;
            }
            _pos = _s.Length;
            Add(kind, start, flags | TokenFlags.Unterminated);
        }

        private void ScanBracketIdentifier(int start)
        {
            _pos++;
            while (_pos < _s.Length)
            {
                if (_s[_pos] == ']')
                {
                    if (Peek(1) == ']') { _pos += 2; continue; }
                    _pos++;
                    Add(TokenKind.QuotedIdentifier, start);
                    return;
                }
                _pos++;
            }
            Add(TokenKind.QuotedIdentifier, start, TokenFlags.Unterminated);
        }

        /// <summary>PostgreSQL: $1 parameters, or $tag$ ... $tag$ strings (tag: identifier characters, no digit first).</summary>
        private bool TryDollar(int start)
        {
            if (char.IsAsciiDigit(Peek(1)))
            {
                _pos++;
                while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
                Add(TokenKind.Parameter, start);
                return true;
            }

            var p = _pos + 1;
            while (p < _s.Length && (char.IsAsciiLetterOrDigit(_s[p]) || _s[p] == '_' || _s[p] > 127)) p++;
            if (p >= _s.Length || _s[p] != '$') return false;
            var tag = _s.AsSpan(_pos, p - _pos + 1);
            var bodyStart = p + 1;
            var close = _s.AsSpan(bodyStart).IndexOf(tag, StringComparison.Ordinal);
            if (close < 0)
            {
                _pos = _s.Length;
                Add(TokenKind.String, start, TokenFlags.DollarQuoted | TokenFlags.Unterminated);
                return true;
            }
            _pos = bodyStart + close + tag.Length;
            Add(TokenKind.String, start, TokenFlags.DollarQuoted);
            return true;
        }

        /// <summary>E'..' (PostgreSQL), N'..', X'..', B'..', U&amp;'..' and MySQL's _charset'..'.</summary>
        private bool TryPrefixedString(int start)
        {
            var c = char.ToUpperInvariant(_s[_pos]);
            if (Peek(1) == '\'')
            {
                if (c == 'E' && _dialect == SqlDialect.Postgres)
                {
                    _pos++;
                    ScanQuoted(start, '\'', TokenKind.String, TokenFlags.BackslashEscapes | TokenFlags.Prefixed);
                    return true;
                }
                if (c is 'N' or 'X' or 'B')
                {
                    _pos++;
                    ScanQuoted(start, '\'', TokenKind.String, TokenFlags.Prefixed | (_dialect == SqlDialect.MySql ? TokenFlags.BackslashEscapes : TokenFlags.None));
                    return true;
                }
            }
            if (c == 'U' && Peek(1) == '&' && (Peek(2) == '\'' || Peek(2) == '"') && _dialect == SqlDialect.Postgres)
            {
                var quote = Peek(2);
                _pos += 2;
                ScanQuoted(start, quote, quote == '\'' ? TokenKind.String : TokenKind.QuotedIdentifier, TokenFlags.Prefixed);
                return true;
            }
            return false;
        }

        private bool TryParameter(int start)
        {
            var c = _s[_pos];
            switch (c)
            {
                case '?' when _dialect != SqlDialect.Postgres || !IsOperatorChar(Peek(1)):
                    // PostgreSQL has ?| ?& ?- operators; a lone ? is a driver placeholder everywhere.
                    _pos++;
                    while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
                    Add(TokenKind.Parameter, start);
                    return true;
                case ':' when _dialect == SqlDialect.Postgres && Peek(1) is '\'' or '"' && (_pos == 0 || _s[_pos - 1] != ':'):
                {
                    // psql variables interpolated as a literal or an identifier: :'name', :"name"
                    var quote = Peek(1);
                    _pos += 2;
                    while (_pos < _s.Length && _s[_pos] != quote && _s[_pos] != '\n') _pos++;
                    if (_pos < _s.Length && _s[_pos] == quote) _pos++;
                    Add(TokenKind.Parameter, start);
                    return true;
                }
                case ':' when Peek(1) != ':' && IsIdentifierStart(Peek(1)) && (_pos == 0 || _s[_pos - 1] != ':'):
                    _pos++;
                    while (_pos < _s.Length && IsIdentifierPart(_s[_pos])) _pos++;
                    Add(TokenKind.Parameter, start);
                    return true;
                case '@' when _dialect is SqlDialect.TSql or SqlDialect.Sqlite or SqlDialect.MySql && (IsIdentifierStart(Peek(1)) || Peek(1) == '@'):
                    _pos++;
                    if (Peek() == '@') _pos++;
                    while (_pos < _s.Length && (IsIdentifierPart(_s[_pos]) || _s[_pos] == '@' || _s[_pos] == '#')) _pos++;
                    Add(TokenKind.Parameter, start);
                    return true;
                case '$' when _dialect == SqlDialect.Sqlite && IsIdentifierStart(Peek(1)):
                    _pos++;
                    while (_pos < _s.Length && IsIdentifierPart(_s[_pos])) _pos++;
                    Add(TokenKind.Parameter, start);
                    return true;
                default:
                    return false;
            }
        }

        private void ScanNumber(int start)
        {
            if (_s[_pos] == '0' && (Peek(1) is 'x' or 'X') && char.IsAsciiHexDigit(Peek(2)))
            {
                _pos += 2;
                while (_pos < _s.Length && (char.IsAsciiHexDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
                Add(TokenKind.Number, start);
                return;
            }
            while (_pos < _s.Length && (char.IsAsciiDigit(_s[_pos]) || _s[_pos] == '_')) _pos++;
            if (Peek() == '.' && Peek(1) != '.')
            {
                _pos++;
                while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
            }
            if (Peek() is 'e' or 'E' && (char.IsAsciiDigit(Peek(1)) || (Peek(1) is '+' or '-' && char.IsAsciiDigit(Peek(2)))))
            {
                _pos += 2;
                while (_pos < _s.Length && char.IsAsciiDigit(_s[_pos])) _pos++;
            }
            Add(TokenKind.Number, start);
        }

        private void ScanWord(int start)
        {
            _pos++;
            while (_pos < _s.Length && IsIdentifierPart(_s[_pos]))
            {
                // DELIMITER $$ then END$$: the delimiter ends the word even where '$' could continue it.
                if (_delimiter is not null && _s[_pos] == _delimiter[0] && _s.AsSpan(_pos).StartsWith(_delimiter, StringComparison.Ordinal)) break;
                _pos++;
            }
            AddWord(start);
        }

        private void ScanOperator(int start)
        {
            _pos++;
            while (_pos < _s.Length && IsOperatorChar(_s[_pos]))
            {
                // A comment start ends the operator, as in PostgreSQL's lexer.
                if ((_s[_pos] == '-' && Peek(1) == '-') || (_s[_pos] == '/' && Peek(1) == '*')) break;
                if (_dialect != SqlDialect.Postgres && !IsMultiCharOperator(start)) break;
                _pos++;
            }
            Add(TokenKind.Operator, start);
        }

        /// <summary>Outside PostgreSQL, operators are the few fixed multi-character ones; anything else splits.</summary>
        private readonly bool IsMultiCharOperator(int start)
        {
            var two = _s.AsSpan(start, Math.Min(_pos - start + 1, _s.Length - start));
            return two.Length switch
            {
                2 => two is "<>" or "<=" or ">=" or "!=" or "||" or "::" or "<<" or ">>" or "->" or "&&" or ":=" or "!<" or "!>" or "+=" or "-=" or "*=" or "/=" or "%=" or "&=" or "|=" or "^=",
                3 => two is "<=>" or "->>",
                _ => false,
            };
        }

        private void ScanUnknown(int start)
        {
            _pos++;
            while (_pos < _s.Length && !IsKnownStart(_s[_pos])) _pos++;
            Add(TokenKind.Unknown, start);
        }

        private static bool IsKnownStart(char c) =>
            c is ' ' or '\t' or '\r' or '\n' or '\'' or '"' or '(' or ')' or ',' or ';' or '.' or '[' or ']' or '`' or '$' or '@' or '?' or ':'
            || char.IsAsciiDigit(c) || IsIdentifierStart(c) || IsOperatorChar(c);

        private bool TryScriptLine(int start)
        {
            var c = _s[_pos];
            if (c == '\\' && _dialect == SqlDialect.Postgres)
            {
                // psql meta-command: runs to the end of the line.
                while (_pos < _s.Length && _s[_pos] != '\n' && _s[_pos] != '\r') _pos++;
                Add(TokenKind.MetaCommand, start);
                return true;
            }
            if (_dialect == SqlDialect.TSql && (c is 'G' or 'g') && IsGoLine(out var end))
            {
                _pos = end;
                Add(TokenKind.BatchSeparator, start);
                return true;
            }
            if (_dialect == SqlDialect.MySql && (c is 'D' or 'd') && _s.AsSpan(_pos).StartsWith("DELIMITER", StringComparison.OrdinalIgnoreCase)
                && _pos + 9 < _s.Length && _s[_pos + 9] is ' ' or '\t')
            {
                var p = _pos + 9;
                while (p < _s.Length && _s[p] is ' ' or '\t') p++;
                var delimStart = p;
                while (p < _s.Length && !char.IsWhiteSpace(_s[p])) p++;
                var delimiter = _s[delimStart..p];
                _delimiter = delimiter.Length == 0 || delimiter == ";" ? null : delimiter;
                while (p < _s.Length && _s[p] != '\n' && _s[p] != '\r') p++;
                _pos = p;
                Add(TokenKind.DelimiterCommand, start);
                return true;
            }
            return false;
        }

        /// <summary>GO alone on its line, optionally with a repeat count and a trailing comment.</summary>
        private readonly bool IsGoLine(out int end)
        {
            end = _pos;
            if (!(Peek(1) is 'O' or 'o')) return false;
            var p = _pos + 2;
            if (p < _s.Length && IsIdentifierPart(_s[p])) return false;
            while (p < _s.Length && _s[p] is ' ' or '\t') p++;
            while (p < _s.Length && char.IsAsciiDigit(_s[p])) p++;
            while (p < _s.Length && _s[p] is ' ' or '\t') p++;
            if (p + 1 < _s.Length && _s[p] == '-' && _s[p + 1] == '-')
            {
                while (p < _s.Length && _s[p] != '\n' && _s[p] != '\r') p++;
            }
            if (p < _s.Length && _s[p] != '\n' && _s[p] != '\r') return false;
            end = p;
            return true;
        }

        private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_' || (c > 127 && char.IsLetter(c));

        private readonly bool IsIdentifierPart(char c) =>
            char.IsAsciiLetterOrDigit(c) || c == '_' || (c > 127 && char.IsLetterOrDigit(c))
            || (c == '$' && _dialect is SqlDialect.Postgres or SqlDialect.MySql)
            || (c == '#' && _dialect == SqlDialect.TSql);

        private static bool IsOperatorChar(char c) =>
            c is '+' or '-' or '*' or '/' or '<' or '>' or '=' or '~' or '!' or '@' or '#' or '%' or '^' or '&' or '|' or '?' or ':';
    }
}
