using DbAgent.Sql.Text;

namespace DbAgent.Sql.Lexing;

/// <summary>How a statement ended.</summary>
public enum StatementTerminator : byte
{
    /// <summary>End of input, or a script line (GO, a psql meta-command, DELIMITER) that ends the statement.</summary>
    None,
    Semicolon,
    /// <summary>The MySQL DELIMITER in force.</summary>
    CustomDelimiter,
    BatchSeparator,
}

/// <summary>
/// One statement of a script as tokens: <see cref="FirstToken"/>..<see cref="LastToken"/> (inclusive) are its
/// significant tokens and the trivia between them; <see cref="LeadingTriviaStart"/> is where the comments before it
/// begin (for `-- dbagent-ignore`), <see cref="TerminatorToken"/> the index of its ';' (or -1).
/// </summary>
public readonly record struct StatementSlice(int LeadingTriviaStart, int FirstToken, int LastToken, int TerminatorToken, TextSpan Span, StatementTerminator Terminator)
{
    /// <summary>The statement with its terminator, as an edit must cover to change it.</summary>
    public TextSpan FullSpan(IReadOnlyList<Token> tokens) =>
        TerminatorToken >= 0 ? TextSpan.FromBounds(Span.Start, tokens[TerminatorToken].End) : Span;
}

/// <summary>
/// Splits a token stream into statements at ';', the MySQL DELIMITER in force, T-SQL GO, and psql meta-commands,
/// keeping procedural bodies whole: BEGIN ... END of routines and triggers (MySQL, SQLite), BEGIN ATOMIC (PostgreSQL),
/// T-SQL blocks, and T-SQL routines, which run to the end of their batch. Dollar-quoted bodies are single tokens already.
/// It reads tokens only: words carry the keyword they spell, so no text is needed.
/// </summary>
public static class StatementSplitter
{
    public static List<StatementSlice> Split(IReadOnlyList<Token> tokens, SqlDialect dialect)
    {
        var result = new List<StatementSlice>();
        var i = 0;
        while (Next(tokens, dialect, ref i, out var slice)) result.Add(slice);
        return result;
    }

    /// <summary>
    /// Reads the statement that starts at or after token <paramref name="i"/> and leaves <paramref name="i"/> where the
    /// next one may start. Splitting is deterministic from any statement's <see cref="StatementSlice.LeadingTriviaStart"/>,
    /// which is what lets an edit re-split only the statements it touched.
    /// </summary>
    public static bool Next(IReadOnlyList<Token> tokens, SqlDialect dialect, ref int i, out StatementSlice slice) =>
        TokenSource.TryGetSpan(tokens, out var span)
            ? Next(new SpanTokens(span), dialect, ref i, out slice)
            : Next(new ListTokens(tokens), dialect, ref i, out slice);

    private static bool Next<TTokens>(TTokens tokens, SqlDialect dialect, ref int index, out StatementSlice slice)
        where TTokens : ITokenSource, allows ref struct
    {
        slice = default;
        // A local cursor, written back at the end: a ref parameter would be stored to memory at every token.
        var i = index;
        var leading = i;
        while (i < tokens.Count && (tokens.KindAt(i) <= TokenKind.BlockComment || IsScriptLine(tokens.KindAt(i)) || IsDelimiter(tokens.KindAt(i))))
        {
            if (tokens.KindAt(i) > TokenKind.BlockComment) leading = i + 1;
            i++;
        }
        if (i >= tokens.Count)
        {
            index = i;
            return false;
        }

        var first = i;
        // Outside T-SQL only CREATE ... can define a routine; any other statement ends at the first delimiter or
        // script line, which a tight loop finds (most statements of a script take this way).
        var plain = dialect != SqlDialect.TSql && (tokens[first].Keyword != Kw.CREATE || !NamesRoutine(tokens, first));
        var last = first;
        var terminatorIndex = -1;
        var terminator = StatementTerminator.None;
        if (plain)
        {
            i = SkipToEnd(tokens, i, ref last);
            if (i < tokens.Count)
            {
                var kind = tokens.KindAt(i);
                if (kind is TokenKind.Semicolon or TokenKind.CustomDelimiter)
                {
                    terminatorIndex = i;
                    terminator = kind == TokenKind.Semicolon ? StatementTerminator.Semicolon : StatementTerminator.CustomDelimiter;
                    i++;
                }
                // A script line: the statement ends before it (BatchSeparator is T-SQL's alone).
            }
        }
        else
        {
            i = ReadRoutineOrTSql(tokens, dialect, first, out last, out terminatorIndex, out terminator);
        }

        var span = TextSpan.FromBounds(tokens[first].Start, tokens[last].End);
        slice = new StatementSlice(leading, first, last, terminatorIndex, span, terminator);
        index = i;
        return true;
    }

    /// <summary>
    /// Reads a statement that may hold semicolons (a routine's body) or end without one (T-SQL) from token
    /// <paramref name="first"/>; returns where the next statement may start.
    /// </summary>
    private static int ReadRoutineOrTSql<TTokens>(TTokens tokens, SqlDialect dialect, int first, out int lastToken, out int terminatorToken, out StatementTerminator how)
        where TTokens : ITokenSource, allows ref struct
    {
        var i = first;
        var last = first;
        var terminatorIndex = -1;
        var terminator = StatementTerminator.None;
        var blockDepth = 0;
        var caseDepth = 0;
        var routine = RoutineKind.None;
        var words = 0;
        var tsql = dialect == SqlDialect.TSql ? new TSqlFlow<TTokens>(tokens) : default;
        var count = tokens.Count;
        for (; i < count; i++)
        {
            if (tokens.KindAt(i) <= TokenKind.BlockComment) continue; // trivia
            var t = tokens[i];

            if (IsScriptLine(t.Kind))
            {
                terminator = t.Kind == TokenKind.BatchSeparator ? StatementTerminator.BatchSeparator : StatementTerminator.None;
                break;
            }

            if (t.Kind == TokenKind.CustomDelimiter)
            {
                terminatorIndex = i;
                terminator = StatementTerminator.CustomDelimiter;
                i++;
                break;
            }

            if (t.Kind == TokenKind.Semicolon && blockDepth == 0 && routine != RoutineKind.TSqlBatch)
            {
                terminatorIndex = i;
                terminator = StatementTerminator.Semicolon;
                i++;
                break;
            }

            if (dialect == SqlDialect.TSql && blockDepth == 0 && routine != RoutineKind.TSqlBatch && i > first && tsql.StartsStatement(i))
                break;

            if (t.Kind == TokenKind.Word)
            {
                if (words < 8)
                {
                    words++;
                    if (routine == RoutineKind.None) routine = DetectRoutine(tokens, first, i, dialect);
                }
                if (routine is not (RoutineKind.None or RoutineKind.TSqlBatch)) TrackBlocks(tokens, i, dialect, routine, ref blockDepth, ref caseDepth);
            }
            if (dialect == SqlDialect.TSql) tsql.Observe(i);
            last = i;
        }

        lastToken = last;
        terminatorToken = terminatorIndex;
        how = terminator;
        return i;
    }

    /// <summary>
    /// Whether a CREATE statement outside T-SQL defines a routine, as <see cref="DetectRoutine"/> decides it: one of its
    /// first eight words, before its end, is PROCEDURE, FUNCTION, TRIGGER or EVENT.
    /// </summary>
    private static bool NamesRoutine<TTokens>(TTokens tokens, int first)
        where TTokens : ITokenSource, allows ref struct
    {
        var words = 0;
        for (var i = first; i < tokens.Count && words < 8; i++)
        {
            var kind = tokens.KindAt(i);
            if (kind is TokenKind.Semicolon or TokenKind.CustomDelimiter || IsScriptLine(kind)) return false;
            if (kind != TokenKind.Word) continue;
            words++;
            if (tokens[i].Keyword is Kw.PROCEDURE or Kw.FUNCTION or Kw.TRIGGER or Kw.EVENT) return true;
        }
        return false;
    }

    /// <summary>
    /// From token <paramref name="i"/>, the index of the first delimiter or script line (or the count), with
    /// <paramref name="last"/> moved to the last significant token before it.
    /// </summary>
    private static int SkipToEnd<TTokens>(TTokens tokens, int i, ref int last)
        where TTokens : ITokenSource, allows ref struct
    {
        // Trivia and significant tokens alternate with no pattern, so a branch on each would be mispredicted often:
        // the loop tests only the end (a bit set of the kinds that end a statement), and the last significant token
        // is found afterwards, stepping back over the trivia before the end.
        var count = tokens.Count;
        var from = i;
        while (i < count && (EndKinds & (1u << (int)tokens.KindAt(i))) == 0) i++;
        var j = i - 1;
        while (j >= from && tokens.KindAt(j) <= TokenKind.BlockComment) j--;
        if (j >= from) last = j;
        return i;
    }

    /// <summary>The kinds that end a statement outside routines and T-SQL: delimiters and script lines.</summary>
    private const uint EndKinds = 1u << (int)TokenKind.Semicolon | 1u << (int)TokenKind.CustomDelimiter | 1u << (int)TokenKind.BatchSeparator
        | 1u << (int)TokenKind.MetaCommand | 1u << (int)TokenKind.DelimiterCommand;

    /// <summary>
    /// T-SQL needs no semicolons: a statement keyword at top level starts a new statement, unless the statement in
    /// progress continues with it (INSERT ... SELECT, set operations, UPDATE ... SET, MERGE ... THEN UPDATE, IF bodies,
    /// CREATE VIEW ... AS SELECT, WITH ... SELECT, GRANT SELECT, INSERT).
    /// </summary>
    private ref struct TSqlFlow<TTokens> where TTokens : ITokenSource, allows ref struct
    {
        private readonly TTokens _tokens;
        private int _depth;
        private int _previous;
        private Head _head;
        private bool _insertHasSource;
        private bool _headSet;

        private enum Head : byte { Other, Select, Insert, Update, Delete, Merge, With, Control, Create, Alter, Grant, Declare }

        public TSqlFlow(TTokens tokens)
        {
            _tokens = tokens;
            _depth = 0;
            _previous = -1;
            _head = Head.Other;
            _insertHasSource = false;
            _headSet = false;
        }

        public void Observe(int i)
        {
            var t = _tokens[i];
            if (t.Kind == TokenKind.OpenParen) _depth++;
            else if (t.Kind == TokenKind.CloseParen) _depth = Math.Max(0, _depth - 1);
            else if (t.Kind == TokenKind.Word && _depth == 0)
            {
                if (!_headSet)
                {
                    _headSet = true;
                    _head = HeadOf(t);
                }
                else if (_head == Head.Insert && (Is(t, Kw.SELECT) || Is(t, Kw.VALUES) || Is(t, Kw.EXEC) || Is(t, Kw.EXECUTE) || Is(t, Kw.DEFAULT)))
                {
                    _insertHasSource = true;
                }
            }
            _previous = i;
        }

        private static Head HeadOf(Token t)
        {
            if (Is(t, Kw.SELECT)) return Head.Select;
            if (Is(t, Kw.INSERT)) return Head.Insert;
            if (Is(t, Kw.UPDATE)) return Head.Update;
            if (Is(t, Kw.DELETE)) return Head.Delete;
            if (Is(t, Kw.MERGE)) return Head.Merge;
            if (Is(t, Kw.WITH)) return Head.With;
            if (Is(t, Kw.IF) || Is(t, Kw.WHILE) || Is(t, Kw.ELSE)) return Head.Control;
            if (Is(t, Kw.CREATE)) return Head.Create;
            if (Is(t, Kw.ALTER)) return Head.Alter;
            if (Is(t, Kw.GRANT) || Is(t, Kw.REVOKE) || Is(t, Kw.DENY)) return Head.Grant;
            if (Is(t, Kw.DECLARE)) return Head.Declare;
            return Head.Other;
        }

        private static bool Is(Token t, Kw keyword) => t.Keyword == keyword;

        public bool StartsStatement(int i)
        {
            var t = _tokens[i];
            if (t.Kind != TokenKind.Word || _depth > 0 || !IsStatementKeyword(i)) return false;
            // DROP COLUMN IF EXISTS c / CREATE TABLE IF NOT EXISTS t: a clause; IF EXISTS (SELECT ...) starts a statement.
            if (Is(t, Kw.IF) && _previous >= 0 && NextSignificant(i) is var ni and >= 0 && (_tokens[ni].Keyword == Kw.EXISTS || _tokens[ni].Keyword == Kw.NOT))
            {
                var after = NextSignificant(ni);
                if (after >= 0 && _tokens[ni].Keyword == Kw.NOT) after = NextSignificant(after);
                if (after >= 0 && _tokens[after].Kind != TokenKind.OpenParen) return false;
            }
            // FULL OUTER MERGE JOIN: a join hint, not a MERGE statement.
            if (Is(t, Kw.MERGE) && NextSignificant(i) is var nj and >= 0 && _tokens[nj].Keyword == Kw.JOIN) return false;
            if (_previous >= 0)
            {
                var p = _tokens[_previous];
                if (p.Kind is TokenKind.Dot or TokenKind.Comma or TokenKind.OpenParen or TokenKind.Operator) return false;
                if (p.Kind == TokenKind.Word && (Is(p, Kw.UNION) || Is(p, Kw.ALL) || Is(p, Kw.EXCEPT) || Is(p, Kw.INTERSECT) || Is(p, Kw.AS)
                    || Is(p, Kw.THEN) || Is(p, Kw.ELSE) || Is(p, Kw.FOR) || Is(p, Kw.BEGIN) || Is(p, Kw.DISTINCT) || Is(p, Kw.INTO)
                    || ((Is(p, Kw.ON) || Is(p, Kw.OF)) && (Is(t, Kw.DELETE) || Is(t, Kw.UPDATE) || Is(t, Kw.INSERT)))
                    || ((Is(p, Kw.ROWS) || Is(p, Kw.ROW)) && Is(t, Kw.FETCH))
                    || (Is(p, Kw.BULK) && Is(t, Kw.INSERT))
                    // CREATE OR ALTER PROCEDURE / VIEW / FUNCTION / TRIGGER: one statement.
                    || (Is(p, Kw.OR) && Is(t, Kw.ALTER))
                    || (Is(t, Kw.SET) && (Is(p, Kw.DELETE) || Is(p, Kw.UPDATE)))))
                {
                    // DECLARE c CURSOR FOR WITH x AS (...) SELECT: the query that follows belongs to the CTEs.
                    if (Is(t, Kw.WITH)) _head = Head.With;
                    return false;
                }
            }
            var dml = Is(t, Kw.SELECT) || Is(t, Kw.INSERT) || Is(t, Kw.UPDATE) || Is(t, Kw.DELETE) || Is(t, Kw.MERGE);
            switch (_head)
            {
                case Head.With when dml:
                    _head = HeadOf(t);
                    return false;
                case Head.Control:
                    // IF cond statement: the first statement keyword is the body.
                    _head = HeadOf(t);
                    if (_head == Head.Control) _head = Head.Other;
                    return false;
                case Head.Insert when !_insertHasSource && (Is(t, Kw.SELECT) || Is(t, Kw.WITH) || Is(t, Kw.EXEC) || Is(t, Kw.EXECUTE)):
                    return false;
                case Head.Update or Head.Merge when Is(t, Kw.SET):
                    return false;
                case Head.Alter when Is(t, Kw.ALTER) || Is(t, Kw.DROP) || Is(t, Kw.SET) || Is(t, Kw.WITH):
                    return false;
                case Head.Grant:
                    return false;
            }
            return true;
        }

        private readonly bool IsStatementKeyword(int i)
        {
            var t = _tokens[i];
            if (Is(t, Kw.WITH))
            {
                // WITH starts a statement only as WITH name AS ( / WITH name (cols): not WITH TIES, WITH CHECK, WITH (hints).
                var n1 = NextSignificant(i);
                if (n1 < 0 || _tokens[n1].Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier)) return false;
                var n2 = NextSignificant(n1);
                if (n2 < 0) return false;
                if (_tokens[n2].Kind == TokenKind.OpenParen) return true;
                var n3 = NextSignificant(n2);
                return _tokens[n2].Keyword == Kw.AS && n3 >= 0 && _tokens[n3].Kind == TokenKind.OpenParen;
            }
            return Array.IndexOf(StatementKeywords, t.Keyword) >= 0;
        }

        private readonly int NextSignificant(int i)
        {
            for (var j = i + 1; j < _tokens.Count; j++)
                if (!_tokens[j].IsTrivia) return j;
            return -1;
        }

        private static readonly Kw[] StatementKeywords =
        [
            Kw.SELECT, Kw.INSERT, Kw.UPDATE, Kw.DELETE, Kw.MERGE, Kw.CREATE, Kw.ALTER, Kw.DROP, Kw.DECLARE, Kw.SET, Kw.EXEC, Kw.EXECUTE,
            Kw.PRINT, Kw.IF, Kw.WHILE, Kw.BEGIN, Kw.RETURN, Kw.TRUNCATE, Kw.USE, Kw.GRANT, Kw.REVOKE, Kw.DENY, Kw.COMMIT, Kw.ROLLBACK,
            Kw.SAVE, Kw.RAISERROR, Kw.THROW, Kw.FETCH, Kw.OPEN, Kw.CLOSE, Kw.DEALLOCATE, Kw.BREAK, Kw.CONTINUE, Kw.GOTO, Kw.WAITFOR, Kw.BULK,
        ];
    }

    private enum RoutineKind : byte
    {
        None,
        /// <summary>Body delimited by BEGIN ... END (MySQL routines, SQLite triggers, PostgreSQL BEGIN ATOMIC).</summary>
        Block,
        /// <summary>A T-SQL routine: the body runs to GO or the end of the input.</summary>
        TSqlBatch,
        /// <summary>Not a routine, but T-SQL where BEGIN ... END blocks may stand at top level.</summary>
        TSqlStatement,
    }

    private static bool IsScriptLine(TokenKind kind) =>
        kind is TokenKind.BatchSeparator or TokenKind.MetaCommand or TokenKind.DelimiterCommand;

    private static bool IsDelimiter(TokenKind kind) => kind is TokenKind.Semicolon or TokenKind.CustomDelimiter;

    /// <summary>Decides, from the first words, whether the statement defines a routine whose body holds semicolons.</summary>
    private static RoutineKind DetectRoutine<TTokens>(TTokens tokens, int first, int current, SqlDialect dialect)
        where TTokens : ITokenSource, allows ref struct
    {
        var head = tokens[first];
        if (dialect == SqlDialect.TSql)
        {
            if (!(head.Keyword == Kw.CREATE || head.Keyword == Kw.ALTER)) return RoutineKind.TSqlStatement;
            var t = tokens[current];
            if (t.Keyword == Kw.PROCEDURE || t.Keyword == Kw.PROC || t.Keyword == Kw.FUNCTION || t.Keyword == Kw.TRIGGER)
                return RoutineKind.TSqlBatch;
            return RoutineKind.None;
        }
        if (head.Keyword != Kw.CREATE) return RoutineKind.None;
        var w = tokens[current];
        if (w.Keyword == Kw.PROCEDURE || w.Keyword == Kw.FUNCTION || w.Keyword == Kw.TRIGGER || w.Keyword == Kw.EVENT)
            return RoutineKind.Block;
        return RoutineKind.None;
    }

    private static void TrackBlocks<TTokens>(TTokens tokens, int index, SqlDialect dialect, RoutineKind routine, ref int blockDepth, ref int caseDepth)
        where TTokens : ITokenSource, allows ref struct
    {
        if (routine is RoutineKind.None or RoutineKind.TSqlBatch) return;
        var t = tokens[index];
        if (t.Keyword == Kw.BEGIN)
        {
            var next = NextWord(tokens, index);
            if (dialect == SqlDialect.Postgres)
            {
                if (next.Keyword == Kw.ATOMIC) blockDepth++;
                return;
            }
            if (dialect == SqlDialect.TSql)
            {
                if (next.Keyword == Kw.TRAN || next.Keyword == Kw.TRANSACTION || next.Keyword == Kw.DISTRIBUTED || next.Keyword == Kw.DIALOG || next.Keyword == Kw.CONVERSATION)
                    return;
            }
            blockDepth++;
            return;
        }
        if (blockDepth == 0) return;
        if (t.Keyword == Kw.CASE)
        {
            var previous = PreviousWord(tokens, index);
            if (previous.Keyword != Kw.END) caseDepth++;
            return;
        }
        if (t.Keyword == Kw.END)
        {
            var next = NextWord(tokens, index);
            if (next.Keyword == Kw.IF || next.Keyword == Kw.LOOP || next.Keyword == Kw.WHILE || next.Keyword == Kw.REPEAT) return;
            if (caseDepth > 0) { caseDepth--; return; }
            blockDepth--;
        }
    }

    private static Token NextWord<TTokens>(TTokens tokens, int index)
        where TTokens : ITokenSource, allows ref struct
    {
        for (var j = index + 1; j < tokens.Count; j++)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }

    private static Token PreviousWord<TTokens>(TTokens tokens, int index)
        where TTokens : ITokenSource, allows ref struct
    {
        for (var j = index - 1; j >= 0; j--)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }
}
