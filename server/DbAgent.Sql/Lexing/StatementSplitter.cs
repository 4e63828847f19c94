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
        while (i < tokens.Count)
        {
            var leading = i;
            while (i < tokens.Count && (tokens[i].IsTrivia || IsScriptLine(tokens[i].Kind) || IsDelimiter(tokens[i].Kind))) 
            {
                if (!tokens[i].IsTrivia) leading = i + 1;
                i++;
            }
            if (i >= tokens.Count) break;

            var first = i;
            var last = i;
            var blockDepth = 0;
            var caseDepth = 0;
            var routine = RoutineKind.None;
            var words = 0;
            var terminatorIndex = -1;
            var terminator = StatementTerminator.None;

            for (; i < tokens.Count; i++)
            {
                var t = tokens[i];
                if (t.IsTrivia) continue;

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

                if (t.Kind == TokenKind.Word)
                {
                    if (words < 8)
                    {
                        words++;
                        if (routine == RoutineKind.None) routine = DetectRoutine(text, tokens, first, i, dialect);
                    }
                    TrackBlocks(text, tokens, i, dialect, routine, ref blockDepth, ref caseDepth);
                }
                last = i;
            }

            var span = TextSpan.FromBounds(tokens[first].Start, tokens[last].End);
            result.Add(new StatementSlice(leading, first, last, terminatorIndex, span, terminator));
        }
        return result;
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
    private static RoutineKind DetectRoutine(string text, IReadOnlyList<Token> tokens, int first, int current, SqlDialect dialect)
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

    private static void TrackBlocks(string text, IReadOnlyList<Token> tokens, int index, SqlDialect dialect, RoutineKind routine, ref int blockDepth, ref int caseDepth)
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

    private static Token NextWord(IReadOnlyList<Token> tokens, int index, string text)
    {
        for (var j = index + 1; j < tokens.Count; j++)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }

    private static Token PreviousWord(IReadOnlyList<Token> tokens, int index, string text)
    {
        for (var j = index - 1; j >= 0; j--)
            if (!tokens[j].IsTrivia) return tokens[j];
        return default;
    }
}
