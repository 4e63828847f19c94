using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Semantics;

internal sealed partial class Binder
{
    private void BindCreateTable(SyntaxNode node)
    {
        var flags = (DdlTag)node.Tag;
        QualifiedName? table = null;
        var columns = new List<ColumnDefinition>();
        var constraints = new List<ConstraintDefinition>();
        var indexes = new List<IndexDefinition>();
        foreach (var c in node.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.TableReference when c.Tag == 0 && table is null:
                    table = AddRelation(c, RelationRole.Created, null)?.Name;
                    break;
                case SyntaxKind.TableReference:
                    AddRelation(c, RelationRole.Read, null);
                    break;
                case SyntaxKind.TableOptions:
                    foreach (var element in c.Children)
                    {
                        if (element.Kind == SyntaxKind.ColumnDefinition)
                        {
                            var col = ColumnDefinitionOf(element, constraints);
                            if (col is not null) columns.Add(col);
                        }
                        else if (element.Kind == SyntaxKind.TableConstraint)
                        {
                            if ((TableConstraintKind)element.Tag == TableConstraintKind.Index)
                            {
                                if (table is not null) indexes.Add(InlineIndex(element, table));
                            }
                            else if (ConstraintOf(element) is { } constraint) constraints.Add(constraint);
                        }
                        else if (element.Kind == SyntaxKind.TableReference) AddRelation(element, RelationRole.Read, null);
                    }
                    break;
                case SyntaxKind.Subquery:
                    BindQuery(c, null, outermost: false);
                    break;
            }
        }
        if (table is null) return;
        _ddl.Add(new CreateTableAction(table, columns, constraints, node.Span)
        {
            IfNotExists = (flags & DdlTag.IfNotExists) != 0,
            Temporary = (flags & DdlTag.Temporary) != 0,
            FromQuery = (flags & DdlTag.FromQuery) != 0,
        });
        foreach (var index in indexes) _ddl.Add(new CreateIndexAction(index, index.Span));
    }

    /// <summary>A column definition; inline CHECK and FOREIGN KEY constraints go to the table's list as well.</summary>
    private ColumnDefinition? ColumnDefinitionOf(SyntaxNode element, List<ConstraintDefinition>? tableConstraints)
    {
        if (element.ChildCount == 0 || element[0].Kind != SyntaxKind.Identifier) return null;
        var name = IdentifierText(element[0]);
        var typeNode = element.Child(SyntaxKind.DataType);
        var raw = typeNode.IsNull ? "" : TextOf(typeNode);
        bool? nullable = null;
        string? defaultValue = null;
        var normalized = TypeNames.NormalizeWithIdentity(raw, _dialect);
        var identity = normalized.ImpliesIdentity;
        var primary = false;
        var unique = false;
        ConstraintDefinition? references = null;
        foreach (var c in element.Children)
        {
            if (c.Kind != SyntaxKind.ColumnConstraint) continue;
            var constraintName = c.ChildCount > 0 && c[0].Kind == SyntaxKind.Identifier ? IdentifierText(c[0]) : null;
            switch ((ColumnConstraintKind)c.Tag)
            {
                case ColumnConstraintKind.NotNull: nullable = false; break;
                case ColumnConstraintKind.Null: nullable = true; break;
                case ColumnConstraintKind.Default:
                {
                    var expr = LastChild(c);
                    if (!expr.IsNull && expr.Kind != SyntaxKind.Identifier) defaultValue = TextOf(expr);
                    break;
                }
                case ColumnConstraintKind.PrimaryKey:
                    primary = true;
                    nullable ??= false;
                    if (TextOf(c).Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase)) identity = true;
                    break;
                case ColumnConstraintKind.Unique: unique = true; break;
                case ColumnConstraintKind.Identity: identity = true; break;
                case ColumnConstraintKind.References:
                {
                    var clause = c.Child(SyntaxKind.ReferencesClause);
                    if (!clause.IsNull)
                    {
                        references = ForeignKey(clause, constraintName, [name], c.Span);
                        tableConstraints?.Add(references);
                    }
                    break;
                }
                case ColumnConstraintKind.Check:
                {
                    var expr = c.Child(SyntaxKind.Parenthesized);
                    tableConstraints?.Add(new ConstraintDefinition(ConstraintKind.Check, constraintName, [name], c.Span)
                    {
                        CheckExpression = expr.IsNull ? null : InnerText(expr),
                    });
                    break;
                }
            }
        }
        return new ColumnDefinition(name, normalized.Name, element.Span)
        {
            RawType = raw,
            Nullable = nullable,
            Default = defaultValue,
            IsIdentity = identity,
            IsPrimaryKey = primary,
            IsUnique = unique,
            References = references,
        };
    }

    private static SyntaxNode LastChild(SyntaxNode node) => node.ChildCount == 0 ? default : node[node.ChildCount - 1];

    /// <summary>The text inside the outer parentheses of a node.</summary>
    private string InnerText(SyntaxNode parenthesized)
    {
        var t = TextOf(parenthesized);
        return t.Length >= 2 && t[0] == '(' && t[^1] == ')' ? t[1..^1].Trim() : t;
    }

    private ConstraintDefinition ForeignKey(SyntaxNode references, string? name, IReadOnlyList<string> columns, TextSpan span)
    {
        var tr = references.Child(SyntaxKind.TableReference);
        var rel = tr.IsNull ? null : AddRelation(tr, RelationRole.Read, null);
        var refColumns = new List<string>();
        var list = references.Child(SyntaxKind.ColumnList);
        if (!list.IsNull)
            foreach (var id in list.Children)
                if (id.Kind == SyntaxKind.Identifier) refColumns.Add(IdentifierText(id));
        string? onDelete = null, onUpdate = null;
        foreach (var option in references.Children)
        {
            if (option.Kind != SyntaxKind.IndexOption) continue;
            var text = TextOf(option);
            var action = text[(text.IndexOf(option.Tag == 1 ? "DELETE" : "UPDATE", StringComparison.OrdinalIgnoreCase) + 6)..].Trim().ToUpperInvariant();
            if (option.Tag == 1) onDelete = action; else onUpdate = action;
        }
        return new ConstraintDefinition(ConstraintKind.ForeignKey, name, columns, span)
        {
            ReferencedTable = rel?.Name,
            ReferencedColumns = refColumns,
            OnDelete = onDelete,
            OnUpdate = onUpdate,
        };
    }

    private ConstraintDefinition? ConstraintOf(SyntaxNode element)
    {
        var name = element.ChildCount > 0 && element[0].Kind == SyntaxKind.Identifier ? IdentifierText(element[0]) : null;
        var kind = (TableConstraintKind)element.Tag;
        switch (kind)
        {
            case TableConstraintKind.PrimaryKey or TableConstraintKind.Unique:
            {
                var keys = element.Child(SyntaxKind.ColumnList);
                var cols = new List<string>();
                if (!keys.IsNull)
                    foreach (var k in keys.Children)
                        cols.Add(k.Kind == SyntaxKind.Identifier ? IdentifierText(k) : IndexKeyOf(k).ToString());
                var alias = element.Child(SyntaxKind.Alias);
                if (name is null && !alias.IsNull && alias.ChildCount > 0) name = IdentifierText(alias[0]);
                return new ConstraintDefinition(kind == TableConstraintKind.PrimaryKey ? ConstraintKind.PrimaryKey : ConstraintKind.Unique, name, cols, element.Span);
            }
            case TableConstraintKind.ForeignKey:
            {
                var cols = new List<string>();
                var list = element.Child(SyntaxKind.ColumnList);
                if (!list.IsNull)
                    foreach (var id in list.Children)
                        if (id.Kind == SyntaxKind.Identifier) cols.Add(IdentifierText(id));
                var refs = element.Child(SyntaxKind.ReferencesClause);
                return refs.IsNull
                    ? new ConstraintDefinition(ConstraintKind.ForeignKey, name, cols, element.Span)
                    : ForeignKey(refs, name, cols, element.Span);
            }
            case TableConstraintKind.Check:
            {
                var expr = element.Child(SyntaxKind.Parenthesized);
                if (expr.IsNull) return new ConstraintDefinition(ConstraintKind.Check, name, [], element.Span);
                var cols = new List<string>();
                foreach (var n in expr.DescendantsAndSelf())
                    if (n.Kind == SyntaxKind.ColumnReference && n.ChildCount > 0)
                    {
                        var col = IdentifierText(n[n.ChildCount - 1]);
                        if (!cols.Exists(x => NameComparer.SameName(x, col))) cols.Add(col);
                    }
                return new ConstraintDefinition(ConstraintKind.Check, name, cols, element.Span) { CheckExpression = InnerText(expr) };
            }
            case TableConstraintKind.Exclusion:
                return new ConstraintDefinition(ConstraintKind.Exclusion, name, [], element.Span);
        }
        return null;
    }

    private IndexKey IndexKeyOf(SyntaxNode key)
    {
        if (key.Kind == SyntaxKind.Identifier) return new IndexKey(IdentifierText(key), null, false);
        var descending = key.Tag == 1;
        if (key.ChildCount == 0) return new IndexKey(null, TextOf(key), descending);
        var expr = key[0];
        if (expr.Kind == SyntaxKind.ColumnReference && expr.ChildCount == 1) return new IndexKey(IdentifierText(expr[0]), null, descending);
        var text = TextOf(expr);
        if (expr.Kind == SyntaxKind.Parenthesized) text = InnerText(expr);
        return new IndexKey(null, text, descending);
    }

    private IndexDefinition InlineIndex(SyntaxNode element, QualifiedName table)
    {
        var alias = element.Child(SyntaxKind.Alias);
        var name = !alias.IsNull && alias.ChildCount > 0 ? IdentifierText(alias[0]) : null;
        var keys = new List<IndexKey>();
        var list = element.Child(SyntaxKind.ColumnList);
        if (!list.IsNull) foreach (var k in list.Children) keys.Add(IndexKeyOf(k));
        var text = TextOf(element).TrimStart();
        return new IndexDefinition(name, table, keys, element.Span)
        {
            Unique = text.StartsWith("UNIQUE", StringComparison.OrdinalIgnoreCase),
            Method = text.StartsWith("FULLTEXT", StringComparison.OrdinalIgnoreCase) ? "fulltext" : text.StartsWith("SPATIAL", StringComparison.OrdinalIgnoreCase) ? "spatial" : null,
        };
    }

    private void BindCreateIndex(SyntaxNode node)
    {
        var flags = (DdlTag)node.Tag;
        var tr = node.Child(SyntaxKind.TableReference);
        var rel = tr.IsNull ? null : AddRelation(tr, RelationRole.Altered, null);
        var aliasNode = node.Child(SyntaxKind.Alias);
        string? name = null;
        if (!aliasNode.IsNull && aliasNode.ChildCount > 0) name = NameOf(aliasNode[0])?.Name;
        var keys = new List<IndexKey>();
        var include = new List<string>();
        string? method = null, predicate = null, algorithm = null, lockOption = null;
        var online = false;
        var scope = NewScope(null);
        if (rel is not null) scope.Items.Add(new ScopeItem(null, rel));
        foreach (var c in node.Children)
        {
            switch (c.Kind)
            {
                case SyntaxKind.ColumnList:
                    foreach (var k in c.Children)
                    {
                        if (k.Kind != SyntaxKind.IndexKey) continue;
                        keys.Add(IndexKeyOf(k));
                        WalkExpression(k, scope);
                    }
                    break;
                case SyntaxKind.IncludeClause:
                    var list = c.Child(SyntaxKind.ColumnList);
                    if (!list.IsNull) foreach (var id in list.Children) if (id.Kind == SyntaxKind.Identifier) include.Add(IdentifierText(id));
                    break;
                case SyntaxKind.WhereClause:
                    if (c.ChildCount > 0)
                    {
                        predicate = TextOf(c[0]);
                        WalkExpression(c, scope);
                    }
                    break;
                case SyntaxKind.IndexOption:
                    var id2 = c.Child(SyntaxKind.Identifier);
                    var value = id2.IsNull ? null : IdentifierText(id2);
                    switch (c.Tag)
                    {
                        case 1: method = value?.ToLowerInvariant(); break;
                        case 2:
                            var text = TextOf(c).Replace(" ", "");
                            online |= text.Contains("ONLINE=ON", StringComparison.OrdinalIgnoreCase);
                            break;
                        case 3: algorithm = value?.ToUpperInvariant(); break;
                        case 4: lockOption = value?.ToUpperInvariant(); break;
                    }
                    break;
            }
        }
        if (rel is null) return;
        var index = new IndexDefinition(name, rel.Name, keys, node.Span)
        {
            Unique = (flags & DdlTag.Unique) != 0,
            Method = method,
            Predicate = predicate,
            Include = include,
            Concurrently = (flags & DdlTag.Concurrently) != 0,
            Online = online,
            Algorithm = algorithm,
            Lock = lockOption,
            IfNotExists = (flags & DdlTag.IfNotExists) != 0,
            Clustered = (flags & DdlTag.Clustered) != 0,
        };
        _ddl.Add(new CreateIndexAction(index, node.Span));
    }

    private void BindCreateView(SyntaxNode node)
    {
        var flags = (DdlTag)node.Tag;
        var tr = node.Child(SyntaxKind.TableReference);
        var rel = tr.IsNull ? null : AddRelation(tr, RelationRole.Created, null);
        var columns = new List<string>();
        var list = node.Child(SyntaxKind.ColumnList);
        if (!list.IsNull) foreach (var id in list.Children) if (id.Kind == SyntaxKind.Identifier) columns.Add(IdentifierText(id));
        var query = node.Child(SyntaxKind.Subquery);
        if (!query.IsNull) BindQuery(query, null, outermost: false);
        if (rel is null) return;
        _ddl.Add(new CreateViewAction(rel.Name, node.Span)
        {
            Materialized = (flags & DdlTag.Materialized) != 0,
            OrReplace = (flags & DdlTag.OrReplace) != 0,
            Definition = query.IsNull || query.IsMissing ? null : TextOf(query),
            Columns = columns,
        });
    }

    private void BindDrop(SyntaxNode node)
    {
        var target = (DropTarget)(node.Tag & 0xF);
        var flags = (DdlTag)((node.Tag >> 4) & 0xFFF);
        var names = new List<QualifiedName>();
        QualifiedName? onTable = null;
        foreach (var c in node.Children)
        {
            if (c.Kind == SyntaxKind.Alias && c.ChildCount > 0 && NameOf(c[0]) is { } name)
            {
                names.Add(name);
                if (target is DropTarget.Table or DropTarget.View or DropTarget.MaterializedView)
                    _relations.Add(new RelationReference(name, null, c.Span, RelationRole.Dropped));
            }
            else if (c.Kind == SyntaxKind.TableReference && _dialect != SqlDialect.Postgres)
            {
                onTable = AddRelation(c, RelationRole.Altered, null)?.Name;
            }
        }
        if (names.Count == 0) return;
        var kind = target switch
        {
            DropTarget.Table => DroppedObjectKind.Table,
            DropTarget.View => DroppedObjectKind.View,
            DropTarget.MaterializedView => DroppedObjectKind.MaterializedView,
            DropTarget.Index => DroppedObjectKind.Index,
            DropTarget.Sequence => DroppedObjectKind.Sequence,
            DropTarget.Type => DroppedObjectKind.Type,
            DropTarget.Schema => DroppedObjectKind.Schema,
            DropTarget.Function => DroppedObjectKind.Function,
            DropTarget.Trigger => DroppedObjectKind.Trigger,
            _ => DroppedObjectKind.Other,
        };
        _ddl.Add(new DropObjectAction(kind, names, node.Span)
        {
            IfExists = (flags & DdlTag.IfExists) != 0,
            Cascade = (flags & DdlTag.Cascade) != 0,
            OnTable = onTable,
        });
    }

    private void BindNamedDdl(SyntaxNode node)
    {
        QualifiedName? name = null;
        var alias = node.Child(SyntaxKind.Alias);
        if (!alias.IsNull && alias.ChildCount > 0)
        {
            if (alias[0].Kind == SyntaxKind.TableReference) name = AddRelation(alias[0], RelationRole.Created, null)?.Name;
            else name = NameOf(alias[0]);
        }
        foreach (var c in node.Children)
        {
            if (c.Kind != SyntaxKind.TableReference) continue;
            var role = c.Tag == 1 ? RelationRole.Read : node.Kind == SyntaxKind.CreateSequenceStatement ? RelationRole.Created : RelationRole.Altered;
            var rel = AddRelation(c, role, null);
            if (c.Tag == 0) name ??= rel?.Name;
        }
        if (name is null) return;
        switch (node.Kind)
        {
            case SyntaxKind.CreateSequenceStatement:
                _ddl.Add(new CreateSequenceAction(name, node.Span));
                break;
            case SyntaxKind.CreateSchemaStatement:
                _ddl.Add(new CreateSchemaAction(name.Schema is null ? name.Name : name.ToString(), node.Span));
                break;
            case SyntaxKind.CreateTypeStatement:
            {
                var values = node.Child(SyntaxKind.EnumValues);
                if (values.IsNull) break;
                var list = new List<string>();
                foreach (var v in values.Children) if (v.Kind == SyntaxKind.Literal) list.Add(StringValue(v));
                _ddl.Add(new CreateEnumAction(name, list, node.Span));
                break;
            }
            case SyntaxKind.AlterTypeStatement:
            {
                var values = node.Child(SyntaxKind.EnumValues);
                if (values.IsNull) break;
                var literal = values.Child(SyntaxKind.Literal);
                if (literal.IsNull) break;
                var position = values.Child(SyntaxKind.IndexOption);
                var anchor = position.IsNull ? default : position.Child(SyntaxKind.Literal);
                var anchorText = anchor.IsNull ? null : StringValue(anchor);
                _ddl.Add(new AddEnumValueAction(name, StringValue(literal), node.Span)
                {
                    Before = !position.IsNull && position.Tag == 1 ? anchorText : null,
                    After = !position.IsNull && position.Tag == 2 ? anchorText : null,
                });
                break;
            }
            case SyntaxKind.AlterIndexStatement:
            {
                var rename = node.Child(SyntaxKind.AlterAction);
                if (!rename.IsNull && rename.ChildCount > 0) _ddl.Add(new RenameIndexAction(name, IdentifierText(rename[0]), node.Span));
                break;
            }
        }
    }

    /// <summary>MySQL ALTER TABLE ..., ALGORITHM=INPLACE, LOCK=NONE: the options apply to the indexes the statement adds.</summary>
    private void ApplyOnlineOptions(SyntaxNode action)
    {
        var text = TextOf(action).Replace(" ", "");
        var eq = text.IndexOf('=');
        if (eq < 0) return;
        var key = text[..eq].ToUpperInvariant();
        var value = text[(eq + 1)..].ToUpperInvariant();
        if (key is not ("ALGORITHM" or "LOCK")) return;
        for (var i = 0; i < _ddl.Count; i++)
        {
            if (_ddl[i] is CreateIndexAction c)
                _ddl[i] = c with { Index = key == "ALGORITHM" ? c.Index with { Algorithm = value } : c.Index with { Lock = value } };
        }
    }

    /// <summary>A string literal's value: quotes and doubled quotes removed.</summary>
    private string StringValue(SyntaxNode literal)
    {
        var t = TextOf(literal);
        var q = t.IndexOf('\'');
        if (q < 0) return t;
        var end = t.Length > q + 1 && t[^1] == '\'' ? t.Length - 1 : t.Length;
        return t[(q + 1)..end].Replace("''", "'");
    }

    private void BindAlterTable(SyntaxNode node)
    {
        var tr = node.Child(SyntaxKind.TableReference);
        var rel = tr.IsNull ? null : AddRelation(tr, RelationRole.Altered, null);
        if (rel is null) return;
        var table = rel.Name;
        foreach (var action in node.Children)
        {
            if (action.Kind != SyntaxKind.AlterAction) continue;
            var kind = (AlterActionKind)(action.Tag & 0xFF);
            var flag = (action.Tag & 0x100) != 0;
            var span = action.Span;
            if (kind == AlterActionKind.Other)
            {
                ApplyOnlineOptions(action);
                foreach (var c in action.Children)
                    if (c.Kind == SyntaxKind.TableReference) AddRelation(c, RelationRole.Read, null);
                continue;
            }
            switch (kind)
            {
                case AlterActionKind.AddColumn:
                    foreach (var def in action.Children)
                    {
                        if (def.Kind != SyntaxKind.ColumnDefinition) continue;
                        var constraints = new List<ConstraintDefinition>();
                        var col = ColumnDefinitionOf(def, constraints);
                        if (col is null) continue;
                        _ddl.Add(new AddColumnAction(table, col, span) { IfNotExists = TextOf(action).Contains("IF NOT EXISTS", StringComparison.OrdinalIgnoreCase) });
                        foreach (var c in constraints)
                            if (c.Kind != ConstraintKind.ForeignKey || col.References is null) _ddl.Add(new AddConstraintAction(table, c, span));
                    }
                    break;
                case AlterActionKind.DropColumn when action.ChildCount > 0:
                    _ddl.Add(new DropColumnAction(table, IdentifierText(action[0]), span) { IfExists = flag });
                    break;
                case AlterActionKind.AlterColumnType when action.ChildCount > 0:
                {
                    var type = action.Child(SyntaxKind.DataType);
                    var raw = type.IsNull ? "" : TextOf(type);
                    _ddl.Add(new AlterColumnTypeAction(table, IdentifierText(action[0]), TypeNames.Normalize(raw, _dialect), raw, span));
                    break;
                }
                case AlterActionKind.SetNotNull when action.ChildCount > 0:
                    _ddl.Add(new SetColumnNullabilityAction(table, IdentifierText(action[0]), false, span));
                    break;
                case AlterActionKind.DropNotNull when action.ChildCount > 0:
                    _ddl.Add(new SetColumnNullabilityAction(table, IdentifierText(action[0]), true, span));
                    break;
                case AlterActionKind.SetDefault when !action.Child(SyntaxKind.Identifier).IsNull:
                {
                    // ALTER COLUMN c SET DEFAULT x names the column first; T-SQL ADD DEFAULT x FOR c last.
                    var d = action.Child(SyntaxKind.ColumnConstraint);
                    var column = action.Child(SyntaxKind.Identifier);
                    if (column.IsMissing) break;
                    _ddl.Add(new SetColumnDefaultAction(table, IdentifierText(column), d.IsNull || d.ChildCount == 0 ? null : TextOf(d[0]), span));
                    break;
                }
                case AlterActionKind.DropDefault when action.ChildCount > 0:
                    _ddl.Add(new SetColumnDefaultAction(table, IdentifierText(action[0]), null, span));
                    break;
                case AlterActionKind.RenameColumn when action.ChildCount >= 2:
                    _ddl.Add(new RenameColumnAction(table, IdentifierText(action[0]), IdentifierText(action[1]), span));
                    break;
                case AlterActionKind.RenameTable:
                {
                    var newName = NameOf(action.Child(SyntaxKind.Name));
                    if (newName is not null) _ddl.Add(new RenameTableAction(table, newName, span));
                    break;
                }
                case AlterActionKind.RenameIndex when action.ChildCount >= 2:
                    _ddl.Add(new RenameIndexAction(new QualifiedName(table.Schema, IdentifierText(action[0])), IdentifierText(action[1]), span));
                    break;
                case AlterActionKind.AddConstraint:
                {
                    var element = action.Child(SyntaxKind.TableConstraint);
                    if (!element.IsNull && ConstraintOf(element) is { } c) _ddl.Add(new AddConstraintAction(table, c with { NotValid = flag }, span));
                    break;
                }
                case AlterActionKind.AddIndex:
                {
                    var element = action.Child(SyntaxKind.TableConstraint);
                    if (!element.IsNull)
                    {
                        var index = InlineIndex(element, table);
                        _ddl.Add(new CreateIndexAction(index with { Span = span }, span));
                    }
                    break;
                }
                case AlterActionKind.DropConstraint when action.ChildCount > 0:
                    _ddl.Add(new DropConstraintAction(table, IdentifierText(action[0]), span) { IfExists = flag });
                    break;
                case AlterActionKind.DropIndex when action.ChildCount > 0:
                    _ddl.Add(new DropObjectAction(DroppedObjectKind.Index, [new QualifiedName(table.Schema, IdentifierText(action[0]))], span) { OnTable = table });
                    break;
                case AlterActionKind.ModifyColumn or AlterActionKind.ChangeColumn:
                {
                    var def = action.Child(SyntaxKind.ColumnDefinition);
                    string? oldName = null;
                    if (kind == AlterActionKind.ChangeColumn && action.ChildCount > 0 && action[0].Kind == SyntaxKind.Identifier) oldName = IdentifierText(action[0]);
                    ColumnDefinition? col;
                    if (!def.IsNull) col = ColumnDefinitionOf(def, null);
                    else
                    {
                        // T-SQL ALTER COLUMN name type [NOT NULL]: the children are the name, type and constraints.
                        col = ColumnDefinitionOf(action, null);
                    }
                    if (col is null) break;
                    if (oldName is not null && !NameComparer.SameName(oldName, col.Name))
                        _ddl.Add(new RenameColumnAction(table, oldName, col.Name, span));
                    if (col.RawType.Length > 0) _ddl.Add(new AlterColumnTypeAction(table, col.Name, col.DataType, col.RawType, span));
                    // MySQL MODIFY/CHANGE restate the whole column: no NOT NULL means nullable.
                    var nullable = col.Nullable ?? (_dialect == SqlDialect.MySql ? true : null);
                    if (nullable is { } n) _ddl.Add(new SetColumnNullabilityAction(table, col.Name, n, span));
                    if (_dialect == SqlDialect.MySql) _ddl.Add(new SetColumnDefaultAction(table, col.Name, col.Default, span));
                    break;
                }
            }
            // References inside added constraints are read.
        }
    }
}
