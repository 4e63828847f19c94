using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Syntax;

/// <summary>Operator tags on <see cref="SyntaxKind.BinaryExpression"/> (n-ary: operands, with Operator leaves between them for Compare/Other).</summary>
public enum BinaryOperatorKind : short { Or = 1, And, Compare, Other }

internal sealed partial class Parser
{
    private const int PrecOr = 1, PrecAnd = 2, PrecNot = 3, PrecCompare = 4, PrecOther = 5, PrecAdd = 6, PrecMul = 7, PrecPow = 8, PrecUnary = 9;

    private void Expression() => Binary(0);

    /// <summary>
    /// Precedence climbing. Operators of one level form one n-ary node (a + b + c is flat), so long chains do not
    /// deepen the tree; only parentheses and prefix operators recurse, and those are depth-bounded.
    /// </summary>
    private void Binary(int minPrec)
    {
        var m = Mark();
        Unary();
        var openPrec = -1;
        while (!AtEnd)
        {
            var prec = InfixPrecedence(out var special);
            if (prec < minPrec || prec == 0) break;
            if (special)
            {
                if (openPrec >= 0) { Finish(); openPrec = -1; }
                SpecialPredicate(m);
                continue;
            }
            if (prec != openPrec)
            {
                if (openPrec >= 0) Finish();
                var tag = prec switch { PrecOr => BinaryOperatorKind.Or, PrecAnd => BinaryOperatorKind.And, PrecCompare => BinaryOperatorKind.Compare, _ => BinaryOperatorKind.Other };
                StartAt(m, SyntaxKind.BinaryExpression, (short)tag);
                openPrec = prec;
            }
            if (prec is PrecOr or PrecAnd) Bump();
            else if (K == Kw.OPERATOR)
            {
                // OPERATOR(schema.op)
                Start(SyntaxKind.Operator);
                Bump();
                SkipParenGroup();
                Finish();
            }
            else Leaf(SyntaxKind.Operator);
            Binary(prec + 1);
        }
        if (openPrec >= 0) Finish();
    }

    /// <summary>The precedence of the infix operator at the cursor (0: none); special for BETWEEN/IN/LIKE/IS forms.</summary>
    private int InfixPrecedence(out bool special)
    {
        special = false;
        var t = T;
        if (t == TokenKind.Operator)
        {
            var op = CurrentText;
            if (op.Length == 1)
            {
                switch (op[0])
                {
                    case '=' or '<' or '>': return PrecCompare;
                    case '+' or '-': return PrecAdd;
                    case '*' or '/' or '%': return PrecMul;
                    case '^': return _dialect == SqlDialect.Postgres ? PrecPow : PrecOther;
                    case ':': return 0;
                }
                return PrecOther;
            }
            if (op is "<>" or "!=" or "<=" or ">=" or "==" or "<=>" or "!<" or "!>") return PrecCompare;
            if (op is "::") return 0;
            if (op is "&&" && _dialect == SqlDialect.MySql) return PrecAnd;
            if (op is "||" && _dialect == SqlDialect.MySql) return PrecOr;
            return PrecOther;
        }
        if (t == TokenKind.Parameter && _dialect == SqlDialect.Postgres && CurrentText is "?") return PrecOther;
        if (t != TokenKind.Word) return 0;
        switch (K)
        {
            case Kw.OPERATOR when PeekKind(1) == TokenKind.OpenParen && _dialect == SqlDialect.Postgres:
                return PrecOther;
            case Kw.OR: return PrecOr;
            case Kw.XOR: return PrecOr;
            case Kw.AND: return PrecAnd;
            case Kw.DIV or Kw.MOD when _dialect == SqlDialect.MySql: return PrecMul;
            case Kw.BETWEEN or Kw.LIKE or Kw.ILIKE or Kw.RLIKE or Kw.REGEXP or Kw.GLOB or Kw.MATCH or Kw.IS or Kw.ISNULL or Kw.NOTNULL:
                special = true;
                return PrecCompare;
            case Kw.SIMILAR when PeekKw(1) == Kw.TO:
                special = true;
                return PrecCompare;
            case Kw.IN when PeekKind(1) == TokenKind.OpenParen || (_dialect == SqlDialect.Sqlite && IsNameAt(1)):
                special = true;
                return PrecCompare;
            case Kw.NOT when PeekKw(1) is Kw.BETWEEN or Kw.LIKE or Kw.ILIKE or Kw.SIMILAR or Kw.RLIKE or Kw.REGEXP or Kw.GLOB or Kw.MATCH
                || (PeekKw(1) == Kw.IN && PeekKind(2) == TokenKind.OpenParen):
                special = true;
                return PrecCompare;
            case Kw.COLLATE or Kw.AT:
                special = true;
                return PrecUnary + 1;
            case Kw.OVERLAPS:
                return PrecCompare;
        }
        return 0;
    }

    /// <summary>BETWEEN, [NOT] IN, [NOT] LIKE/ILIKE/SIMILAR TO/REGEXP, IS [NOT] NULL/DISTINCT FROM/TRUE, ISNULL, COLLATE, AT TIME ZONE.</summary>
    private void SpecialPredicate(Marker m)
    {
        var negated = false;
        if (K == Kw.NOT) { negated = true; }
        var kw = negated ? PeekKw(1) : K;
        var tag = (short)(negated ? 1 : 0);
        switch (kw)
        {
            case Kw.BETWEEN:
                StartAt(m, SyntaxKind.Between, tag);
                if (negated) Bump();
                Bump();
                if (K is Kw.SYMMETRIC or Kw.ASYMMETRIC) Bump();
                Binary(PrecOther);
                if (!Eat(Kw.AND)) Missing(SyntaxKind.Literal);
                Binary(PrecOther);
                Finish();
                return;
            case Kw.IN:
                if (negated) Bump();
                Bump();
                if (T == TokenKind.OpenParen && StartsQuery(1))
                {
                    StartAt(m, SyntaxKind.InSubquery, tag);
                    Subquery();
                }
                else
                {
                    StartAt(m, SyntaxKind.InList, tag);
                    if (T == TokenKind.OpenParen) ParenthesizedExpressionList();
                    else QualifiedName();
                }
                Finish();
                return;
            case Kw.LIKE or Kw.ILIKE or Kw.RLIKE or Kw.REGEXP or Kw.GLOB or Kw.MATCH or Kw.SIMILAR:
                StartAt(m, SyntaxKind.Like, tag);
                if (negated) Bump();
                Leaf(SyntaxKind.Operator);
                if (kw == Kw.SIMILAR) Bump(); // TO
                if (K is Kw.ANY or Kw.ALL or Kw.SOME && PeekKind(1) == TokenKind.OpenParen) Bump();
                Binary(PrecOther);
                if (K == Kw.ESCAPE) { Bump(); Binary(PrecOther); }
                Finish();
                return;
            case Kw.ISNULL or Kw.NOTNULL:
                StartAt(m, SyntaxKind.IsNull, (short)(kw == Kw.NOTNULL ? 1 : 0));
                Bump();
                Finish();
                return;
            case Kw.IS:
                Bump();
                var not = Eat(Kw.NOT);
                if (K == Kw.NULL || K == Kw.UNKNOWN && false)
                {
                    StartAt(m, SyntaxKind.IsNull, (short)(not ? 1 : 0));
                    Bump();
                    Finish();
                    return;
                }
                StartAt(m, SyntaxKind.BinaryExpression, (short)BinaryOperatorKind.Compare);
                if (K == Kw.DISTINCT && PeekKw(1) == Kw.FROM) { Bump(); Bump(); Binary(PrecOther); }
                else if (K == Kw.OF && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
                else if (K is Kw.TRUE or Kw.FALSE or Kw.UNKNOWN or Kw.NULL) Leaf(SyntaxKind.Literal);
                else if (IsName) { Bump(); while (IsWordToken && K is Kw.None or Kw.VALUE or Kw.ARRAY or Kw.SCALAR or Kw.OBJECT or Kw.WITH or Kw.WITHOUT or Kw.UNIQUE or Kw.KEYS) Bump(); }
                else Binary(PrecOther);
                Finish();
                return;
            case Kw.COLLATE:
                StartAt(m, SyntaxKind.Collate);
                Bump();
                if (T == TokenKind.String) Bump(); else QualifiedName();
                Finish();
                return;
            case Kw.AT:
                StartAt(m, SyntaxKind.BinaryExpression, (short)BinaryOperatorKind.Other);
                Bump();
                if (K is Kw.TIME) { Bump(); Eat(Kw.ZONE); }
                else if (K == Kw.LOCAL) { Bump(); Finish(); return; }
                Binary(PrecUnary);
                Finish();
                return;
        }
        Bump();
    }

    private void Unary()
    {
        if (_depth >= MaxDepth)
        {
            Unparsed();
            return;
        }
        if (K == Kw.NOT)
        {
            _depth++;
            Start(SyntaxKind.UnaryExpression);
            Bump();
            Binary(PrecNot);
            Finish();
            _depth--;
            return;
        }
        if (T == TokenKind.Operator && IsPrefixOperator())
        {
            _depth++;
            Start(SyntaxKind.UnaryExpression);
            Leaf(SyntaxKind.Operator);
            Binary(PrecUnary);
            Finish();
            _depth--;
            return;
        }
        var m = Mark();
        Primary();
        Postfix(m);
    }

    private bool IsPrefixOperator()
    {
        var op = CurrentText;
        if (op is "-" or "+" or "~" or "!" or "@" or "|/" or "||/" or "!!") return true;
        // PostgreSQL: any operator may be prefix (@@ box, @-@ path, ?| line, # polygon, user-defined ones).
        return _dialect == SqlDialect.Postgres && op.Length > 0 && op[0] is '-' or '+' or '@' or '#' or '?' or '!' or '|' or '~' or '&';
    }

    /// <summary>x::type, x[i], (x).field: postfix forms, applied in a loop.</summary>
    private void Postfix(Marker m)
    {
        while (!AtEnd)
        {
            if (T == TokenKind.Operator && CurrentText is "::")
            {
                StartAt(m, SyntaxKind.Cast, 1);
                Bump();
                DataType();
                Finish();
                continue;
            }
            if (T == TokenKind.OpenBracket)
            {
                StartAt(m, SyntaxKind.BinaryExpression, (short)BinaryOperatorKind.Other);
                Bump();
                while (!AtEnd && T != TokenKind.CloseBracket)
                {
                    if (T == TokenKind.Operator && CurrentText is ":" || T == TokenKind.Comma) { Bump(); continue; }
                    var before = _pos;
                    Expression();
                    if (_pos == before) break;
                }
                Eat(TokenKind.CloseBracket);
                Finish();
                continue;
            }
            if (T == TokenKind.Dot && _dialect == SqlDialect.TSql && IsNameAt(1) && PeekKind(2) == TokenKind.OpenParen)
            {
                // T-SQL methods of xml, hierarchyid and spatial values: @x.value('.', 'int'), convert(..).GetAncestor(2)
                MethodCall(m);
                continue;
            }
            if (T == TokenKind.Dot && _pos > 0 && _tok[_pos - 1].Kind is TokenKind.CloseParen or TokenKind.CloseBracket && (IsNameAt(1) || IsOpAt(1, "*")))
            {
                // (row).field.subfield, arr[1].field: field selection on a value.
                StartAt(m, SyntaxKind.BinaryExpression, (short)BinaryOperatorKind.Other);
                Bump();
                Bump();
                while (T == TokenKind.Dot && (IsNameAt(1) || IsOpAt(1, "*"))) { Bump(); Bump(); }
                Finish();
                continue;
            }
            return;
        }
    }

    private void Primary()
    {
        if (AtEnd)
        {
            Missing(SyntaxKind.Literal);
            return;
        }
        switch (T)
        {
            case TokenKind.String when PeekKind(1) == TokenKind.String && _dialect is SqlDialect.Postgres or SqlDialect.MySql || PeekKw(1) == Kw.UESCAPE:
                // 'foo' 'bar' is one literal (PostgreSQL across lines, MySQL anywhere); U&'..' UESCAPE '!'
                Start(SyntaxKind.Literal);
                Bump();
                while (T == TokenKind.String || K == Kw.UESCAPE) Bump();
                Finish();
                return;
            case TokenKind.Number or TokenKind.String:
                Leaf(SyntaxKind.Literal);
                return;
            case TokenKind.Parameter:
                Leaf(SyntaxKind.Parameter);
                while (T == TokenKind.Dot && IsNameAt(1) && PeekKind(2) != TokenKind.OpenParen) { Bump(); Bump(); } // @@global.time_zone
                return;
            case TokenKind.OpenParen:
                if (StartsQuery(1)) { Subquery(); return; }
                ParenthesizedOrRow();
                return;
            case TokenKind.Operator when CurrentText is "*":
                Leaf(SyntaxKind.Star);
                return;
            case TokenKind.QuotedIdentifier:
                NameOrCall();
                return;
            case TokenKind.Word:
                break;
            default:
                Missing(SyntaxKind.Literal);
                return;
        }

        var kw = K;
        switch (kw)
        {
            case Kw.NULL or Kw.TRUE or Kw.FALSE or Kw.CURRENT_DATE or Kw.CURRENT_TIME or Kw.CURRENT_TIMESTAMP or Kw.CURRENT_USER
                or Kw.SESSION_USER or Kw.LOCALTIME or Kw.LOCALTIMESTAMP or Kw.DEFAULT when PeekKind(1) != TokenKind.OpenParen:
                Leaf(SyntaxKind.Literal);
                return;
            case Kw.CASE:
                Case();
                return;
            case Kw.CAST or Kw.TRY_CAST when PeekKind(1) == TokenKind.OpenParen:
                CastCall();
                return;
            case Kw.EXISTS when PeekKind(1) == TokenKind.OpenParen:
                Start(SyntaxKind.Exists);
                Bump();
                if (StartsQuery(1)) Subquery(); else ParenthesizedExpression();
                Finish();
                return;
            case Kw.ANY or Kw.ALL or Kw.SOME when PeekKind(1) == TokenKind.OpenParen:
                Start(SyntaxKind.AnyAll);
                Bump();
                if (StartsQuery(1)) Subquery(); else ParenthesizedExpression();
                Finish();
                return;
            case Kw.ARRAY when PeekKind(1) is TokenKind.OpenBracket or TokenKind.OpenParen:
                Start(SyntaxKind.ArrayExpression);
                Bump();
                if (T == TokenKind.OpenParen) { if (StartsQuery(1)) Subquery(); else ParenthesizedExpression(); }
                else ArrayBrackets();
                Finish();
                return;
            case Kw.INTERVAL when PeekKind(1) is TokenKind.String or TokenKind.Number or TokenKind.Parameter or TokenKind.OpenParen
                || (PeekKind(1) == TokenKind.Operator && !IsOpAt(1, "::")): // interval::interval is a column named interval
                Start(SyntaxKind.Interval);
                Bump();
                if (T == TokenKind.OpenParen && PeekKind(1) == TokenKind.Number && PeekKind(2) == TokenKind.CloseParen && PeekKind(3) == TokenKind.String)
                    SkipParenGroup(); // interval(0) '1 day 01:23:45.6789': the precision first
                Binary(PrecUnary);
                while (IsWordToken && IsIntervalUnit()) Bump();
                if (K == Kw.TO) { Bump(); if (IsWordToken) Bump(); }
                if (T == TokenKind.OpenParen && PeekKind(1) == TokenKind.Number) SkipParenGroup();
                Finish();
                return;
            case Kw.NEXT when PeekKw(1) == Kw.VALUE && PeekKw(2) == Kw.FOR:
                Start(SyntaxKind.FunctionCall);
                Bump(); Bump(); Bump();
                QualifiedName();
                if (K == Kw.OVER && PeekKind(1) == TokenKind.OpenParen) { Bump(); WindowSpecification(); }
                Finish();
                return;
            case Kw.ROW when PeekKind(1) == TokenKind.OpenParen:
                Bump();
                ParenthesizedOrRow();
                return;
            case Kw.COLLATION when PeekKw(1) == Kw.FOR && PeekKind(2) == TokenKind.OpenParen:
                // PostgreSQL COLLATION FOR (expr): the collation of a value.
                Start(SyntaxKind.FunctionCall);
                Bump(); Bump();
                ParenthesizedOrRow();
                Finish();
                return;
        }
        // A typed literal: DATE '2020-01-01', TIMESTAMP '...', int4 '1', _utf8mb4'x'.
        if (IsTypedLiteralStart(kw))
        {
            Start(SyntaxKind.Literal);
            Bump();
            if (T == TokenKind.OpenParen) SkipParenGroup(); // char(20) 'x', timestamp(2) 'now'
            if (K is Kw.WITH or Kw.WITHOUT) { Bump(); Bump(); Bump(); }
            Bump();
            Finish();
            return;
        }
        if (Keywords.IsClauseWord(kw) && PeekKind(1) is not (TokenKind.OpenParen or TokenKind.Dot or TokenKind.Comma) && kw is not (Kw.LEFT or Kw.RIGHT or Kw.REPLACE or Kw.IF))
        {
            Missing(SyntaxKind.Literal);
            return;
        }
        NameOrCall();
    }

    /// <summary>type 'literal': DATE '..', timestamp with time zone '..', json '..' (PostgreSQL: any type name), _utf8mb4'..'.</summary>
    private bool IsTypedLiteralStart(Kw kw)
    {
        if (kw is Kw.TIME or Kw.TIMESTAMP && PeekKw(1) is Kw.WITH or Kw.WITHOUT && PeekKw(2) == Kw.TIME && PeekKw(3) == Kw.ZONE && PeekKind(4) == TokenKind.String)
            return true;
        // PostgreSQL type 'literal' with a type modifier: char(20) 'x', timestamp(2) without time zone 'now'.
        if (_dialect == SqlDialect.Postgres && PeekKind(1) == TokenKind.OpenParen && PeekKind(2) == TokenKind.Number && PeekKind(3) == TokenKind.CloseParen
            && !Keywords.IsClauseWord(kw))
        {
            if (PeekKind(4) == TokenKind.String) return true;
            return kw is Kw.TIME or Kw.TIMESTAMP && PeekKw(4) is Kw.WITH or Kw.WITHOUT && PeekKw(5) == Kw.TIME && PeekKw(6) == Kw.ZONE && PeekKind(7) == TokenKind.String;
        }
        if (PeekKind(1) != TokenKind.String) return false;
        if (_dialect == SqlDialect.Postgres) return !Keywords.IsClauseWord(kw);
        var w = CurrentText;
        return w.StartsWith("_") || kw is Kw.TIME or Kw.TIMESTAMP || w.Equals("DATE", StringComparison.OrdinalIgnoreCase);
    }

    private bool IsIntervalUnit()
    {
        var w = CurrentText;
        return w.Equals("YEAR", StringComparison.OrdinalIgnoreCase) || w.Equals("MONTH", StringComparison.OrdinalIgnoreCase)
            || w.Equals("DAY", StringComparison.OrdinalIgnoreCase) || w.Equals("HOUR", StringComparison.OrdinalIgnoreCase)
            || w.Equals("MINUTE", StringComparison.OrdinalIgnoreCase) || w.Equals("SECOND", StringComparison.OrdinalIgnoreCase)
            || w.Equals("WEEK", StringComparison.OrdinalIgnoreCase) || w.Equals("QUARTER", StringComparison.OrdinalIgnoreCase)
            || w.Equals("MICROSECOND", StringComparison.OrdinalIgnoreCase) || (w.Contains('_') && !w.ContainsAnyInRange('0', '9') && K == Kw.None && w.Length < 20 && (w.StartsWith("DAY_", StringComparison.OrdinalIgnoreCase) || w.StartsWith("HOUR_", StringComparison.OrdinalIgnoreCase) || w.StartsWith("MINUTE_", StringComparison.OrdinalIgnoreCase) || w.StartsWith("YEAR_", StringComparison.OrdinalIgnoreCase) || w.StartsWith("SECOND_", StringComparison.OrdinalIgnoreCase)))
            || w.Equals("YEARS", StringComparison.OrdinalIgnoreCase) || w.Equals("MONTHS", StringComparison.OrdinalIgnoreCase) || w.Equals("DAYS", StringComparison.OrdinalIgnoreCase);
    }

    private void ArrayBrackets()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        Bump(); // [
        while (!AtEnd && T != TokenKind.CloseBracket)
        {
            if (T == TokenKind.Comma) { Bump(); continue; }
            if (T == TokenKind.OpenBracket) { ArrayBrackets(); continue; }
            var before = _pos;
            Expression();
            if (_pos == before) break;
        }
        Eat(TokenKind.CloseBracket);
        _depth--;
    }

    /// <summary>( expr ) or a row ( expr, expr, ... ).</summary>
    private void ParenthesizedOrRow()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        var m = Mark();
        Start(SyntaxKind.Parenthesized);
        Bump();
        if (T == TokenKind.CloseParen) { Bump(); Finish(); _depth--; return; }
        Expression();
        var isRow = false;
        while (Eat(TokenKind.Comma))
        {
            isRow = true;
            Expression();
        }
        ExpectCloseParen();
        var node = Finish();
        if (isRow)
        {
            // Re-tag as a row: same children, same span.
            _stack[node].Kind = SyntaxKind.ExpressionList;
            _stack[node].Tag = 0;
        }
        _ = m;
        _depth--;
    }

    private void Case()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        Start(SyntaxKind.CaseExpression);
        Bump();
        if (K != Kw.WHEN) Expression();
        while (K == Kw.WHEN)
        {
            Bump();
            Expression();
            if (Eat(Kw.THEN)) Expression();
            else Missing(SyntaxKind.Literal);
        }
        if (Eat(Kw.ELSE)) Expression();
        if (!Eat(Kw.END)) Missing(SyntaxKind.Literal);
        Finish();
        _depth--;
    }

    private void CastCall()
    {
        if (_depth >= MaxDepth) { Unparsed(); return; }
        _depth++;
        Start(SyntaxKind.Cast);
        Bump();
        Bump(); // (
        Expression();
        if (Eat(Kw.AS)) DataType();
        else Missing(SyntaxKind.DataType);
        // MySQL CAST(x AS CHAR CHARACTER SET utf8), T-SQL CAST(.. AS ..) FORMAT
        SkipBalanced(null);
        ExpectCloseParen();
        Finish();
        _depth--;
    }

    /// <summary>A column reference (a, t.a, s.t.a, t.*) or a function call with its argument forms and OVER/FILTER/WITHIN GROUP.</summary>
    private void NameOrCall()
    {
        var m = Mark();
        var isCall = false;
        // Name chain
        var parts = 1;
        var p = 1;
        while (PeekKind(p) == TokenKind.Dot && (IsNameAt(p + 1) || IsOpAt(p + 1, "*"))) { p += 2; parts++; }
        isCall = PeekKind(p) == TokenKind.OpenParen;
        if (isCall && parts >= 2 && _dialect == SqlDialect.TSql && IsValueMethodName(_pos + p - 1))
        {
            // col.value('..', 'int'), t.c.query('.'): a method of the column's value, not a function named t.c.query.
            Start(SyntaxKind.ColumnReference);
            Leaf(SyntaxKind.Identifier);
            for (var part = 2; part < parts; part++)
            {
                Bump();
                Leaf(SyntaxKind.Identifier);
            }
            Finish();
            MethodCall(m);
            return;
        }
        if (!isCall)
        {
            if (parts == 1)
            {
                WrappedLeaf(SyntaxKind.ColumnReference, SyntaxKind.Identifier);
                return;
            }
            Start(SyntaxKind.ColumnReference);
            Leaf(SyntaxKind.Identifier);
            while (T == TokenKind.Dot && (IsNameAt(1) || IsOpAt(1, "*")))
            {
                Bump();
                if (T == TokenKind.Operator) Leaf(SyntaxKind.Star);
                else Leaf(SyntaxKind.Identifier);
            }
            Finish();
            return;
        }
        if (_depth >= MaxDepth)
        {
            Start(SyntaxKind.FunctionCall);
            QualifiedName();
            Unparsed();
            Finish();
            return;
        }
        _depth++;
        StartAt(m, SyntaxKind.FunctionCall);
        var functionKw = K;
        var nameText = CurrentText;
        QualifiedName();
        Bump(); // (
        var first = true;
        while (!AtEnd && T != TokenKind.CloseParen)
        {
            if (T == TokenKind.Comma) { Bump(); first = false; continue; }
            if (K is Kw.DISTINCT or Kw.ALL or Kw.FROM or Kw.FOR or Kw.IN or Kw.AS or Kw.USING or Kw.PLACING or Kw.BOTH or Kw.LEADING or Kw.TRAILING or Kw.SEPARATOR or Kw.VARIADIC or Kw.SIMILAR or Kw.ESCAPE
                && !(PeekKind(1) is TokenKind.Comma or TokenKind.CloseParen && K is not (Kw.BOTH or Kw.LEADING or Kw.TRAILING)))
            {
                if (K == Kw.AS && functionKw != Kw.None) { Bump(); DataType(); continue; }
                Bump();
                continue;
            }
            if (K == Kw.ORDER && PeekKw(1) == Kw.BY) { OrderBy(); continue; }
            if (K is Kw.IGNORE or Kw.RESPECT && PeekKw(1) == Kw.NULLS) { Bump(); Bump(); continue; }
            if (first && IsWordToken && K is Kw.None && (PeekKind(1) == TokenKind.Comma || PeekKw(1) == Kw.FROM) && IsDatePartFunction(nameText))
            {
                Leaf(SyntaxKind.Literal);
                first = false;
                continue;
            }
            if (first && (functionKw is Kw.EXTRACT) && IsWordToken) { Leaf(SyntaxKind.Literal); first = false; continue; }
            if (first && functionKw is Kw.CONVERT or Kw.TRY_CONVERT && _dialect == SqlDialect.TSql) { DataType(); first = false; continue; }
            // Vendor argument syntax (RETURNING type, NULL ON NULL, key:value, FOR ORDINALITY) is kept as tokens.
            if (!CanStartExpression()) { Bump(); continue; }
            var before = _pos;
            Expression();
            first = false;
            if (_pos == before)
            {
                ErrorUntil(static p => p.T is TokenKind.Comma or TokenKind.CloseParen);
                if (_pos == before) break;
            }
        }
        ExpectCloseParen();
        if (K == Kw.WITHIN && PeekKw(1) == Kw.GROUP) { Bump(); Bump(); Bump(); OrderBy(); ExpectCloseParen(); }
        if (K == Kw.FILTER && PeekKind(1) == TokenKind.OpenParen)
        {
            Bump(); Bump();
            if (K == Kw.WHERE) Where();
            ExpectCloseParen();
        }
        if (K is Kw.IGNORE or Kw.RESPECT && PeekKw(1) == Kw.NULLS) { Bump(); Bump(); }
        if (K == Kw.OVER)
        {
            Bump();
            if (T == TokenKind.OpenParen) WindowSpecification();
            else Identifier();
        }
        Finish();
        _depth--;
    }

    /// <summary>
    /// .method(args) applied to the value before the dot, as a <see cref="SyntaxKind.FunctionCall"/> tagged
    /// <see cref="MethodCallTag"/>: the value, then the method's Name, then the arguments.
    /// </summary>
    private void MethodCall(Marker m)
    {
        StartAt(m, SyntaxKind.FunctionCall, MethodCallTag);
        Bump(); // .
        Start(SyntaxKind.Name);
        Leaf(SyntaxKind.Identifier);
        Finish();
        if (_depth >= MaxDepth)
        {
            SkipParenGroup();
            Finish();
            return;
        }
        _depth++;
        Bump(); // (
        while (!AtEnd && T != TokenKind.CloseParen)
        {
            if (T == TokenKind.Comma) { Bump(); continue; }
            if (!CanStartExpression()) { Bump(); continue; }
            var before = _pos;
            Expression();
            if (_pos == before)
            {
                ErrorUntil(static p => p.T is TokenKind.Comma or TokenKind.CloseParen);
                if (_pos == before) break;
            }
        }
        ExpectCloseParen();
        Finish();
        _depth--;
    }

    /// <summary>The tag of a <see cref="SyntaxKind.FunctionCall"/> that is a method called on a value (its first child).</summary>
    public const short MethodCallTag = 1;

    /// <summary>
    /// The methods of T-SQL's xml, hierarchyid and spatial types, which are case-sensitive: value/query/exist/nodes/modify,
    /// GetAncestor..., STArea... . A dotted call ending in one of them calls it on a column; dbo.Value() stays a function.
    /// </summary>
    private bool IsValueMethodName(int index)
    {
        if (index >= _n || _tok[index].Kind != TokenKind.Word) return false;
        var w = _text.AsSpan(_tok[index].Start, _tok[index].Length);
        if (w.Length > 2 && w[0] == 'S' && w[1] == 'T' && char.IsAsciiLetterUpper(w[2])) return true;
        return w is "value" or "query" or "exist" or "nodes" or "modify"
            or "GetAncestor" or "GetDescendant" or "GetLevel" or "GetReparentedValue" or "IsDescendantOf" or "ToString"
            or "MakeValid" or "Reduce" or "BufferWithTolerance" or "EnvelopeCenter" or "EnvelopeAngle" or "IsValidDetailed"
            or "AsTextZM" or "AsGml" or "ReorientObject" or "RingN" or "NumRings" or "Filter" or "CurveToLineWithTolerance";
    }

    private bool CanStartExpression()
    {
        switch (T)
        {
            case TokenKind.Number or TokenKind.String or TokenKind.Parameter or TokenKind.OpenParen or TokenKind.QuotedIdentifier:
                return true;
            case TokenKind.Operator:
                return IsPrefixOperator() || CurrentText is "*";
            case TokenKind.Word:
                var kw = K;
                return !Keywords.IsClauseWord(kw) || PeekKind(1) is TokenKind.OpenParen or TokenKind.Comma or TokenKind.CloseParen or TokenKind.Dot
                    || kw is Kw.NULL or Kw.CASE or Kw.NOT or Kw.DEFAULT or Kw.EXISTS;
            default:
                return false;
        }
    }

    private static bool IsDatePartFunction(ReadOnlySpan<char> name) =>
        name.StartsWith("DATE", StringComparison.OrdinalIgnoreCase) || name.StartsWith("TIMESTAMP", StringComparison.OrdinalIgnoreCase);

    /// <summary>A type name: words (double precision, character varying, timestamp with time zone), (args), [], unsigned.</summary>
    private void DataType()
    {
        Start(SyntaxKind.DataType);
        if (!IsName)
        {
            Finish(NodeFlags.Missing | NodeFlags.ContainsError);
            return;
        }
        QualifiedName();
        while (!AtEnd)
        {
            if (T == TokenKind.OpenParen) { SkipParenGroup(); continue; }
            if (T == TokenKind.OpenBracket) { Bump(); Eat(TokenKind.Number); Eat(TokenKind.CloseBracket); continue; }
            var kw = K;
            if (kw is Kw.VARYING or Kw.PRECISION or Kw.UNSIGNED or Kw.SIGNED or Kw.ZEROFILL or Kw.ARRAY) { Bump(); continue; }
            if (kw is Kw.WITH or Kw.WITHOUT && PeekKw(1) == Kw.TIME) { Bump(); Bump(); Eat(Kw.ZONE); continue; }
            if ((kw is Kw.CHARACTER && PeekKw(1) == Kw.SET) || kw == Kw.CHARSET)
            {
                Bump();
                Eat(Kw.SET);
                if (IsName || T == TokenKind.String) Bump();
                continue;
            }
            // interval day to second, national character varying: type words continue while they are not keywords that start something else.
            if (IsWordToken && kw == Kw.None && IsTypeContinuation()) { Bump(); continue; }
            // interval day to second, interval year to month
            if (kw == Kw.TO && _tok[_pos - 1].Kind == TokenKind.Word && PeekKind(1) == TokenKind.Word && IsIntervalFieldAt(_pos - 1) && IsIntervalFieldAt(_pos + 1))
            {
                Bump(); Bump();
                continue;
            }
            break;
        }
        Finish();
    }

    private bool IsIntervalFieldAt(int index)
    {
        var w = _text.AsSpan(_tok[index].Start, _tok[index].Length);
        return w.Equals("year", StringComparison.OrdinalIgnoreCase) || w.Equals("month", StringComparison.OrdinalIgnoreCase)
            || w.Equals("day", StringComparison.OrdinalIgnoreCase) || w.Equals("hour", StringComparison.OrdinalIgnoreCase)
            || w.Equals("minute", StringComparison.OrdinalIgnoreCase) || w.Equals("second", StringComparison.OrdinalIgnoreCase);
    }

    private bool IsTypeContinuation()
    {
        var w = CurrentText;
        return w.Equals("varying", StringComparison.OrdinalIgnoreCase) || w.Equals("char", StringComparison.OrdinalIgnoreCase)
            || w.Equals("varchar", StringComparison.OrdinalIgnoreCase) || w.Equals("precision", StringComparison.OrdinalIgnoreCase)
            || w.Equals("integer", StringComparison.OrdinalIgnoreCase) || w.Equals("int", StringComparison.OrdinalIgnoreCase)
            || w.Equals("second", StringComparison.OrdinalIgnoreCase) || w.Equals("day", StringComparison.OrdinalIgnoreCase)
            || w.Equals("hour", StringComparison.OrdinalIgnoreCase) || w.Equals("minute", StringComparison.OrdinalIgnoreCase)
            || w.Equals("month", StringComparison.OrdinalIgnoreCase) || w.Equals("year", StringComparison.OrdinalIgnoreCase)
            || w.Equals("text", StringComparison.OrdinalIgnoreCase) || w.Equals("blob", StringComparison.OrdinalIgnoreCase);
    }
}
