namespace DbAgent.Sql.Lexing;

/// <summary>The words the splitter and the parser give meaning to (the lexer looks each word up once, while its text is at hand). A word that is none of these is <see cref="Kw.None"/>; any of them may still be a name.</summary>
internal enum Kw : ushort
{
    None,
    ABORT, ACTION, ADD, AFTER, ALGORITHM, ALL, ALTER, ALWAYS, ANALYZE, ANALYSE, AND, ANY, APPLY, ARRAY, AS, ASC, ATOMIC,
    AUTO_INCREMENT, AUTOINCREMENT, BEFORE, BEGIN, BETWEEN, BIGSERIAL, BY, CACHE, CASCADE, CASE, CAST, CHECK, CLUSTERED,
    COLLATE, COLUMN, COMMENT, COMMIT, COMMITTED, CONCURRENTLY, CONFLICT, CONSTRAINT, CONTINUE, COPY, CREATE, CROSS, CUBE,
    CURRENT, CYCLE, DATABASE, DEALLOCATE, DECLARE, DEFAULT, DEFERRABLE, DEFINER, DELETE, DELAYED, DESC, DISTINCT,
    DO, DOMAIN, DROP, DUPLICATE, ELSE, END, ENUM, ESCAPE, EXCEPT, EXCLUDE, EXEC, EXECUTE, EXISTS, EXPLAIN, EXTENSION,
    FETCH, FILTER, FIRST, FOLLOWING, FOR, FOREIGN, FROM, FULL, FUNCTION, GENERATED, GLOB, GO, GRANT, GROUP, GROUPING,
    HAVING, HIGH_PRIORITY, IDENTITY, IF, IGNORE, ILIKE, IMMEDIATE, IN, INCLUDE, INCREMENT, INDEX, INHERITS, INITIALLY,
    INNER, INSERT, INSTEAD, INTERSECT, INTERVAL, INTO, IS, ISNULL, JOIN, KEY, LAST, LATERAL, LEFT, RIGHT, LIKE, LIMIT, LOCAL,
    LOCK, LOW_PRIORITY, MATCHED, MATERIALIZED, MAXVALUE, MERGE, MINUS, MINVALUE, MODIFY, NATURAL, NEXT, NO, NOCHECK,
    NONCLUSTERED, NOT, NOTHING, NOTNULL, NOWAIT, NULL, NULLS, OF, OFFSET, ON, ONLINE, ONLY, OPTION, OR, ORDER, OTHERS,
    OUTER, OUTPUT, OVER, OVERRIDING, OWNED, PARTITION, PERCENT, PRAGMA, PRECEDING, PRIMARY, PROC, PROCEDURE, QUICK,
    RANGE, READ, RECURSIVE, REFERENCES, REGEXP, RELEASE, RENAME, REPLACE, RESET, RESTART, RESTRICT, RETURNING, REVOKE,
    RLIKE, ROLLBACK, ROLLUP, ROW, ROWS, SAVEPOINT, SCHEMA, SELECT, SEQUENCE, SERIAL, SESSION, SET, SETS, SIMILAR, SKIP,
    SMALLSERIAL, SOME, START, STORED, STRAIGHT_JOIN, TABLE, TABLESAMPLE, TEMP, TEMPORARY, THEN, TIES, TO, TOP,
    TRAN, TRANSACTION, TRIGGER, TRUNCATE, TYPE, UNBOUNDED, UNION, UNIQUE, UNLOGGED, UPDATE, USE, USING, VACUUM, VALID,
    VALUE, VALUES, VIEW, VIRTUAL, WHEN, WHERE, WINDOW, WITH, WITHIN, WITHOUT, WORK, XOR, ZEROFILL, OUT, COLLATION,
    AUTHORIZATION, CALL, CLOSE, DIV, MOD, OPEN, PRINT, RETURN, THROW, WHILE, WAITFOR, RAISERROR, SAVE, DENY, SHOW,
    DESCRIBE, LOAD, LISTEN, NOTIFY, REINDEX, CLUSTER, REFRESH, DISCARD, CHECKPOINT, PREPARE, HANDLER, ATTACH, DETACH,
    POLICY, RULE, OWNER, INVISIBLE, VISIBLE, ENGINE, CHARACTER, CHARSET, UNSIGNED, SIGNED, PRECISION, VARYING, ZONE,
    TIME, TIMESTAMP, DATA, STATISTICS, SYSTEM, NAMES, PERSIST, GLOBAL, LEVEL, ISOLATION, CHAIN, DEFERRED, EXCLUSIVE,
    DISTINCTROW, SQL_CALC_FOUND_ROWS, OVERLAPS, AT, BOTH, LEADING, TRAILING, POSITION, EXTRACT, SUBSTRING, TRIM,
    OVERLAY, CONVERT, TRY_CAST, TRY_CONVERT, COLUMNS, OPTIONS, PERIOD, FULLTEXT, SPATIAL, ASYMMETRIC, SYMMETRIC,
    UNKNOWN, TRUE, FALSE, CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP, CURRENT_USER, SESSION_USER, USER, LOCALTIME,
    LOCALTIMESTAMP, CONSTRAINTS, ENABLE, DISABLE, VALIDATE, INHERIT, OIDS, TABLESPACE, STORAGE, SHARE, SKIPLOCKED,
    LOCKED, KEYS, EACH, STATEMENT, REPLICA, SECURITY, PLACING, INPUT, LANGUAGE, RETURNS, CONVERSATION, DIALOG,
    DISTRIBUTED, TRY, CATCH, ELSEIF, LOOP, REPEAT, UNTIL, SOURCE, TARGET, VARIADIC, HASH, LIST, EXTERNAL, OFF,
    ROWID, STRICT, FORCE, USE_INDEX, STRAIGHT, PARTIAL, SIMPLE, MATCH, EVENT, PARALLEL, INCLUDING, EXCLUDING, CONTAINS, FREETEXT, NOLOCK, READPAST, HOLDLOCK, UPDLOCK, ROWLOCK, TABLOCK, PAGLOCK, XLOCK,
    MAX, COUNT, MOVE, UESCAPE, CONTAINED, ALSO, BROWSE, CHANGE, DUMPFILE, FREEZE, INDEXED, JSON, MODE, OBJECT, OUTFILE, PERSISTED, PROCEDURAL,
    QUALIFY, REPEATABLE, REPLICATION, RESPECT, SCALAR, SEPARATOR, SQL, TRUSTED, VERBOSE, XML, MULTISET, SEARCH, DEPTH, BREADTH, OPERATOR, ORDINALITY, JSON_TABLE, XMLTABLE, ROWS_FROM,
    BREAK, BULK, GOTO,
}

internal static class Keywords
{
    // An open-addressing table. Every word token is looked up once, so this is hot: the slot comes from four characters
    // and the length (constant time whatever the word), and a candidate is confirmed by its length, then by comparing
    // four characters at a time as one 64-bit number, case folded by setting bit 0x20 of each. That folding is exact
    // here: keywords are [A-Z0-9_], and no other character a word token holds folds onto one of theirs.
    private const int TableBits = 11;
    private const int TableSize = 1 << TableBits;
    private const ulong Fold = 0x0020_0020_0020_0020UL;
    private static readonly byte[] Lengths = new byte[TableSize];
    /// <summary>Per slot, where its keyword's chunks start in <see cref="Chunks"/>.</summary>
    private static readonly ushort[] ChunkStarts = new ushort[TableSize];
    /// <summary>
    /// Every keyword folded in four-character chunks (see <see cref="FoldedChunks"/>: first four, last four, then those
    /// between, so no keyword needs padding), one after another in one array.
    /// </summary>
    private static readonly ulong[] Chunks;
    private static readonly Kw[] Values = new Kw[TableSize];

    static Keywords()
    {
        var chunks = new List<ulong>(2048);
        foreach (var kw in Enum.GetValues<Kw>())
        {
            if (kw == Kw.None) continue;
            var name = kw.ToString();
            var slot = Slot(name);
            while (Lengths[slot] != 0) slot = (slot + 1) & (TableSize - 1);
            Lengths[slot] = (byte)name.Length;
            ChunkStarts[slot] = (ushort)chunks.Count;
            chunks.AddRange(FoldedChunks(name));
            Values[slot] = kw;
        }
        Chunks = chunks.ToArray();
    }

    /// <summary>A slot from the first two, the last two characters (ASCII letters folded) and the length.</summary>
    private static int Slot(ReadOnlySpan<char> word)
    {
        var n = word.Length;
        var key = (ulong)(uint)(word[0] | 0x20) | (ulong)(uint)(word[1] | 0x20) << 12 | (ulong)(uint)(word[n - 2] | 0x20) << 24
            | (ulong)(uint)(word[n - 1] | 0x20) << 36 | (ulong)(uint)n << 48;
        return (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - TableBits));
    }

    /// <summary>Characters [start, start + 4) as one folded number.</summary>
    private static ulong Four(ReadOnlySpan<char> word, int start) =>
        System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(System.Runtime.InteropServices.MemoryMarshal.AsBytes(word.Slice(start, 4))) | Fold;

    /// <summary>A word of two or three characters as one folded number, padded with zeros.</summary>
    private static ulong Short(ReadOnlySpan<char> word)
    {
        ulong value = 0;
        for (var i = 0; i < word.Length; i++) value |= (ulong)(uint)(word[i] | 0x20) << (16 * i);
        return value;
    }

    /// <summary>A keyword's chunks: its first four characters, its last four, then those between, four at a time.</summary>
    private static ulong[] FoldedChunks(string name)
    {
        if (name.Length < 4) return [Short(name)];
        var chunks = new List<ulong> { Four(name, 0), Four(name, name.Length - 4) };
        for (var at = 4; at < name.Length - 4; at += 4) chunks.Add(Four(name, at));
        return chunks.ToArray();
    }

    public static Kw Of(ReadOnlySpan<char> word)
    {
        var n = word.Length;
        if (n is < 2 or > 24) return Kw.None;
        var slot = Slot(word);
        while (true)
        {
            var length = Lengths[slot];
            if (length == 0) return Kw.None;
            if (length == n && Matches(word, ChunkStarts[slot])) return Values[slot];
            slot = (slot + 1) & (TableSize - 1);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Matches(ReadOnlySpan<char> word, int at)
    {
        var chunks = Chunks;
        var n = word.Length;
        if (n < 4) return Short(word) == chunks[at];
        // Most keywords have at most eight characters: the first and the last four cover them.
        if (Four(word, 0) != chunks[at] || Four(word, n - 4) != chunks[at + 1]) return false;
        for (int offset = 4, k = at + 2; offset < n - 4; offset += 4, k++)
            if (Four(word, offset) != chunks[k]) return false;
        return true;
    }

    /// <summary>Words that end an expression or a name list: a clause starts here. An alias without AS must not be one of these.</summary>
    public static bool IsClauseWord(Kw kw) => kw switch
    {
        Kw.FROM or Kw.WHERE or Kw.GROUP or Kw.HAVING or Kw.ORDER or Kw.LIMIT or Kw.OFFSET or Kw.FETCH or Kw.UNION
            or Kw.INTERSECT or Kw.EXCEPT or Kw.MINUS or Kw.JOIN or Kw.INNER or Kw.LEFT or Kw.RIGHT or Kw.FULL or Kw.CROSS
            or Kw.OUTER or Kw.NATURAL or Kw.ON or Kw.USING or Kw.SET or Kw.VALUES or Kw.RETURNING or Kw.WINDOW or Kw.INTO
            or Kw.WHEN or Kw.THEN or Kw.ELSE or Kw.END or Kw.AND or Kw.OR or Kw.NOT or Kw.AS or Kw.SELECT or Kw.WITH
            or Kw.FOR or Kw.OUTPUT or Kw.OPTION or Kw.APPLY or Kw.STRAIGHT_JOIN or Kw.LATERAL or Kw.IS or Kw.IN or Kw.LIKE
            or Kw.ILIKE or Kw.BETWEEN or Kw.ASC or Kw.DESC or Kw.NULLS or Kw.LOCK or Kw.TABLESAMPLE or Kw.ESCAPE or Kw.COLLATE
            or Kw.INCLUDE or Kw.ORDINALITY or Kw.OVER or Kw.FILTER or Kw.WITHIN or Kw.DO or Kw.TO or Kw.IF or Kw.CHECK
            or Kw.CONSTRAINT or Kw.DEFAULT or Kw.PRIMARY or Kw.REFERENCES or Kw.UNIQUE or Kw.NULL or Kw.CASE
            or Kw.WHILE or Kw.BEGIN or Kw.DECLARE or Kw.PRINT or Kw.RETURN or Kw.EXEC or Kw.EXECUTE or Kw.INSERT or Kw.UPDATE
            or Kw.DELETE or Kw.MERGE or Kw.CREATE or Kw.ALTER or Kw.DROP or Kw.TRUNCATE or Kw.GRANT or Kw.REVOKE => true,
        _ => false,
    };
}
