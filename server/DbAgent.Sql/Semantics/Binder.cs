using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

/// <summary>
/// Turns a statement's syntax tree into its <see cref="StatementModel"/>: relations with roles and aliases, columns
/// resolved to relations (by qualifier, by the single relation in scope, or through the schema model), predicates
/// classified for index work, grouping, ordering, limits, and DDL as actions. Never throws on a partial tree.
/// </summary>
internal sealed partial class Binder
{
    /// <summary>The statement's characters, by document offset.</summary>
    private TextWindow _text;
    private SqlDialect _dialect;
    private SchemaModel? _schema;

    private readonly List<RelationReference> _relations = [];
    private readonly List<ColumnReference> _columns = [];
    private readonly List<Predicate> _predicates = [];
    private readonly List<ColumnReference> _groupBy = [];
    private readonly List<OrderItem> _orderBy = [];
    private readonly List<DdlAction> _ddl = [];
    private LimitClause? _limit;
    private bool _hasWhere;
    private TextSpan? _whereSpan;
    private int _orGroup;
    private bool _outerDone;
    /// <summary>One work stack for the iterative walks; re-entrant calls work above their caller's part.</summary>
    private readonly List<SyntaxNode> _work = new(64);

    [ThreadStatic]
    private static Binder? t_binder;

    /// <summary>
    /// Binds one statement of a script with this thread's binder: its lists, scopes and name table are reused from
    /// statement to statement (names are plain text, so the table serves every script).
    /// </summary>
    public static StatementModel Bind(TextWindow text, SqlDialect dialect, SchemaModel? schema, SyntaxNode root, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        var binder = t_binder ??= new Binder();
        binder._text = text;
        binder._dialect = dialect;
        binder._schema = schema;
        try
        {
            return binder.Bind(root, tokens, slice);
        }
        finally
        {
            // Do not keep a document's text alive through an idle thread's binder.
            binder._text = default;
            binder._schema = null;
        }
    }

    /// <summary>A query block's names. Scopes live only while one statement is bound: the binder reuses them.</summary>
    private sealed class Scope
    {
        private readonly List<string> _cteNames = [];

        public Scope? Parent { get; private set; }
        public List<ScopeItem> Items { get; } = [];
        public List<string>? Ctes { get; private set; }

        public Scope Reset(Scope? parent, bool withCtes)
        {
            Parent = parent;
            Items.Clear();
            _cteNames.Clear();
            Ctes = withCtes ? _cteNames : null;
            return this;
        }

        public bool IsCte(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
                if (s.Ctes is not null && ContainsName(s.Ctes, name)) return true;
            return false;
        }
    }

    private readonly List<Scope> _scopes = [];
    private int _scopesInUse;

    /// <summary>A scope for this statement, reused from the statements bound before.</summary>
    private Scope NewScope(Scope? parent, bool withCtes = false)
    {
        if (_scopesInUse == _scopes.Count) _scopes.Add(new Scope());
        return _scopes[_scopesInUse++].Reset(parent, withCtes);
    }

    /// <summary>A loop rather than a lambda: a lambda capturing a parameter allocates on every call of its method.</summary>
    private static bool ContainsName(List<string> names, string name)
    {
        foreach (var n in names)
            if (NameComparer.SameName(n, name)) return true;
        return false;
    }

    /// <summary>One FROM item in scope: a relation, or a derived table/function with only an alias.</summary>
    private readonly record struct ScopeItem(string? Alias, RelationReference? Relation);

    /// <summary>Binds one statement; its lists are cleared here, as the binder is reused.</summary>
    private StatementModel Bind(SyntaxNode root, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        _relations.Clear();
        _columns.Clear();
        _predicates.Clear();
        _groupBy.Clear();
        _orderBy.Clear();
        _ddl.Clear();
        _work.Clear();
        _scopesInUse = 0;
        _limit = null;
        _hasWhere = false;
        _whereSpan = null;
        _orGroup = 0;
        _outerDone = false;
        var kind = StatementKindOf(root, tokens, slice);
        BindStatement(root, null);
        _relations.Sort(static (a, b) => a.Span.Start.CompareTo(b.Span.Start));
        return new StatementModel
        {
            Kind = kind,
            Span = slice.Span,
            KeywordSpan = KeywordSpan(root, tokens, slice),
            Relations = _relations.ToArray(),
            Columns = _columns.ToArray(),
            Predicates = _predicates.ToArray(),
            HasWhere = _hasWhere,
            WhereSpan = _whereSpan,
            GroupBy = _groupBy.ToArray(),
            OrderBy = _orderBy.ToArray(),
            Limit = _limit,
            Ddl = _ddl.ToArray(),
            IsOpaque = root.Kind == SyntaxKind.OpaqueStatement,
            Detail = Detail(root, kind, tokens, slice),
        };
    }

    // ---- text helpers -------------------------------------------------------------------------------------------

    private string TextOf(SyntaxNode node) => _text.Substring(node.Span.Start, node.Span.Length);

    /// <summary>An identifier without its quotes.</summary>
    private string IdentifierText(SyntaxNode node)
    {
        var span = node.Span;
        if (span.Length == 0) return "";
        var first = _text[span.Start];
        if (span.Length >= 2 && first is '"' or '`' or '[' or '\'')
        {
            var close = first == '[' ? ']' : first;
            var end = _text[span.End - 1] == close ? span.End - 1 : span.End;
            var inner = _text.Substring(span.Start + 1, Math.Max(0, end - span.Start - 1));
            var doubled = new string(close, 2);
            return inner.Contains(doubled) ? inner.Replace(doubled, close.ToString()) : inner;
        }
        if (first is 'U' or 'u' && span.Length > 3 && _text[span.Start + 1] == '&') return _text.Substring(span.Start + 3, Math.Max(0, span.Length - 4));
        return Name(_text.AsSpan(span.Start, span.Length));
    }

    private const int MaxCachedNames = 16_384;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _nameLookup;
    private bool _nameLookupReady;

    /// <summary>
    /// A bare name's text, one string per distinct name in the script: the same tables and columns come back in
    /// statement after statement, and a lookup by span is cheaper than a new string and its collection.
    /// </summary>
    private string Name(ReadOnlySpan<char> text)
    {
        if (!_nameLookupReady)
        {
            _nameLookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
            _nameLookupReady = true;
        }
        if (_nameLookup.TryGetValue(text, out var name)) return name;
        name = text.ToString();
        if (_names.Count < MaxCachedNames) _names.Add(name, name);
        return name;
    }

    private QualifiedName? NameOf(SyntaxNode nameNode)
    {
        if (nameNode.IsNull || nameNode.ChildCount == 0) return null;
        var count = nameNode.ChildCount;
        var name = IdentifierText(nameNode[count - 1]);
        var schema = count >= 2 ? IdentifierText(nameNode[count - 2]) : null;
        return new QualifiedName(schema, name);
    }

    private static bool IsStatementKind(SyntaxKind kind) => kind <= SyntaxKind.OpaqueStatement;

    // ---- statements ---------------------------------------------------------------------------------------------

    private void BindStatement(SyntaxNode node, Scope? scope)
    {
        // WITH ... INSERT/UPDATE/DELETE/MERGE: the CTEs, then the statement.
        if (node.ChildCount >= 2 && node[0].Kind == SyntaxKind.WithClause && IsStatementKind(node[1].Kind) && node[1].Kind != SyntaxKind.SelectStatement)
        {
            var cteScope = BindWith(node[0], scope);
            BindStatement(node[1], cteScope);
            return;
        }
        switch (node.Kind)
        {
            case SyntaxKind.SelectStatement:
                BindQuery(node, scope, outermost: true);
                break;
            case SyntaxKind.InsertStatement:
                BindInsert(node, scope);
                break;
            case SyntaxKind.UpdateStatement:
                BindUpdate(node, scope);
                break;
            case SyntaxKind.DeleteStatement:
                BindDelete(node, scope);
                break;
            case SyntaxKind.MergeStatement:
                BindMerge(node, scope);
                break;
            case SyntaxKind.CreateTableStatement:
                BindCreateTable(node);
                break;
            case SyntaxKind.AlterTableStatement:
                BindAlterTable(node);
                break;
            case SyntaxKind.CreateIndexStatement:
                BindCreateIndex(node);
                break;
            case SyntaxKind.DropStatement:
                BindDrop(node);
                break;
            case SyntaxKind.CreateViewStatement:
                BindCreateView(node);
                break;
            case SyntaxKind.CreateSchemaStatement:
            {
                BindNamedDdl(node);
                // Schema elements (CREATE SCHEMA s CREATE TABLE t ...) show their relations. Their DDL is left out: their
                // unqualified names belong to the new schema, which the actions could not say.
                var ddl = _ddl.Count;
                foreach (var c in node.Children)
                    if (IsStatementKind(c.Kind)) BindStatement(c, scope);
                _ddl.RemoveRange(ddl, _ddl.Count - ddl);
                break;
            }
            case SyntaxKind.CreateSequenceStatement:
            case SyntaxKind.AlterSequenceStatement:
            case SyntaxKind.CreateTypeStatement:
            case SyntaxKind.AlterTypeStatement:
            case SyntaxKind.AlterIndexStatement:
                BindNamedDdl(node);
                break;
            case SyntaxKind.TruncateStatement:
                foreach (var c in node.Children)
                    if (c.Kind == SyntaxKind.TableReference) AddRelation(c, RelationRole.Written, null);
                break;
            case SyntaxKind.CreateTriggerStatement:
            case SyntaxKind.GrantStatement:
                foreach (var c in node.Children)
                    if (c.Kind == SyntaxKind.TableReference) AddRelation(c, c.Tag == 1 ? RelationRole.Read : RelationRole.Altered, null);
                break;
            default:
                // Opaque, EXPLAIN, maintenance and the rest: relations as seen, nested statements and queries bound.
                foreach (var c in node.Children)
                {
                    if (c.Kind == SyntaxKind.TableReference) AddRelation(c, RelationRole.Read, null);
                    else if (c.Kind == SyntaxKind.Subquery) BindQuery(c, scope, outermost: false);
                    else if (IsStatementKind(c.Kind)) BindStatement(c, scope);
                }
                break;
        }
    }

    private Scope BindWith(SyntaxNode with, Scope? parent)
    {
        var scope = NewScope(parent, withCtes: true);
        foreach (var cte in with.Children)
            if (cte.Kind == SyntaxKind.CommonTableExpression && cte.ChildCount > 0 && cte[0].Kind == SyntaxKind.Identifier)
                scope.Ctes!.Add(IdentifierText(cte[0]));
        foreach (var cte in with.Children)
        {
            if (cte.Kind != SyntaxKind.CommonTableExpression) continue;
            var sub = cte.Child(SyntaxKind.Subquery);
            if (!sub.IsNull) BindQuery(sub, scope, outermost: false);
        }
        return scope;
    }

    private RelationReference? AddRelation(SyntaxNode tableRef, RelationRole role, Scope? scope)
    {
        var nameNode = tableRef.Child(SyntaxKind.Name);
        var name = NameOf(nameNode);
        if (name is null) return null;
        string? alias = null;
        var aliasNode = tableRef.Child(SyntaxKind.Alias);
        if (!aliasNode.IsNull)
        {
            var id = aliasNode.Child(SyntaxKind.Identifier);
            if (!id.IsNull) alias = IdentifierText(id);
        }
        var isCte = name.Schema is null && scope is not null && scope.IsCte(name.Name);
        var relation = new RelationReference(name, alias, nameNode.Span, role) { IsCommonTableExpression = isCte };
        _relations.Add(relation);
        scope?.Items.Add(new ScopeItem(alias, relation));
        return relation;
    }

    private void ReplaceRelation(RelationReference old, RelationReference updated, Scope? scope)
    {
        var i = _relations.IndexOf(old);
        if (i >= 0) _relations[i] = updated;
        if (scope is null) return;
        for (var j = 0; j < scope.Items.Count; j++)
            if (ReferenceEquals(scope.Items[j].Relation, old)) scope.Items[j] = scope.Items[j] with { Relation = updated };
    }

    // ---- queries ------------------------------------------------------------------------------------------------

    /// <summary>Binds a query expression (children: WITH, query terms, ORDER BY, LIMIT ...) and returns the scope of its first term.</summary>
    private Scope? BindQuery(SyntaxNode container, Scope? outer, bool outermost)
    {
        var scope = outer;
        Scope? firstTermScope = null;
        foreach (var c in container.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.WithClause:
                    scope = BindWith(c, outer);
                    break;
                case SyntaxKind.QuerySpecification:
                    firstTermScope ??= BindSpecification(c, scope, outermost && firstTermScope is null);
                    break;
                case SyntaxKind.SetOperation:
                    foreach (var term in c.Children)
                    {
                        if (term.Kind == SyntaxKind.QuerySpecification) { var s = BindSpecification(term, scope, outermost && firstTermScope is null); firstTermScope ??= s; }
                        else if (term.Kind == SyntaxKind.Subquery) BindQuery(term, scope, false);
                        else WalkExpression(term, scope);
                    }
                    break;
                case SyntaxKind.Subquery:
                    firstTermScope ??= BindQuery(c, scope, outermost && firstTermScope is null);
                    break;
                case SyntaxKind.ValuesClause:
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.OrderByClause:
                    BindOrderBy(c, firstTermScope ?? scope, outermost);
                    break;
                case SyntaxKind.LimitClause or SyntaxKind.OffsetClause or SyntaxKind.FetchClause:
                    if (outermost) BindLimit(c);
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.IntoClause:
                    BindInto(c, scope);
                    break;
                default:
                    if (IsStatementKind(c.Kind)) BindStatement(c, scope);
                    break;
            }
        }
        return firstTermScope;
    }

    private Scope BindSpecification(SyntaxNode spec, Scope? outer, bool outermost)
    {
        var scope = NewScope(outer);
        var from = spec.Child(SyntaxKind.FromClause);
        if (!from.IsNull) BindFromItems(from, scope, RelationRole.Read);
        foreach (var c in spec.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.SelectList:
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.IntoClause:
                    BindInto(c, scope);
                    break;
                case SyntaxKind.WhereClause:
                    BindWhere(c, scope, outermost);
                    break;
                case SyntaxKind.GroupByClause:
                    if (outermost)
                    {
                        foreach (var g in c.Children)
                            if (g.Kind == SyntaxKind.ColumnReference && ResolveColumn(g, scope) is { } col) _groupBy.Add(col);
                    }
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.HavingClause:
                    if (c.ChildCount > 0) CollectPredicates(c[0], PredicateClause.Having, scope);
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.TopClause:
                    if (outermost) BindLimit(c);
                    break;
                case SyntaxKind.WindowClause:
                    WalkExpression(c, scope);
                    break;
            }
        }
        return scope;
    }

    private void BindInto(SyntaxNode into, Scope? scope)
    {
        foreach (var c in into.Children)
            if (c.Kind == SyntaxKind.TableReference) AddRelation(c, RelationRole.Created, null);
    }

    private void BindWhere(SyntaxNode where, Scope? scope, bool outermost)
    {
        if (outermost && !_outerDone)
        {
            _hasWhere = true;
            _whereSpan = where.Span;
        }
        if (where.ChildCount > 0 && where[0].Kind != SyntaxKind.Identifier)
        {
            CollectPredicates(where[0], PredicateClause.Where, scope);
            WalkExpression(where, scope);
        }
    }

    private void BindFromItems(SyntaxNode container, Scope scope, RelationRole role)
    {
        foreach (var item in container.Children) BindFromItem(item, scope, role);
    }

    private void BindFromItem(SyntaxNode item, Scope scope, RelationRole role)
    {
        switch (item.Kind)
        {
            case SyntaxKind.TableReference:
                AddRelation(item, role, scope);
                break;
            case SyntaxKind.DerivedTable:
            {
                var sub = item.Child(SyntaxKind.Subquery);
                if (!sub.IsNull) BindQuery(sub, scope, false);
                scope.Items.Add(new ScopeItem(AliasOf(item), null));
                break;
            }
            case SyntaxKind.FunctionTable:
                foreach (var c in item.Children)
                    if (c.Kind != SyntaxKind.Alias) WalkExpression(c, scope);
                scope.Items.Add(new ScopeItem(AliasOf(item), null));
                break;
            case SyntaxKind.Join:
                foreach (var c in item.Children)
                {
                    if (c.Kind == SyntaxKind.JoinCondition)
                    {
                        if (c.ChildCount > 0) CollectPredicates(c[0], PredicateClause.JoinOn, scope);
                        WalkExpression(c, scope);
                    }
                    else if (c.Kind != SyntaxKind.UsingClause) BindFromItem(c, scope, role);
                }
                break;
            case SyntaxKind.Parenthesized:
                BindFromItems(item, scope, role);
                break;
        }
    }

    private string? AliasOf(SyntaxNode item)
    {
        var alias = item.Child(SyntaxKind.Alias);
        if (alias.IsNull) return null;
        var id = alias.Child(SyntaxKind.Identifier);
        return id.IsNull ? null : IdentifierText(id);
    }

    private void BindOrderBy(SyntaxNode orderBy, Scope? scope, bool outermost)
    {
        foreach (var item in orderBy.Children)
        {
            if (item.Kind != SyntaxKind.OrderItem || item.ChildCount == 0) continue;
            var expr = item[0];
            if (outermost)
            {
                var col = expr.Kind == SyntaxKind.ColumnReference ? ResolveColumn(expr, scope) : null;
                var tag = item.Tag;
                _orderBy.Add(new OrderItem(col, TextOf(expr), (tag & 1) != 0, item.Span)
                {
                    NullsFirst = (tag & 2) != 0 ? true : (tag & 4) != 0 ? false : null,
                });
            }
            WalkExpression(expr, scope);
        }
    }

    private void BindLimit(SyntaxNode clause)
    {
        var current = _limit;
        long? limit = current?.Limit, offset = current?.Offset;
        var span = current is null ? clause.Span : TextSpan.FromBounds(Math.Min(current.Span.Start, clause.Span.Start), Math.Max(current.Span.End, clause.Span.End));
        switch (clause.Kind)
        {
            case SyntaxKind.LimitClause:
                if (clause.Tag == 1 && clause.ChildCount >= 2)
                {
                    offset = NumberOf(clause[0]);
                    limit = NumberOf(clause[1]);
                }
                else
                {
                    if (clause.ChildCount > 0 && clause[0].Kind != SyntaxKind.OffsetClause) limit = NumberOf(clause[0]);
                    var off = clause.Child(SyntaxKind.OffsetClause);
                    if (!off.IsNull && off.ChildCount > 0) offset = NumberOf(off[0]);
                }
                break;
            case SyntaxKind.OffsetClause:
                if (clause.ChildCount > 0) offset = NumberOf(clause[0]);
                break;
            case SyntaxKind.FetchClause or SyntaxKind.TopClause:
                limit = clause.ChildCount > 0 ? NumberOf(clause[0]) : 1;
                break;
        }
        _limit = new LimitClause(span) { Limit = limit, Offset = offset };
    }

    private long? NumberOf(SyntaxNode node)
    {
        while (node.Kind == SyntaxKind.Parenthesized && node.ChildCount == 1) node = node[0];
        if (node.Kind != SyntaxKind.Literal) return null;
        return long.TryParse(_text.AsSpan(node.Span.Start, node.Span.Length), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
    }

    // ---- DML ----------------------------------------------------------------------------------------------------

    private void BindInsert(SyntaxNode node, Scope? outer)
    {
        var scope = NewScope(outer);
        var target = node.Child(SyntaxKind.InsertTarget);
        RelationReference? targetRelation = null;
        if (!target.IsNull)
        {
            var tr = target.Child(SyntaxKind.TableReference);
            if (!tr.IsNull) targetRelation = AddRelation(tr, RelationRole.Written, scope);
            var cols = target.Child(SyntaxKind.ColumnList);
            if (!cols.IsNull)
                foreach (var id in cols.Children)
                    if (id.Kind == SyntaxKind.Identifier) _columns.Add(new ColumnReference(null, IdentifierText(id), id.Span) { Relation = targetRelation });
        }
        foreach (var c in node.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.InsertSource:
                    // The source query sees the CTEs but not the target.
                    BindQuery(c, outer, outermost: false);
                    if (c.ChildCount > 0 && c[0].Kind == SyntaxKind.SetClause) BindSet(c[0], scope);
                    break;
                case SyntaxKind.OnConflictClause or SyntaxKind.OnDuplicateKeyClause:
                    foreach (var part in c.Children)
                    {
                        if (part.Kind == SyntaxKind.SetClause) BindSet(part, scope);
                        else if (part.Kind == SyntaxKind.WhereClause) BindWhere(part, scope, false);
                        else if (part.Kind == SyntaxKind.Assignment) BindAssignment(part, scope);
                    }
                    break;
                case SyntaxKind.ReturningClause or SyntaxKind.OutputClause:
                    BindOutput(c, scope);
                    break;
            }
        }
    }

    private void BindOutput(SyntaxNode clause, Scope scope)
    {
        foreach (var c in clause.Children)
        {
            if (c.Kind == SyntaxKind.TableReference) AddRelation(c, RelationRole.Written, null);
            else if (c.Kind == SyntaxKind.SelectItem && !IsPseudoTableColumn(c)) WalkExpression(c, scope);
        }
    }

    /// <summary>T-SQL OUTPUT inserted.x / deleted.x name pseudo-tables, not relations of the statement.</summary>
    private bool IsPseudoTableColumn(SyntaxNode item)
    {
        if (item.ChildCount == 0 || item[0].Kind != SyntaxKind.ColumnReference || item[0].ChildCount < 2) return false;
        var q = IdentifierText(item[0][0]);
        return q.Equals("inserted", StringComparison.OrdinalIgnoreCase) || q.Equals("deleted", StringComparison.OrdinalIgnoreCase);
    }

    private void BindSet(SyntaxNode set, Scope scope)
    {
        foreach (var a in set.Children)
            if (a.Kind == SyntaxKind.Assignment) BindAssignment(a, scope);
    }

    private void BindAssignment(SyntaxNode a, Scope scope)
    {
        foreach (var c in a.Children)
        {
            if (c.Kind == SyntaxKind.ColumnList)
            {
                foreach (var id in c.Children)
                    if (id.Kind == SyntaxKind.Identifier) _columns.Add(new ColumnReference(null, IdentifierText(id), id.Span) { Relation = SingleRelation(scope) });
            }
            else WalkExpression(c, scope);
        }
    }

    private static RelationReference? SingleRelation(Scope scope) =>
        scope.Items.Count >= 1 ? scope.Items[0].Relation : null;

    /// <summary>
    /// UPDATE t SET ... [FROM ...]: the target is written. When the target names an alias of the FROM list (T-SQL
    /// UPDATE a SET ... FROM orders a JOIN ...), the FROM relation is the one written.
    /// </summary>
    private void BindUpdate(SyntaxNode node, Scope? outer)
    {
        var scope = NewScope(outer);
        var target = node.Child(SyntaxKind.InsertTarget);
        var targetStart = _relations.Count;
        if (!target.IsNull) BindFromItems(target, scope, RelationRole.Read);
        // The first relation of the target list is written; MySQL multi-table targets are written where SET names them.
        RelationReference? primary = null;
        if (_relations.Count > targetStart)
        {
            primary = _relations[targetStart];
            var written = primary with { Role = RelationRole.Written };
            ReplaceRelation(primary, written, scope);
            primary = written;
        }
        var from = node.Child(SyntaxKind.FromClause);
        if (!from.IsNull)
        {
            var fromStart = _relations.Count;
            BindFromItems(from, scope, RelationRole.Read);
            RetargetAlias(primary, fromStart, scope);
        }
        var set = node.Child(SyntaxKind.SetClause);
        if (!set.IsNull)
        {
            BindSet(set, scope);
            if (_dialect == SqlDialect.MySql) MarkAssignedRelationsWritten(set, scope);
        }
        BindDmlTail(node, scope);
    }

    /// <summary>When the written name is an alias (or the same table) of a FROM item, that item is the written relation.</summary>
    private void RetargetAlias(RelationReference? target, int fromStart, Scope scope)
    {
        if (target is null || target.Name.Schema is not null) return;
        for (var i = fromStart; i < _relations.Count; i++)
        {
            var r = _relations[i];
            if (r.Alias is not null ? NameComparer.SameName(r.Alias, target.Name.Name) : NameComparer.SameName(r.Name.Name, target.Name.Name))
            {
                // The target names a FROM item (by alias or by name): that item is the written relation, not a second one.
                ReplaceRelation(r, r with { Role = RelationRole.Written }, scope);
                var current = _relations.Find(x => ReferenceEquals(x, target) || (x.Span == target.Span && x.Name == target.Name));
                if (current is not null) _relations.Remove(current);
                scope.Items.RemoveAll(item => item.Relation is { } rel && rel.Span == target.Span);
                return;
            }
        }
    }

    private void MarkAssignedRelationsWritten(SyntaxNode set, Scope scope)
    {
        foreach (var a in set.Children)
        {
            if (a.Kind != SyntaxKind.Assignment || a.ChildCount == 0 || a[0].Kind != SyntaxKind.ColumnReference || a[0].ChildCount < 2) continue;
            var qualifier = IdentifierText(a[0][a[0].ChildCount - 2]);
            foreach (var item in scope.Items.ToArray())
            {
                if (item.Relation is not { Role: RelationRole.Read } r) continue;
                if (NameComparer.SameName(item.Alias ?? r.Name.Name, qualifier)) ReplaceRelation(r, r with { Role = RelationRole.Written }, scope);
            }
        }
    }

    private void BindDmlTail(SyntaxNode node, Scope scope)
    {
        foreach (var c in node.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.WhereClause:
                    BindWhere(c, scope, true);
                    break;
                case SyntaxKind.OrderByClause:
                    BindOrderBy(c, scope, true);
                    break;
                case SyntaxKind.LimitClause or SyntaxKind.TopClause or SyntaxKind.OffsetClause or SyntaxKind.FetchClause:
                    BindLimit(c);
                    break;
                case SyntaxKind.ReturningClause or SyntaxKind.OutputClause:
                    BindOutput(c, scope);
                    break;
            }
        }
    }

    private void BindDelete(SyntaxNode node, Scope? outer)
    {
        var scope = NewScope(outer);
        var target = node.Child(SyntaxKind.InsertTarget);
        var from = node.Child(SyntaxKind.FromClause);
        var targetStart = _relations.Count;
        if (!target.IsNull) BindFromItems(target, scope, RelationRole.Read);
        var targets = _relations.GetRange(targetStart, _relations.Count - targetStart);
        // DELETE FROM t [USING ...]: the first target is written (all of them for MySQL's DELETE FROM a, b USING ...).
        for (var i = 0; i < targets.Count; i++)
        {
            if (i > 0 && _dialect != SqlDialect.MySql) break;
            var w = targets[i] with { Role = RelationRole.Written };
            ReplaceRelation(targets[i], w, scope);
            targets[i] = w;
        }
        var usingTables = node.Child(SyntaxKind.UsingTables);
        if (!usingTables.IsNull)
        {
            var start = _relations.Count;
            BindFromItems(usingTables, scope, RelationRole.Read);
            if (_dialect == SqlDialect.MySql) foreach (var t in targets) RetargetAlias(t, start, scope);
        }
        if (!from.IsNull)
        {
            var start = _relations.Count;
            BindFromItems(from, scope, RelationRole.Read);
            foreach (var t in targets) RetargetAlias(t, start, scope);
        }
        BindDmlTail(node, scope);
    }

    private void BindMerge(SyntaxNode node, Scope? outer)
    {
        var scope = NewScope(outer);
        foreach (var c in node.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.InsertTarget:
                    BindFromItems(c, scope, RelationRole.Written);
                    break;
                case SyntaxKind.UsingTables:
                    BindFromItems(c, scope, RelationRole.Read);
                    break;
                case SyntaxKind.JoinCondition:
                    if (c.ChildCount > 0) CollectPredicates(c[0], PredicateClause.JoinOn, scope);
                    WalkExpression(c, scope);
                    break;
                case SyntaxKind.MergeWhen:
                    foreach (var part in c.Children)
                    {
                        if (part.Kind == SyntaxKind.SetClause) BindSet(part, scope);
                        else if (part.Kind == SyntaxKind.ColumnList) continue;
                        else WalkExpression(part, scope);
                    }
                    break;
                case SyntaxKind.OutputClause or SyntaxKind.ReturningClause:
                    BindOutput(c, scope);
                    break;
            }
        }
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    /// <summary>Adds the columns an expression names and binds the queries inside it. Iterative over expression depth.</summary>
    private void WalkExpression(SyntaxNode root, Scope? scope)
    {
        var stack = _work;
        var floor = stack.Count;
        stack.Add(root);
        while (stack.Count > floor)
        {
            var node = stack[^1];
            stack.RemoveAt(stack.Count - 1);
            switch (node.Kind)
            {
                case SyntaxKind.ColumnReference:
                    if (ResolveColumn(node, scope) is { } col) _columns.Add(col);
                    continue;
                case SyntaxKind.Subquery:
                    BindQuery(node, scope, outermost: false);
                    continue;
                case SyntaxKind.Literal or SyntaxKind.Parameter or SyntaxKind.Operator or SyntaxKind.DataType or SyntaxKind.Alias
                    or SyntaxKind.Identifier or SyntaxKind.Name or SyntaxKind.Star or SyntaxKind.Unparsed or SyntaxKind.Error:
                    continue;
                case SyntaxKind.FunctionCall:
                    for (var i = node.ChildCount - 1; i >= 0; i--)
                        if (node[i].Kind != SyntaxKind.Name) stack.Add(node[i]);
                    continue;
                case SyntaxKind.WhereClause:
                    // FILTER (WHERE ...) inside an aggregate.
                    for (var i = node.ChildCount - 1; i >= 0; i--) stack.Add(node[i]);
                    continue;
            }
            if (IsStatementKind(node.Kind)) { BindStatement(node, scope); continue; }
            for (var i = node.ChildCount - 1; i >= 0; i--) stack.Add(node[i]);
        }
    }

    /// <summary>A column reference resolved to the relation it belongs to, where the scope (or schema) can tell; null for t.*.</summary>
    private ColumnReference? ResolveColumn(SyntaxNode node, Scope? scope)
    {
        var count = node.ChildCount;
        if (count == 0 || node[count - 1].Kind != SyntaxKind.Identifier) return null;
        var name = IdentifierText(node[count - 1]);
        if (count == 1 && (name.Length == 0 || IsNonColumnWord(name))) return null;
        string? qualifier = null;
        string? schema = null;
        if (count >= 2)
        {
            qualifier = IdentifierText(node[count - 2]);
            if (count >= 3) schema = IdentifierText(node[count - 3]);
        }
        return new ColumnReference(count >= 2 ? (schema is null ? qualifier : schema + "." + qualifier) : null, name, node.Span)
        {
            Relation = qualifier is null ? ResolveUnqualified(name, scope) : ResolveQualified(qualifier, schema, scope),
        };
    }

    private static bool IsNonColumnWord(string name) =>
        name.Equals("true", StringComparison.OrdinalIgnoreCase) || name.Equals("false", StringComparison.OrdinalIgnoreCase)
        || name.Equals("null", StringComparison.OrdinalIgnoreCase);

    private static RelationReference? ResolveQualified(string qualifier, string? schema, Scope? scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            foreach (var item in s.Items)
            {
                if (item.Alias is not null && NameComparer.SameName(item.Alias, qualifier)) return item.Relation;
            }
            foreach (var item in s.Items)
            {
                if (item.Relation is { } r && (item.Alias is null || true) && NameComparer.SameName(r.Name.Name, qualifier)
                    && (schema is null || r.Name.Schema is null || NameComparer.SameName(r.Name.Schema, schema)))
                    return r;
            }
        }
        return null;
    }

    private RelationReference? ResolveUnqualified(string column, Scope? scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            if (s.Items.Count == 0) continue;
            if (_schema is not null)
            {
                RelationReference? found = null;
                var matches = 0;
                foreach (var item in s.Items)
                {
                    if (item.Relation is not { } r) continue;
                    var table = _schema.FindTable(r.Name);
                    if (table?.FindColumn(column) is not null) { found = r; matches++; }
                    else if (table is null && _schema.FindView(r.Name) is { } view && ContainsName(view.Columns, column)) { found = r; matches++; }
                }
                if (matches == 1) return found;
                if (matches > 1) return null;
            }
            if (s.Items.Count == 1) return s.Items[0].Relation;
            return null;
        }
        return null;
    }
}
