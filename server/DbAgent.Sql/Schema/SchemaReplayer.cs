using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Schema;

/// <summary>A statement replay left out: the model could not read what it changes.</summary>
public sealed record SkippedStatement(StatementKind Kind, TextSpan Span, string Reason, string? DocumentUri = null);

/// <summary>Something a replayed action could not do as written (the engine would have failed or done nothing).</summary>
public sealed record ReplayIssue(string Message, TextSpan Span, string? DocumentUri = null);

/// <summary>What one replay did: statements and actions applied, statements skipped, and issues met on the way.</summary>
public sealed record ReplayResult(int StatementsApplied, int ActionsApplied, IReadOnlyList<SkippedStatement> Skipped, IReadOnlyList<ReplayIssue> Issues);

/// <summary>
/// Builds a <see cref="SchemaModel"/> by applying DDL actions in order, as the engine would: creates, alters, renames
/// and drops, with IF [NOT] EXISTS, renames that carry indexes, constraints and foreign keys along, and the implicit
/// indexes engines build for primary keys and unique constraints (and, in MySQL, for foreign keys). Types are
/// normalised with <see cref="TypeNames"/>; everything created records where it came from.
/// </summary>
public sealed class SchemaReplayer
{
    private readonly List<SkippedStatement> _skipped = [];
    private readonly List<ReplayIssue> _issues = [];
    /// <summary>Indexes InnoDB built for a foreign key by itself: it drops them when a later index can serve the key.</summary>
    private readonly HashSet<IndexModel> _implicitForeignKeyIndexes = new(ReferenceEqualityComparer.Instance);
    private int _statements;
    private int _actions;

    public SchemaReplayer(SchemaModel schema)
    {
        Schema = schema;
        Schema.DefaultSchema ??= DefaultSchemaOf(schema.Dialect);
    }

    public SchemaModel Schema { get; }
    private SqlDialect Dialect => Schema.Dialect;

    public IReadOnlyList<SkippedStatement> Skipped => _skipped;
    public IReadOnlyList<ReplayIssue> Issues => _issues;

    /// <summary>The schema an unqualified name lands in; MySQL's is the current database, which a script does not know.</summary>
    public static string? DefaultSchemaOf(SqlDialect dialect) => dialect switch
    {
        SqlDialect.Postgres => "public",
        SqlDialect.TSql => "dbo",
        SqlDialect.Sqlite => "main",
        _ => null,
    };

    /// <summary>Replays every statement of a script into a schema model (a new one when none is given).</summary>
    public static ReplayResult Replay(SqlScript script, SchemaModel schema, string? documentUri = null)
    {
        var replayer = new SchemaReplayer(schema);
        return replayer.Apply(script, documentUri);
    }

    public ReplayResult Apply(SqlScript script, string? documentUri = null)
    {
        var statements = _statements;
        var actions = _actions;
        var skipped = _skipped.Count;
        var issues = _issues.Count;
        foreach (var statement in script.Statements) Apply(statement.Model, documentUri);
        return new ReplayResult(_statements - statements, _actions - actions, _skipped.Skip(skipped).ToList(), _issues.Skip(issues).ToList());
    }

    /// <summary>Applies one statement's DDL actions; returns false when the statement was skipped or changes no schema.</summary>
    public bool Apply(StatementModel statement, string? documentUri = null)
    {
        if (statement.Ddl.Count > 0)
        {
            foreach (var action in statement.Ddl) Apply(action, documentUri);
            _statements++;
            return true;
        }
        if (statement.IsOpaque && statement.Kind != StatementKind.Unknown)
        {
            _skipped.Add(new SkippedStatement(statement.Kind, statement.Span, "Statement not understood.", documentUri));
        }
        else if (CreatesOrDrops(statement.Kind))
        {
            // An ALTER that yields no action may change only what the model does not keep (owner, statistics, storage).
            _skipped.Add(new SkippedStatement(statement.Kind, statement.Span, "The statement changes the schema, but its change could not be read.", documentUri));
        }
        return false;
    }

    private static bool CreatesOrDrops(StatementKind kind) => kind is StatementKind.CreateTable or StatementKind.DropTable
        or StatementKind.CreateIndex or StatementKind.DropIndex or StatementKind.CreateView or StatementKind.CreateMaterializedView
        or StatementKind.DropView or StatementKind.CreateSequence or StatementKind.DropSequence or StatementKind.CreateType
        or StatementKind.DropType or StatementKind.CreateSchema or StatementKind.DropSchema;

    public void Apply(DdlAction action, string? documentUri = null)
    {
        _actions++;
        var origin = new SchemaOrigin(documentUri, action.Span);
        switch (action)
        {
            case CreateTableAction a: CreateTable(a, documentUri); break;
            case AddColumnAction a: AddColumn(a, documentUri); break;
            case DropColumnAction a: DropColumn(a, documentUri); break;
            case AlterColumnTypeAction a:
                WithColumn(a.Table, a.Column, a.Span, documentUri, c => c.DataType = TypeNames.Normalize(a.RawType.Length > 0 ? a.RawType : a.DataType, Dialect));
                break;
            case SetColumnNullabilityAction a: WithColumn(a.Table, a.Column, a.Span, documentUri, c => c.Nullable = a.Nullable); break;
            case SetColumnDefaultAction a: WithColumn(a.Table, a.Column, a.Span, documentUri, c => c.Default = a.Default); break;
            case RenameColumnAction a: RenameColumn(a, documentUri); break;
            case RenameTableAction a: RenameTable(a, documentUri); break;
            case AddConstraintAction a:
                if (TableOrIssue(a.Table, a.Span, documentUri) is { } constrained) AddConstraint(constrained, a.Constraint, documentUri);
                break;
            case DropConstraintAction a: DropConstraint(a, documentUri); break;
            case CreateIndexAction a: CreateIndex(a.Index, documentUri); break;
            case RenameIndexAction a: RenameIndex(a, documentUri); break;
            case CreateViewAction a: CreateView(a, origin, documentUri); break;
            case CreateEnumAction a: CreateEnum(a, origin, documentUri); break;
            case AddEnumValueAction a: AddEnumValue(a, documentUri); break;
            case CreateSequenceAction a:
                if (!Schema.Sequences.Any(s => SameObject(s, a.Sequence))) Schema.Sequences.Add(a.Sequence);
                break;
            case CreateSchemaAction a:
                if (!Schema.Schemas.Contains(a.Schema, NameComparer.Instance)) Schema.Schemas.Add(a.Schema);
                break;
            case DropObjectAction a: Drop(a, documentUri); break;
            default:
                _actions--;
                _issues.Add(new ReplayIssue($"{action.GetType().Name} is not replayed.", action.Span, documentUri));
                break;
        }
    }

    private void CreateTable(CreateTableAction a, string? uri)
    {
        if (a.Temporary) return; // A session's temporary table is not part of the schema a migration builds.
        if (Schema.FindTable(a.Table) is not null)
        {
            if (!a.IfNotExists) _issues.Add(new ReplayIssue($"Table {a.Table} already exists.", a.Span, uri));
            return;
        }
        var table = new TableModel
        {
            Name = a.Table, Origin = new SchemaOrigin(uri, a.Span), ColumnsIncomplete = a.FromQuery,
            // Sized once: at 50,000 tables the lists' regrowth is garbage the collector pays for.
            Columns = new List<ColumnModel>(a.Columns.Count),
            Indexes = new List<IndexModel>(Math.Min(a.Constraints.Count + 1, 4)),
        };
        Schema.Tables.Add(table);
        foreach (var column in a.Columns)
        {
            // An inline REFERENCES is also in the table's constraint list (the binder lists it there): add it once.
            var listed = column.References is not null &&
                a.Constraints.Any(c => c.Kind == ConstraintKind.ForeignKey && column.Span.Contains(c.Span));
            AddColumnTo(table, listed ? column with { References = null } : column, uri);
        }
        foreach (var constraint in a.Constraints) AddConstraint(table, constraint, uri);
    }

    private void AddColumn(AddColumnAction a, string? uri)
    {
        if (TableOrIssue(a.Table, a.Span, uri) is not { } table) return;
        if (table.FindColumn(a.Column.Name) is not null)
        {
            if (!a.IfNotExists) _issues.Add(new ReplayIssue($"Column {a.Column.Name} already exists in {table.Name}.", a.Span, uri));
            return;
        }
        AddColumnTo(table, a.Column, uri);
    }

    private void AddColumnTo(TableModel table, ColumnDefinition definition, string? uri)
    {
        var type = TypeNames.NormalizeWithIdentity(definition.RawType.Length > 0 ? definition.RawType : definition.DataType, Dialect);
        var column = new ColumnModel
        {
            Name = definition.Name,
            DataType = type.Name,
            Nullable = definition.Nullable ?? !definition.IsPrimaryKey,
            Default = definition.Default,
            IsIdentity = definition.IsIdentity || type.ImpliesIdentity,
            Origin = new SchemaOrigin(uri, definition.Span),
        };
        if (table.FindColumn(column.Name) is not null)
        {
            _issues.Add(new ReplayIssue($"Column {column.Name} is declared twice in {table.Name}.", definition.Span, uri));
            return;
        }
        table.Columns.Add(column);
        if (definition.IsPrimaryKey)
            AddConstraint(table, new ConstraintDefinition(ConstraintKind.PrimaryKey, null, [definition.Name], definition.Span), uri);
        if (definition.IsUnique)
            AddConstraint(table, new ConstraintDefinition(ConstraintKind.Unique, null, [definition.Name], definition.Span), uri);
        if (definition.References is { } reference)
        {
            var columns = reference.Columns.Count > 0 ? reference.Columns : [definition.Name];
            AddConstraint(table, reference with { Kind = ConstraintKind.ForeignKey, Columns = columns }, uri);
        }
    }

    private void AddConstraint(TableModel table, ConstraintDefinition definition, string? uri)
    {
        if (definition.Kind == ConstraintKind.PrimaryKey && table.PrimaryKey is not null)
        {
            _issues.Add(new ReplayIssue($"Table {table.Name} already has a primary key.", definition.Span, uri));
            return;
        }
        var name = definition.Name ?? DefaultConstraintName(table, definition);
        if (definition.Name is not null && table.Constraints.Any(c => NameComparer.SameName(c.Name, name)))
        {
            _issues.Add(new ReplayIssue($"Constraint {name} already exists on {table.Name}.", definition.Span, uri));
            return;
        }
        var origin = new SchemaOrigin(uri, definition.Span);
        table.Constraints.Add(new ConstraintModel
        {
            Kind = definition.Kind,
            Name = name,
            Columns = [.. definition.Columns],
            ReferencedTable = definition.ReferencedTable,
            // REFERENCES t without columns means t's primary key.
            ReferencedColumns = definition.ReferencedColumns.Count > 0 || definition.ReferencedTable is null
                ? [.. definition.ReferencedColumns]
                : [.. Schema.FindTable(definition.ReferencedTable)?.PrimaryKey?.Columns ?? []],
            CheckExpression = definition.CheckExpression,
            Origin = origin,
        });

        switch (definition.Kind)
        {
            case ConstraintKind.PrimaryKey:
                foreach (var column in definition.Columns)
                    if (table.FindColumn(column) is { } c) c.Nullable = false;
                table.Indexes.Add(new IndexModel
                {
                    Name = PrimaryKeyIndexName(table, name), Table = table.Name, Unique = true, IsPrimaryKey = true,
                    Keys = definition.Columns.Select(c => new IndexKey(c, null, false)).ToList(), Origin = origin,
                });
                break;
            case ConstraintKind.Unique:
                table.Indexes.Add(new IndexModel
                {
                    Name = Dialect == SqlDialect.Sqlite ? $"sqlite_autoindex_{table.Name.Name}_{table.Indexes.Count + 1}" : name, Table = table.Name, Unique = true,
                    Keys = definition.Columns.Select(c => new IndexKey(c, null, false)).ToList(), Origin = origin,
                });
                break;
            case ConstraintKind.ForeignKey when Dialect == SqlDialect.MySql && !HasIndexLeadingWith(table, definition.Columns):
                // InnoDB needs an index on the referencing columns and builds one, named after the constraint, when none leads with them.
                var implicitIndex = new IndexModel
                {
                    Name = definition.Name ?? (definition.Columns.Count > 0 ? definition.Columns[0] : null) ?? name, Table = table.Name,
                    Keys = definition.Columns.Select(c => new IndexKey(c, null, false)).ToList(), Origin = origin,
                };
                table.Indexes.Add(implicitIndex);
                _implicitForeignKeyIndexes.Add(implicitIndex);
                break;
        }
    }

    private static bool HasIndexLeadingWith(TableModel table, IReadOnlyList<string> columns) =>
        table.Indexes.Any(i => i.Keys.Count >= columns.Count
            && columns.Select((c, k) => NameComparer.SameName(i.Keys[k].Column, c)).All(x => x));

    private void DropConstraint(DropConstraintAction a, string? uri)
    {
        if (TableOrIssue(a.Table, a.Span, uri) is not { } table) return;
        var constraint = table.Constraints.FirstOrDefault(c => NameComparer.SameName(c.Name, a.Name));
        // MySQL: ALTER TABLE t DROP PRIMARY KEY names no constraint.
        if (constraint is null && NameComparer.SameName(a.Name, "PRIMARY")) constraint = table.PrimaryKey;
        if (constraint is null)
        {
            // MySQL's DROP INDEX / DROP KEY inside ALTER TABLE may arrive as a constraint drop.
            var index = table.Indexes.FirstOrDefault(i => NameComparer.SameName(i.Name, a.Name));
            if (index is not null) { table.Indexes.Remove(index); return; }
            if (!a.IfExists) _issues.Add(new ReplayIssue($"Constraint {a.Name} does not exist on {table.Name}.", a.Span, uri));
            return;
        }
        table.Constraints.Remove(constraint);
        if (constraint.Kind == ConstraintKind.PrimaryKey) table.Indexes.RemoveAll(i => i.IsPrimaryKey);
        else if (constraint.Kind == ConstraintKind.Unique) table.Indexes.RemoveAll(i => NameComparer.SameName(i.Name, constraint.Name));
    }

    private void DropColumn(DropColumnAction a, string? uri)
    {
        if (TableOrIssue(a.Table, a.Span, uri) is not { } table) return;
        var column = table.FindColumn(a.Column);
        if (column is null)
        {
            if (!a.IfExists) _issues.Add(new ReplayIssue($"Column {a.Column} does not exist in {table.Name}.", a.Span, uri));
            return;
        }
        table.Columns.Remove(column);
        // PostgreSQL and SQL Server drop the indexes and constraints that use the column; MySQL takes the column out of them.
        foreach (var index in table.Indexes.ToList())
        {
            if (!index.Keys.Any(k => NameComparer.SameName(k.Column, a.Column))) continue;
            if (Dialect == SqlDialect.MySql) index.Keys.RemoveAll(k => NameComparer.SameName(k.Column, a.Column));
            if (Dialect != SqlDialect.MySql || index.Keys.Count == 0) table.Indexes.Remove(index);
        }
        foreach (var constraint in table.Constraints.ToList())
        {
            if (!constraint.Columns.Contains(a.Column, NameComparer.Instance)) continue;
            if (Dialect == SqlDialect.MySql && constraint.Columns.Count > 1 && constraint.Kind != ConstraintKind.ForeignKey)
                constraint.Columns.RemoveAll(c => NameComparer.SameName(c, a.Column));
            else
                table.Constraints.Remove(constraint);
        }
    }

    private void RenameColumn(RenameColumnAction a, string? uri)
    {
        if (TableOrIssue(a.Table, a.Span, uri) is not { } table) return;
        var column = table.FindColumn(a.OldName);
        if (column is null)
        {
            _issues.Add(new ReplayIssue($"Column {a.OldName} does not exist in {table.Name}.", a.Span, uri));
            return;
        }
        column.Name = a.NewName;
        foreach (var index in table.Indexes)
            for (var k = 0; k < index.Keys.Count; k++)
                if (NameComparer.SameName(index.Keys[k].Column, a.OldName)) index.Keys[k] = index.Keys[k] with { Column = a.NewName };
        foreach (var constraint in table.Constraints) Rename(constraint.Columns, a.OldName, a.NewName);
        foreach (var other in Referencing(table.Name))
            foreach (var fk in other.ForeignKeys)
                if (fk.ReferencedTable is { } referenced && SameObject(referenced, table.Name)) Rename(fk.ReferencedColumns, a.OldName, a.NewName);
    }

    private static void Rename(List<string> names, string oldName, string newName)
    {
        for (var i = 0; i < names.Count; i++)
            if (NameComparer.SameName(names[i], oldName)) names[i] = newName;
    }

    private void RenameTable(RenameTableAction a, string? uri)
    {
        if (Schema.FindTable(a.Table) is { } found)
        {
            var table = Schema.Writable(found);
            var oldName = table.Name;
            var newName = a.NewName.Schema is null ? new QualifiedName(oldName.Schema, a.NewName.Name) : a.NewName;
            if (Schema.FindTable(newName) is not null)
            {
                _issues.Add(new ReplayIssue($"Cannot rename {oldName} to {newName}: a table of that name exists.", a.Span, uri));
                return;
            }
            table.Name = newName;
            Schema.Tables.Renamed(table, oldName);
            foreach (var index in table.Indexes) index.Table = newName;
            foreach (var other in Referencing(oldName))
                foreach (var fk in other.ForeignKeys)
                    if (fk.ReferencedTable is { } referenced && SameObject(referenced, oldName)) fk.ReferencedTable = newName;
            return;
        }
        // ALTER TABLE ... RENAME also renames views and sequences in PostgreSQL.
        if (Schema.FindView(a.Table) is { } sharedView)
        {
            var view = Schema.Writable(sharedView);
            view.Name = a.NewName.Schema is null ? new QualifiedName(view.Name.Schema, a.NewName.Name) : a.NewName;
            return;
        }
        _issues.Add(new ReplayIssue($"Table {a.Table} does not exist.", a.Span, uri));
    }

    private void CreateIndex(IndexDefinition definition, string? uri)
    {
        var table = Schema.FindTable(definition.Table) is { } found ? Schema.Writable(found) : null;
        if (table is null)
        {
            // Indexes on materialized views are real but the model keeps indexes on tables only.
            if (Schema.FindView(definition.Table) is null)
                _issues.Add(new ReplayIssue($"Index on {definition.Table}, which does not exist.", definition.Span, uri));
            return;
        }
        var name = definition.Name ?? DefaultIndexName(table, definition.Keys);
        if (table.Indexes.Any(i => NameComparer.SameName(i.Name, name)) || (definition.Name is not null && Schema.FindIndex(new QualifiedName(null, name)) is not null && Dialect == SqlDialect.Postgres))
        {
            if (!definition.IfNotExists) _issues.Add(new ReplayIssue($"Index {name} already exists.", definition.Span, uri));
            return;
        }
        var index = new IndexModel
        {
            Name = name, Table = table.Name, Keys = [.. definition.Keys], Unique = definition.Unique, Method = definition.Method,
            Predicate = definition.Predicate, Include = [.. definition.Include], Origin = new SchemaOrigin(uri, definition.Span),
        };
        if (Dialect == SqlDialect.MySql)
        {
            // "The index may be silently dropped later if you create another index that can be used to enforce the foreign key."
            table.Indexes.RemoveAll(i => _implicitForeignKeyIndexes.Contains(i)
                && i.Keys.Count <= index.Keys.Count
                && i.Keys.Select((k, n) => NameComparer.SameName(k.Column, index.Keys[n].Column)).All(x => x));
        }
        table.Indexes.Add(index);
    }

    private void RenameIndex(RenameIndexAction a, string? uri)
    {
        var table = Schema.Tables.FirstOrDefault(t => t.Indexes.Any(i => NameComparer.SameName(i.Name, a.Index.Name)));
        if (table is not null) table = Schema.Writable(table);
        var index = table?.Indexes.First(i => NameComparer.SameName(i.Name, a.Index.Name));
        if (table is null || index is null)
        {
            _issues.Add(new ReplayIssue($"Index {a.Index} does not exist.", a.Span, uri));
            return;
        }
        // Renaming the index behind a unique or primary key constraint renames the constraint too (PostgreSQL).
        foreach (var c in table.Constraints)
            if (NameComparer.SameName(c.Name, index.Name) && c.Kind is ConstraintKind.Unique or ConstraintKind.PrimaryKey) c.Name = a.NewName;
        index.Name = a.NewName;
    }

    private void CreateView(CreateViewAction a, SchemaOrigin origin, string? uri)
    {
        var existing = Schema.FindView(a.View);
        if (existing is not null)
        {
            if (!a.OrReplace)
            {
                _issues.Add(new ReplayIssue($"View {a.View} already exists.", a.Span, uri));
                return;
            }
            Schema.Views.Remove(existing);
        }
        Schema.Views.Add(new ViewModel { Name = a.View, Materialized = a.Materialized, Definition = a.Definition, Columns = [.. a.Columns], Origin = origin });
    }

    private void CreateEnum(CreateEnumAction a, SchemaOrigin origin, string? uri)
    {
        if (Schema.FindEnum(a.Type) is not null)
        {
            _issues.Add(new ReplayIssue($"Type {a.Type} already exists.", a.Span, uri));
            return;
        }
        Schema.Enums.Add(new EnumModel { Name = a.Type, Values = [.. a.Values], Origin = origin });
    }

    private void AddEnumValue(AddEnumValueAction a, string? uri)
    {
        var type = Schema.FindEnum(a.Type) is { } found ? Schema.Writable(found) : null;
        if (type is null)
        {
            _issues.Add(new ReplayIssue($"Type {a.Type} does not exist.", a.Span, uri));
            return;
        }
        if (type.Values.Contains(a.Value, StringComparer.Ordinal)) return; // enum labels are case-sensitive
        var at = type.Values.Count;
        var anchor = a.Before ?? a.After;
        if (anchor is not null)
        {
            var i = type.Values.IndexOf(anchor);
            if (i < 0)
            {
                _issues.Add(new ReplayIssue($"Type {a.Type} has no value '{anchor}'.", a.Span, uri));
                return;
            }
            at = a.Before is not null ? i : i + 1;
        }
        type.Values.Insert(at, a.Value);
    }

    private void Drop(DropObjectAction a, string? uri)
    {
        foreach (var name in a.Names)
        {
            var found = a.ObjectKind switch
            {
                DroppedObjectKind.Table => DropTable(name, a.Cascade),
                DroppedObjectKind.View or DroppedObjectKind.MaterializedView => Schema.Views.RemoveAll(v => SameObject(v.Name, name)) > 0,
                DroppedObjectKind.Index => DropIndex(name, a.OnTable),
                DroppedObjectKind.Sequence => Schema.Sequences.RemoveAll(s => SameObject(s, name)) > 0,
                DroppedObjectKind.Type => Schema.Enums.RemoveAll(e => SameObject(e.Name, name)) > 0,
                DroppedObjectKind.Schema => DropSchema(name.Name, a.Cascade),
                _ => true, // functions, triggers and the rest are not in the model
            };
            if (!found && !a.IfExists)
                _issues.Add(new ReplayIssue($"{a.ObjectKind} {name} does not exist.", a.Span, uri));
        }
    }

    private bool DropTable(QualifiedName name, bool cascade)
    {
        var table = Schema.FindTable(name);
        if (table is null) return false;
        Schema.Tables.Remove(table);
        if (cascade)
            foreach (var other in Referencing(table.Name))
                other.Constraints.RemoveAll(c => c.Kind == ConstraintKind.ForeignKey && c.ReferencedTable is { } r && SameObject(r, table.Name));
        return true;
    }

    private bool DropIndex(QualifiedName name, QualifiedName? onTable)
    {
        var tables = onTable is not null
            ? Schema.Tables.Where(t => SameObject(t.Name, onTable))
            : Schema.Tables.Where(t => name.Schema is null || SameSchema(t.Name.Schema, name.Schema));
        foreach (var table in tables.ToList())
        {
            if (table.Indexes.Any(i => NameComparer.SameName(i.Name, name.Name)))
            {
                Schema.Writable(table).Indexes.RemoveAll(i => NameComparer.SameName(i.Name, name.Name));
                return true;
            }
        }
        return false;
    }

    private bool DropSchema(string schema, bool cascade)
    {
        var removed = Schema.Schemas.RemoveAll(s => NameComparer.SameName(s, schema)) > 0;
        if (cascade)
        {
            Schema.Tables.RemoveAll(t => SameSchema(t.Name.Schema, schema));
            Schema.Views.RemoveAll(v => SameSchema(v.Name.Schema, schema));
            Schema.Enums.RemoveAll(e => SameSchema(e.Name.Schema, schema));
            Schema.Sequences.RemoveAll(s => SameSchema(s.Schema, schema));
        }
        return removed;
    }

    private void WithColumn(QualifiedName tableName, string columnName, TextSpan span, string? uri, Action<ColumnModel> change)
    {
        if (TableOrIssue(tableName, span, uri) is not { } table) return;
        if (table.FindColumn(columnName) is { } column) change(column);
        else if (!table.ColumnsIncomplete) _issues.Add(new ReplayIssue($"Column {columnName} does not exist in {table.Name}.", span, uri));
    }

    private TableModel? TableOrIssue(QualifiedName name, TextSpan span, string? uri)
    {
        var table = Schema.FindTable(name);
        if (table is null)
        {
            _issues.Add(new ReplayIssue($"Table {name} does not exist.", span, uri));
            return null;
        }
        var writable = Schema.Writable(table);
        writable.Altered = new SchemaOrigin(uri, span);
        return writable;
    }

    /// <summary>The tables with a foreign key to a table, made writable (the caller changes their keys).</summary>
    private List<TableModel> Referencing(QualifiedName table) =>
        Schema.Tables.Where(t => t.ForeignKeys.Any(fk => fk.ReferencedTable is { } r && SameObject(r, table))).ToList()
            .Select(Schema.Writable).ToList();

    private bool SameSchema(string? a, string? b) => NameComparer.SameName(a ?? Schema.DefaultSchema, b ?? Schema.DefaultSchema);

    private bool SameObject(QualifiedName a, QualifiedName b) => NameComparer.SameName(a.Name, b.Name) && SameSchema(a.Schema, b.Schema);

    private string DefaultConstraintName(TableModel table, ConstraintDefinition definition)
    {
        var t = table.Name.Name;
        var columns = string.Join('_', definition.Columns);
        return (Dialect, definition.Kind) switch
        {
            (SqlDialect.Postgres, ConstraintKind.PrimaryKey) => $"{t}_pkey",
            (SqlDialect.Postgres, ConstraintKind.Unique) => $"{t}_{columns}_key",
            (SqlDialect.Postgres, ConstraintKind.ForeignKey) => $"{t}_{columns}_fkey",
            (SqlDialect.Postgres, ConstraintKind.Check) => columns.Length > 0 ? $"{t}_{columns}_check" : $"{t}_check",
            (SqlDialect.Postgres, ConstraintKind.Exclusion) => $"{t}_{columns}_excl",
            (SqlDialect.MySql, ConstraintKind.PrimaryKey) => "PRIMARY",
            (SqlDialect.MySql, ConstraintKind.Unique) => definition.Columns.Count > 0 ? definition.Columns[0] : $"{t}_unique",
            (SqlDialect.MySql, ConstraintKind.ForeignKey) => $"{t}_ibfk_{table.ForeignKeys.Count() + 1}",
            (SqlDialect.MySql, _) => $"{t}_chk_{table.Constraints.Count(c => c.Kind == ConstraintKind.Check) + 1}",
            (SqlDialect.TSql, ConstraintKind.PrimaryKey) => $"PK__{t}",
            (SqlDialect.TSql, ConstraintKind.Unique) => $"UQ__{t}__{columns}",
            (SqlDialect.TSql, ConstraintKind.ForeignKey) => $"FK__{t}__{columns}",
            (SqlDialect.TSql, _) => $"CK__{t}__{columns}",
            (SqlDialect.Sqlite, ConstraintKind.PrimaryKey or ConstraintKind.Unique) => $"sqlite_autoindex_{t}_{table.Indexes.Count + 1}",
            _ => $"{t}_{columns}_{definition.Kind.ToString().ToLowerInvariant()}",
        };
    }

    private string PrimaryKeyIndexName(TableModel table, string constraintName) => Dialect switch
    {
        SqlDialect.MySql => "PRIMARY",
        // SQLite names the index behind any key constraint itself, whatever the constraint is called.
        SqlDialect.Sqlite => $"sqlite_autoindex_{table.Name.Name}_{table.Indexes.Count + 1}",
        _ => constraintName,
    };

    private string DefaultIndexName(TableModel table, IReadOnlyList<IndexKey> keys)
    {
        var columns = string.Join('_', keys.Select(k => k.Column ?? "expr"));
        return Dialect switch
        {
            SqlDialect.MySql => (keys.Count > 0 ? keys[0].Column : null) ?? "idx",
            _ => $"{table.Name.Name}_{columns}_idx",
        };
    }
}
