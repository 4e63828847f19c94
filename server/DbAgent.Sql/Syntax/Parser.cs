using DbAgent.Sql.Lexing;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// A resilient recursive-descent parser over one statement's tokens. It never throws: what it does not expect it wraps
/// in an <see cref="SyntaxKind.Error"/> node and goes on at the next clause; what the grammar needs and the text lacks
/// becomes an empty missing node; statements it does not know become <see cref="SyntaxKind.OpaqueStatement"/> with the
/// relations and queries it can still see. Nesting is bounded (deeper groups are kept as <see cref="SyntaxKind.Unparsed"/>),
/// so no input overflows the stack. One instance is reused across the statements of a script.
/// </summary>
internal sealed partial class Parser
{
    /// <summary>Deeper nesting than this (parentheses, subqueries, unary chains) is kept flat and unparsed.</summary>
    private const int MaxDepth = 160;

    /// <summary>The statement's characters, by document offset.</summary>
    private TextWindow _text;
    private SqlDialect _dialect;
    private Token[] _tok = new Token[256];
    private int _n;
    private int _pos;
    private int _base;
    private int _lastEnd;
    private int _depth;

    // The statement's tree as it is built: a stack of the nodes not yet given to a parent (the children of the open
    // nodes, and the finished top nodes), and the output, where a node's children are moved, side by side, when the
    // node is finished. So every node's children are one run of the output, and the root comes last.
    private GreenNode[] _stack = new GreenNode[64];
    private int _stackCount;
    private GreenNode[] _out = new GreenNode[256];
    private int _outCount;
    private OpenNode[] _open = new OpenNode[64];
    private int _openCount;

    private struct OpenNode
    {
        public SyntaxKind Kind;
        public int ChildStart;
        public int Start;
        public short Tag;
    }

    private readonly struct Marker(int childIndex, int start)
    {
        public int ChildIndex { get; } = childIndex;
        public int Start { get; } = start;
    }

    /// <summary>Parses the significant tokens of one statement into its tree; the root spans exactly the slice.</summary>
    public GreenNode[] ParseStatement(TextWindow text, IReadOnlyList<Token> tokens, in StatementSlice slice, SqlDialect dialect)
    {
        _text = text;
        _dialect = dialect;
        _base = slice.Span.Start;
        if (TokenSource.TryGetSpan(tokens, out var span)) Load(new SpanTokens(span), slice);
        else Load(new ListTokens(tokens), slice);
        _pos = 0;
        _lastEnd = _base;
        _depth = 0;
        _stackCount = 0;
        _outCount = 0;
        _openCount = 0;

        var root = Statement();
        // The root spans exactly the slice.
        root.Start = 0;
        root.Length = slice.Span.Length;
        Output(root); // last: the root of a tree is its last node
        return _out.AsSpan(0, _outCount).ToArray();
    }

    /// <summary>The statement's significant tokens, each with its keyword (what most checks read).</summary>
    private void Load<TTokens>(TTokens tokens, in StatementSlice slice) where TTokens : ITokenSource, allows ref struct
    {
        var n = 0;
        var count = slice.LastToken - slice.FirstToken + 1;
        if (_tok.Length < count + Sentinels)
        {
            var size = Math.Max(count + Sentinels, _tok.Length * 2);
            _tok = new Token[size];
        }
        var tok = _tok;
        var depth = 0;
        var balanced = true;
        for (var i = slice.FirstToken; i <= slice.LastToken; i++)
        {
            var kind = tokens.KindAt(i);
            if (kind <= TokenKind.BlockComment) continue; // trivia (measured: cheaper than writing every token)
            if (kind == TokenKind.OpenParen) depth++;
            else if (kind == TokenKind.CloseParen) balanced &= --depth >= 0;
            else if (kind is TokenKind.Semicolon or TokenKind.CustomDelimiter or TokenKind.BatchSeparator) balanced = false;
            var t = tokens[i];
            tok[n] = t;
            n++;
        }
        _n = n;
        tok.AsSpan(n, Sentinels).Fill(Sentinel);
        IsBalanced = balanced && depth == 0;
    }

    /// <summary>
    /// True when the statement last parsed has matching parentheses and no delimiter inside (a routine's body has
    /// some): what lets a whole parse skip the lexical scan for unbalanced parentheses (<see cref="LexicalErrors.FindInBalanced"/>).
    /// </summary>
    public bool IsBalanced { get; private set; }

    // ---- token access -------------------------------------------------------------------------------------------

    // The statement's tokens are followed by sentinels (a ';' with no keyword), so that reading at or a few tokens
    // past the end needs no bounds test: the parser reads the current token's kind and keyword constantly.
    private const int Sentinels = 8;
    private static readonly Token Sentinel = new(TokenKind.Semicolon, 0, 0);

    private bool AtEnd => _pos >= _n;
    private Kw K => _tok[_pos].Keyword;
    private TokenKind T => _tok[_pos].Kind;
    private Kw PeekKw(int ahead) => (uint)ahead < Sentinels || _pos + ahead < _n ? _tok[_pos + ahead].Keyword : Kw.None;
    private TokenKind PeekKind(int ahead) => (uint)ahead < Sentinels || _pos + ahead < _n ? _tok[_pos + ahead].Kind : TokenKind.Semicolon;
    private bool IsWordToken => _tok[_pos].Kind == TokenKind.Word;
    private bool IsName => _tok[_pos].Kind is TokenKind.Word or TokenKind.QuotedIdentifier;
    private bool IsNameAt(int ahead) => ((uint)ahead < Sentinels || _pos + ahead < _n) && _tok[_pos + ahead].Kind is TokenKind.Word or TokenKind.QuotedIdentifier;
    private ReadOnlySpan<char> CurrentText => _pos < _n ? _text.AsSpan(_tok[_pos].Start, _tok[_pos].Length) : default;
    private bool IsOp(string op) => _pos < _n && _tok[_pos].Kind == TokenKind.Operator && CurrentText.SequenceEqual(op);
    private bool IsOpAt(int ahead, string op) =>
        _pos + ahead < _n && _tok[_pos + ahead].Kind == TokenKind.Operator && _text.AsSpan(_tok[_pos + ahead].Start, _tok[_pos + ahead].Length).SequenceEqual(op);
    private int CurrentStart => _pos < _n ? _tok[_pos].Start : _lastEnd;

    private void Bump()
    {
        if (_pos >= _n) return;
        _lastEnd = _tok[_pos].End;
        _pos++;
    }

    private bool Eat(Kw kw)
    {
        if (_tok[_pos].Keyword == kw && _pos < _n) { Bump(); return true; }
        return false;
    }

    private bool Eat(TokenKind kind)
    {
        if (_pos < _n && _tok[_pos].Kind == kind) { Bump(); return true; }
        return false;
    }

    private bool EatOp(string op)
    {
        if (IsOp(op)) { Bump(); return true; }
        return false;
    }

    // ---- tree building ------------------------------------------------------------------------------------------

    private Marker Mark() => new(_stackCount, CurrentStart);

    private void Start(SyntaxKind kind, short tag = 0) =>
        Open(kind, _stackCount, CurrentStart, tag);

    private void StartAt(Marker m, SyntaxKind kind, short tag = 0) =>
        Open(kind, m.ChildIndex, m.ChildIndex < _stackCount ? _base + _stack[m.ChildIndex].Start : m.Start, tag);

    private void Open(SyntaxKind kind, int childStart, int start, short tag)
    {
        if (_openCount == _open.Length) Array.Resize(ref _open, _open.Length * 2);
        ref var o = ref _open[_openCount++];
        o.Kind = kind;
        o.ChildStart = childStart;
        o.Start = start;
        o.Tag = tag;
    }

    /// <summary>The innermost open node.</summary>
    private ref OpenNode Innermost => ref _open[_openCount - 1];

    private void SetTag(short tag)
    {
        Innermost.Tag = tag;
    }

    /// <summary>
    /// Closes the innermost open node over the nodes made since it was opened, which move to the output side by side;
    /// returns where the node stands on the stack.
    /// </summary>
    private int Finish(NodeFlags flags = NodeFlags.None)
    {
        var o = _open[--_openCount];
        var count = _stackCount - o.ChildStart;
        if (o.Kind == SyntaxKind.Error) flags |= NodeFlags.ContainsError;
        var end = Math.Max(o.Start, _lastEnd);
        var children = _stack.AsSpan(o.ChildStart, count);
        foreach (ref readonly var c in children) flags |= c.Flags & NodeFlags.ContainsError;
        var firstChild = Output(children);
        _stackCount = o.ChildStart;
        return Push(kind: o.Kind, start: o.Start - _base, length: end - o.Start, firstChild, count, flags, o.Tag);
    }

    /// <summary>A node for the current token alone.</summary>
    private void Leaf(SyntaxKind kind, short tag = 0)
    {
        var t = _tok[_pos];
        Push(kind, t.Start - _base, t.Length, 0, 0, NodeFlags.None, tag);
        Bump();
    }

    /// <summary>
    /// A node of kind <paramref name="outer"/> over a leaf for the current token alone: what Start, Leaf and Finish
    /// make of a one-part name, without their bookkeeping (most names have one part).
    /// </summary>
    private void WrappedLeaf(SyntaxKind outer, SyntaxKind inner)
    {
        var t = _tok[_pos];
        var leaf = Output(new GreenNode { Kind = inner, Start = t.Start - _base, Length = t.Length });
        Push(outer, t.Start - _base, t.Length, leaf, 1, NodeFlags.None, 0);
        Bump();
    }

    /// <summary>An empty node where the grammar needs something the text does not have.</summary>
    private void Missing(SyntaxKind kind)
    {
        var at = _pos < _n ? _tok[_pos].Start : _lastEnd;
        Push(kind, at - _base, 0, 0, 0, NodeFlags.Missing | NodeFlags.ContainsError, 0);
    }

    /// <summary>Puts a node on the stack of nodes waiting for a parent; returns where it stands.</summary>
    private int Push(SyntaxKind kind, int start, int length, int firstChild, int childCount, NodeFlags flags, short tag)
    {
        if (_stackCount == _stack.Length) Array.Resize(ref _stack, _stack.Length * 2);
        ref var node = ref _stack[_stackCount];
        node.Kind = kind;
        node.Tag = tag;
        node.Flags = flags;
        node.Start = start;
        node.Length = length;
        node.FirstChild = firstChild;
        node.ChildCount = childCount;
        return _stackCount++;
    }

    /// <summary>Moves nodes to the output, side by side; returns where the first one went.</summary>
    private int Output(ReadOnlySpan<GreenNode> nodes)
    {
        var first = _outCount;
        if (_outCount + nodes.Length > _out.Length) Array.Resize(ref _out, Math.Max(_out.Length * 2, _outCount + nodes.Length));
        // Most nodes have one to three children: a loop costs less than a call to copy memory.
        var output = _out;
        for (var i = 0; i < nodes.Length; i++) output[first + i] = nodes[i];
        _outCount += nodes.Length;
        return first;
    }

    private int Output(in GreenNode node) => Output(new ReadOnlySpan<GreenNode>(in node));

    /// <summary>Wraps tokens the grammar does not expect, up to the stop condition at paren depth 0, in an error node.</summary>
    private void ErrorUntil(Func<Parser, bool> stop)
    {
        if (AtEnd || stop(this)) return;
        Start(SyntaxKind.Error);
        SkipBalanced(stop);
        Finish();
    }

    /// <summary>
    /// Consumes tokens with balanced parentheses until the stop condition holds at depth 0 or an unmatched ')'.
    /// Queries inside parentheses are parsed, so their relations stay visible. Iterative: any depth is fine.
    /// </summary>
    private void SkipBalanced(Func<Parser, bool>? stop)
    {
        var depth = 0;
        while (!AtEnd)
        {
            var kind = T;
            if (depth == 0 && stop is not null && stop(this)) return;
            if (kind == TokenKind.OpenParen)
            {
                if (StartsQuery(1) && _depth < MaxDepth)
                {
                    Subquery();
                    continue;
                }
                depth++;
            }
            else if (kind == TokenKind.CloseParen)
            {
                if (depth == 0) return;
                depth--;
            }
            Bump();
        }
    }

    /// <summary>Skips to the end of the statement (balanced), keeping queries in parentheses visible.</summary>
    private void SkipRest() => SkipBalanced(null);

    private bool StartsQuery(int ahead)
    {
        var kw = PeekKw(ahead);
        return kw is Kw.SELECT or Kw.VALUES or Kw.WITH || (kw is Kw.INSERT or Kw.UPDATE or Kw.DELETE or Kw.MERGE && ahead == 1 && _dialect is SqlDialect.Postgres or SqlDialect.TSql) || (kw == Kw.TABLE && IsNameAt(ahead + 1) && _dialect == SqlDialect.Postgres)
            || (PeekKind(ahead) == TokenKind.OpenParen && PeekKw(ahead + 1) is Kw.SELECT or Kw.WITH && ahead < 4 && InnerQueryIsWhole(ahead));
    }

    // ---- names --------------------------------------------------------------------------------------------------

    /// <summary>name[.name[.name]] as a Name node of Identifier leaves.</summary>
    private bool QualifiedName()
    {
        if (!IsName)
        {
            Missing(SyntaxKind.Name);
            return false;
        }
        if (PeekKind(1) != TokenKind.Dot)
        {
            WrappedLeaf(SyntaxKind.Name, SyntaxKind.Identifier);
            return true;
        }
        Start(SyntaxKind.Name);
        Leaf(SyntaxKind.Identifier);
        while (T == TokenKind.Dot && (IsNameAt(1) || (PeekKind(1) == TokenKind.Dot)))
        {
            Bump();
            if (T == TokenKind.Dot) continue; // T-SQL db..table
            Leaf(SyntaxKind.Identifier);
        }
        Finish();
        return true;
    }

    private void Identifier()
    {
        if (IsName || T == TokenKind.String) Leaf(SyntaxKind.Identifier);
        else Missing(SyntaxKind.Identifier);
    }

    /// <summary>( name, name, ... ) as a ColumnList.</summary>
    private void ColumnList()
    {
        Start(SyntaxKind.ColumnList);
        Bump(); // (
        while (!AtEnd && T != TokenKind.CloseParen)
        {
            if (IsName) Leaf(SyntaxKind.Identifier);
            else ErrorUntil(static p => p.T is TokenKind.Comma or TokenKind.CloseParen);
            // Field and subscript targets (f.x, a[1]), key prefix lengths, ASC/DESC, and the types of column
            // definition lists (AS x(a int, b text)) are kept as tokens.
            SkipBalanced(static p => p.T == TokenKind.Comma);
            if (!Eat(TokenKind.Comma)) break;
        }
        ExpectCloseParen();
        Finish();
    }

    private void ExpectCloseParen()
    {
        if (Eat(TokenKind.CloseParen)) return;
        if (AtEnd) return; // the lexical pass reports the unbalanced '('
        ErrorUntil(static p => p.T == TokenKind.CloseParen);
        Eat(TokenKind.CloseParen);
    }

    /// <summary>A balanced ( ... ) skipped whole, queries inside still parsed.</summary>
    private void SkipParenGroup()
    {
        if (T != TokenKind.OpenParen) return;
        Bump();
        SkipBalanced(null);
        Eat(TokenKind.CloseParen);
    }

    /// <summary>An optional alias: AS name, or a bare name that is not a clause keyword.</summary>
    private bool OptionalAlias(bool allowColumns = false)
    {
        if (K == Kw.AS)
        {
            Start(SyntaxKind.Alias);
            Bump();
            Identifier();
            Finish();
        }
        else if ((T == TokenKind.QuotedIdentifier) || (IsWordToken && !Keywords.IsClauseWord(K) && !IsAliasStopper(K) && !(IsPivotWord() && PeekKind(1) == TokenKind.OpenParen)))
        {
            Start(SyntaxKind.Alias);
            Leaf(SyntaxKind.Identifier);
            Finish();
        }
        else if (T == TokenKind.String && _dialect is SqlDialect.MySql or SqlDialect.TSql or SqlDialect.Sqlite)
        {
            Start(SyntaxKind.Alias);
            Leaf(SyntaxKind.Identifier);
            Finish();
        }
        else return false;
        if (allowColumns && T == TokenKind.OpenParen && (IsNameAt(1) || PeekKind(1) == TokenKind.CloseParen)) ColumnList();
        return true;
    }

    private static bool IsAliasStopper(Kw kw) => kw switch
    {
        Kw.LIMIT or Kw.OFFSET or Kw.FETCH or Kw.RETURNING or Kw.WINDOW or Kw.ON or Kw.USING or Kw.NATURAL or Kw.CROSS
            or Kw.FULL or Kw.INNER or Kw.LEFT or Kw.RIGHT or Kw.OUTER or Kw.JOIN or Kw.WHERE or Kw.GROUP or Kw.HAVING
            or Kw.ORDER or Kw.UNION or Kw.EXCEPT or Kw.INTERSECT or Kw.MINUS or Kw.SET or Kw.FROM or Kw.WITH or Kw.APPLY
            or Kw.OUTPUT or Kw.OPTION or Kw.FOR or Kw.TABLESAMPLE or Kw.STRAIGHT_JOIN or Kw.PARTITION or Kw.VALUES
            or Kw.SELECT or Kw.INTO or Kw.WHEN or Kw.THEN or Kw.ELSE or Kw.END or Kw.DO or Kw.FORCE or Kw.IGNORE
            or Kw.USE or Kw.LOCK or Kw.INCLUDE or Kw.TOP or Kw.INDEXED => true,
        _ => false,
    };
}
