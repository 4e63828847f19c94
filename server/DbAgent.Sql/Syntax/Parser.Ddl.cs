using DbAgent.Sql.Lexing;

namespace DbAgent.Sql.Syntax;

/// <summary>Tags on DDL nodes, read by the binder.</summary>
public enum DdlTag : short
{
    None = 0,
    // CreateTableStatement / CreateIndexStatement / CreateViewStatement flags (bit set)
    IfNotExists = 1, Temporary = 2, OrReplace = 4, Unique = 8, Concurrently = 16, Materialized = 32, Clustered = 64, FromQuery = 128,
    IfExists = 256, Cascade = 512,
}

/// <summary>Column-constraint tags on <see cref="SyntaxKind.ColumnConstraint"/>.</summary>
public enum ColumnConstraintKind : short { NotNull = 1, Null, Default, PrimaryKey, Unique, Check, References, Identity, Generated, Collate, Other }

/// <summary>Table-constraint tags on <see cref="SyntaxKind.TableConstraint"/>.</summary>
public enum TableConstraintKind : short { PrimaryKey = 1, Unique, ForeignKey, Check, Exclusion, Index, Other }

/// <summary>ALTER TABLE action tags on <see cref="SyntaxKind.AlterAction"/>.</summary>
public enum AlterActionKind : short
{
    AddColumn = 1, DropColumn, AlterColumnType, SetNotNull, DropNotNull, SetDefault, DropDefault, RenameColumn, RenameTable,
    AddConstraint, DropConstraint, AddIndex, DropIndex, ChangeColumn, ModifyColumn, RenameIndex, DropPrimaryKey, Other,
}

/// <summary>DROP object tags on <see cref="SyntaxKind.DropStatement"/> (high bits carry <see cref="DdlTag"/> flags).</summary>
public enum DropTarget : short { Table = 1, View, MaterializedView, Index, Sequence, Type, Schema, Function, Trigger, Other }

internal sealed partial class Parser
{
    private SyntaxKind Create()
    {
        var start = _pos;
        var flags = DdlTag.None;
        Bump(); // CREATE
        if (K == Kw.OR && PeekKw(1) is Kw.REPLACE or Kw.ALTER) { Bump(); Bump(); flags |= DdlTag.OrReplace; }
        // Modifiers in any order before the object word.
        while (true)
        {
            switch (K)
            {
                case Kw.TEMPORARY or Kw.TEMP: flags |= DdlTag.Temporary; Bump(); continue;
                case Kw.GLOBAL or Kw.LOCAL or Kw.UNLOGGED or Kw.VIRTUAL or Kw.EXTERNAL or Kw.FOREIGN or Kw.RECURSIVE or Kw.FULLTEXT or Kw.SPATIAL
                    or Kw.NONCLUSTERED or Kw.DEFINER or Kw.ALGORITHM or Kw.SQL or Kw.SECURITY or Kw.TRUSTED or Kw.PROCEDURAL
                    or Kw.CONSTRAINT or Kw.DEFAULT when !(PeekKind(1) is TokenKind.Dot):
                    Bump();
                    // DEFINER = user@host, ALGORITHM = MERGE, SQL SECURITY DEFINER
                    if (T == TokenKind.Operator && CurrentText is "=")
                    {
                        Bump();
                        while (!AtEnd && T is not TokenKind.Word || (T == TokenKind.Word && K is Kw.None && _pos > 0 && _tok[_pos - 1].Kind is TokenKind.Operator or TokenKind.Parameter or TokenKind.QuotedIdentifier or TokenKind.String)) Bump();
                    }
                    continue;
                case Kw.CLUSTERED: flags |= DdlTag.Clustered; Bump(); continue;
                case Kw.UNIQUE: flags |= DdlTag.Unique; Bump(); continue;
                case Kw.MATERIALIZED: flags |= DdlTag.Materialized; Bump(); continue;
            }
            break;
        }
        switch (K)
        {
            case Kw.TABLE: return CreateTable(flags);
            case Kw.INDEX: return CreateIndex(flags);
            case Kw.VIEW: return CreateView(flags);
            case Kw.SEQUENCE: return CreateNamed(SyntaxKind.CreateSequenceStatement, flags);
            case Kw.SCHEMA or Kw.DATABASE: return CreateNamed(SyntaxKind.CreateSchemaStatement, flags);
            case Kw.TYPE: return CreateType(flags);
            case Kw.FUNCTION or Kw.PROCEDURE or Kw.PROC: return CreateNamed(SyntaxKind.CreateFunctionStatement, flags);
            case Kw.TRIGGER: return CreateTrigger();
        }
        _pos = start;
        return Opaque();
    }

    private SyntaxKind CreateTable(DdlTag flags)
    {
        Start(SyntaxKind.CreateTableStatement);
        Bump(); // TABLE
        if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); flags |= DdlTag.IfNotExists; }
        Start(SyntaxKind.TableReference);
        QualifiedName();
        Finish();
        // PARTITION OF parent / OF type
        if (K == Kw.PARTITION && PeekKw(1) == Kw.OF)
        {
            Bump(); Bump();
            Start(SyntaxKind.TableReference, 1);
            QualifiedName();
            Finish();
        }
        else if (K == Kw.OF && IsNameAt(1)) { Bump(); QualifiedName(); }
        if (T == TokenKind.OpenParen && !StartsQuery(1)) TableElements();
        // Everything after the element list: INHERITS, PARTITION BY, WITH, ENGINE=, WITHOUT ROWID, AS query.
        while (!AtEnd)
        {
            if (K == Kw.INHERITS && PeekKind(1) == TokenKind.OpenParen)
            {
                Bump(); Bump();
                while (IsName)
                {
                    Start(SyntaxKind.TableReference, 1);
                    QualifiedName();
                    Finish();
                    if (!Eat(TokenKind.Comma)) break;
                }
                ExpectCloseParen();
                continue;
            }
            if (K == Kw.AS && (StartsQuery(1) || PeekKw(1) is Kw.SELECT or Kw.WITH or Kw.VALUES or Kw.TABLE || PeekKind(1) == TokenKind.OpenParen))
            {
                flags |= DdlTag.FromQuery;
                Bump();
                Start(SyntaxKind.Subquery);
                if (K == Kw.EXECUTE) SkipRest(); else Query();
                Finish();
                continue;
            }
            if (K is Kw.SELECT or Kw.WITH && _dialect == SqlDialect.MySql)
            {
                flags |= DdlTag.FromQuery;
                Start(SyntaxKind.Subquery);
                Query();
                Finish();
                continue;
            }
            if (K == Kw.LIKE && IsNameAt(1))
            {
                Bump();
                Start(SyntaxKind.TableReference, 1);
                QualifiedName();
                Finish();
                continue;
            }
            if (T == TokenKind.OpenParen) { SkipParenGroup(); continue; }
            Bump();
        }
        SetTag((short)flags);
        Finish();
        return SyntaxKind.CreateTableStatement;
    }

    /// <summary>( column-definition | table-constraint | LIKE t, ... )</summary>
    private void TableElements()
    {
        Start(SyntaxKind.TableOptions);
        Bump();
        while (!AtEnd && T != TokenKind.CloseParen)
        {
            if (T == TokenKind.Comma) { Bump(); continue; }
            var before = _pos;
            if (IsTableConstraintStart()) TableConstraint();
            else if (K == Kw.LIKE && IsNameAt(1))
            {
                Bump();
                Start(SyntaxKind.TableReference, 1);
                QualifiedName();
                Finish();
                SkipBalanced(static p => p.T == TokenKind.Comma);
            }
            else if (IsName) ColumnDefinition();
            else ErrorUntil(static p => p.T == TokenKind.Comma);
            if (_pos == before) Bump();
        }
        ExpectCloseParen();
        Finish();
    }

    private bool IsTableConstraintStart() => K switch
    {
        Kw.CONSTRAINT => true,
        Kw.PRIMARY => PeekKw(1) == Kw.KEY,
        Kw.FOREIGN => PeekKw(1) == Kw.KEY,
        Kw.UNIQUE => PeekKind(1) == TokenKind.OpenParen || PeekKw(1) is Kw.KEY or Kw.INDEX or Kw.NULLS or Kw.CLUSTERED or Kw.NONCLUSTERED || (IsNameAt(1) && PeekKind(2) == TokenKind.OpenParen),
        Kw.CHECK => PeekKind(1) == TokenKind.OpenParen,
        Kw.EXCLUDE => true,
        Kw.INDEX or Kw.KEY => _dialect == SqlDialect.MySql || _dialect == SqlDialect.TSql,
        Kw.FULLTEXT or Kw.SPATIAL => PeekKw(1) is Kw.KEY or Kw.INDEX,
        Kw.PERIOD => PeekKw(1) == Kw.FOR,
        _ => false,
    };

    private void ColumnDefinition()
    {
        Start(SyntaxKind.ColumnDefinition);
        Leaf(SyntaxKind.Identifier);
        // SQLite allows columns without a type; computed T-SQL columns are "name AS (expr)".
        if (IsName && !IsColumnConstraintStart()) DataType();
        else if (K == Kw.AS && _dialect == SqlDialect.TSql)
        {
            Start(SyntaxKind.ColumnConstraint, (short)ColumnConstraintKind.Generated);
            Bump();
            Expression();
            Finish();
        }
        while (!AtEnd && T is not (TokenKind.Comma or TokenKind.CloseParen))
        {
            var before = _pos;
            ColumnConstraint();
            if (_pos == before) Bump();
        }
        Finish();
    }

    private bool IsColumnConstraintStart() => K is Kw.NOT or Kw.NULL or Kw.DEFAULT or Kw.PRIMARY or Kw.UNIQUE or Kw.CHECK
        or Kw.REFERENCES or Kw.CONSTRAINT or Kw.GENERATED or Kw.IDENTITY or Kw.AUTO_INCREMENT or Kw.AUTOINCREMENT or Kw.COLLATE;

    private void ColumnConstraint()
    {
        if (K == Kw.CONSTRAINT)
        {
            // The constraint's name: kept as an Identifier child of the constraint that follows.
            var m = Mark();
            Bump();
            Identifier();
            var kind = ColumnConstraintKindAt();
            StartAt(m, SyntaxKind.ColumnConstraint, (short)kind);
            ColumnConstraintBody(kind);
            Finish();
            return;
        }
        var k = ColumnConstraintKindAt();
        Start(SyntaxKind.ColumnConstraint, (short)k);
        ColumnConstraintBody(k);
        Finish();
    }

    private ColumnConstraintKind ColumnConstraintKindAt() => K switch
    {
        Kw.NOT when PeekKw(1) == Kw.NULL => ColumnConstraintKind.NotNull,
        Kw.NULL => ColumnConstraintKind.Null,
        Kw.DEFAULT => ColumnConstraintKind.Default,
        Kw.PRIMARY => ColumnConstraintKind.PrimaryKey,
        Kw.UNIQUE => ColumnConstraintKind.Unique,
        Kw.CHECK => ColumnConstraintKind.Check,
        Kw.REFERENCES => ColumnConstraintKind.References,
        Kw.IDENTITY or Kw.AUTO_INCREMENT or Kw.AUTOINCREMENT => ColumnConstraintKind.Identity,
        Kw.GENERATED => PeekKw(1) is Kw.ALWAYS or Kw.BY && IdentityAhead() ? ColumnConstraintKind.Identity : ColumnConstraintKind.Generated,
        Kw.AS when PeekKind(1) == TokenKind.OpenParen => ColumnConstraintKind.Generated,
        Kw.COLLATE => ColumnConstraintKind.Collate,
        _ => ColumnConstraintKind.Other,
    };

    private bool IdentityAhead()
    {
        for (var i = 1; i < 6 && _pos + i < _n; i++)
            if (_tok[_pos + i].Keyword == Kw.IDENTITY) return true;
        return false;
    }

    private void ColumnConstraintBody(ColumnConstraintKind kind)
    {
        switch (kind)
        {
            case ColumnConstraintKind.NotNull:
                Bump(); Bump();
                ConflictClause();
                return;
            case ColumnConstraintKind.Null:
                Bump();
                return;
            case ColumnConstraintKind.Default:
                Bump();
                Binary(PrecOther);
                return;
            case ColumnConstraintKind.PrimaryKey:
                Bump(); Eat(Kw.KEY);
                while (K is Kw.ASC or Kw.DESC or Kw.CLUSTERED or Kw.NONCLUSTERED) Bump();
                ConflictClause();
                if (K is Kw.AUTOINCREMENT) Bump();
                if (K == Kw.WITH && PeekKind(1) == TokenKind.OpenParen) { Bump(); SkipParenGroup(); }
                return;
            case ColumnConstraintKind.Unique:
                Bump(); Eat(Kw.KEY);
                while (K is Kw.CLUSTERED or Kw.NONCLUSTERED) Bump();
                if (K == Kw.NULLS) { Bump(); Eat(Kw.NOT); Eat(Kw.DISTINCT); }
                ConflictClause();
                return;
            case ColumnConstraintKind.Check:
                Bump();
                if (T == TokenKind.OpenParen) ParenthesizedExpression();
                if (K == Kw.NO && PeekKw(1) == Kw.INHERIT) { Bump(); Bump(); }
                return;
            case ColumnConstraintKind.References:
                References();
                return;
            case ColumnConstraintKind.Identity:
                if (K == Kw.GENERATED)
                {
                    Bump(); Bump(); // GENERATED ALWAYS | BY DEFAULT
                    if (K == Kw.DEFAULT) Bump();
                    if (K == Kw.ON) { Bump(); Bump(); }
                    Eat(Kw.AS); Eat(Kw.IDENTITY);
                }
                else Bump();
                if (T == TokenKind.OpenParen) SkipParenGroup();
                return;
            case ColumnConstraintKind.Generated:
                if (K == Kw.GENERATED) { Bump(); Eat(Kw.ALWAYS); }
                Eat(Kw.AS);
                if (T == TokenKind.OpenParen) ParenthesizedExpression();
                if (K is Kw.STORED or Kw.VIRTUAL or Kw.PERSISTED) Bump();
                return;
            case ColumnConstraintKind.Collate:
                Bump();
                if (IsName || T == TokenKind.String) Bump();
                return;
            default:
                // ON UPDATE CURRENT_TIMESTAMP, COMMENT 'x', CHARACTER SET, UNSIGNED, ROWGUIDCOL, SPARSE, DEFERRABLE ...
                if (K == Kw.ON && PeekKw(1) == Kw.UPDATE) { Bump(); Bump(); Binary(PrecOther); return; }
                if (T == TokenKind.OpenParen) { SkipParenGroup(); return; }
                Bump();
                return;
        }
    }

    /// <summary>SQLite ON CONFLICT ROLLBACK|ABORT|FAIL|IGNORE|REPLACE after a constraint.</summary>
    private void ConflictClause()
    {
        if (K == Kw.ON && PeekKw(1) == Kw.CONFLICT) { Bump(); Bump(); Bump(); }
    }

    private void References()
    {
        Start(SyntaxKind.ReferencesClause);
        Bump(); // REFERENCES
        Start(SyntaxKind.TableReference, 1);
        QualifiedName();
        Finish();
        if (T == TokenKind.OpenParen) ColumnList();
        while (true)
        {
            if (K == Kw.MATCH) { Bump(); Bump(); continue; }
            if (K == Kw.ON && PeekKw(1) is Kw.DELETE or Kw.UPDATE)
            {
                Start(SyntaxKind.IndexOption, (short)(PeekKw(1) == Kw.DELETE ? 1 : 2));
                Bump(); Bump();
                // CASCADE | RESTRICT | SET NULL | SET DEFAULT | NO ACTION, optionally (cols)
                if (K is Kw.SET or Kw.NO) { Bump(); Bump(); }
                else Bump();
                if (T == TokenKind.OpenParen) SkipParenGroup();
                Finish();
                continue;
            }
            if (K is Kw.DEFERRABLE or Kw.INITIALLY or Kw.IMMEDIATE or Kw.DEFERRED) { Bump(); continue; }
            if (K == Kw.NOT && PeekKw(1) is Kw.DEFERRABLE or Kw.FOR) { Bump(); Bump(); if (K == Kw.REPLICATION) Bump(); continue; }
            break;
        }
        Finish();
    }

    private void TableConstraint()
    {
        var m = Mark();
        var named = false;
        if (K == Kw.CONSTRAINT)
        {
            Bump();
            if (IsName && !(K is Kw.PRIMARY or Kw.UNIQUE or Kw.CHECK or Kw.FOREIGN or Kw.EXCLUDE)) { Identifier(); named = true; }
        }
        _ = named;
        var kind = K switch
        {
            Kw.PRIMARY => TableConstraintKind.PrimaryKey,
            Kw.UNIQUE => TableConstraintKind.Unique,
            Kw.FOREIGN => TableConstraintKind.ForeignKey,
            Kw.CHECK => TableConstraintKind.Check,
            Kw.EXCLUDE => TableConstraintKind.Exclusion,
            Kw.INDEX or Kw.KEY or Kw.FULLTEXT or Kw.SPATIAL => TableConstraintKind.Index,
            _ => TableConstraintKind.Other,
        };
        StartAt(m, SyntaxKind.TableConstraint, (short)kind);
        switch (kind)
        {
            case TableConstraintKind.PrimaryKey or TableConstraintKind.Unique or TableConstraintKind.Index:
                Bump();
                if (K is Kw.KEY or Kw.INDEX) Bump();
                while (K is Kw.CLUSTERED or Kw.NONCLUSTERED) Bump();
                if (K == Kw.NULLS) { Bump(); Eat(Kw.NOT); Eat(Kw.DISTINCT); }
                // MySQL: UNIQUE KEY name (cols), KEY name USING BTREE (cols)
                if (IsName && T != TokenKind.OpenParen && K is not Kw.USING) { Start(SyntaxKind.Alias); Leaf(SyntaxKind.Identifier); Finish(); }
                if (K == Kw.USING) { Bump(); Bump(); }
                if (T == TokenKind.OpenParen) IndexKeys();
                if (K == Kw.INCLUDE && PeekKind(1) == TokenKind.OpenParen) { Start(SyntaxKind.IncludeClause); Bump(); ColumnList(); Finish(); }
                SkipBalanced(static p => p.T == TokenKind.Comma || (p.K == Kw.NOT && p.PeekKw(1) == Kw.VALID));
                break;
            case TableConstraintKind.ForeignKey:
                Bump(); Bump();
                if (IsName && T != TokenKind.OpenParen) Bump(); // MySQL FOREIGN KEY name (cols)
                if (T == TokenKind.OpenParen) ColumnList();
                if (K == Kw.REFERENCES) References();
                SkipBalanced(static p => p.T == TokenKind.Comma || (p.K == Kw.NOT && p.PeekKw(1) == Kw.VALID));
                break;
            case TableConstraintKind.Check:
                Bump();
                if (K == Kw.NOT && PeekKw(1) == Kw.FOR) { Bump(); Bump(); Eat(Kw.REPLICATION); }
                if (T == TokenKind.OpenParen) ParenthesizedExpression();
                SkipBalanced(static p => p.T == TokenKind.Comma || (p.K == Kw.NOT && p.PeekKw(1) == Kw.VALID));
                break;
            default:
                SkipBalanced(static p => p.T == TokenKind.Comma || (p.K == Kw.NOT && p.PeekKw(1) == Kw.VALID));
                break;
        }
        Finish();
    }

    /// <summary>( key [ASC|DESC] [NULLS ..] [opclass], ... ): columns or expressions.</summary>
    private void IndexKeys()
    {
        Start(SyntaxKind.ColumnList);
        Bump();
        while (!AtEnd && T != TokenKind.CloseParen)
        {
            if (T == TokenKind.Comma) { Bump(); continue; }
            var before = _pos;
            Start(SyntaxKind.IndexKey);
            if (IsName && PeekKind(1) == TokenKind.OpenParen && PeekKind(2) == TokenKind.Number && PeekKind(3) == TokenKind.CloseParen && _dialect == SqlDialect.MySql)
            {
                // MySQL prefix index: name(10)
                Start(SyntaxKind.ColumnReference);
                Leaf(SyntaxKind.Identifier);
                Finish();
                SkipParenGroup();
            }
            else Binary(PrecOther);
            if (K == Kw.COLLATE) { Bump(); QualifiedName(); }
            // operator class
            if (IsWordToken && K == Kw.None) { QualifiedName(); if (T == TokenKind.OpenParen) SkipParenGroup(); }
            if (K == Kw.ASC) Bump();
            else if (K == Kw.DESC) { Bump(); SetTag(1); }
            if (K == Kw.NULLS) { Bump(); Bump(); }
            Finish();
            if (_pos == before) { ErrorUntil(static p => p.T is TokenKind.Comma or TokenKind.CloseParen); if (_pos == before) break; }
        }
        ExpectCloseParen();
        Finish();
    }

    private SyntaxKind CreateIndex(DdlTag flags)
    {
        Start(SyntaxKind.CreateIndexStatement);
        Bump(); // INDEX
        if (Eat(Kw.CONCURRENTLY)) flags |= DdlTag.Concurrently;
        if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); flags |= DdlTag.IfNotExists; }
        if (IsName && K != Kw.ON && K != Kw.USING)
        {
            Start(SyntaxKind.Alias);
            QualifiedName();
            Finish();
        }
        // MySQL: CREATE INDEX name USING BTREE ON t (...)
        if (K == Kw.USING) { Start(SyntaxKind.IndexOption, 1); Bump(); Identifier(); Finish(); }
        if (Eat(Kw.ON))
        {
            Eat(Kw.ONLY);
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
        }
        else Missing(SyntaxKind.TableReference);
        if (K == Kw.USING) { Start(SyntaxKind.IndexOption, 1); Bump(); Identifier(); Finish(); }
        if (T == TokenKind.OpenParen) IndexKeys();
        else Missing(SyntaxKind.ColumnList);
        while (!AtEnd)
        {
            switch (K)
            {
                case Kw.INCLUDE when PeekKind(1) == TokenKind.OpenParen:
                    Start(SyntaxKind.IncludeClause);
                    Bump();
                    ColumnList();
                    Finish();
                    continue;
                case Kw.WHERE:
                    Where();
                    continue;
                case Kw.WITH when PeekKind(1) == TokenKind.OpenParen:
                    // PostgreSQL storage parameters; T-SQL (ONLINE = ON, ...)
                    Start(SyntaxKind.IndexOption, 2);
                    Bump();
                    SkipParenGroup();
                    Finish();
                    continue;
                case Kw.ALGORITHM or Kw.LOCK:
                    Start(SyntaxKind.IndexOption, (short)(K == Kw.ALGORITHM ? 3 : 4));
                    Bump();
                    EatOp("=");
                    if (IsName) Leaf(SyntaxKind.Identifier);
                    Finish();
                    continue;
                case Kw.USING:
                    Start(SyntaxKind.IndexOption, 1);
                    Bump();
                    Identifier();
                    Finish();
                    continue;
                case Kw.NULLS:
                    Bump(); Eat(Kw.NOT); Eat(Kw.DISTINCT);
                    continue;
            }
            if (T == TokenKind.OpenParen) { SkipParenGroup(); continue; }
            Bump();
        }
        SetTag((short)flags);
        Finish();
        return SyntaxKind.CreateIndexStatement;
    }

    private SyntaxKind CreateView(DdlTag flags)
    {
        Start(SyntaxKind.CreateViewStatement);
        Bump(); // VIEW
        if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); flags |= DdlTag.IfNotExists; }
        Start(SyntaxKind.TableReference);
        QualifiedName();
        Finish();
        if (T == TokenKind.OpenParen) ColumnList();
        while (!AtEnd && K != Kw.AS)
        {
            if (T == TokenKind.OpenParen) SkipParenGroup(); else Bump();
        }
        if (Eat(Kw.AS))
        {
            Start(SyntaxKind.Subquery);
            Query();
            Finish();
        }
        else Missing(SyntaxKind.Subquery);
        // WITH [CASCADED|LOCAL] CHECK OPTION, WITH [NO] DATA
        while (!AtEnd) Bump();
        SetTag((short)flags);
        Finish();
        return SyntaxKind.CreateViewStatement;
    }

    /// <summary>CREATE SEQUENCE/SCHEMA/FUNCTION name ...: the name, then the rest kept whole.</summary>
    private SyntaxKind CreateNamed(SyntaxKind kind, DdlTag flags)
    {
        Start(kind);
        Bump();
        if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); flags |= DdlTag.IfNotExists; }
        if (kind == SyntaxKind.CreateSchemaStatement && K == Kw.AUTHORIZATION) { Bump(); }
        Start(kind == SyntaxKind.CreateSequenceStatement ? SyntaxKind.TableReference : SyntaxKind.Alias);
        QualifiedName();
        Finish();
        if (kind == SyntaxKind.CreateSchemaStatement && _dialect == SqlDialect.Postgres)
        {
            // CREATE SCHEMA s [AUTHORIZATION role] CREATE TABLE ... CREATE VIEW ... GRANT ...: the schema elements are statements.
            if (K == Kw.AUTHORIZATION) { Bump(); if (IsName) Bump(); }
            while (K is Kw.CREATE or Kw.GRANT && _depth < MaxDepth)
            {
                // Each element ends where the next one starts: parse it on its own tokens, so that it cannot run on.
                var end = _pos + 1;
                for (var depth = 0; end < _n; end++)
                {
                    var token = _tok[end].Kind;
                    if (token == TokenKind.OpenParen) depth++;
                    else if (token == TokenKind.CloseParen) depth--;
                    else if (depth == 0 && _tok[end].Keyword is Kw.CREATE or Kw.GRANT) break;
                }
                var count = _n;
                _n = end;
                _depth++;
                StatementBody();
                _depth--;
                _n = count;
                _pos = end;
            }
        }
        if (kind == SyntaxKind.CreateFunctionStatement)
        {
            // String bodies stay text. SQL-standard bodies (BEGIN ATOMIC ... END, RETURN expr) are parsed.
            while (!AtEnd)
            {
                if (K == Kw.BEGIN && PeekKw(1) == Kw.ATOMIC && _dialect == SqlDialect.Postgres && _depth < MaxDepth)
                {
                    Bump(); Bump();
                    _depth++;
                    while (!AtEnd && K != Kw.END)
                    {
                        if (Eat(TokenKind.Semicolon)) continue;
                        var before = _pos;
                        StatementBody();
                        if (_pos == before) Bump();
                    }
                    _depth--;
                    Eat(Kw.END);
                    continue;
                }
                if (K == Kw.RETURN && _dialect == SqlDialect.Postgres)
                {
                    Bump();
                    Expression();
                    continue;
                }
                if (T == TokenKind.OpenParen) { SkipParenGroup(); continue; }
                Bump();
            }
        }
        else SkipRest();
        SetTag((short)flags);
        Finish();
        return kind;
    }

    private SyntaxKind CreateTrigger()
    {
        Start(SyntaxKind.CreateTriggerStatement);
        Bump();
        while (!AtEnd && K != Kw.ON) Bump();
        if (Eat(Kw.ON))
        {
            Start(SyntaxKind.TableReference);
            QualifiedName();
            Finish();
        }
        // CREATE CONSTRAINT TRIGGER ... ON t FROM referenced_table: read, not altered.
        if (Eat(Kw.FROM) && IsName)
        {
            Start(SyntaxKind.TableReference, 1);
            QualifiedName();
            Finish();
        }
        while (!AtEnd) Bump();
        Finish();
        return SyntaxKind.CreateTriggerStatement;
    }

    private SyntaxKind CreateType(DdlTag flags)
    {
        Start(SyntaxKind.CreateTypeStatement);
        Bump();
        // A composite type (AS (...)) is a relation in PostgreSQL; other types are not.
        var composite = PeekKw(1) == Kw.AS && PeekKind(2) == TokenKind.OpenParen || (IsNameAt(0) && PeekKind(1) == TokenKind.Dot && PeekKw(3) == Kw.AS && PeekKind(4) == TokenKind.OpenParen);
        Start(SyntaxKind.Alias);
        if (composite) Start(SyntaxKind.TableReference);
        QualifiedName();
        if (composite) Finish();
        Finish();
        if (K == Kw.AS && PeekKw(1) == Kw.ENUM)
        {
            Bump(); Bump();
            Start(SyntaxKind.EnumValues);
            if (Eat(TokenKind.OpenParen))
            {
                while (T == TokenKind.String)
                {
                    Leaf(SyntaxKind.Literal);
                    if (!Eat(TokenKind.Comma)) break;
                }
                ExpectCloseParen();
            }
            Finish();
        }
        SkipRest();
        SetTag((short)flags);
        Finish();
        return SyntaxKind.CreateTypeStatement;
    }

    private SyntaxKind Alter()
    {
        var start = _pos;
        Bump();
        if (K == Kw.FOREIGN && PeekKw(1) == Kw.TABLE) Bump();
        if (K == Kw.MATERIALIZED && PeekKw(1) == Kw.VIEW) Bump();
        switch (K)
        {
            case Kw.TABLE: return AlterTable();
            case Kw.TYPE: return AlterType();
            case Kw.INDEX: return AlterNamed(SyntaxKind.AlterIndexStatement);
            case Kw.SEQUENCE: return AlterNamed(SyntaxKind.AlterSequenceStatement);
            case Kw.VIEW: return AlterNamed(SyntaxKind.OpaqueStatement);
        }
        _pos = start;
        return Opaque();
    }

    private SyntaxKind AlterNamed(SyntaxKind kind)
    {
        Start(kind);
        Bump();
        if (K == Kw.IF && PeekKw(1) == Kw.EXISTS) { Bump(); Bump(); }
        if (K == Kw.ALL && PeekKw(1) == Kw.IN) { SkipRest(); Finish(); return kind; }
        // Indexes, sequences and views are relations (PostgreSQL's catalog says so, and so does libpg_query).
        Start(SyntaxKind.TableReference);
        QualifiedName();
        Finish();
        if (K == Kw.ATTACH && PeekKw(1) == Kw.PARTITION)
        {
            Bump(); Bump();
            Start(SyntaxKind.TableReference, 1);
            QualifiedName();
            Finish();
        }
        if (K == Kw.RENAME && PeekKw(1) == Kw.TO)
        {
            Start(SyntaxKind.AlterAction, (short)AlterActionKind.RenameIndex);
            Bump(); Bump();
            Identifier();
            Finish();
        }
        SkipRest();
        Finish();
        return kind;
    }

    private SyntaxKind AlterType()
    {
        Start(SyntaxKind.AlterTypeStatement);
        Bump();
        // ADD/DROP/ALTER/RENAME ATTRIBUTE change a composite type, which PostgreSQL keeps as a relation.
        var after = QualifiedNameLength();
        var attribute = IsName && PeekKw(after) is Kw.ADD or Kw.DROP or Kw.ALTER or Kw.RENAME && _pos + after + 1 < _n
            && _text.AsSpan(_tok[_pos + after + 1].Start, _tok[_pos + after + 1].Length).Equals("ATTRIBUTE", StringComparison.OrdinalIgnoreCase);
        Start(attribute ? SyntaxKind.TableReference : SyntaxKind.Alias);
        QualifiedName();
        Finish();
        if (K == Kw.ADD && PeekKw(1) == Kw.VALUE)
        {
            Start(SyntaxKind.EnumValues);
            Bump(); Bump();
            if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); SetTag(1); }
            if (T == TokenKind.String) Leaf(SyntaxKind.Literal);
            if (K is Kw.BEFORE or Kw.AFTER)
            {
                Start(SyntaxKind.IndexOption, (short)(K == Kw.BEFORE ? 1 : 2));
                Bump();
                if (T == TokenKind.String) Leaf(SyntaxKind.Literal);
                Finish();
            }
            Finish();
        }
        SkipRest();
        Finish();
        return SyntaxKind.AlterTypeStatement;
    }

    private SyntaxKind AlterTable()
    {
        Start(SyntaxKind.AlterTableStatement);
        Bump(); // TABLE
        if (K == Kw.IF && PeekKw(1) == Kw.EXISTS) { Bump(); Bump(); }
        if (K == Kw.ALL && PeekKw(1) == Kw.IN) { SkipRest(); Finish(); return SyntaxKind.AlterTableStatement; }
        Eat(Kw.ONLY);
        Start(SyntaxKind.TableReference);
        QualifiedName();
        EatOp("*");
        Finish();
        do
        {
            var before = _pos;
            AlterAction();
            if (_pos == before) ErrorUntil(static p => p.T == TokenKind.Comma);
        } while (Eat(TokenKind.Comma));
        if (!AtEnd) SkipRest();
        Finish();
        return SyntaxKind.AlterTableStatement;
    }

    private void AlterAction()
    {
        // T-SQL WITH CHECK / NOCHECK before ADD CONSTRAINT
        if (K == Kw.WITH && PeekKw(1) is Kw.CHECK or Kw.NOCHECK) { Bump(); Bump(); }
        switch (K)
        {
            case Kw.ADD:
            {
                var m = Mark();
                Bump();
                if (_dialect == SqlDialect.TSql && (K == Kw.DEFAULT || (K == Kw.CONSTRAINT && IsNameAt(1) && PeekKw(2) == Kw.DEFAULT)))
                {
                    // T-SQL ADD [CONSTRAINT df] DEFAULT expr FOR col: sets the column's default.
                    StartAt(m, SyntaxKind.AlterAction, (short)AlterActionKind.SetDefault);
                    if (Eat(Kw.CONSTRAINT)) { Start(SyntaxKind.Alias); Identifier(); Finish(); }
                    Bump(); // DEFAULT
                    Start(SyntaxKind.ColumnConstraint, (short)ColumnConstraintKind.Default);
                    Expression();
                    Finish();
                    if (Eat(Kw.FOR)) Identifier();
                    else Missing(SyntaxKind.Identifier);
                    SkipBalanced(static p => p.T == TokenKind.Comma);
                    Finish();
                    return;
                }
                if (K == Kw.COLUMN || (!IsTableConstraintStart() && IsName && K is not (Kw.INDEX or Kw.KEY)))
                {
                    StartAt(m, SyntaxKind.AlterAction, (short)AlterActionKind.AddColumn);
                    Eat(Kw.COLUMN);
                    if (K == Kw.IF && PeekKw(1) == Kw.NOT) { Bump(); Bump(); Eat(Kw.EXISTS); }
                    if (T == TokenKind.OpenParen)
                    {
                        // MySQL ADD (col def, col def)
                        Bump();
                        while (IsName) { ColumnDefinition(); if (!Eat(TokenKind.Comma)) break; }
                        ExpectCloseParen();
                    }
                    else ColumnDefinition();
                }
                else if (K is Kw.INDEX or Kw.KEY or Kw.FULLTEXT or Kw.SPATIAL || (K == Kw.UNIQUE && PeekKw(1) is Kw.INDEX or Kw.KEY))
                {
                    StartAt(m, SyntaxKind.AlterAction, (short)AlterActionKind.AddIndex);
                    TableConstraint();
                }
                else
                {
                    StartAt(m, SyntaxKind.AlterAction, (short)AlterActionKind.AddConstraint);
                    TableConstraint();
                    if (K == Kw.NOT && PeekKw(1) == Kw.VALID) { Bump(); Bump(); SetTag((short)AlterActionKind.AddConstraint | 0x100); }
                }
                Finish();
                return;
            }
            case Kw.DROP:
            {
                Start(SyntaxKind.AlterAction);
                Bump();
                if (K == Kw.CONSTRAINT || (K == Kw.FOREIGN && PeekKw(1) == Kw.KEY) || (K == Kw.CHECK && IsNameAt(1)))
                {
                    SetTag((short)AlterActionKind.DropConstraint);
                    Bump();
                    if (K == Kw.KEY) Bump();
                    if (K == Kw.IF && PeekKw(1) == Kw.EXISTS) { Bump(); Bump(); SetTag((short)AlterActionKind.DropConstraint | 0x100); }
                    Identifier();
                }
                else if (K is Kw.INDEX or Kw.KEY)
                {
                    SetTag((short)AlterActionKind.DropIndex);
                    Bump();
                    Identifier();
                }
                else if (K == Kw.PRIMARY)
                {
                    SetTag((short)AlterActionKind.DropPrimaryKey);
                    Bump(); Eat(Kw.KEY);
                }
                else
                {
                    SetTag((short)AlterActionKind.DropColumn);
                    Eat(Kw.COLUMN);
                    if (K == Kw.IF && PeekKw(1) == Kw.EXISTS) { Bump(); Bump(); SetTag((short)AlterActionKind.DropColumn | 0x100); }
                    Identifier();
                }
                SkipBalanced(static p => p.T == TokenKind.Comma);
                Finish();
                return;
            }
            case Kw.ALTER:
            {
                Start(SyntaxKind.AlterAction);
                Bump();
                if (K == Kw.CONSTRAINT || K == Kw.INDEX) { SetTag((short)AlterActionKind.Other); SkipBalanced(static p => p.T == TokenKind.Comma); Finish(); return; }
                Eat(Kw.COLUMN);
                Identifier();
                if (K == Kw.TYPE || (K == Kw.SET && PeekKw(1) == Kw.DATA))
                {
                    SetTag((short)AlterActionKind.AlterColumnType);
                    if (K == Kw.SET) { Bump(); Bump(); }
                    Bump(); // TYPE
                    DataType();
                    if (K == Kw.COLLATE) { Bump(); QualifiedName(); }
                    if (K == Kw.USING) { Bump(); Expression(); }
                }
                else if (K == Kw.SET && PeekKw(1) == Kw.NOT) { SetTag((short)AlterActionKind.SetNotNull); Bump(); Bump(); Bump(); }
                else if (K == Kw.DROP && PeekKw(1) == Kw.NOT) { SetTag((short)AlterActionKind.DropNotNull); Bump(); Bump(); Bump(); }
                else if (K == Kw.SET && PeekKw(1) == Kw.DEFAULT)
                {
                    SetTag((short)AlterActionKind.SetDefault);
                    Bump(); Bump();
                    Start(SyntaxKind.ColumnConstraint, (short)ColumnConstraintKind.Default);
                    Expression();
                    Finish();
                }
                else if (K == Kw.DROP && PeekKw(1) == Kw.DEFAULT) { SetTag((short)AlterActionKind.DropDefault); Bump(); Bump(); }
                else if (_dialect == SqlDialect.TSql && IsName)
                {
                    // T-SQL ALTER COLUMN name type [NULL | NOT NULL]
                    SetTag((short)AlterActionKind.ModifyColumn);
                    DataType();
                    while (!AtEnd && T != TokenKind.Comma) { var b = _pos; ColumnConstraint(); if (_pos == b) Bump(); }
                }
                else SetTag((short)AlterActionKind.Other);
                SkipBalanced(static p => p.T == TokenKind.Comma);
                Finish();
                return;
            }
            case Kw.MODIFY:
            {
                Start(SyntaxKind.AlterAction, (short)AlterActionKind.ModifyColumn);
                Bump();
                Eat(Kw.COLUMN);
                ColumnDefinition();
                SkipBalanced(static p => p.T == TokenKind.Comma);
                Finish();
                return;
            }
            case Kw.CHANGE:
            {
                Start(SyntaxKind.AlterAction, (short)AlterActionKind.ChangeColumn);
                Bump();
                Eat(Kw.COLUMN);
                Identifier();
                ColumnDefinition();
                SkipBalanced(static p => p.T == TokenKind.Comma);
                Finish();
                return;
            }
            case Kw.RENAME:
            {
                Start(SyntaxKind.AlterAction);
                Bump();
                if (K is Kw.TO or Kw.AS || (IsName && K is Kw.None && PeekKind(1) is TokenKind.Comma or TokenKind.Semicolon || (IsName && K is Kw.None && _pos + 1 >= _n)))
                {
                    SetTag((short)AlterActionKind.RenameTable);
                    if (K is Kw.TO or Kw.AS) Bump();
                    QualifiedName();
                }
                else if (K is Kw.INDEX or Kw.KEY)
                {
                    SetTag((short)AlterActionKind.RenameIndex);
                    Bump();
                    Identifier();
                    Eat(Kw.TO);
                    Identifier();
                }
                else if (K == Kw.CONSTRAINT)
                {
                    SetTag((short)AlterActionKind.Other);
                    SkipBalanced(static p => p.T == TokenKind.Comma);
                }
                else
                {
                    SetTag((short)AlterActionKind.RenameColumn);
                    Eat(Kw.COLUMN);
                    Identifier();
                    Eat(Kw.TO);
                    Identifier();
                }
                Finish();
                return;
            }
        }
        Start(SyntaxKind.AlterAction, (short)AlterActionKind.Other);
        if (K == Kw.NO && PeekKw(1) == Kw.INHERIT) Bump();
        if (K == Kw.INHERIT || (K is Kw.ATTACH or Kw.DETACH && PeekKw(1) == Kw.PARTITION))
        {
            if (K != Kw.INHERIT) Bump();
            Bump();
            Start(SyntaxKind.TableReference, 1);
            QualifiedName();
            Finish();
        }
        SkipBalanced(static p => p.T == TokenKind.Comma);
        Finish();
    }

    private SyntaxKind Drop()
    {
        Start(SyntaxKind.DropStatement);
        Bump();
        var target = K switch
        {
            Kw.TABLE => DropTarget.Table,
            Kw.VIEW => DropTarget.View,
            Kw.MATERIALIZED => DropTarget.MaterializedView,
            Kw.INDEX => DropTarget.Index,
            Kw.SEQUENCE => DropTarget.Sequence,
            Kw.TYPE or Kw.DOMAIN => DropTarget.Type,
            Kw.SCHEMA or Kw.DATABASE => DropTarget.Schema,
            Kw.FUNCTION or Kw.PROCEDURE or Kw.PROC => DropTarget.Function,
            Kw.TRIGGER => DropTarget.Trigger,
            Kw.FOREIGN when PeekKw(1) == Kw.TABLE => DropTarget.Table,
            _ => DropTarget.Other,
        };
        var flags = 0;
        if (K is Kw.TEMPORARY || (K == Kw.FOREIGN && target == DropTarget.Table)) Bump();
        Bump();
        if (target == DropTarget.MaterializedView) Eat(Kw.VIEW);
        if (K == Kw.CONCURRENTLY) Bump();
        if (K == Kw.IF && PeekKw(1) == Kw.EXISTS) { Bump(); Bump(); flags |= (int)DdlTag.IfExists; }
        if (target != DropTarget.Other)
        {
            while (IsName)
            {
                Start(SyntaxKind.Alias);
                QualifiedName();
                Finish();
                if (T == TokenKind.OpenParen) SkipParenGroup(); // function signatures
                if (!Eat(TokenKind.Comma)) break;
            }
            if (K == Kw.ON && (target is DropTarget.Index or DropTarget.Trigger))
            {
                Bump();
                Start(SyntaxKind.TableReference);
                QualifiedName();
                Finish();
            }
        }
        while (!AtEnd)
        {
            if (K == Kw.CASCADE) flags |= (int)DdlTag.Cascade;
            if (T == TokenKind.OpenParen) SkipParenGroup(); else Bump();
        }
        SetTag((short)((int)target | (flags << 4)));
        Finish();
        return SyntaxKind.DropStatement;
    }
}
