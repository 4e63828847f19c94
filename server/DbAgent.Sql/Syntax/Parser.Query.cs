using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Syntax;

/// <summary>Set-operation tags on <see cref="SyntaxKind.SetOperation"/>.</summary>
public enum SetOperator : short { Union = 1, UnionAll, Intersect, Except }

/// <summary>Join tags on <see cref="SyntaxKind.Join"/>.</summary>
public enum JoinKind : short { Inner = 1, Left, Right, Full, Cross, CrossApply, OuterApply, Natural, Straight }

internal sealed partial class Parser
{
    /// <summary>[WITH ...] query-term { set-op query-term } [ORDER BY] [LIMIT/OFFSET/FETCH] [FOR UPDATE ...], into the open node.</summary>
    private void Query()
    {
        if (K == Kw.WITH)
        {
            With();
            if (K is Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.MERGE)
            {
                StatementBody();
                return;
            }
        }
        var m = Mark();
        QueryTerm();
        var open = false;
        while (K is Kw.UNION or Kw.INTERSECT or Kw.EXCEPT or Kw.MINUS)
        {
            if (!open)
            {
                StartAt(m, SyntaxKind.SetOperation);
                open = true;
            }
            var op = K switch { Kw.UNION => SetOperator.Union, Kw.INTERSECT => SetOperator.Intersect, _ => SetOperator.Except };
            Bump();
            if (Eat(Kw.ALL) && op == SetOperator.Union) op = SetOperator.UnionAll;
            Eat(Kw.DISTINCT);
            SetTag((short)op);
            QueryTerm();
        }
        if (open) Finish();
        QueryTail();
    }

    private void QueryTerm()
    {
        switch (K)
        {
            case Kw.SELECT:
                QuerySpecification();
                return;
            case Kw.VALUES:
                Values();
                return;
            case Kw.TABLE:
                Start(SyntaxKind.QuerySpecification);
                Start(SyntaxKind.FromClause);
                Bump();
                Start(SyntaxKind.TableReference);
                QualifiedName();
                Finish();
                Finish();
                Finish();
                return;
            case Kw.WITH:
                Start(SyntaxKind.Subquery);
                Query();
                Finish();
                return;
        }
        if (T == TokenKind.OpenParen)
        {
            Subquery();
            return;
        }
        Missing(SyntaxKind.QuerySpecification);
    }

    /// <summary>( query ) as a Subquery node; guarded against runaway nesting.</summary>
    private void Subquery()
    {
        if (_depth >= MaxDepth)
        {
            Unparsed();
            return;
        }
        _depth++;
        Start(SyntaxKind.Subquery);
        Bump(); // (
        if (K is Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.MERGE) StatementBody();
        else Query();
        ExpectCloseParen();
        Finish();
        _depth--;
    }

    /// <summary>A balanced group kept without structure (beyond the nesting bound), scanned iteratively.</summary>
    private void Unparsed()
    {
        Start(SyntaxKind.Unparsed);
        var depth = 0;
        while (!AtEnd)
        {
            if (T == TokenKind.OpenParen) depth++;
            else if (T == TokenKind.CloseParen && --depth <= 0) { Bump(); break; }
            Bump();
            if (depth == 0) break;
        }
        Finish();
    }

    private void With()
    {
        Start(SyntaxKind.WithClause);
        Bump();
        if (Eat(Kw.RECURSIVE)) SetTag(1);
        do
        {
            Start(SyntaxKind.CommonTableExpression);
            Identifier();
            if (T == TokenKind.OpenParen) ColumnList();
            if (!Eat(Kw.AS)) Missing(SyntaxKind.Alias);
            Eat(Kw.NOT);
            Eat(Kw.MATERIALIZED);
            if (T == TokenKind.OpenParen) Subquery();
            else Missing(SyntaxKind.Subquery);
            // PostgreSQL SEARCH / CYCLE clauses of recursive CTEs.
            if (K is Kw.SEARCH or Kw.CYCLE)
                SkipBalanced(static p => p.K is Kw.SELECT or Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.MERGE or Kw.VALUES
                    || (p.T == TokenKind.Comma && p.IsNameAt(1) && (p.PeekKw(2) == Kw.AS || p.PeekKind(2) == TokenKind.OpenParen)));
            Finish();
        } while (Eat(TokenKind.Comma));
        Finish();
    }

    private void Values()
    {
        Start(SyntaxKind.ValuesClause);
        Bump();
        do
        {
            Eat(Kw.ROW);
            if (T == TokenKind.OpenParen) ParenthesizedExpressionList();
            else Expression();
        } while (Eat(TokenKind.Comma));
        Finish();
    }

    private void ParenthesizedExpressionList()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        Start(SyntaxKind.ExpressionList);
        Bump();
        if (T != TokenKind.CloseParen)
        {
            do
            {
                if (K == Kw.DEFAULT && PeekKind(1) is TokenKind.Comma or TokenKind.CloseParen) { Leaf(SyntaxKind.Literal); continue; }
                Expression();
            } while (Eat(TokenKind.Comma));
        }
        ExpectCloseParen();
        Finish();
        _depth--;
    }

    private void QuerySpecification()
    {
        Start(SyntaxKind.QuerySpecification);
        Bump(); // SELECT
        // Modifiers: ALL, DISTINCT [ON (...)], MySQL's flags, T-SQL TOP.
        while (true)
        {
            if (K == Kw.DISTINCT)
            {
                Bump();
                if (K == Kw.ON && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
                continue;
            }
            if (K is Kw.ALL or Kw.DISTINCTROW or Kw.HIGH_PRIORITY or Kw.STRAIGHT_JOIN or Kw.SQL_CALC_FOUND_ROWS && !(PeekKind(1) is TokenKind.Comma or TokenKind.Dot))
            {
                Bump();
                continue;
            }
            if (IsWordToken && CurrentText.StartsWith("SQL_", StringComparison.OrdinalIgnoreCase) && _dialect == SqlDialect.MySql) { Bump(); continue; }
            if (K == Kw.TOP) { Top(); continue; }
            break;
        }
        SelectList();
        if (K == Kw.INTO) IntoClause();
        if (K == Kw.FROM) From();
        if (K == Kw.WHERE) Where();
        if (K == Kw.GROUP && PeekKw(1) == Kw.BY) GroupBy();
        if (K == Kw.HAVING) Having();
        if (K == Kw.WINDOW) WindowClause();
        if (K == Kw.QUALIFY) { Start(SyntaxKind.WhereClause, 1); Bump(); Expression(); Finish(); }
        Finish();
    }

    private void Top()
    {
        Start(SyntaxKind.TopClause);
        Bump();
        if (T == TokenKind.OpenParen) ParenthesizedExpression();
        else if (T is TokenKind.Number or TokenKind.Parameter) Leaf(SyntaxKind.Literal);
        else Missing(SyntaxKind.Literal);
        Eat(Kw.PERCENT);
        if (K == Kw.WITH && PeekKw(1) == Kw.TIES) { Bump(); Bump(); }
        Finish();
    }

    private void SelectList()
    {
        Start(SyntaxKind.SelectList);
        if (IsSelectListEnd())
        {
            // SELECT FROM t is valid PostgreSQL (no columns).
            Finish();
            return;
        }
        do
        {
            Start(SyntaxKind.SelectItem);
            Expression();
            OptionalAlias();
            Finish();
        } while (Eat(TokenKind.Comma));
        Finish();
    }

    private bool IsSelectListEnd() => AtEnd || T is TokenKind.CloseParen || K is Kw.FROM or Kw.WHERE or Kw.UNION or Kw.EXCEPT or Kw.INTERSECT or Kw.INTO or Kw.GROUP or Kw.ORDER or Kw.LIMIT;

    private void IntoClause()
    {
        Start(SyntaxKind.IntoClause);
        Bump();
        // PostgreSQL SELECT INTO [TEMP] new_table; T-SQL INTO #t; MySQL INTO @var / OUTFILE.
        while (K is Kw.TEMPORARY or Kw.TEMP or Kw.UNLOGGED or Kw.TABLE) Bump();
        if (IsName && K is not (Kw.OUTFILE or Kw.DUMPFILE))
        {
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
        }
        else
        {
            while (!AtEnd && K is not (Kw.FROM or Kw.WHERE or Kw.UNION or Kw.GROUP or Kw.ORDER or Kw.LIMIT or Kw.FOR) && T != TokenKind.CloseParen) Bump();
        }
        Finish();
    }

    private void From()
    {
        Start(SyntaxKind.FromClause);
        Bump();
        TableList();
        Finish();
    }

    /// <summary>table-item [, table-item ...]</summary>
    private void TableList()
    {
        do
        {
            TableWithJoins();
        } while (Eat(TokenKind.Comma));
    }

    /// <summary>A table item and the joins that follow it, left-deep and iterative.</summary>
    private void TableWithJoins()
    {
        var m = Mark();
        TableItem();
        JoinLoop(m);
    }

    /// <summary>Joins onto the item at the marker; A JOIN B JOIN C ON x ON y nests the inner join on the right.</summary>
    private void JoinLoop(Marker m)
    {
        while (true)
        {
            var kind = JoinStart();
            if (kind == 0) break;
            StartAt(m, SyntaxKind.Join, (short)kind);
            if (kind is JoinKind.CrossApply or JoinKind.OuterApply) { Bump(); Bump(); }
            else
            {
                while (!AtEnd && K != Kw.JOIN && K != Kw.STRAIGHT_JOIN) Bump();
                Bump(); // JOIN
            }
            var right = Mark();
            TableItem();
            if (kind is not (JoinKind.Cross or JoinKind.Natural or JoinKind.CrossApply or JoinKind.OuterApply) && K is not (Kw.ON or Kw.USING) && JoinStart() != 0 && _depth < MaxDepth)
            {
                _depth++;
                JoinLoop(right);
                _depth--;
            }
            if (K == Kw.ON)
            {
                Start(SyntaxKind.JoinCondition);
                Bump();
                Expression();
                Finish();
            }
            else if (K == Kw.USING)
            {
                Start(SyntaxKind.UsingClause);
                Bump();
                if (T == TokenKind.OpenParen) ColumnList();
                // PostgreSQL JOIN .. USING (a) AS j: an alias for the join columns.
                if (K == Kw.AS && _dialect == SqlDialect.Postgres) OptionalAlias();
                Finish();
            }
            Finish();
        }
    }

    private JoinKind JoinStart()
    {
        switch (K)
        {
            case Kw.JOIN: return JoinKind.Inner;
            case Kw.INNER: return JoinKind.Inner;
            case Kw.STRAIGHT_JOIN: return JoinKind.Straight;
            case Kw.LEFT when PeekKind(1) != TokenKind.OpenParen: return JoinKind.Left;
            case Kw.RIGHT when PeekKind(1) != TokenKind.OpenParen: return JoinKind.Right;
            case Kw.FULL: return JoinKind.Full;
            case Kw.NATURAL: return JoinKind.Natural;
            case Kw.CROSS when PeekKw(1) == Kw.APPLY: return JoinKind.CrossApply;
            case Kw.CROSS: return JoinKind.Cross;
            case Kw.OUTER when PeekKw(1) == Kw.APPLY: return JoinKind.OuterApply;
            default:
                // T-SQL join hints: INNER HASH JOIN, LEFT LOOP JOIN ...
                return 0;
        }
    }

    private void TableItem()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        var lateral = Eat(Kw.LATERAL);
        if (T == TokenKind.OpenParen)
        {
            if (StartsQuery(1))
            {
                Start(SyntaxKind.DerivedTable, (short)(lateral ? 1 : 0));
                Subquery();
                OptionalAlias(allowColumns: true);
                Finish();
                return;
            }
            // ( joined tables )
            _depth++;
            Start(SyntaxKind.Parenthesized);
            Bump();
            TableList();
            ExpectCloseParen();
            Finish();
            _depth--;
            OptionalAlias(allowColumns: true);
            return;
        }
        if (K == Kw.ONLY) Bump();
        if (T == TokenKind.Parameter && _dialect == SqlDialect.TSql)
        {
            // FROM @table_variable, FROM @x.nodes('/r') T(c)
            Start(SyntaxKind.FunctionTable);
            Expression();
            OptionalAlias(allowColumns: true);
            Finish();
            return;
        }
        while (T == TokenKind.Dot && _dialect == SqlDialect.TSql) Bump(); // ..[#temp]: the default database and schema
        if (!IsName)
        {
            Missing(SyntaxKind.TableReference);
            return;
        }
        // ROWS FROM (...), function calls in FROM: generate_series(..), unnest(..), OPENJSON(..), json_table(..).
        var functionAhead = PeekKind(1) == TokenKind.OpenParen || (PeekKind(1) == TokenKind.Dot && PeekKind(3) == TokenKind.OpenParen && IsNameAt(2))
            || (_dialect == SqlDialect.TSql && PeekKind(1) == TokenKind.Dot && MethodCallAhead());
        if (K == Kw.ROWS && PeekKw(1) == Kw.FROM)
        {
            Start(SyntaxKind.FunctionTable);
            Bump(); Bump();
            SkipParenGroup();
            Eat(Kw.WITH); Eat(Kw.ORDINALITY);
            OptionalAlias(allowColumns: true);
            Finish();
            return;
        }
        // PostgreSQL FROM current_date AS d, collation for ('x') c: SQL value functions, not tables.
        functionAhead |= _dialect == SqlDialect.Postgres
            && (K is Kw.CURRENT_DATE or Kw.CURRENT_TIME or Kw.CURRENT_TIMESTAMP or Kw.LOCALTIME or Kw.LOCALTIMESTAMP or Kw.CURRENT_USER or Kw.SESSION_USER
                || (K == Kw.COLLATION && PeekKw(1) == Kw.FOR));
        if (functionAhead && !(K == Kw.VALUES))
        {
            Start(SyntaxKind.FunctionTable, (short)(lateral ? 1 : 0));
            Expression();
            if (K == Kw.WITH && PeekKw(1) == Kw.ORDINALITY) { Bump(); Bump(); }
            // T-SQL OPENJSON(..) WITH (col type 'path', ...), OPENXML(..) WITH T1, PREDICT(..) WITH (..)
            if (K == Kw.WITH && _dialect == SqlDialect.TSql && (PeekKind(1) == TokenKind.OpenParen || IsNameAt(1)))
            {
                Bump();
                if (T == TokenKind.OpenParen) SkipParenGroup(); else QualifiedName();
            }
            // PostgreSQL column definition list of a record function: f(..) AS (a int, b text)
            if (K == Kw.AS && PeekKind(1) == TokenKind.OpenParen && _dialect == SqlDialect.Postgres) { Bump(); ColumnList(); }
            else OptionalAlias(allowColumns: true);
            if (T == TokenKind.OpenParen) SkipParenGroup();
            Finish();
            return;
        }
        Start(SyntaxKind.TableReference);
        QualifiedName();
        EatOp("*");
        // MySQL PARTITION (p1, p2) selection.
        if (K == Kw.PARTITION && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
        // T-SQL FOR SYSTEM_TIME AS OF / FROM .. TO / BETWEEN .. AND / CONTAINED IN (..) / ALL
        if (K == Kw.FOR && PeekKind(1) == TokenKind.Word && _text.AsSpan(_tok[_pos + 1].Start, _tok[_pos + 1].Length).Equals("SYSTEM_TIME", StringComparison.OrdinalIgnoreCase))
        {
            Bump(); Bump();
            if (K == Kw.ALL) Bump();
            else if (K == Kw.AS) { Bump(); Bump(); Binary(PrecOther); }
            else if (K is Kw.FROM or Kw.BETWEEN) { Bump(); Binary(PrecOther); if (K is Kw.TO or Kw.AND) Bump(); Binary(PrecOther); }
            else if (K == Kw.CONTAINED) { Bump(); Bump(); SkipParenGroup(); }
        }
        var aliased = OptionalAlias(allowColumns: true);
        TableHints();
        if (!aliased) OptionalAlias(allowColumns: true); // MERGE t WITH (HOLDLOCK) AS tgt
        Finish();
        PivotClauses();
    }

    /// <summary>
    /// ((SELECT ..)) and ((SELECT ..) UNION ..) are queries; ((SELECT ..) s JOIN t ..), ((SELECT ..)::int[]) and
    /// ((SELECT 1), (SELECT 2)) are not: what follows the inner query's ')' decides. Scans only that group.
    /// </summary>
    private bool InnerQueryIsWhole(int ahead)
    {
        var depth = 0;
        for (var i = _pos + ahead; i < _n; i++)
        {
            var kind = _tok[i].Kind;
            if (kind == TokenKind.OpenParen) depth++;
            else if (kind == TokenKind.CloseParen && --depth == 0)
            {
                if (i + 1 >= _n) return true;
                return _tok[i + 1].Kind is TokenKind.CloseParen or TokenKind.Semicolon
                    || _tok[i + 1].Keyword is Kw.UNION or Kw.EXCEPT or Kw.INTERSECT or Kw.MINUS or Kw.ORDER or Kw.LIMIT or Kw.OFFSET or Kw.FETCH;
            }
        }
        return true;
    }

    /// <summary>t.xmlcol.nodes('/r'): a name chain that ends in a call of a value method (CROSS APPLY t.x.nodes(..) AS n(c)).</summary>
    private bool MethodCallAhead()
    {
        var p = 1;
        while (PeekKind(p) == TokenKind.Dot && IsNameAt(p + 1)) p += 2;
        return p >= 3 && PeekKind(p) == TokenKind.OpenParen && IsValueMethodName(_pos + p - 1);
    }

    /// <summary>T-SQL PIVOT (...) AS p / UNPIVOT (...) AS u after a table source.</summary>
    private void PivotClauses()
    {
        while (IsPivotWord() && PeekKind(1) == TokenKind.OpenParen)
        {
            Bump();
            SkipParenGroup();
            OptionalAlias();
        }
    }

    private bool IsPivotWord() => _dialect == SqlDialect.TSql && IsWordToken && K == Kw.None
        && (CurrentText.Equals("PIVOT", StringComparison.OrdinalIgnoreCase) || CurrentText.Equals("UNPIVOT", StringComparison.OrdinalIgnoreCase));

    /// <summary>TABLESAMPLE, T-SQL WITH (NOLOCK) hints, MySQL USE/FORCE/IGNORE INDEX hints.</summary>
    private void TableHints()
    {
        while (true)
        {
            if (K == Kw.TABLESAMPLE)
            {
                Bump();
                if (IsName) Bump();
                SkipParenGroup();
                if (K == Kw.REPEATABLE) { Bump(); SkipParenGroup(); }
                continue;
            }
            if (K == Kw.WITH && PeekKind(1) == TokenKind.OpenParen && _dialect == SqlDialect.TSql)
            {
                Start(SyntaxKind.TableHint);
                Bump();
                SkipParenGroup();
                Finish();
                continue;
            }
            if (K is Kw.USE or Kw.FORCE or Kw.IGNORE && PeekKw(1) is Kw.INDEX or Kw.KEY && _dialect == SqlDialect.MySql)
            {
                Start(SyntaxKind.TableHint);
                Bump(); Bump();
                if (K == Kw.FOR) { Bump(); Bump(); if (K == Kw.BY) Bump(); }
                SkipParenGroup();
                Finish();
                continue;
            }
            if (K == Kw.INDEXED && _dialect == SqlDialect.Sqlite) { Bump(); Bump(); Identifier(); continue; }
            if (K == Kw.NOT && PeekKw(1) == Kw.INDEXED) { Bump(); Bump(); continue; }
            return;
        }
    }

    private void Where()
    {
        Start(SyntaxKind.WhereClause);
        Bump();
        if (K == Kw.CURRENT && PeekKw(1) == Kw.OF)
        {
            Bump(); Bump();
            Identifier();
        }
        else Expression();
        Finish();
    }

    private void GroupBy()
    {
        Start(SyntaxKind.GroupByClause);
        Bump(); Bump();
        if (K is Kw.ALL or Kw.DISTINCT) Bump();
        do
        {
            if (K is Kw.ROLLUP or Kw.CUBE && PeekKind(1) == TokenKind.OpenParen)
            {
                Bump();
                ParenthesizedExpressionList();
            }
            else if (K == Kw.GROUPING && PeekKw(1) == Kw.SETS)
            {
                Bump(); Bump();
                SkipParenGroup();
            }
            else if (T == TokenKind.OpenParen && PeekKind(1) == TokenKind.CloseParen)
            {
                Bump(); Bump();
            }
            else Expression();
        } while (Eat(TokenKind.Comma));
        if (K == Kw.WITH && PeekKw(1) == Kw.ROLLUP) { Bump(); Bump(); }
        Finish();
    }

    private void Having()
    {
        Start(SyntaxKind.HavingClause);
        Bump();
        Expression();
        Finish();
    }

    private void WindowClause()
    {
        Start(SyntaxKind.WindowClause);
        Bump();
        do
        {
            Identifier();
            Eat(Kw.AS);
            if (T == TokenKind.OpenParen) WindowSpecification();
        } while (Eat(TokenKind.Comma));
        Finish();
    }

    private void WindowSpecification()
    {
        Start(SyntaxKind.WindowSpecification);
        Bump(); // (
        if (IsName && K is Kw.None) Bump(); // base window name
        if (K == Kw.PARTITION && PeekKw(1) == Kw.BY)
        {
            Bump(); Bump();
            do Expression(); while (Eat(TokenKind.Comma));
        }
        if (K == Kw.ORDER && PeekKw(1) == Kw.BY) OrderBy();
        // Frame: ROWS/RANGE/GROUPS ... kept as tokens.
        SkipBalanced(null);
        ExpectCloseParen();
        Finish();
    }

    /// <summary>ORDER BY, LIMIT/OFFSET/FETCH, locking and T-SQL/MySQL trailers of a query.</summary>
    private void QueryTail()
    {
        while (!AtEnd)
        {
            switch (K)
            {
                case Kw.ORDER when PeekKw(1) == Kw.BY:
                    OrderBy();
                    continue;
                case Kw.LIMIT:
                    Limit();
                    continue;
                case Kw.OFFSET:
                    Start(SyntaxKind.OffsetClause);
                    Bump();
                    Expression();
                    if (K is Kw.ROW or Kw.ROWS) Bump();
                    Finish();
                    continue;
                case Kw.FETCH:
                    Start(SyntaxKind.FetchClause);
                    Bump();
                    if (K is Kw.FIRST or Kw.NEXT) Bump();
                    if (K is not (Kw.ROW or Kw.ROWS)) Expression();
                    if (K is Kw.ROW or Kw.ROWS) Bump();
                    if (!Eat(Kw.ONLY) && K == Kw.WITH) { Bump(); Eat(Kw.TIES); }
                    Finish();
                    continue;
                case Kw.FOR when PeekKw(1) is Kw.UPDATE or Kw.SHARE or Kw.NO or Kw.KEY or Kw.READ or Kw.XML or Kw.JSON or Kw.BROWSE:
                    Start(SyntaxKind.LockingClause);
                    Bump();
                    while (!AtEnd && K is not (Kw.FOR or Kw.LIMIT or Kw.OFFSET) && T != TokenKind.CloseParen)
                    {
                        if (T == TokenKind.OpenParen) SkipParenGroup(); else Bump();
                    }
                    Finish();
                    continue;
                case Kw.LOCK when PeekKw(1) == Kw.IN:
                    Start(SyntaxKind.LockingClause);
                    while (!AtEnd && K != Kw.MODE) Bump();
                    Bump();
                    Finish();
                    continue;
                case Kw.OPTION when PeekKind(1) == TokenKind.OpenParen:
                    Bump();
                    SkipParenGroup();
                    continue;
                case Kw.INTO when _dialect == SqlDialect.MySql:
                    IntoClause();
                    continue;
            }
            return;
        }
    }

    private void OrderBy()
    {
        Start(SyntaxKind.OrderByClause);
        Bump(); Bump();
        do
        {
            Start(SyntaxKind.OrderItem);
            Expression();
            if (K == Kw.ASC) Bump();
            else if (K == Kw.DESC) { Bump(); SetTag(1); }
            else if (K == Kw.USING) { Bump(); Bump(); if (T == TokenKind.OpenParen) SkipParenGroup(); }
            if (K == Kw.NULLS)
            {
                Bump();
                if (K == Kw.FIRST) { Bump(); SetTag((short)(Innermost.Tag | 2)); }
                else if (K == Kw.LAST) { Bump(); SetTag((short)(Innermost.Tag | 4)); }
            }
            Finish();
        } while (Eat(TokenKind.Comma));
        Finish();
    }

    private void Limit()
    {
        Start(SyntaxKind.LimitClause);
        Bump();
        if (K == Kw.ALL) Bump();
        else Expression();
        if (Eat(TokenKind.Comma))
        {
            // MySQL LIMIT offset, count
            SetTag(1);
            Expression();
        }
        else if (K == Kw.OFFSET)
        {
            Start(SyntaxKind.OffsetClause);
            Bump();
            Expression();
            Finish();
        }
        Finish();
    }

    private void ParenthesizedExpression()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        Start(SyntaxKind.Parenthesized);
        Bump();
        Expression();
        ExpectCloseParen();
        Finish();
        _depth--;
    }
}
