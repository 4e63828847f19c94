using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

public enum SyntaxKind : ushort
{
    // Statements
    SelectStatement, InsertStatement, UpdateStatement, DeleteStatement, MergeStatement, CreateTableStatement,
    AlterTableStatement, CreateIndexStatement, DropStatement, CreateViewStatement, CreateSequenceStatement,
    AlterSequenceStatement, CreateTypeStatement, AlterTypeStatement, CreateSchemaStatement, TruncateStatement,
    TransactionStatement, SetStatement, UseStatement, ExplainStatement, AlterIndexStatement, CreateFunctionStatement,
    CreateTriggerStatement, GrantStatement, CommentStatement, AnalyzeStatement, VacuumStatement, OpaqueStatement,

    // Queries
    WithClause, CommonTableExpression, SetOperation, QuerySpecification, ValuesClause, SelectList, SelectItem,
    FromClause, TableReference, DerivedTable, FunctionTable, Join, JoinCondition, UsingClause, WhereClause,
    GroupByClause, HavingClause, OrderByClause, OrderItem, LimitClause, OffsetClause, FetchClause, TopClause,
    WindowClause, IntoClause, LockingClause, TableHint, Alias, ColumnList,

    // DML parts
    InsertTarget, InsertSource, OnConflictClause, OnDuplicateKeyClause, ReturningClause, OutputClause, SetClause,
    Assignment, UsingTables, MergeWhen,

    // Expressions
    ColumnReference, Literal, Parameter, BinaryExpression, UnaryExpression, FunctionCall, Cast, Between, InList,
    InSubquery, Like, IsNull, Exists, Subquery, CaseExpression, Parenthesized, ExpressionList, Star, ArrayExpression,
    WindowSpecification, Interval, Collate, AnyAll, Unparsed,

    // Names and types
    Name, Identifier, DataType, Operator,

    // DDL parts
    ColumnDefinition, ColumnConstraint, TableConstraint, ReferencesClause, IndexKey, IncludeClause, IndexOption,
    AlterAction, EnumValues, SequenceOptions, TableOptions,

    /// <summary>Tokens the parser did not expect where they stand; skipped to recover.</summary>
    Error,
}

[Flags]
internal enum NodeFlags : byte
{
    None = 0,
    /// <summary>A piece the grammar requires that is not in the text (an empty node).</summary>
    Missing = 1,
    /// <summary>This node or one below it is an error or missing.</summary>
    ContainsError = 2,
}

/// <summary>
/// One node of a green tree as it is stored: twenty bytes, no references, so the collector never scans a tree. The
/// kind is kept in a byte (there are fewer than 256 kinds; a test holds that).
/// </summary>
internal struct GreenNode
{
    private byte _kind;
    public NodeFlags Flags;
    /// <summary>Kind-specific detail (the join kind, the set operator, ...), read through <see cref="SyntaxNode.Tag"/>.</summary>
    public short Tag;

    public SyntaxKind Kind
    {
        readonly get => (SyntaxKind)_kind;
        set => _kind = (byte)value;
    }

    /// <summary>Offset from the statement's start.</summary>
    public int Start;
    public int Length;
    /// <summary>Where the node's children start in the tree's array: they stand side by side.</summary>
    public int FirstChild;
    public int ChildCount;
}

/// <summary>
/// The immutable, position-independent syntax tree of one statement is one array of <see cref="GreenNode"/>: each
/// node's children side by side in it, the root last. Offsets are relative to the statement's start, so statements
/// after an edit keep their trees and only the statement's start moves. One array per statement rather than an object
/// per node: a parse allocates two objects per statement, and a tree costs the collector nothing to trace.
/// </summary>
internal static class GreenTree
{
    public static int Root(GreenNode[] tree) => tree.Length - 1;

    public static int Child(GreenNode[] tree, int node, int index)
    {
        ref readonly var n = ref tree[node];
        if ((uint)index >= (uint)n.ChildCount) throw new ArgumentOutOfRangeException(nameof(index));
        return n.FirstChild + index;
    }
}

/// <summary>A node of a statement's syntax tree with its absolute span: a cheap view over the shared green tree.</summary>
public readonly struct SyntaxNode : IEquatable<SyntaxNode>
{
    private readonly GreenNode[]? _tree;
    private readonly int _index;
    private readonly int _offset;

    internal SyntaxNode(GreenNode[] tree, int index, int offset)
    {
        _tree = tree;
        _index = index;
        _offset = offset;
    }

    /// <summary>The tree this node belongs to (the same object in two versions of a script when an edit kept it).</summary>
    internal GreenNode[] Tree => _tree!;
    private ref readonly GreenNode Green => ref _tree![_index];
    public bool IsNull => _tree is null;
    public SyntaxKind Kind => Green.Kind;
    public TextSpan Span
    {
        get
        {
            ref readonly var g = ref Green;
            return new(_offset + g.Start, g.Length);
        }
    }
    /// <summary>A piece the grammar requires that is not in the text.</summary>
    public bool IsMissing => (Green.Flags & NodeFlags.Missing) != 0;
    /// <summary>True when this node or one below it is an <see cref="SyntaxKind.Error"/> node or missing.</summary>
    public bool ContainsError => (Green.Flags & NodeFlags.ContainsError) != 0;
    public int Tag => Green.Tag;
    public int ChildCount => Green.ChildCount;
    public SyntaxNode this[int index] => new(_tree!, GreenTree.Child(_tree!, _index, index), _offset);

    /// <summary>The children, enumerable without allocation.</summary>
    public ChildList Children => new(_tree!, _index, _offset);

    public readonly struct ChildList : IEnumerable<SyntaxNode>
    {
        private readonly GreenNode[] _tree;
        private readonly int _parent;
        private readonly int _offset;

        internal ChildList(GreenNode[] tree, int parent, int offset)
        {
            _tree = tree;
            _parent = parent;
            _offset = offset;
        }

        public int Count => _tree[_parent].ChildCount;
        public SyntaxNode this[int index] => new(_tree, GreenTree.Child(_tree, _parent, index), _offset);
        public Enumerator GetEnumerator() => new(_tree, _parent, _offset);
        IEnumerator<SyntaxNode> IEnumerable<SyntaxNode>.GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<SyntaxNode>)this).GetEnumerator();

        public struct Enumerator
        {
            private readonly GreenNode[] _tree;
            private readonly int _first;
            private readonly int _count;
            private readonly int _offset;
            private int _index;

            internal Enumerator(GreenNode[] tree, int parent, int offset)
            {
                _tree = tree;
                _first = tree[parent].FirstChild;
                _count = tree[parent].ChildCount;
                _offset = offset;
                _index = -1;
            }

            public readonly SyntaxNode Current => new(_tree, _first + _index, _offset);
            public bool MoveNext() => ++_index < _count;
        }
    }

    /// <summary>The first child of the kind, or a null node.</summary>
    public SyntaxNode Child(SyntaxKind kind)
    {
        var tree = _tree!;
        ref readonly var g = ref tree[_index];
        for (var i = 0; i < g.ChildCount; i++)
        {
            var c = g.FirstChild + i;
            if (tree[c].Kind == kind) return new SyntaxNode(tree, c, _offset);
        }
        return default;
    }

    /// <summary>This node and every node below it, in document order (iterative: deep trees are fine).</summary>
    public IEnumerable<SyntaxNode> DescendantsAndSelf()
    {
        var tree = _tree!;
        var stack = new Stack<int>();
        stack.Push(_index);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            yield return new SyntaxNode(tree, n, _offset);
            var g = tree[n];
            for (var i = g.ChildCount - 1; i >= 0; i--) stack.Push(g.FirstChild + i);
        }
    }

    public bool Equals(SyntaxNode other) => ReferenceEquals(_tree, other._tree) && _index == other._index && _offset == other._offset;
    public override bool Equals(object? obj) => obj is SyntaxNode other && Equals(other);
    public static bool operator ==(SyntaxNode left, SyntaxNode right) => left.Equals(right);
    public static bool operator !=(SyntaxNode left, SyntaxNode right) => !left.Equals(right);
    public override int GetHashCode() => HashCode.Combine(_tree, _index, _offset);
    public override string ToString() => _tree is null ? "(null)" : $"{Kind} {Span}";
}
