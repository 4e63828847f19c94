using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Syntax;

internal sealed partial class Parser
{
    /// <summary>T-SQL BULK INSERT t FROM 'file' [WITH (options)]: loads rows into t, an insert without a query.</summary>
    private SyntaxKind BulkInsert()
    {
        Start(SyntaxKind.InsertStatement);
        Bump(); Bump(); // BULK INSERT
        Start(SyntaxKind.InsertTarget);
        Start(SyntaxKind.TableReference);
        QualifiedName();
        Finish();
        Finish();
        if (Eat(Kw.FROM) && T == TokenKind.String) Leaf(SyntaxKind.Literal);
        else Missing(SyntaxKind.Literal);
        if (K == Kw.WITH && PeekKind(1) == TokenKind.OpenParen)
        {
            Start(SyntaxKind.TableOptions);
            Bump();
            SkipParenGroup();
            Finish();
        }
        Finish();
        return SyntaxKind.InsertStatement;
    }

    private SyntaxKind Insert()
    {
        Start(SyntaxKind.InsertStatement);
        Bump(); // INSERT / REPLACE
        // SQLite INSERT OR REPLACE; MySQL modifiers; T-SQL TOP.
        if (K == Kw.OR && IsWordToken) { Bump(); Bump(); }
        while (K is Kw.LOW_PRIORITY or Kw.DELAYED or Kw.HIGH_PRIORITY or Kw.IGNORE) Bump();
        if (K == Kw.TOP) Top();
        Eat(Kw.INTO);
        Start(SyntaxKind.InsertTarget);
        Eat(Kw.TABLE);
        if (AtRowsetFunction())
        {
            RowsetFunctionTarget();
            Finish();
            return InsertRest();
        }
        Start(SyntaxKind.TableReference);
        QualifiedName();
        if (K == Kw.PARTITION && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
        if (K == Kw.AS || (_dialect == SqlDialect.Postgres && IsWordToken && K == Kw.None)) OptionalAlias();
        if (K == Kw.WITH && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
        Finish();
        if (T == TokenKind.OpenParen && !StartsQuery(1)) ColumnList();
        Finish();
        return InsertRest();
    }

    /// <summary>T-SQL OPENQUERY(server, 'query') / OPENROWSET(..) / OPENDATASOURCE(..): a remote rowset as a DML target.</summary>
    private bool AtRowsetFunction() =>
        _dialect == SqlDialect.TSql && IsWordToken && PeekKind(1) == TokenKind.OpenParen
        && (CurrentText.Equals("OPENQUERY", StringComparison.OrdinalIgnoreCase) || CurrentText.Equals("OPENROWSET", StringComparison.OrdinalIgnoreCase)
            || CurrentText.Equals("OPENDATASOURCE", StringComparison.OrdinalIgnoreCase));

    private void RowsetFunctionTarget()
    {
        Start(SyntaxKind.FunctionTable);
        Expression();
        OptionalAlias();
        Finish();
    }

    /// <summary>What follows the target of an INSERT: OVERRIDING, OUTPUT, the source, ON CONFLICT / ON DUPLICATE KEY, RETURNING.</summary>
    private SyntaxKind InsertRest()
    {
        if (K == Kw.OVERRIDING) { Bump(); Bump(); Eat(Kw.VALUE); }
        if (K == Kw.OUTPUT) Output();

        Start(SyntaxKind.InsertSource);
        switch (K)
        {
            case Kw.VALUES or Kw.VALUE:
                Values();
                break;
            case Kw.DEFAULT:
                Bump();
                Eat(Kw.VALUES);
                break;
            case Kw.SET when _dialect == SqlDialect.MySql:
                SetClause();
                break;
            case Kw.EXEC or Kw.EXECUTE:
                SkipRest();
                break;
            case Kw.SELECT or Kw.WITH or Kw.TABLE:
                Query();
                break;
            default:
                if (T == TokenKind.OpenParen) Query();
                else Missing(SyntaxKind.ValuesClause);
                break;
        }
        Finish();
        // MySQL 8 row alias: VALUES (...) AS new
        if (K == Kw.AS && _dialect == SqlDialect.MySql) OptionalAlias(allowColumns: true);

        if (K == Kw.ON && PeekKw(1) == Kw.CONFLICT)
        {
            Start(SyntaxKind.OnConflictClause);
            Bump(); Bump();
            if (T == TokenKind.OpenParen) SkipParenGroup();
            else if (K == Kw.ON && PeekKw(1) == Kw.CONSTRAINT) { Bump(); Bump(); Identifier(); }
            if (K == Kw.WHERE) Where();
            if (Eat(Kw.DO))
            {
                if (!Eat(Kw.NOTHING) && Eat(Kw.UPDATE))
                {
                    SetClause();
                    if (K == Kw.WHERE) Where();
                }
            }
            Finish();
        }
        else if (K == Kw.ON && PeekKw(1) == Kw.DUPLICATE)
        {
            Start(SyntaxKind.OnDuplicateKeyClause);
            Bump(); Bump(); Eat(Kw.KEY); Eat(Kw.UPDATE);
            Assignments();
            Finish();
        }
        if (K == Kw.RETURNING) Returning();
        Finish();
        return SyntaxKind.InsertStatement;
    }

    private void Returning()
    {
        Start(SyntaxKind.ReturningClause);
        Bump();
        SelectListItems();
        if (K == Kw.INTO) { Bump(); while (!AtEnd) Bump(); }
        Finish();
    }

    private void SelectListItems()
    {
        do
        {
            Start(SyntaxKind.SelectItem);
            Expression();
            OptionalAlias();
            Finish();
        } while (Eat(TokenKind.Comma));
    }

    /// <summary>T-SQL OUTPUT inserted.*, deleted.x [INTO @t (cols)].</summary>
    private void Output()
    {
        Start(SyntaxKind.OutputClause);
        Bump();
        SelectListItems();
        if (K == Kw.INTO)
        {
            Bump();
            if (T == TokenKind.Parameter) Bump();
            else
            {
                Start(SyntaxKind.TableReference);
                QualifiedName();
                Finish();
            }
            if (T == TokenKind.OpenParen) ColumnList();
        }
        Finish();
    }

    private void SetClause()
    {
        Start(SyntaxKind.SetClause);
        Eat(Kw.SET);
        Assignments();
        Finish();
    }

    private void Assignments()
    {
        do
        {
            Start(SyntaxKind.Assignment);
            if (T == TokenKind.OpenParen) ColumnList();
            else if (IsName || T == TokenKind.Parameter) ColumnTarget();
            else Missing(SyntaxKind.ColumnReference);
            if (T == TokenKind.Operator && CurrentText is "=" or "+=" or "-=" or "*=" or "/=" or "%=" or "&=" or "|=" or "^=" or ":=") Bump();
            else Missing(SyntaxKind.Operator);
            Eat(Kw.ROW);
            if (K == Kw.DEFAULT && PeekKind(1) is TokenKind.Comma or TokenKind.Semicolon) Leaf(SyntaxKind.Literal);
            else Expression();
            Finish();
        } while (Eat(TokenKind.Comma));
    }

    /// <summary>The column an assignment writes: a, t.a, @var (T-SQL), a[1] / a.field (PostgreSQL).</summary>
    private void ColumnTarget()
    {
        if (T == TokenKind.Parameter) { Leaf(SyntaxKind.Parameter); return; }
        Start(SyntaxKind.ColumnReference);
        Leaf(SyntaxKind.Identifier);
        while (T == TokenKind.Dot && IsNameAt(1)) { Bump(); Leaf(SyntaxKind.Identifier); }
        Finish();
        while (T == TokenKind.OpenBracket || (T == TokenKind.Dot && IsNameAt(1)))
        {
            if (T == TokenKind.Dot) { Bump(); Bump(); continue; }
            while (!AtEnd && T != TokenKind.CloseBracket) Bump();
            Eat(TokenKind.CloseBracket);
        }
    }

    private SyntaxKind Update()
    {
        Start(SyntaxKind.UpdateStatement);
        Bump();
        if (K == Kw.OR && _dialect == SqlDialect.Sqlite) { Bump(); Bump(); }
        while (K is Kw.LOW_PRIORITY or Kw.IGNORE) Bump();
        if (K == Kw.TOP) Top();
        if (K == Kw.STATISTICS && _dialect == SqlDialect.TSql)
        {
            Bump();
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
            SkipRest();
            Finish();
            return SyntaxKind.UpdateStatement;
        }
        // The target, with MySQL's multi-table joins.
        Start(SyntaxKind.InsertTarget);
        TableList();
        Finish();
        if (K == Kw.SET) SetClause();
        else Missing(SyntaxKind.SetClause);
        if (K == Kw.OUTPUT) Output();
        if (K == Kw.FROM) From();
        if (K == Kw.WHERE) Where();
        QueryTail();
        if (K == Kw.RETURNING) Returning();
        Finish();
        return SyntaxKind.UpdateStatement;
    }

    private SyntaxKind Delete()
    {
        Start(SyntaxKind.DeleteStatement);
        Bump();
        while (K is Kw.LOW_PRIORITY or Kw.QUICK or Kw.IGNORE) Bump();
        if (K == Kw.TOP) Top();
        if (K != Kw.FROM && AtRowsetFunction())
        {
            Start(SyntaxKind.InsertTarget);
            RowsetFunctionTarget();
            Finish();
            if (K == Kw.OUTPUT) Output();
            if (K == Kw.FROM) From();
        }
        else if (K != Kw.FROM && IsName)
        {
            // DELETE t1, t2 FROM ... (MySQL) / DELETE t FROM t JOIN ... (T-SQL): the names before FROM are the targets.
            Start(SyntaxKind.InsertTarget);
            do
            {
                Start(SyntaxKind.TableReference);
                QualifiedName();
                if (T == TokenKind.Dot && IsOpAt(1, "*")) Bump();
                EatOp("*");
                Finish();
            } while (Eat(TokenKind.Comma));
            Finish();
            if (K == Kw.OUTPUT) Output();
            if (K == Kw.FROM) From();
        }
        else
        {
            Eat(Kw.FROM);
            Start(SyntaxKind.InsertTarget);
            if (_dialect == SqlDialect.MySql && IsName && (PeekKind(1) == TokenKind.Comma || (PeekKind(1) == TokenKind.Dot && IsOpAt(2, "*"))))
            {
                // DELETE FROM t1.*, t2.* USING ...
                do
                {
                    Start(SyntaxKind.TableReference);
                    QualifiedName();
                    if (T == TokenKind.Dot && IsOpAt(1, "*")) { Bump(); Bump(); }
                    Finish();
                } while (Eat(TokenKind.Comma));
            }
            else if (_dialect == SqlDialect.MySql) TableList();
            else TableWithJoins();
            Finish();
            if (K == Kw.OUTPUT) Output();
            if (K == Kw.USING)
            {
                Start(SyntaxKind.UsingTables);
                Bump();
                TableList();
                Finish();
            }
            if (K == Kw.FROM) From();
        }
        if (K == Kw.WHERE) Where();
        QueryTail();
        if (K == Kw.RETURNING) Returning();
        Finish();
        return SyntaxKind.DeleteStatement;
    }

    private SyntaxKind Merge()
    {
        Start(SyntaxKind.MergeStatement);
        Bump();
        if (K == Kw.TOP) Top();
        Eat(Kw.INTO);
        Start(SyntaxKind.InsertTarget);
        TableItem();
        Finish();
        if (Eat(Kw.USING))
        {
            // USING s1 JOIN s2 ON .. ON target-condition: the source may be a join.
            Start(SyntaxKind.UsingTables);
            TableWithJoins();
            Finish();
        }
        if (K == Kw.ON)
        {
            Start(SyntaxKind.JoinCondition);
            Bump();
            Expression();
            Finish();
        }
        while (K == Kw.WHEN)
        {
            Start(SyntaxKind.MergeWhen);
            Bump();
            Eat(Kw.NOT);
            Eat(Kw.MATCHED);
            if (K == Kw.BY) { Bump(); Bump(); }
            if (Eat(Kw.AND)) Expression();
            Eat(Kw.THEN);
            switch (K)
            {
                case Kw.UPDATE:
                    Bump();
                    SetClause();
                    if (K == Kw.WHERE) Where();
                    break;
                case Kw.DELETE:
                    Bump();
                    break;
                case Kw.INSERT:
                    Bump();
                    if (T == TokenKind.OpenParen) ColumnList();
                    if (K == Kw.OVERRIDING) { Bump(); Bump(); Eat(Kw.VALUE); }
                    if (K == Kw.VALUES) Values();
                    else if (K == Kw.DEFAULT) { Bump(); Eat(Kw.VALUES); }
                    break;
                case Kw.DO:
                    Bump();
                    Eat(Kw.NOTHING);
                    break;
            }
            Finish();
        }
        if (K == Kw.OUTPUT) Output();
        if (K == Kw.RETURNING) Returning();
        if (K == Kw.OPTION) { Bump(); SkipParenGroup(); }
        Finish();
        return SyntaxKind.MergeStatement;
    }

    private SyntaxKind Truncate()
    {
        Start(SyntaxKind.TruncateStatement);
        Bump();
        Eat(Kw.TABLE);
        Eat(Kw.ONLY);
        while (IsName)
        {
            Start(SyntaxKind.TableReference);
            QualifiedName();
            EatOp("*");
            Finish();
            if (!Eat(TokenKind.Comma)) break;
            Eat(Kw.ONLY);
        }
        SkipRest();
        Finish();
        return SyntaxKind.TruncateStatement;
    }
}
