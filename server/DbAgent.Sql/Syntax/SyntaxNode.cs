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
/// The immutable, position-independent part of a node: kind, offset from its statement's start, length, children.
/// Statements after an edit keep their green trees; only the statement's start moves.
/// </summary>
internal sealed class GreenNode
{
    public static readonly GreenNode[] NoChildren = [];

    // The children: null for none, the node itself for one (most nodes with children have exactly one: a name's
    // identifier, a clause's expression), an array for more. Saves an array per single-child node.
    private readonly object? _children;

    public GreenNode(SyntaxKind kind, int start, int length, GreenNode[] children, NodeFlags flags, short tag = 0)
        : this(kind, start, length, children.Length switch { 0 => null, 1 => children[0], _ => children }, flags, tag)
    {
    }

    /// <summary>A node with a single child.</summary>
    public GreenNode(SyntaxKind kind, int start, int length, GreenNode child, NodeFlags flags, short tag = 0)
        : this(kind, start, length, (object)child, flags, tag)
    {
    }

    /// <summary>The same children under another kind, span or flags.</summary>
    public GreenNode(GreenNode childrenOf, SyntaxKind kind, int start, int length, NodeFlags flags, short tag = 0)
        : this(kind, start, length, childrenOf._children, flags, tag)
    {
    }

    private GreenNode(SyntaxKind kind, int start, int length, object? children, NodeFlags flags, short tag)
    {
        Kind = kind;
        Start = start;
        Length = length;
        _children = children;
        Flags = flags;
        Tag = tag;
    }

    public SyntaxKind Kind { get; }
    public int Start { get; }
    public int Length { get; }
    public NodeFlags Flags { get; }
    /// <summary>Kind-specific detail (the join kind, the set operator, ...), read through <see cref="SyntaxNode.Tag"/>.</summary>
    public short Tag { get; }
    public int End => Start + Length;

    public int ChildCount => _children switch
    {
        null => 0,
        GreenNode => 1,
        _ => System.Runtime.CompilerServices.Unsafe.As<GreenNode[]>(_children).Length,
    };

    public GreenNode GetChild(int index)
    {
        if (_children is GreenNode single)
        {
            if (index != 0) throw new ArgumentOutOfRangeException(nameof(index));
            return single;
        }
        if (_children is null) throw new ArgumentOutOfRangeException(nameof(index));
        return System.Runtime.CompilerServices.Unsafe.As<GreenNode[]>(_children)[index];
    }
}

/// <summary>A node of a statement's syntax tree with its absolute span: a cheap view over the shared green node.</summary>
public readonly struct SyntaxNode : IEquatable<SyntaxNode>
{
    private readonly GreenNode? _green;
    private readonly int _offset;

    internal SyntaxNode(GreenNode green, int offset)
    {
        _green = green;
        _offset = offset;
    }

    internal GreenNode Green => _green!;
    public bool IsNull => _green is null;
    public SyntaxKind Kind => _green!.Kind;
    public TextSpan Span => new(_offset + _green!.Start, _green.Length);
    /// <summary>A piece the grammar requires that is not in the text.</summary>
    public bool IsMissing => (_green!.Flags & NodeFlags.Missing) != 0;
    /// <summary>True when this node or one below it is an <see cref="SyntaxKind.Error"/> node or missing.</summary>
    public bool ContainsError => (_green!.Flags & NodeFlags.ContainsError) != 0;
    public int Tag => _green!.Tag;
    public int ChildCount => _green!.ChildCount;
    public SyntaxNode this[int index] => new(_green!.GetChild(index), _offset);

    /// <summary>The children, enumerable without allocation.</summary>
    public ChildList Children => new(_green!, _offset);

    public readonly struct ChildList : IEnumerable<SyntaxNode>
    {
        private readonly GreenNode _parent;
        private readonly int _offset;

        internal ChildList(GreenNode parent, int offset)
        {
            _parent = parent;
            _offset = offset;
        }

        public int Count => _parent.ChildCount;
        public SyntaxNode this[int index] => new(_parent.GetChild(index), _offset);
        public Enumerator GetEnumerator() => new(_parent, _offset);
        IEnumerator<SyntaxNode> IEnumerable<SyntaxNode>.GetEnumerator()
        {
            for (var i = 0; i < _parent.ChildCount; i++) yield return new SyntaxNode(_parent.GetChild(i), _offset);
        }
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => ((IEnumerable<SyntaxNode>)this).GetEnumerator();

        public struct Enumerator
        {
            private readonly GreenNode _parent;
            private readonly int _offset;
            private int _index;

            internal Enumerator(GreenNode parent, int offset)
            {
                _parent = parent;
                _offset = offset;
                _index = -1;
            }

            public readonly SyntaxNode Current => new(_parent.GetChild(_index), _offset);
            public bool MoveNext() => ++_index < _parent.ChildCount;
        }
    }

    /// <summary>The first child of the kind, or a null node.</summary>
    public SyntaxNode Child(SyntaxKind kind)
    {
        var g = _green!;
        for (var i = 0; i < g.ChildCount; i++)
        {
            var c = g.GetChild(i);
            if (c.Kind == kind) return new SyntaxNode(c, _offset);
        }
        return default;
    }

    /// <summary>This node and every node below it, in document order (iterative: deep trees are fine).</summary>
    public IEnumerable<SyntaxNode> DescendantsAndSelf()
    {
        var stack = new Stack<GreenNode>();
        stack.Push(_green!);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            yield return new SyntaxNode(n, _offset);
            for (var i = n.ChildCount - 1; i >= 0; i--) stack.Push(n.GetChild(i));
        }
    }

    /// <summary>The deepest node whose span contains the position.</summary>
    public SyntaxNode FindNode(int position)
    {
        var node = _green!;
        if (position < _offset + node.Start || position > _offset + node.End) return default;
        while (true)
        {
            GreenNode? next = null;
            for (var i = 0; i < node.ChildCount; i++)
            {
                var c = node.GetChild(i);
                if (position >= _offset + c.Start && position <= _offset + c.End && c.Length > 0) { next = c; break; }
            }
            if (next is null) return new SyntaxNode(node, _offset);
            node = next;
        }
    }

    public bool Equals(SyntaxNode other) => ReferenceEquals(_green, other._green) && _offset == other._offset;
    public override bool Equals(object? obj) => obj is SyntaxNode other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_green, _offset);
    public override string ToString() => _green is null ? "(null)" : $"{Kind} {Span}";
}
