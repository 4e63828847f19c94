namespace DbAgent.Sql.Syntax;

/// <summary>The words the parser gives meaning to. A word that is none of these is <see cref="Kw.None"/>; any of them may still be a name.</summary>
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
}

internal static class Keywords
{
    // An open-addressing table keyed by an ASCII case-folded hash: words are looked up once per token, so this is hot.
    private const int TableSize = 2048;
    private static readonly string[] Names = new string[TableSize];
    private static readonly Kw[] Values = new Kw[TableSize];

    static Keywords()
    {
        foreach (var kw in Enum.GetValues<Kw>())
        {
            if (kw == Kw.None) continue;
            var name = kw.ToString();
            var slot = Hash(name) & (TableSize - 1);
            while (Names[slot] is not null) slot = (slot + 1) & (TableSize - 1);
            Names[slot] = name;
            Values[slot] = kw;
        }
    }

    /// <summary>FNV-1a over the ASCII upper-cased characters; -1 for characters no keyword has.</summary>
    private static int Hash(ReadOnlySpan<char> word)
    {
        var h = 2166136261u;
        foreach (var ch in word)
        {
            var c = ch;
            if (c is >= 'a' and <= 'z') c = (char)(c - 32);
            else if (!(c is >= 'A' and <= 'Z' or '_' or >= '0' and <= '9')) return -1;
            h = (h ^ c) * 16777619u;
        }
        return (int)(h & 0x7FFFFFFF);
    }

    public static Kw Of(ReadOnlySpan<char> word)
    {
        if (word.Length is < 2 or > 24) return Kw.None;
        var hash = Hash(word);
        if (hash < 0) return Kw.None;
        var slot = hash & (TableSize - 1);
        while (true)
        {
            var name = Names[slot];
            if (name is null) return Kw.None;
            if (name.Length == word.Length && EqualsUpper(word, name)) return Values[slot];
            slot = (slot + 1) & (TableSize - 1);
        }
    }

    private static bool EqualsUpper(ReadOnlySpan<char> word, string upper)
    {
        for (var i = 0; i < word.Length; i++)
        {
            var c = word[i];
            if (c is >= 'a' and <= 'z') c = (char)(c - 32);
            if (c != upper[i]) return false;
        }
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
