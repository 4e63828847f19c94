using DbAgent.Sql.Text;

namespace DbAgent.Sql.Syntax;

/// <summary>
/// The statements that recent edits of one document re-parsed away, by their text, for its later versions: a quote
/// typed in the middle of a long migration turns the rest of the file into other statements, and the quote deleted
/// turns them back, each as it was. Those get their old tree, memo and placement (so per-statement caches know them at
/// once) instead of a parse. A tree depends only on its statement's tokens, and the tokens of a statement's text are
/// the same wherever it stands, except for a ':' first (the lexer reads the character before one): such text is never
/// matched. Each edit's dropped statements are kept as one copy of their stretch of text; the oldest stretches go
/// first beyond a bound. Safe for concurrent use.
/// </summary>
internal sealed class DroppedTrees
{
    internal const long MaxCharacters = 4_000_000;
    internal const int MaxStretches = 64;

    private sealed class Stretch(string text)
    {
        public string Text { get; } = text;
        public List<int> Keys { get; } = [];
    }

    private sealed record Entry(Stretch Stretch, int Start, int Length, GreenNode[] Tree, TreeMemo? Memo, object? Placement);

    private readonly Lock _gate = new();
    /// <summary>By hash of the text, then checked character for character.</summary>
    private readonly Dictionary<int, List<Entry>> _byHash = [];
    private readonly Queue<Stretch> _stretches = new();
    private long _characters;

    /// <summary>What is remembered: statements, stretches of text and their characters (for tests: all stay bounded).</summary>
    internal (int Statements, int Stretches, long Characters) Size
    {
        get { lock (_gate) return (_byHash.Values.Sum(l => l.Count), _stretches.Count, _characters); }
    }

    /// <summary>Remembers the statements an edit dropped (in document order) with their text from <paramref name="source"/>, the version they were in.</summary>
    public void Remember(SourceText source, IReadOnlyList<ParsedStatement> statements, int from, int to)
    {
        if (from >= to) return;
        var first = statements[from].Span.Start;
        var last = statements[to - 1].Span.End;
        if (first < 0 || last > source.Length || last - first > MaxCharacters / 4) return;
        var stretch = new Stretch(source.ToString(TextSpan.FromBounds(first, last)));
        lock (_gate)
        {
            for (var i = from; i < to; i++)
            {
                var statement = statements[i];
                var start = statement.Span.Start - first;
                var text = stretch.Text.AsSpan(start, statement.Span.Length);
                if (text.IsEmpty || text[0] == ':') continue;
                var hash = string.GetHashCode(text);
                if (!_byHash.TryGetValue(hash, out var list)) _byHash[hash] = list = new List<Entry>(1);
                list.Add(new Entry(stretch, start, text.Length, statement.Tree, statement.MemoIfMade, statement.Placement));
                stretch.Keys.Add(hash);
            }
            _stretches.Enqueue(stretch);
            _characters += stretch.Text.Length;
            while (_stretches.Count > MaxStretches || _characters > MaxCharacters) Forget(_stretches.Dequeue());
        }
    }

    private void Forget(Stretch stretch)
    {
        _characters -= stretch.Text.Length;
        foreach (var hash in stretch.Keys)
        {
            if (!_byHash.TryGetValue(hash, out var list)) continue;
            list.RemoveAll(e => ReferenceEquals(e.Stretch, stretch));
            if (list.Count == 0) _byHash.Remove(hash);
        }
    }

    /// <summary>A dropped statement with exactly this text, taken out (each serves one statement): its tree, memo and placement.</summary>
    public bool TryTake(ReadOnlySpan<char> text, out GreenNode[] tree, out TreeMemo? memo, out object? placement)
    {
        (tree, memo, placement) = ([], null, null);
        if (text.IsEmpty || text[0] == ':') return false;
        var hash = string.GetHashCode(text);
        lock (_gate)
        {
            if (!_byHash.TryGetValue(hash, out var list)) return false;
            for (var i = list.Count - 1; i >= 0; i--)
            {
                var entry = list[i];
                if (entry.Length != text.Length || !entry.Stretch.Text.AsSpan(entry.Start, entry.Length).SequenceEqual(text)) continue;
                list.RemoveAt(i);
                if (list.Count == 0) _byHash.Remove(hash);
                (tree, memo, placement) = (entry.Tree, entry.Memo, entry.Placement);
                return true;
            }
            return false;
        }
    }
}
