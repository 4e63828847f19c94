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
/// </summary>
public static class StatementSplitter
{
    public static List<StatementSlice> Split(string text, IReadOnlyList<Token> tokens, SqlDialect dialect)
    {
        var result = new List<StatementSlice>();
        var i = 0;
        while (Next(text, tokens, dialect, ref i, out var slice)) result.Add(slice);
        return result;
    }

    /// <summary>
    /// Reads the statement that starts at or after token <paramref name="i"/> and leaves <paramref name="i"/> where the
    /// next one may start. Splitting is deterministic from any statement's <see cref="StatementSlice.LeadingTriviaStart"/>,
    /// which is what lets an edit re-split only the statements it touched.
    /// </summary>
    public static bool Next(string text, IReadOnlyList<Token> tokens, SqlDialect dialect, ref int i, out StatementSlice slice) =>
        TokenSource.TryGetSpan(tokens, out var span)
            ? Next(text, new SpanTokens(span), dialect, ref i, out slice)
            : Next(text, new ListTokens(tokens), dialect, ref i, out slice);

    private static bool Next<TTokens>(string text, TTokens tokens, SqlDialect dialect, ref int i, out StatementSlice slice)
        where TTokens : ITokenSource, allows ref struct
    {
        slice = default;
        var leading = i;
        while (i < tokens.Count && (tokens[i].IsTrivia || IsScriptLine(tokens[i].Kind) || IsDelimiter(tokens[i].Kind)))
        {
            if (!tokens[i].IsTrivia) leading = i + 1;
            i++;
        }
        if (i >= tokens.Count) return false;

        var first = i;
        var last = i;
        var blockDepth = 0;
        var caseDepth = 0;
        var routine = RoutineKind.None;
        var words = 0;
        var terminatorIndex = -1;
        var terminator = StatementTerminator.None;
        var tsql = dialect == SqlDialect.TSql ? new TSqlFlow<TTokens>(text, tokens) : default;
        // Outside T-SQL only CREATE ... can define a routine: the first words need not be looked at otherwise.
        var mayBeRoutine = dialect == SqlDialect.TSql || tokens[first].IsWord(text, "CREATE");

        var count = tokens.Count;
        for (; i < count; i++)
        {
            var kind = tokens.KindAt(i);
            if (kind <= TokenKind.BlockComment) continue; // trivia
            if (!mayBeRoutine && kind is < TokenKind.Semicolon or TokenKind.OpenParen or TokenKind.CloseParen or TokenKind.OpenBracket or TokenKind.CloseBracket or TokenKind.Dot)
            {
                // Outside T-SQL and routines, only a delimiter or a script line ends the statement.
                last = i;
                continue;
            }
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
                if (words < 8 && mayBeRoutine)
                {
                    words++;
                    if (routine == RoutineKind.None) routine = DetectRoutine(text, tokens, first, i, dialect);
                }
                if (routine is not (RoutineKind.None or RoutineKind.TSqlBatch)) TrackBlocks(text, tokens, i, dialect, routine, ref blockDepth, ref caseDepth);
            }
            if (dialect == SqlDialect.TSql) tsql.Observe(i);
            last = i;
        }

        var span = TextSpan.FromBounds(tokens[first].Start, tokens[last].End);
        slice = new StatementSlice(leading, first, last, terminatorIndex, span, terminator);
        return true;
    }

    /// <summary>
    /// T-SQL needs no semicolons: a statement keyword at top level starts a new statement, unless the statement in
    /// progress continues with it (INSERT ... SELECT, set operations, UPDATE ... SET, MERGE ... THEN UPDATE, IF bodies,
    /// CREATE VIEW ... AS SELECT, WITH ... SELECT, GRANT SELECT, INSERT).
    /// </summary>
    private ref struct TSqlFlow<TTokens> where TTokens : ITokenSource, allows ref struct
    {
        private readonly string _text;
        private readonly TTokens _tokens;
        private int _depth;
        private int _previous;
        private Head _head;
        private bool _insertHasSource;
        private bool _headSet;

        private enum Head : byte { Other, Select, Insert, Update, Delete, Merge, With, Control, Create, Alter, Grant, Declare }

        public TSqlFlow(string text, TTokens tokens)
        {
            _text = text;
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
                else if (_head == Head.Insert && (Is(t, "SELECT") || Is(t, "VALUES") || Is(t, "EXEC") || Is(t, "EXECUTE") || Is(t, "DEFAULT")))
                {
                    _insertHasSource = true;
                }
            }
            _previous = i;
        }

        private Head HeadOf(Token t)
        {
            if (Is(t, "SELECT")) return Head.Select;
            if (Is(t, "INSERT")) return Head.Insert;
            if (Is(t, "UPDATE")) return Head.Update;
            if (Is(t, "DELETE")) return Head.Delete;
            if (Is(t, "MERGE")) return Head.Merge;
            if (Is(t, "WITH")) return Head.With;
            if (Is(t, "IF") || Is(t, "WHILE") || Is(t, "ELSE")) return Head.Control;
            if (Is(t, "CREATE")) return Head.Create;
            if (Is(t, "ALTER")) return Head.Alter;
            if (Is(t, "GRANT") || Is(t, "REVOKE") || Is(t, "DENY")) return Head.Grant;
            if (Is(t, "DECLARE")) return Head.Declare;
            return Head.Other;
        }

        private readonly bool Is(Token t, string word) => t.IsWord(_text, word);

        public bool StartsStatement(int i)
        {
            var t = _tokens[i];
            if (t.Kind != TokenKind.Word || _depth > 0 || !IsStatementKeyword(i)) return false;
            // DROP COLUMN IF EXISTS c / CREATE TABLE IF NOT EXISTS t: a clause; IF EXISTS (SELECT ...) starts a statement.
            if (Is(t, "IF") && _previous >= 0 && NextSignificant(i) is var ni and >= 0 && (_tokens[ni].IsWord(_text, "EXISTS") || _tokens[ni].IsWord(_text, "NOT")))
            {
                var after = NextSignificant(ni);
                if (after >= 0 && _tokens[ni].IsWord(_text, "NOT")) after = NextSignificant(after);
                if (after >= 0 && _tokens[after].Kind != TokenKind.OpenParen) return false;
            }
            // FULL OUTER MERGE JOIN: a join hint, not a MERGE statement.
            if (Is(t, "MERGE") && NextSignificant(i) is var nj and >= 0 && _tokens[nj].IsWord(_text, "JOIN")) return false;
            if (_previous >= 0)
            {
                var p = _tokens[_previous];
                if (p.Kind is TokenKind.Dot or TokenKind.Comma or TokenKind.OpenParen or TokenKind.Operator) return false;
                if (p.Kind == TokenKind.Word && (Is(p, "UNION") || Is(p, "ALL") || Is(p, "EXCEPT") || Is(p, "INTERSECT") || Is(p, "AS")
                    || Is(p, "THEN") || Is(p, "ELSE") || Is(p, "FOR") || Is(p, "BEGIN") || Is(p, "DISTINCT") || Is(p, "INTO")
                    || ((Is(p, "ON") || Is(p, "OF")) && (Is(t, "DELETE") || Is(t, "UPDATE") || Is(t, "INSERT")))
                    || ((Is(p, "ROWS") || Is(p, "ROW")) && Is(t, "FETCH"))
                    || (Is(p, "BULK") && Is(t, "INSERT"))
                    || (Is(t, "SET") && (Is(p, "DELETE") || Is(p, "UPDATE")))))
                {
                    // DECLARE c CURSOR FOR WITH x AS (...) SELECT: the query that follows belongs to the CTEs.
                    if (Is(t, "WITH")) _head = Head.With;
                    return false;
                }
            }
            var dml = Is(t, "SELECT") || Is(t, "INSERT") || Is(t, "UPDATE") || Is(t, "DELETE") || Is(t, "MERGE");
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
                case Head.Insert when !_insertHasSource && (Is(t, "SELECT") || Is(t, "WITH") || Is(t, "EXEC") || Is(t, "EXECUTE")):
                    return false;
                case Head.Update or Head.Merge when Is(t, "SET"):
                    return false;
                case Head.Alter when Is(t, "ALTER") || Is(t, "DROP") || Is(t, "SET") || Is(t, "WITH"):
                    return false;
                case Head.Grant:
                    return false;
            }
            return true;
        }

        private readonly bool IsStatementKeyword(int i)
        {
            var t = _tokens[i];
            if (Is(t, "WITH"))
            {
                // WITH starts a statement only as WITH name AS ( / WITH name (cols): not WITH TIES, WITH CHECK, WITH (hints).
                var n1 = NextSignificant(i);
                if (n1 < 0 || _tokens[n1].Kind is not (TokenKind.Word or TokenKind.QuotedIdentifier)) return false;
                var n2 = NextSignificant(n1);
                if (n2 < 0) return false;
                if (_tokens[n2].Kind == TokenKind.OpenParen) return true;
                var n3 = NextSignificant(n2);
                return _tokens[n2].IsWord(_text, "AS") && n3 >= 0 && _tokens[n3].Kind == TokenKind.OpenParen;
            }
            var span = t.TextIn(_text);
            foreach (var keyword in StatementKeywords)
                if (span.Equals(keyword, StringComparison.OrdinalIgnoreCase)) return true;
            return false;
        }

        private readonly int NextSignificant(int i)
        {
            for (var j = i + 1; j < _tokens.Count; j++)
                if (!_tokens[j].IsTrivia) return j;
            return -1;
        }

        private static readonly string[] StatementKeywords =
        [
            "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "DECLARE", "SET", "EXEC", "EXECUTE",
            "PRINT", "IF", "WHILE", "BEGIN", "RETURN", "TRUNCATE", "USE", "GRANT", "REVOKE", "DENY", "COMMIT", "ROLLBACK",
            "SAVE", "RAISERROR", "THROW", "FETCH", "OPEN", "CLOSE", "DEALLOCATE", "BREAK", "CONTINUE", "GOTO", "WAITFOR", "BULK",
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
    private static RoutineKind DetectRoutine<TTokens>(string text, TTokens tokens, int first, int current, SqlDialect dialect)
        where TTokens : ITokenSource, allows ref struct
    {
        var head = tokens[first];
        if (dialect == SqlDialect.TSql)
        {
            if (!(head.IsWord(text, "CREATE") || head.IsWord(text, "ALTER"))) return RoutineKind.TSqlStatement;
            var t = tokens[current];
            if (t.IsWord(text, "PROCEDURE") || t.IsWord(text, "PROC") || t.IsWord(text, "FUNCTION") || t.IsWord(text, "TRIGGER"))
                return RoutineKind.TSqlBatch;
            return RoutineKind.None;
        }
        if (!head.IsWord(text, "CREATE")) return RoutineKind.None;
        var w = tokens[current];
        if (w.IsWord(text, "PROCEDURE") || w.IsWord(text, "FUNCTION") || w.IsWord(text, "TRIGGER") || w.IsWord(text, "EVENT"))
            return RoutineKind.Block;
        return RoutineKind.None;
    }

    private static void TrackBlocks<TTokens>(string text, TTokens tokens, int index, SqlDialect dialect, RoutineKind routine, ref int blockDepth, ref int caseDepth)
        where TTokens : ITokenSource, allows ref struct
    {
        if (routine is RoutineKind.None or RoutineKind.TSqlBatch) return;
        var t = tokens[index];
        if (t.IsWord(text, "BEGIN"))
        {
            var next = NextWord(tokens, index, text);
            if (dialect == SqlDialect.Postgres)
            {
                if (next.IsWord(text, "ATOMIC")) blockDepth++;
                return;
            }
            if (dialect == SqlDialect.TSql)
            {
                if (next.IsWord(text, "TRAN") || next.IsWord(text, "TRANSACTION") || next.IsWord(text, "DISTRIBUTED") || next.IsWord(text, "DIALOG") || next.IsWord(text, "CONVERSATION"))
                    return;
            }
            blockDepth++;
            return;
        }
        if (blockDepth == 0) return;
        if (t.IsWord(text, "CASE"))
        {
            var previous = PreviousWord(tokens, index, text);
            if (!previous.IsWord(text, "END")) caseDepth++;
            return;
        }
        if (t.IsWord(text, "END"))
        {
            var next = NextWord(tokens, index, text);
            if (next.IsWord(text, "IF") || next.IsWord(text, "LOOP") || next.IsWord(text, "WHILE") || next.IsWord(text, "REPEAT")) return;
            if (caseDepth > 0) { caseDepth--; return; }
            blockDepth--;
        }
    }

    private static Token NextWord<TTokens>(TTokens tokens, int index, string text)
        where TTokens : ITokenSource, allows ref struct
    {
        for (var j = index + 1; j < tokens.Count; j++)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }

    private static Token PreviousWord<TTokens>(TTokens tokens, int index, string text)
        where TTokens : ITokenSource, allows ref struct
    {
        for (var j = index - 1; j >= 0; j--)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }
}
