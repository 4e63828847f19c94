using DbAgent.Sql;
using DbAgent.Sql.Syntax;

namespace DbAgent.Analysis.Rules;

/// <summary>
/// Something computed from one statement alone (its text, tree and model, and the script's dialect), remembered two
/// ways. By the statement's tree: an edit elsewhere keeps the tree, so most lookups cost no text at all. And by the
/// statement's text: an edit that re-lexes a long stretch of the file and is then undone (a quote typed and deleted
/// flips every later string) gives new trees with the old texts, and those must not cost a new analysis each.
/// Texts are kept in two generations of bounded size: what the document still has stays, what it lost goes.
/// Safe for concurrent use.
/// </summary>
/// <param name="slot">
/// The statement memo slot (<see cref="TreeMemo.Reserve"/>) of this kind of cache; every instance of the kind shares it
/// and marks what it put there as its own (a new generation of a document's cache simply takes the slots over).
/// </param>
internal sealed class StatementMemo<T>(int generationSize, int slot) where T : class
{
    /// <summary>A value in a statement's memo slot, with the memo that put it there.</summary>
    private sealed record Owned(StatementMemo<T> Owner, T Value);
    private readonly Lock _gate = new();
    private Dictionary<string, T>[] _current = NewGeneration();
    private Dictionary<string, T>[] _previous = NewGeneration();
    private int _count;

    private static Dictionary<string, T>[] NewGeneration() =>
        Enumerable.Range(0, Enum.GetValues<SqlDialect>().Max(d => (int)d) + 1).Select(_ => new Dictionary<string, T>(StringComparer.Ordinal)).ToArray();

    /// <summary>The remembered value for the statement, found by tree or else by text (then remembered for the tree too).</summary>
    public bool TryGet(SqlScript script, ParsedStatement statement, out T value)
    {
        if (statement.Memo.Get(slot) is Owned owned && ReferenceEquals(owned.Owner, this))
        {
            value = owned.Value;
            return true;
        }
        var text = TextOf(script, statement);
        value = null!;
        if (text.IsEmpty) return false;
        lock (_gate)
        {
            var dialect = (int)script.Dialect;
            if (!_current[dialect].GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out var key, out value!))
            {
                if (!_previous[dialect].GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(text, out key, out value!)) return false;
                AddLocked(dialect, key, value);
            }
        }
        statement.Memo.Set(slot, new Owned(this, value));
        return true;
    }

    public void Set(SqlScript script, ParsedStatement statement, T value)
    {
        statement.Memo.Set(slot, new Owned(this, value));
        var text = TextOf(script, statement);
        if (text.IsEmpty) return;
        lock (_gate) AddLocked((int)script.Dialect, text.ToString(), value);
    }

    private void AddLocked(int dialect, string key, T value)
    {
        if (_count >= generationSize)
        {
            _previous = _current;
            _current = NewGeneration();
            _count = 0;
        }
        if (_current[dialect].TryAdd(key, value)) _count++;
        else _current[dialect][key] = value;
    }

    /// <summary>The statement's text with its terminator: what the engine and the rules see of it.</summary>
    private static ReadOnlySpan<char> TextOf(SqlScript script, ParsedStatement statement)
    {
        var span = statement.Slice.FullSpan(script.Tokens);
        return span.End <= script.Text.Length ? script.Text.Slice(span) : default;
    }
}
