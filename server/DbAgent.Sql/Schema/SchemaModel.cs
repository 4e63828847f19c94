using DbAgent.Sql.Semantics;

namespace DbAgent.Sql.Schema;

/// <summary>Where a piece of the schema model came from: a migration replayed, or a live catalog.</summary>
public sealed record SchemaOrigin(string? DocumentUri, DbAgent.Sql.Text.TextSpan Span);

public sealed class ColumnModel
{
    public required string Name { get; set; }
    /// <summary>Normalised type name (integer, bigint, text, varchar(255), numeric(10,2), timestamp, boolean, ...).</summary>
    public required string DataType { get; set; }
    public bool Nullable { get; set; } = true;
    public string? Default { get; set; }
    public bool IsIdentity { get; set; }
    /// <summary>The statement that declared the column (CREATE TABLE, ADD COLUMN): where its definition is.</summary>
    public SchemaOrigin? Origin { get; set; }
    /// <summary>The last statement that changed the column's type after declaring it (ALTER COLUMN ... TYPE), when replayed.</summary>
    public SchemaOrigin? TypeOrigin { get; set; }
    /// <summary>The last statement that changed the column's nullability after declaring it (SET / DROP NOT NULL), when replayed.</summary>
    public SchemaOrigin? NullabilityOrigin { get; set; }

    public ColumnModel Clone() => (ColumnModel)MemberwiseClone();
}

public sealed class IndexModel
{
    public required string Name { get; set; }
    public required QualifiedName Table { get; set; }
    public List<IndexKey> Keys { get; set; } = [];
    public bool Unique { get; set; }
    public bool IsPrimaryKey { get; set; }
    public string? Method { get; set; }
    public string? Predicate { get; set; }
    public List<string> Include { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public IndexModel Clone() => new()
    {
        Name = Name, Table = Table, Keys = [.. Keys], Unique = Unique, IsPrimaryKey = IsPrimaryKey, Method = Method,
        Predicate = Predicate, Include = [.. Include], Origin = Origin,
    };
}

public sealed class ConstraintModel
{
    public required ConstraintKind Kind { get; set; }
    public string? Name { get; set; }
    public List<string> Columns { get; set; } = [];
    public QualifiedName? ReferencedTable { get; set; }
    public List<string> ReferencedColumns { get; set; } = [];
    public string? CheckExpression { get; set; }
    public SchemaOrigin? Origin { get; set; }

    public ConstraintModel Clone() => new()
    {
        Kind = Kind, Name = Name, Columns = [.. Columns], ReferencedTable = ReferencedTable,
        ReferencedColumns = [.. ReferencedColumns], CheckExpression = CheckExpression, Origin = Origin,
    };
}

public sealed class TableModel
{
    public required QualifiedName Name { get; set; }
    public List<ColumnModel> Columns { get; set; } = [];
    public List<ConstraintModel> Constraints { get; set; } = [];
    public List<IndexModel> Indexes { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    /// <summary>The last statement that changed the table after creating it (ALTER TABLE ...), when replayed from DDL.</summary>
    public SchemaOrigin? Altered { get; set; }

    /// <summary>True when the table was created from a query (CREATE TABLE ... AS): the model does not know all its columns.</summary>
    public bool ColumnsIncomplete { get; set; }

    public ColumnModel? FindColumn(string name) => Columns.FirstOrDefault(c => NameComparer.SameName(c.Name, name));

    public ConstraintModel? PrimaryKey => Constraints.FirstOrDefault(c => c.Kind == ConstraintKind.PrimaryKey);

    public IEnumerable<ConstraintModel> ForeignKeys => Constraints.Where(c => c.Kind == ConstraintKind.ForeignKey);

    public TableModel Clone() => new()
    {
        Name = Name,
        Columns = Columns.Select(c => c.Clone()).ToList(),
        Constraints = Constraints.Select(c => c.Clone()).ToList(),
        Indexes = Indexes.Select(i => i.Clone()).ToList(),
        Origin = Origin,
        Altered = Altered,
        ColumnsIncomplete = ColumnsIncomplete,
    };
}

public sealed class ViewModel
{
    public required QualifiedName Name { get; set; }
    public bool Materialized { get; set; }
    public string? Definition { get; set; }
    public List<string> Columns { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public ViewModel Clone() => new() { Name = Name, Materialized = Materialized, Definition = Definition, Columns = [.. Columns], Origin = Origin };
}

public sealed class EnumModel
{
    public required QualifiedName Name { get; set; }
    public List<string> Values { get; set; } = [];
    public SchemaOrigin? Origin { get; set; }

    public EnumModel Clone() => new() { Name = Name, Values = [.. Values], Origin = Origin };
}

/// <summary>
/// The tables of a schema, with a lookup by (schema, name) kept beside the list so that finding a table costs the
/// same at 50,000 tables as at 5 (the replay looks one up per CREATE TABLE, REFERENCES and ALTER). Keys follow
/// <see cref="NameComparer"/>; an unqualified name is keyed under the model's default schema.
/// </summary>
public sealed class TableCollection : System.Collections.ObjectModel.Collection<TableModel>
{
    private readonly SchemaModel _owner;
    private Dictionary<string, TableModel> _byName = new(NameComparer.Instance);

    internal TableCollection(SchemaModel owner) => _owner = owner;

    internal string Key(QualifiedName name) => string.Concat(name.Schema ?? _owner.DefaultSchema ?? "", "\u0001", name.Name);

    public void AddRange(IEnumerable<TableModel> tables)
    {
        foreach (var table in tables) Add(table);
    }

    public int RemoveAll(Predicate<TableModel> match)
    {
        var removed = 0;
        for (var i = Count - 1; i >= 0; i--)
        {
            if (!match(this[i])) continue;
            RemoveAt(i);
            removed++;
        }
        return removed;
    }

    internal TableModel? Find(QualifiedName name)
    {
        if (!_byName.TryGetValue(Key(name), out var table)) return null;
        // A table renamed behind the index's back (its Name set directly): index again and look once more.
        if (NameComparer.Instance.Equals(Key(table.Name), Key(name))) return table;
        Reindex();
        return _byName.GetValueOrDefault(Key(name));
    }

    /// <summary>Call after a table's name changed (the replay's RENAME does).</summary>
    public void Renamed(TableModel table, QualifiedName oldName)
    {
        if (_byName.TryGetValue(Key(oldName), out var indexed) && ReferenceEquals(indexed, table)) _byName.Remove(Key(oldName));
        _byName.TryAdd(Key(table.Name), table);
    }

    internal void Reindex()
    {
        var byName = new Dictionary<string, TableModel>(Count, NameComparer.Instance);
        foreach (var table in Items) byName.TryAdd(Key(table.Name), table);
        _byName = byName;
    }

    /// <summary>Copies the list and the index, sharing the tables (a fork of the model).</summary>
    internal void CopyFrom(TableCollection other)
    {
        ((List<TableModel>)Items).AddRange(other.Items);
        _byName = new Dictionary<string, TableModel>(other._byName, NameComparer.Instance);
    }

    /// <summary>Puts a private copy in the place of a shared table.</summary>
    internal void Replace(TableModel shared, TableModel copy)
    {
        var i = ((List<TableModel>)Items).IndexOf(shared);
        if (i >= 0) Items[i] = copy;
        var key = Key(copy.Name);
        if (_byName.TryGetValue(key, out var indexed) && ReferenceEquals(indexed, shared)) _byName[key] = copy;
    }

    protected override void InsertItem(int index, TableModel item)
    {
        base.InsertItem(index, item);
        _byName.TryAdd(Key(item.Name), item);
    }

    protected override void SetItem(int index, TableModel item)
    {
        var old = this[index];
        base.SetItem(index, item);
        Forget(old);
        _byName.TryAdd(Key(item.Name), item);
    }

    protected override void RemoveItem(int index)
    {
        var old = this[index];
        base.RemoveItem(index);
        Forget(old);
    }

    protected override void ClearItems()
    {
        base.ClearItems();
        _byName.Clear();
    }

    private void Forget(TableModel removed)
    {
        var key = Key(removed.Name);
        if (!_byName.TryGetValue(key, out var indexed) || !ReferenceEquals(indexed, removed)) return;
        _byName.Remove(key);
        // Another table of the same name (a list built by hand may hold two): it takes the place.
        foreach (var table in Items)
            if (NameComparer.Instance.Equals(Key(table.Name), key)) { _byName[key] = table; break; }
    }
}

/// <summary>
/// The schema: replayed from migrations (DDL in order) or read from a live catalog. Mutable while it is built;
/// share a <see cref="Clone"/> once built, and treat shared instances as read-only. <see cref="Fork"/> makes a
/// cheap copy that shares the tables and copies one only when a replay changes it (a document's own DDL over the
/// workspace's schema).
/// </summary>
public sealed class SchemaModel
{
    private string? _defaultSchema;
    /// <summary>Objects this model shares with the model it was forked from: copied before they are changed.</summary>
    private HashSet<object>? _shared;

    public SchemaModel(SqlDialect dialect)
    {
        Dialect = dialect;
        Tables = new TableCollection(this);
    }

    public SqlDialect Dialect { get; }

    /// <summary>The schema an unqualified name means (public, dbo, the MySQL database, main).</summary>
    public string? DefaultSchema
    {
        get => _defaultSchema;
        set
        {
            if (_defaultSchema == value) return;
            _defaultSchema = value;
            Tables.Reindex();
        }
    }

    public TableCollection Tables { get; }
    public List<ViewModel> Views { get; } = [];
    public List<EnumModel> Enums { get; } = [];
    public List<QualifiedName> Sequences { get; } = [];
    public List<string> Schemas { get; } = [];

    public TableModel? FindTable(QualifiedName name) => Tables.Find(name);

    public ViewModel? FindView(QualifiedName name) => Views.FirstOrDefault(v => Matches(v.Name, name));

    public EnumModel? FindEnum(QualifiedName name) => Enums.FirstOrDefault(e => Matches(e.Name, name));

    public IndexModel? FindIndex(QualifiedName name) =>
        Tables.SelectMany(t => t.Indexes).FirstOrDefault(i => NameComparer.SameName(i.Name, name.Name));

    private bool Matches(QualifiedName stored, QualifiedName wanted) =>
        NameComparer.SameName(stored.Name, wanted.Name) &&
        NameComparer.SameName(stored.Schema ?? DefaultSchema, wanted.Schema ?? DefaultSchema);

    public SchemaModel Clone()
    {
        var copy = new SchemaModel(Dialect) { DefaultSchema = DefaultSchema };
        copy.Tables.AddRange(Tables.Select(t => t.Clone()));
        copy.Views.AddRange(Views.Select(v => v.Clone()));
        copy.Enums.AddRange(Enums.Select(e => e.Clone()));
        copy.Sequences.AddRange(Sequences);
        copy.Schemas.AddRange(Schemas);
        return copy;
    }

    /// <summary>
    /// A copy that shares every table, view and enum with this model (which must not change afterwards); the replay
    /// copies an object the first time it changes it (<see cref="Writable(TableModel)"/>). Costs a list and an index
    /// copy, not a copy of every column.
    /// </summary>
    public SchemaModel Fork()
    {
        var fork = new SchemaModel(Dialect) { DefaultSchema = DefaultSchema };
        fork.Tables.CopyFrom(Tables);
        fork.Views.AddRange(Views);
        fork.Enums.AddRange(Enums);
        fork.Sequences.AddRange(Sequences);
        fork.Schemas.AddRange(Schemas);
        fork._shared = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var t in Tables) fork._shared.Add(t);
        foreach (var v in Views) fork._shared.Add(v);
        foreach (var e in Enums) fork._shared.Add(e);
        return fork;
    }

    /// <summary>The table to change: itself, or in a fork, its private copy in the shared one's place.</summary>
    public TableModel Writable(TableModel table)
    {
        if (_shared is null || !_shared.Remove(table)) return table;
        var copy = table.Clone();
        Tables.Replace(table, copy);
        return copy;
    }

    public ViewModel Writable(ViewModel view)
    {
        if (_shared is null || !_shared.Remove(view)) return view;
        var copy = view.Clone();
        var i = Views.IndexOf(view);
        if (i >= 0) Views[i] = copy;
        return copy;
    }

    public EnumModel Writable(EnumModel type)
    {
        if (_shared is null || !_shared.Remove(type)) return type;
        var copy = type.Clone();
        var i = Enums.IndexOf(type);
        if (i >= 0) Enums[i] = copy;
        return copy;
    }
}
