using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Syntax;

internal sealed partial class Parser
{
    /// <summary>Parses the statement; returns its root node (its children are in the output).</summary>
    private GreenNode Statement()
    {
        var kind = StatementBody();
        if (!AtEnd)
        {
            // Whatever is left is not part of the statement as we understand it.
            Start(SyntaxKind.Error);
            while (!AtEnd) Bump();
            Finish();
        }
        // The statement node was finished onto the stack; wrap the trailing error with it when there is one.
        var root = _stack[0];
        if (_stackCount == 1) return root;
        // The statement's children and the nodes after it, side by side again.
        var firstChild = Output(_out.AsSpan(root.FirstChild, root.ChildCount).ToArray());
        Output(_stack.AsSpan(1, _stackCount - 1));
        root.Kind = kind;
        root.FirstChild = firstChild;
        root.ChildCount += _stackCount - 1;
        root.Flags |= NodeFlags.ContainsError;
        return root;
    }

    /// <summary>Parses one statement into a single node on the stack and returns its kind.</summary>
    private SyntaxKind StatementBody()
    {
        switch (K)
        {
            case Kw.SELECT or Kw.VALUES or Kw.WITH:
                return QueryStatement();
            case Kw.TABLE when _dialect == SqlDialect.Postgres && IsNameAt(1):
                return QueryStatement();
            case Kw.None when T == TokenKind.OpenParen:
                return QueryStatement();
            case Kw.INSERT or Kw.REPLACE when K == Kw.INSERT || PeekKw(1) is Kw.INTO || IsNameAt(1):
                return Insert();
            case Kw.BULK when PeekKw(1) == Kw.INSERT && _dialect == SqlDialect.TSql:
                return BulkInsert();
            case Kw.UPDATE:
                return Update();
            case Kw.DELETE:
                return Delete();
            case Kw.MERGE:
                return Merge();
            case Kw.CREATE:
                return Create();
            case Kw.ALTER:
                return Alter();
            case Kw.DROP:
                return Drop();
            case Kw.TRUNCATE:
                return Truncate();
            case Kw.BEGIN when IsTransactionBegin():
            case Kw.START or Kw.COMMIT or Kw.ROLLBACK or Kw.SAVEPOINT or Kw.RELEASE or Kw.ABORT:
            case Kw.END when _dialect != SqlDialect.TSql:
            case Kw.SAVE when _dialect == SqlDialect.TSql && PeekKw(1) is Kw.TRAN or Kw.TRANSACTION:
                return Simple(SyntaxKind.TransactionStatement);
            case Kw.SET or Kw.RESET or Kw.PRAGMA:
                return Simple(SyntaxKind.SetStatement);
            case Kw.USE:
                return Simple(SyntaxKind.UseStatement);
            case Kw.EXPLAIN or Kw.DESCRIBE when IsExplain():
                return Explain();
            case Kw.GRANT or Kw.REVOKE or Kw.DENY:
                return Grant();
            case Kw.COMMENT when PeekKw(1) == Kw.ON:
                return Simple(SyntaxKind.CommentStatement);
            case Kw.ANALYZE or Kw.ANALYSE:
                return Maintenance(SyntaxKind.AnalyzeStatement);
            case Kw.VACUUM:
                return Maintenance(SyntaxKind.VacuumStatement);
            default:
                return Opaque();
        }
    }

    private bool IsTransactionBegin()
    {
        if (_dialect == SqlDialect.TSql)
            return PeekKw(1) is Kw.TRAN or Kw.TRANSACTION or Kw.DISTRIBUTED || _n == 1;
        return PeekKw(1) is Kw.None or Kw.TRANSACTION or Kw.WORK or Kw.ISOLATION or Kw.READ or Kw.DEFERRED or Kw.IMMEDIATE or Kw.EXCLUSIVE || _n == 1;
    }

    private bool IsExplain()
    {
        // MySQL DESCRIBE t is a table description; EXPLAIN (of a statement) everywhere.
        if (K == Kw.DESCRIBE && PeekKw(1) is not (Kw.SELECT or Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.WITH)) return false;
        return true;
    }

    /// <summary>A statement read to its end without structure (SET, transaction control, USE, COMMENT).</summary>
    private SyntaxKind Simple(SyntaxKind kind)
    {
        Start(kind);
        SkipRest();
        Finish();
        return kind;
    }

    private SyntaxKind QueryStatement()
    {
        Start(SyntaxKind.SelectStatement);
        Query();
        Finish();
        return SyntaxKind.SelectStatement;
    }

    private SyntaxKind Explain()
    {
        Start(SyntaxKind.ExplainStatement);
        Bump();
        // EXPLAIN [ANALYZE] [VERBOSE] [(options)] [QUERY PLAN] [FORMAT=..] statement
        while (!AtEnd && K is not (Kw.SELECT or Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.WITH or Kw.VALUES or Kw.MERGE or Kw.CREATE or Kw.DECLARE or Kw.EXECUTE or Kw.TABLE))
        {
            if (T == TokenKind.OpenParen && !StartsQuery(1)) SkipParenGroup();
            else if (T == TokenKind.OpenParen) break;
            else Bump();
        }
        if (!AtEnd)
        {
            StatementBody();
        }
        Finish();
        return SyntaxKind.ExplainStatement;
    }

    private SyntaxKind Grant()
    {
        Start(SyntaxKind.GrantStatement);
        // GRANT privileges ON [TABLE] names TO ...: the table names are relations; other object kinds are not.
        while (!AtEnd && K != Kw.ON) Bump();
        if (Eat(Kw.ON))
        {
            // A table name is followed by a comma, its column list, TO/FROM or the end; object classes (LARGE OBJECT 1,
            // FOREIGN SERVER s, ROUTINE f, SCHEMA s, ALL TABLES IN SCHEMA) by the object's name. T-SQL: OBJECT::dbo.t.
            var tsqlObject = _dialect == SqlDialect.TSql && K == Kw.OBJECT && IsOpAt(1, "::");
            if (tsqlObject) { Bump(); Bump(); }
            var afterName = IsName ? QualifiedNameLength() : 0;
            var tableObject = K == Kw.TABLE || (tsqlObject && IsName)
                || (IsName && !IsNameAllTables() && K != Kw.ALL
                    && (PeekKind(afterName) is TokenKind.Comma or TokenKind.Semicolon or TokenKind.OpenParen || PeekKw(afterName) is Kw.TO or Kw.FROM));
            if (K == Kw.TABLE) Bump();
            if (tableObject && K != Kw.ALL)
            {
                do
                {
                    Start(SyntaxKind.TableReference);
                    QualifiedName();
                    Finish();
                } while (Eat(TokenKind.Comma) && IsName);
            }
        }
        SkipRest();
        Finish();
        return SyntaxKind.GrantStatement;
    }

    /// <summary>The object word of CREATE/ALTER (after OR REPLACE and DEFAULT): a keyword, or a word compared by its text.</summary>
    private bool ObjectWordIs(Kw kw, string? word)
    {
        var i = _pos + 1;
        if (i < _n && _tok[i].Keyword == Kw.OR) i += 2;
        if (i < _n && _tok[i].Keyword == Kw.DEFAULT) i++;
        if (i >= _n) return false;
        return word is null ? _tok[i].Keyword == kw : _tok[i].Kind == TokenKind.Word && _text.AsSpan(_tok[i].Start, _tok[i].Length).Equals(word, StringComparison.OrdinalIgnoreCase);
    }

    private bool IsWordText(string word) => IsWordToken && CurrentText.Equals(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>How many tokens the name[.name...] at the cursor spans.</summary>
    private int QualifiedNameLength()
    {
        var p = 1;
        while (PeekKind(p) == TokenKind.Dot && IsNameAt(p + 1)) p += 2;
        return p;
    }

    private void SkipQualifiedName()
    {
        for (var p = QualifiedNameLength(); p > 0; p--) Bump();
    }

    /// <summary>
    /// CREATE PUBLICATION p FOR TABLE a (cols) WHERE (..), ONLY b, TABLES IN SCHEMA s / ALTER PUBLICATION p ADD|SET|DROP
    /// TABLE ...: every table of the lists is a relation, with its column list and row filter skipped.
    /// </summary>
    private void PublicationTables()
    {
        while (!AtEnd)
        {
            if (K != Kw.TABLE) { if (T == TokenKind.OpenParen) SkipParenGroup(); else Bump(); continue; }
            Bump();
            while (!AtEnd)
            {
                Eat(Kw.ONLY);
                if (!IsName || (IsWordText("TABLES") && PeekKw(1) == Kw.IN)) break;
                Start(SyntaxKind.TableReference);
                QualifiedName();
                Finish();
                EatOp("*");
                if (T == TokenKind.OpenParen) SkipParenGroup();
                if (K == Kw.WHERE) { Bump(); SkipParenGroup(); }
                if (!Eat(TokenKind.Comma)) break;
                Eat(Kw.TABLE);
            }
        }
    }

    /// <summary>IMPORT FOREIGN SCHEMA s [LIMIT TO | EXCEPT (t1, t2)] FROM SERVER x INTO local: the listed foreign tables.</summary>
    private void ImportedTables()
    {
        while (!AtEnd && K is not (Kw.EXCEPT or Kw.TO or Kw.FROM)) Bump();
        if (K is not (Kw.EXCEPT or Kw.TO) || PeekKind(1) != TokenKind.OpenParen) return;
        Bump(); Bump();
        while (IsName)
        {
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
            if (!Eat(TokenKind.Comma)) break;
        }
        Eat(TokenKind.CloseParen);
    }

    private bool IsNameAllTables() => K is Kw.SCHEMA or Kw.SEQUENCE or Kw.FUNCTION or Kw.PROCEDURE or Kw.DATABASE or Kw.TYPE or Kw.DOMAIN or Kw.LANGUAGE;

    private SyntaxKind Maintenance(SyntaxKind kind)
    {
        Start(kind);
        Bump();
        while (!AtEnd && (K is Kw.FULL or Kw.VERBOSE or Kw.FREEZE or Kw.ANALYZE or Kw.ANALYSE or Kw.TABLE || T == TokenKind.OpenParen))
        {
            if (T == TokenKind.OpenParen) SkipParenGroup();
            else Bump();
        }
        while (IsName)
        {
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
            if (T == TokenKind.OpenParen) SkipParenGroup();
            if (!Eat(TokenKind.Comma)) break;
        }
        SkipRest();
        Finish();
        return kind;
    }

    /// <summary>
    /// A statement the parser does not know: kept whole, with the relations it can still see (after FROM, JOIN, INTO,
    /// UPDATE, TABLE) and the queries inside it (PREPARE ... AS SELECT, DECLARE ... FOR SELECT, CREATE RULE ... DO ...).
    /// </summary>
    private SyntaxKind Opaque()
    {
        Start(SyntaxKind.OpaqueStatement);
        var leading = K;
        // CREATE POLICY p ON t AS RESTRICTIVE FOR SELECT TO role: a command name, not a query.
        var isPolicy = leading is Kw.CREATE or Kw.ALTER && ObjectWordIs(Kw.POLICY, null);
        var isPublication = leading is Kw.CREATE or Kw.ALTER && ObjectWordIs(Kw.None, "PUBLICATION");
        var isImport = leading == Kw.None && IsWordText("IMPORT");
        // FROM names a collation, a conversion function or a role here.
        var namesNoTables = (leading == Kw.CREATE && (ObjectWordIs(Kw.COLLATION, null) || ObjectWordIs(Kw.None, "CONVERSION")))
            || (leading == Kw.ALTER && PeekKw(1) == Kw.DEFAULT);
        if (leading is Kw.LOCK or Kw.CLUSTER or Kw.REFRESH or Kw.COPY or Kw.REINDEX)
        {
            Bump();
            if (leading is Kw.REINDEX or Kw.CLUSTER && T == TokenKind.OpenParen) SkipParenGroup();
            // REINDEX names a table or an index (both relations); SCHEMA, DATABASE and SYSTEM name none.
            var reindexObject = Kw.None;
            while (K is Kw.TABLE or Kw.MATERIALIZED or Kw.VIEW or Kw.CONCURRENTLY or Kw.ONLY or Kw.VERBOSE or Kw.INDEX
                   || (leading == Kw.COPY && IsWordText("BINARY")))
            {
                if (K is Kw.TABLE or Kw.INDEX) reindexObject = K;
                Bump();
            }
            // CLUSTER index ON table (the pre-8.3 form): the index is not a relation of the statement, the table is.
            if (leading == Kw.CLUSTER && IsName && PeekKw(QualifiedNameLength()) == Kw.ON)
            {
                SkipQualifiedName();
                Bump(); // ON
            }
            if (T == TokenKind.OpenParen && leading == Kw.COPY) { Subquery(); }
            else if (IsName && (leading != Kw.REINDEX || reindexObject != Kw.None))
            {
                do
                {
                    Start(SyntaxKind.TableReference);
                    QualifiedName();
                    Finish();
                    Eat(TokenKind.Operator);
                } while (leading == Kw.LOCK && Eat(TokenKind.Comma) && IsName);
            }
        }
        if (leading is Kw.CREATE or Kw.ALTER or Kw.DROP)
        {
            // CREATE/ALTER POLICY p ON t, CREATE RULE r AS ON event TO t: the table is a relation of the statement.
            var objectKw = PeekKw(1) == Kw.OR ? PeekKw(3) : PeekKw(1);
            if ((objectKw is Kw.POLICY or Kw.RULE || (objectKw == Kw.TRIGGER && leading == Kw.ALTER)) && leading != Kw.DROP)
            {
                // ALTER RULE r ON t / ALTER TRIGGER g ON t / CREATE POLICY p ON t, but CREATE RULE r AS ON event TO t.
                var tableAfter = objectKw == Kw.RULE && leading == Kw.CREATE ? Kw.TO : Kw.ON;
                while (!AtEnd && K != tableAfter) Bump();
                if (!AtEnd)
                {
                    Bump();
                    Start(SyntaxKind.TableReference);
                    QualifiedName();
                    Finish();
                }
            }
        }
        // Cursor and COPY statements name cursors and files after FROM/TO, not relations; so do the statements whose
        // FROM names a collation, a conversion function, a role or a foreign server.
        var scanNames = leading is not (Kw.COPY or Kw.FETCH or Kw.MOVE or Kw.CLOSE or Kw.DECLARE or Kw.LISTEN or Kw.NOTIFY)
            && !namesNoTables && !isImport;
        if (isPublication) PublicationTables();
        if (isImport) ImportedTables();
        var previous = Kw.None;
        while (!AtEnd)
        {
            var kw = K;
            if (T == TokenKind.OpenParen)
            {
                if (StartsQuery(1) && _depth < MaxDepth) { Subquery(); previous = Kw.None; continue; }
                Bump();
                previous = Kw.None;
                continue;
            }
            if (scanNames
                && (kw is Kw.FROM or Kw.JOIN or Kw.INTO || (kw == Kw.UPDATE && previous is not (Kw.ON or Kw.FOR or Kw.OR or Kw.BEFORE or Kw.AFTER or Kw.OF or Kw.INSTEAD))
                    || (kw == Kw.TABLE && previous is not (Kw.RETURNS or Kw.ON)))
                && IsNameAt(1) && PeekKw(1) is Kw.None or Kw.ONLY)
            {
                Bump();
                Eat(Kw.ONLY);
                if (IsName && !(PeekKind(1) == TokenKind.OpenParen && kw != Kw.INTO))
                {
                    Start(SyntaxKind.TableReference);
                    QualifiedName();
                    Finish();
                }
                previous = kw;
                continue;
            }
            if (kw is Kw.SELECT or Kw.WITH or Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.VALUES or Kw.MERGE
                && (previous is Kw.AS or Kw.DO or Kw.ALSO or Kw.INSTEAD || (previous == Kw.FOR && kw is Kw.SELECT or Kw.WITH or Kw.VALUES && !isPolicy))
                && _depth < MaxDepth)
            {
                _depth++;
                StatementBody();
                _depth--;
                previous = Kw.None;
                continue;
            }
            previous = kw;
            Bump();
        }
        Finish();
        return SyntaxKind.OpaqueStatement;
    }
}
