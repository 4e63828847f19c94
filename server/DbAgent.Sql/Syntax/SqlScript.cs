using DbAgent.Sql.Lexing;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>An error the front end is certain of, with where it comes from (our lexer/parser, libpg_query, ScriptDom).</summary>
public sealed record SyntaxError(TextSpan Span, string Message, string Source = "dbagent");

/// <summary>What binding a statement needs from its script: the text and tokens it lies in, the dialect, the schema.</summary>
internal sealed class BindContext(SourceText text, IReadOnlyList<Token> tokens, SqlDialect dialect, SchemaModel? schema)
{
    public StatementModel Bind(GreenNode[] tree, in StatementSlice slice) =>
        Binder.Bind(WindowOf(text, tokens, slice), dialect, schema, new SyntaxNode(tree, GreenTree.Root(tree), slice.Span.Start), tokens, slice);

    /// <summary>The characters parsing or binding a statement may read: from the comments before it to its terminator.</summary>
    public static TextWindow WindowOf(SourceText text, IReadOnlyList<Token> tokens, in StatementSlice slice)
    {
        var start = slice.LeadingTriviaStart < tokens.Count ? Math.Min(tokens[slice.LeadingTriviaStart].Start, slice.Span.Start) : slice.Span.Start;
        return text.Window(start, Math.Max(slice.Span.End, slice.FullSpan(tokens).End));
    }
}

/// <summary>
/// One statement of a script: its slice of tokens, its syntax tree and its semantic model. The model is bound when
/// first read, not when the script is parsed: a parse builds trees only, and an edit binds nothing until a feature
/// asks (the rules read only the statements the edit touched; a hover, one statement).
/// </summary>
public sealed class ParsedStatement
{
    private StatementModel? _model;
    // Until the model is built: the script it is bound in, or the model of an earlier version it is moved from.
    // Both are dropped once it is built, so that a statement does not keep an old document's text alive.
    private BindContext? _context;
    private StatementModel? _unshifted;
    private readonly int _shift;

    internal ParsedStatement(GreenNode[] tree, StatementSlice slice, BindContext context, TreeMemo? memo = null, object? placement = null)
    {
        Tree = tree;
        Slice = slice;
        _context = context;
        _memo = memo;
        _placement = placement;
    }

    /// <summary>
    /// A statement of an earlier version of the script, moved by <paramref name="shift"/> characters (and its slice
    /// given anew): the tree is shared; a model the earlier version built is moved when first read, otherwise the
    /// model is bound in <paramref name="context"/>.
    /// </summary>
    internal ParsedStatement(ParsedStatement original, StatementSlice slice, int shift, BindContext context)
    {
        Tree = original.Tree;
        _memo = original.Memo;
        _placement = original.Placement;
        Slice = slice;
        var built = Volatile.Read(ref original._model);
        if (built is not null)
        {
            _unshifted = built;
            _shift = shift;
        }
        else if (Volatile.Read(ref original._unshifted) is { } unshifted)
        {
            _unshifted = unshifted;
            _shift = original._shift + shift;
        }
        else
        {
            _context = context;
        }
    }

    internal GreenNode[] Tree { get; }

    public StatementSlice Slice { get; }

    /// <summary>The statement's model, bound on first read (safe from any thread: concurrent readers get one model).</summary>
    public StatementModel Model => Volatile.Read(ref _model) ?? BuildModel();

    /// <summary>True once the model is built: an edit can then move it rather than bind the statement again.</summary>
    internal bool HasModel => Volatile.Read(ref _model) is not null;

    /// <summary>
    /// Binds the statement, when its model is still to be built, in <paramref name="context"/>: the next version of its
    /// script, in which an edit after it left its text, position and tokens as they were. Either version's context
    /// gives the same model, so readers of the older version lose nothing, and the older text is no longer held here.
    /// </summary>
    internal void KeepIn(BindContext context)
    {
        if (Volatile.Read(ref _context) is not null && !HasModel) Volatile.Write(ref _context, context);
    }

    private StatementModel BuildModel()
    {
        var unshifted = Volatile.Read(ref _unshifted);
        var context = Volatile.Read(ref _context);
        StatementModel model;
        if (unshifted is not null) model = ModelShifter.Shift(unshifted, _shift);
        else if (context is not null) model = context.Bind(Tree, Slice);
        else return Volatile.Read(ref _model)!; // another thread built it and dropped the inputs
        var winner = Interlocked.CompareExchange(ref _model, model, null) ?? model;
        Volatile.Write(ref _context, null);
        Volatile.Write(ref _unshifted, null);
        return winner;
    }

    public TextSpan Span => Slice.Span;

    /// <summary>The statement's syntax tree; its root spans <see cref="Span"/>.</summary>
    public SyntaxNode Syntax => new(Tree, GreenTree.Root(Tree), Slice.Span.Start);

    /// <summary>True when the tree holds an error node or a missing piece (the parser recovered here).</summary>
    public bool HasSyntaxErrors => (Tree[^1].Flags & NodeFlags.ContainsError) != 0;

    /// <summary>
    /// The same object for a statement in two versions of a script exactly when an edit left the statement's text and
    /// tree untouched (the incremental parser reuses them): what per-statement caches key on. Reading it builds no model.
    /// </summary>
    public object TreeIdentity => Tree;

    private TreeMemo? _memo;

    /// <summary>
    /// What per-statement caches remember of this tree: the same object wherever <see cref="TreeIdentity"/> is. Made
    /// when first asked for (a one-shot `dbagent check` never asks, and pays nothing for it).
    /// </summary>
    public TreeMemo Memo => Volatile.Read(ref _memo) ?? Interlocked.CompareExchange(ref _memo, new TreeMemo(), null) ?? _memo!;

    /// <summary>The memo if one was made: what a dropped tree keeps without making one.</summary>
    internal TreeMemo? MemoIfMade => Volatile.Read(ref _memo);

    private object? _placement;

    /// <summary>
    /// What an analysis cache keeps about the statement where it stands, unlike <see cref="Memo"/>, which follows its
    /// tree: an edit before the statement makes a new object, which starts with what the old one kept (so what is kept
    /// must say where it was made for, and may be used for the tree's sake). The lint cache keeps the
    /// statement's findings placed at its start here, on the statement of the current version rather than in its own
    /// long-lived tables (which every keystroke would otherwise fill with references to new objects, each to be
    /// scanned by the garbage collector). Any thread; the last writer wins, so what is kept must say what it is for.
    /// </summary>
    public object? Placement
    {
        get => Volatile.Read(ref _placement);
        set => Volatile.Write(ref _placement, value);
    }
}

/// <summary>
/// How an edit made a script from the version before it (<paramref name="From"/>, that version's
/// <see cref="SqlScript.Version"/>): its first <paramref name="Kept"/> statements are that version's first ones, the same
/// objects; its last <paramref name="After"/> are that version's last ones over the same trees, moved by
/// <paramref name="Delta"/> characters; those between are new. <paramref name="Changed"/> is the stretch of the new text
/// that differs from the old one (the text before it and after it is the old text, moved by <paramref name="Delta"/>).
/// </summary>
public sealed record ScriptEdit(object From, int Kept, int After, int Delta, TextSpan Changed);

/// <summary>
/// The immutable parse of a whole document: tokens, statements with their trees and models, and certain syntax
/// errors. Safe to share across threads; an edit produces a new instance through <see cref="WithChanges"/>, which
/// re-lexes from a safe restart point and re-parses only the statements the edit touched.
/// </summary>
public sealed class SqlScript
{
    private SqlScript(SourceText text, SqlDialect dialect, SchemaModel? schema, TokenList tokens, List<ParsedStatement> statements, List<SyntaxError> errors,
        DroppedTrees? dropped = null, ScriptEdit? edit = null, Parts? before = null)
    {
        _dropped = dropped;
        _before = before;
        Edit = edit;
        Text = text;
        Dialect = dialect;
        Schema = schema;
        Tokens = tokens;
        Statements = statements;
        Errors = errors;
    }

    /// <summary>
    /// What edits of this document re-parsed away, shared by its versions (see <see cref="DroppedTrees"/>): made by the
    /// first edit, so that a script parsed once (`dbagent check`, a chat tool) carries none.
    /// </summary>
    private DroppedTrees? _dropped;

    private DroppedTrees Dropped => Volatile.Read(ref _dropped) ?? Interlocked.CompareExchange(ref _dropped, new DroppedTrees(), null) ?? _dropped!;

    internal (int Statements, int Stretches, long Characters) DroppedSize => _dropped?.Size ?? (0, 0, 0);

    /// <summary>What a parse is made of: the version an edit that was costly to parse was made from keeps them (<see cref="_before"/>).</summary>
    private sealed record Parts(SourceText Text, TokenList Tokens, List<ParsedStatement> Statements, List<SyntaxError> Errors);

    /// <summary>
    /// The parse of the version this one was made from, when that edit re-parsed much of the document (a quote typed
    /// mid-file turns the rest into other statements): the edit that brings its text back (the quote deleted again,
    /// an undo) takes it whole instead of lexing to the end of the file and re-parsing thousands of statements. Only
    /// one version back: that version's parts hold no parts of their own.
    /// </summary>
    private readonly Parts? _before;

    /// <summary>How many statements an edit re-parses (old ones dropped and new ones parsed) before its result keeps the version before it (<see cref="_before"/>).</summary>
    private const int CostlyEdit = 64;

    public SourceText Text { get; }

    /// <summary>This version's identity, for what is computed per version and carried to the next (see <see cref="Edit"/>).</summary>
    public object Version { get; } = new();

    /// <summary>
    /// How an edit made this version from the one before (null for a parse from scratch): which statements it kept,
    /// so that what was computed per statement for the version before can be carried over by index, not looked up
    /// statement by statement.
    /// </summary>
    public ScriptEdit? Edit { get; }

    /// <summary>
    /// True when an edit made this version from <paramref name="version"/>, a version of <paramref name="statementCount"/>
    /// statements: what was worked out per statement of that one then holds, by index, for the statements the edit kept
    /// (<see cref="CarryKept{T}"/>).
    /// </summary>
    public bool IsEditOf(object? version, int statementCount) =>
        Edit is { } edit && ReferenceEquals(edit.From, version) && edit.Kept + edit.After <= Math.Min(Statements.Count, statementCount);

    /// <summary>
    /// Copies what <paramref name="before"/> (one slot per statement of the version this one is an edit of, see
    /// <see cref="IsEditOf"/>) holds for the statements the edit kept into their slots of <paramref name="into"/>.
    /// </summary>
    public void CarryKept<T>(T[] before, T[] into)
    {
        var edit = Edit ?? throw new InvalidOperationException("a version no edit made carries nothing");
        Array.Copy(before, into, edit.Kept);
        Array.Copy(before, before.Length - edit.After, into, into.Length - edit.After, edit.After);
    }

    public SqlDialect Dialect { get; }
    /// <summary>The schema used to resolve unqualified columns, when one was given.</summary>
    public SchemaModel? Schema { get; }
    public IReadOnlyList<Token> Tokens { get; }
    public IReadOnlyList<ParsedStatement> Statements { get; }
    public IReadOnlyList<SyntaxError> Errors { get; }

    /// <summary>
    /// The tokens that split the document into what the engine parses as one unit (T-SQL GO lines, psql
    /// meta-commands, MySQL DELIMITER lines), in order. Cheap on every version: it does not walk every token.
    /// </summary>
    public IReadOnlyList<Token> BatchBoundaries() => ((TokenList)Tokens).BatchBoundaries();

    public static SqlScript Parse(string text, SqlDialect dialect, SchemaModel? schema = null) => Parse(SourceText.From(text), dialect, schema);

    public static SqlScript Parse(SourceText text, SqlDialect dialect) => Parse(text, dialect, null);

    /// <summary>Parses a document; with a schema, unqualified columns resolve to the relation that has them.</summary>
    public static SqlScript Parse(SourceText text, SqlDialect dialect, SchemaModel? schema)
    {
        var source = text.Text;
        var tokenList = new TokenList(SqlLexer.LexToArray(source, dialect));
        IReadOnlyList<Token> tokens = tokenList;
        var context = new BindContext(text, tokenList, dialect, schema);
        var parser = new Parser();
        var statements = new List<ParsedStatement>(Math.Max(4, tokens.Count / 64));
        var i = 0;
        var balanced = true;
        while (StatementSplitter.Next(tokens, dialect, ref i, out var slice))
        {
            statements.Add(new ParsedStatement(parser.ParseStatement(source, tokens, slice, dialect), slice, context));
            balanced &= parser.IsBalanced;
        }
        var errors = balanced ? LexicalErrors.FindInBalanced(text, tokens) : LexicalErrors.Find(text, tokens, dialect);
        return new SqlScript(text, dialect, schema, tokenList, statements, errors);
    }

    /// <summary>
    /// The script after an edit. <paramref name="newText"/> is the whole new document; <paramref name="changes"/> are
    /// the edits that produced it, as LSP sends them. The changed region is found by comparing the old and new texts
    /// (exact however the edits were described, and linear with vectorised compares). Tokens are re-lexed from the
    /// statement before the change until a token boundary lines up with the old tokens in the same lexer state;
    /// statements are re-split and re-parsed until a statement boundary lines up; everything after is reused, moved
    /// by the length difference. The result equals a full <see cref="Parse(SourceText, SqlDialect, SchemaModel)"/>.
    /// </summary>
    public SqlScript WithChanges(SourceText newText, IReadOnlyList<TextChange> changes)
    {
        _ = changes;
        var oldText = Text;
        // Pieces the two versions share are not compared (an edited text shares all but the edited piece).
        var prefix = SourceText.CommonPrefixLength(oldText, newText);
        var maxSuffix = Math.Min(oldText.Length, newText.Length) - prefix;
        var suffix = SourceText.CommonSuffixLength(oldText, newText, maxSuffix);
        var newEnd = newText.Length - suffix;
        var delta = newText.Length - oldText.Length;
        var oldTokens = (TokenList)Tokens;
        var oldStatements = (List<ParsedStatement>)Statements;
        if (prefix == oldText.Length && prefix == newText.Length)
            return new SqlScript(newText, Dialect, Schema, oldTokens, oldStatements, (List<SyntaxError>)Errors, Volatile.Read(ref _dropped),
                new ScriptEdit(Version, oldStatements.Count, 0, 0, default));

        // The text of the version before this one again: its parse, whole (see _before).
        if (_before is { } before && before.Text.Length == newText.Length && SourceText.CommonPrefixLength(before.Text, newText) == newText.Length)
            return Restore(before, newText, prefix, newEnd, delta);

        // A DELIMITER line changes lexing for the rest of the file: start over when one is involved.
        if (Dialect == SqlDialect.MySql && (oldTokens.BatchBoundaries().Exists(static t => t.Kind == TokenKind.DelimiterCommand) || newText.ContainsAny(DelimiterWord, "DELIMITER".Length)))
            return Parse(newText, Dialect, Schema);

        // Restart at the statement before the first one the edit can touch (its end decides where the next begins).
        // (Statements and their ends are in document order: a binary search, not a walk over every statement before
        // the edit, each reading its terminator token.)
        int lo = 0, hi = oldStatements.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (oldStatements[mid].Slice.FullSpan(oldTokens).End + 4 < prefix) lo = mid + 1; else hi = mid;
        }
        var k = lo;
        var keep = Math.Max(0, k - 1);
        var restartToken = TokenAt(oldTokens, Math.Max(0, prefix - 4));
        if (keep < oldStatements.Count) restartToken = Math.Min(restartToken, oldStatements[keep].Slice.LeadingTriviaStart);
        var restartPos = restartToken < oldTokens.Count ? oldTokens[restartToken].Start : 0;
        if (oldTokens.Count == 0) restartToken = 0;
        var atLineStart = restartToken == 0 || SqlLexer.AtLineStartAfter(oldText, oldTokens[restartToken - 1]);

        // Re-lex until a token boundary after the edit lines up with an old one in the same state.
        var relexed = new List<Token>(64);
        var resumeOld = -1;
        // The first old token at or after the last position asked about: positions only grow, so the search walks on
        // from it instead of starting over (a quote typed or deleted re-lexes to the end of the file).
        var cursor = -1;
        // The lexer reads a window of the new text: from a little before the restart (it reads the character before a
        // ':') to some way past the edit. Where it ran to the window's end without lining up, or lined up too near
        // that end (a token's end may depend on the characters after it), it lexes again over a wider window.
        var windowStart = Math.Max(0, restartPos - 16);
        var reach = Math.Max(4096, 2 * (newEnd - restartPos));
        const int margin = 64;
        while (true)
        {
            var windowEnd = reach >= newText.Length - newEnd ? newText.Length : newEnd + reach;
            relexed.Clear();
            resumeOld = -1;
            cursor = -1;
            var stopped = Relex(newText.Window(windowStart, windowEnd), windowEnd);
            if (windowEnd == newText.Length || (resumeOld >= 0 && stopped <= windowEnd - margin)) break;
            reach = (int)Math.Min(int.MaxValue / 2, 8L * reach);
        }
        var relexedEnd = restartToken + relexed.Count;
        var tokenDelta = resumeOld >= 0 ? relexedEnd - resumeOld : 0;
        // The tokens after the resync point are the old ones moved by delta: shared, not copied.
        var tokens = oldTokens.Replace(restartToken, resumeOld >= 0 ? resumeOld : oldTokens.Count, relexed, delta);

        // Resync strictly after the change: the lexer reads the character before a ':' (a '::' cast is not a :name
        // parameter), so that character must be one the edit left alone.
        int Relex(TextWindow window, int windowEnd) => SqlLexer.LexFrom(window, Dialect, restartPos, atLineStart, relexed, newEnd + 1, pos =>
        {
            var old = pos - delta;
            if (cursor < 0) cursor = FirstTokenStartingAtOrAfter(oldTokens, old);
            while (cursor < oldTokens.Count && oldTokens[cursor].Start < old) cursor++;
            return cursor < oldTokens.Count ? oldTokens[cursor].Start + delta : int.MaxValue;
        }, (pos, lineStart) =>
        {
            // Asked only where an old token starts (the candidate the cursor is on).
            var j = cursor;
            if (j <= 0 || j >= oldTokens.Count || oldTokens[j].Start != pos - delta || SqlLexer.AtLineStartAfter(oldText, oldTokens[j - 1]) != lineStart) return false;
            // Too near the window's end to trust the token before: the caller lexes again over a wider window.
            if (pos > windowEnd - margin && windowEnd < newText.Length) return false;
            resumeOld = j;
            return true;
        });

        // Re-split and re-parse from the kept statements until a statement boundary lines up with an old one.
        var context = new BindContext(newText, tokens, Dialect, Schema);
        var statements = new List<ParsedStatement>(oldStatements.Count + 4);
        for (var s = 0; s < keep; s++) statements.Add(Shift(oldStatements[s], 0, 0, context));
        var parser = new Parser();
        // Splitting is deterministic from a statement's leading trivia; with no statement before, from the start (the
        // first statement's comments begin at token 0, however far into the document the edit is).
        var index = keep < oldStatements.Count ? Math.Min(oldStatements[keep].Slice.LeadingTriviaStart, restartToken) : 0;
        var dropEnd = oldStatements.Count;
        var dropped = Dropped;
        while (StatementSplitter.Next(tokens, Dialect, ref index, out var slice))
        {
            if (resumeOld >= 0 && slice.LeadingTriviaStart >= relexedEnd)
            {
                var m = FindStatementByLeading(oldStatements, slice.LeadingTriviaStart - tokenDelta);
                if (m >= 0)
                {
                    dropEnd = m;
                    for (var s = m; s < oldStatements.Count; s++) statements.Add(Shift(oldStatements[s], delta, tokenDelta, context));
                    break;
                }
            }
            // A statement an earlier edit dropped comes back as it was (an edit undone): its tree, not a new parse.
            statements.Add(dropped.TryTake(newText.Slice(slice.Span), out var tree, out var memo, out var placement)
                ? new ParsedStatement(tree, slice, context, memo, placement)
                : new ParsedStatement(parser.ParseStatement(BindContext.WindowOf(newText, tokens, slice), tokens, slice, Dialect), slice, context));
        }
        // What this edit re-parsed away, for a later edit that brings it back.
        dropped.Remember(oldText, oldStatements, keep, dropEnd);
        var reparsed = dropEnd - keep + statements.Count - (keep + oldStatements.Count - dropEnd);
        return new SqlScript(newText, Dialect, Schema, tokens, statements,
            LexicalErrors.Update(newText, tokens, Errors, restartToken, relexedEnd, delta), dropped,
            new ScriptEdit(Version, keep, oldStatements.Count - dropEnd, delta, TextSpan.FromBounds(prefix, newEnd)),
            reparsed >= CostlyEdit ? new Parts(oldText, oldTokens, oldStatements, (List<SyntaxError>)Errors) : null);
    }

    /// <summary>
    /// This version's edit undone: the version before it again, its tokens, statements and errors as they were (they
    /// equal a parse of the same text), with this version kept in turn for a redo. The statements it shares with this
    /// one are found by object at the start and by tree at the end, for <see cref="Edit"/>.
    /// </summary>
    private SqlScript Restore(Parts before, SourceText newText, int prefix, int newEnd, int delta)
    {
        var now = (List<ParsedStatement>)Statements;
        var then = before.Statements;
        var most = Math.Min(now.Count, then.Count);
        var kept = 0;
        while (kept < most && ReferenceEquals(now[kept], then[kept])) kept++;
        var after = 0;
        while (kept + after < most && now[^(after + 1)] is var a && then[^(after + 1)] is var b
               && ReferenceEquals(a.TreeIdentity, b.TreeIdentity) && a.Span.Start + delta == b.Span.Start)
            after++;
        return new SqlScript(newText, Dialect, Schema, before.Tokens, then, before.Errors, Volatile.Read(ref _dropped),
            new ScriptEdit(Version, kept, after, delta, TextSpan.FromBounds(prefix, newEnd)),
            new Parts(Text, (TokenList)Tokens, now, (List<SyntaxError>)Errors));
    }

    private static readonly System.Buffers.SearchValues<string> DelimiterWord = System.Buffers.SearchValues.Create(["DELIMITER"], StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A statement the edit did not touch, in the new version. One that does not move is the same object, bound from
    /// now on in the new version if its model is not built yet; one that moves is a new object over the same tree,
    /// whose model is moved from the old one or bound in the new version. No statement keeps old text alive.
    /// </summary>
    private static ParsedStatement Shift(ParsedStatement statement, int delta, int tokenDelta, BindContext context)
    {
        if (delta == 0 && tokenDelta == 0)
        {
            statement.KeepIn(context);
            return statement;
        }
        var s = statement.Slice;
        var slice = new StatementSlice(s.LeadingTriviaStart + tokenDelta, s.FirstToken + tokenDelta, s.LastToken + tokenDelta,
            s.TerminatorToken >= 0 ? s.TerminatorToken + tokenDelta : -1, new TextSpan(s.Span.Start + delta, s.Span.Length), s.Terminator);
        return new ParsedStatement(statement, slice, delta, context);
    }

    /// <summary>Index of the token containing the offset (or the nearest one).</summary>
    private static int TokenAt(IReadOnlyList<Token> tokens, int offset)
    {
        int lo = 0, hi = tokens.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = tokens[mid];
            if (offset < t.Start) hi = mid - 1;
            else if (offset >= t.End) lo = mid + 1;
            else return mid;
        }
        return Math.Max(0, Math.Min(lo, tokens.Count - 1));
    }

    /// <summary>Index of the first token that starts at or after the offset (the count when none does).</summary>
    private static int FirstTokenStartingAtOrAfter(IReadOnlyList<Token> tokens, int offset)
    {
        int lo = 0, hi = tokens.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (tokens[mid].Start < offset) lo = mid + 1; else hi = mid - 1;
        }
        return lo;
    }

    private static int FindStatementByLeading(List<ParsedStatement> statements, int leading)
    {
        int lo = 0, hi = statements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var v = statements[mid].Slice.LeadingTriviaStart;
            if (v == leading) return mid;
            if (v < leading) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }

    /// <summary>The statement whose span contains (or touches) the offset, if any.</summary>
    public ParsedStatement? StatementAt(int offset)
    {
        var lo = 0;
        var hi = Statements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var s = Statements[mid].Span;
            if (offset < s.Start) hi = mid - 1;
            else if (offset > s.End) lo = mid + 1;
            else return Statements[mid];
        }
        return null;
    }

    /// <summary>The comments that stand before a statement (and on its last line after it), for inline suppressions.</summary>
    public IEnumerable<Token> CommentsAround(ParsedStatement statement)
    {
        for (var i = statement.Slice.LeadingTriviaStart; i < statement.Slice.FirstToken; i++)
            if (Tokens[i].IsComment) yield return Tokens[i];
        var after = statement.Slice.TerminatorToken >= 0 ? statement.Slice.TerminatorToken + 1 : statement.Slice.LastToken + 1;
        for (var i = after; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.Kind == TokenKind.Whitespace && Text.Slice(t.Span).IndexOfAny('\n', '\r') >= 0) break;
            if (t.IsComment) { yield return t; break; }
            if (!t.IsTrivia) break;
        }
    }
}

/// <summary>Which statements of a script may change the schema, found from their first keyword without binding them.</summary>
public static class ScriptDdl
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<SqlScript, ParsedStatement[]> Found = new();

    /// <summary>
    /// The statements that begin with CREATE, ALTER, DROP or RENAME (the only ones whose model carries DDL actions),
    /// once per script: a query file of 20,000 statements is not bound to learn that it creates nothing.
    /// </summary>
    public static IReadOnlyList<ParsedStatement> Candidates(SqlScript script) => Found.GetValue(script, static s =>
    {
        var found = new List<ParsedStatement>();
        foreach (var statement in s.Statements)
        {
            var first = statement.Slice.FirstToken;
            if (first < 0 || first >= s.Tokens.Count) continue;
            var keyword = s.Tokens[first].Keyword;
            if (keyword is DbAgent.Sql.Lexing.Kw.CREATE or DbAgent.Sql.Lexing.Kw.ALTER or DbAgent.Sql.Lexing.Kw.DROP or DbAgent.Sql.Lexing.Kw.RENAME)
                found.Add(statement);
        }
        return found.ToArray();
    });

    /// <summary>The statements that do change the schema (binding only the candidates).</summary>
    public static IEnumerable<ParsedStatement> Statements(SqlScript script) => Candidates(script).Where(s => s.Model.Ddl.Count > 0);
}
