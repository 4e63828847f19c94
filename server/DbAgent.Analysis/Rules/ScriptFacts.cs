using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>A rule over a whole script: transaction blocks, the order of statements (a lock timeout set before a lock).</summary>
public interface IScriptRule
{
    RuleDescriptor Descriptor { get; }

    IEnumerable<Finding> Analyze(ScriptFacts facts);
}

/// <summary>
/// What a script says as a whole, computed once per analysis: which statements run inside an explicit transaction
/// block, which tables it creates (new and empty, so locking them harms nobody), where a lock timeout is set.
/// </summary>
public sealed class ScriptFacts
{
    /// <summary>Finding data key: the table whose existing rows the finding is about (dropped when the table is new).</summary>
    public const string ExistingTableKey = "existingTable";

    /// <summary>
    /// What follows from the statements' summaries taken together, by statement index: the same for every version of a
    /// document whose statements summarise alike (most keystrokes change no statement's kind, created or locked
    /// table), so the editor's next analysis takes it over instead of walking the script again.
    /// </summary>
    internal sealed class Derived
    {
        /// <summary>
        /// The tables the script creates, by name (compared as <see cref="NameComparer"/> does), each with the index of
        /// the statement that creates it, in document order: one lookup per question, not a walk over every CREATE TABLE.
        /// </summary>
        public required Dictionary<string, Places> Created { get; init; }
        public required bool[] InTransaction { get; init; }
        /// <summary>Per statement: 0 not yet known, 1 the table it locks is new, 2 it is not (or it locks none).</summary>
        public required byte[] LockedIsNew { get; init; }
        /// <summary>See <see cref="FirstLockWithoutTimeout"/>: -2 until asked.</summary>
        public int FirstLockWithoutTimeout = -2;
    }

    /// <summary>Where a table name is created: the first statement inline (most tables are created once), any later ones in a list.</summary>
    internal struct Places((int Index, string? Schema) first)
    {
        public readonly (int Index, string? Schema) First = first;
        public List<(int Index, string? Schema)>? More;
    }
    private readonly IReadOnlySet<string>? _newTables;
    private readonly StatementSummary[] _summaries;
    private readonly Derived _derived;

    /// <summary>The existing table a statement locks (DDL on it), from a summary kept per statement tree.</summary>
    public QualifiedName? LockedTable(int statementIndex) => _summaries[statementIndex].Locked;

    /// <summary>True when the statement sets lock_timeout, statement_timeout or lock_wait_timeout (LOCK_TIMEOUT in T-SQL).</summary>
    public bool SetsTimeout(int statementIndex) => _summaries[statementIndex].SetsTimeout;

    /// <param name="remember">
    /// Keep each statement's summary for the next analysis (by tree and by text): what the editor wants from edit to
    /// edit. A one-shot run (`dbagent check`) sees each statement once, and remembering them would hold every
    /// statement's text of the whole run.
    /// </param>
    /// <param name="previous">What the document's previous analysis concluded (<see cref="Conclusions"/>): taken over when its statements summarised alike.</param>
    public ScriptFacts(SqlScript script, IReadOnlySet<string>? newTables = null, bool remember = true, Concluded? previous = null)
    {
        Script = script;
        _newTables = newTables;
        var statements = script.Statements;
        _summaries = new StatementSummary[statements.Count];
        // After an edit, the summaries of the statements it kept are the previous version's, by index: only the
        // statements it made new are looked up (one lookup per statement of a long file was a walk over thousands of
        // memos on every keystroke).
        var (from, to) = (0, statements.Count);
        if (previous is not null && script.IsEditOf(previous.Version, previous.Summaries.Length))
        {
            script.CarryKept(previous.Summaries, _summaries);
            (from, to) = (script.Edit!.Kept, statements.Count - script.Edit.After);
        }
        for (var i = from; i < to; i++) _summaries[i] = Summarize(script, statements[i], remember);
        var comparable = previous is not null && ReferenceEquals(previous.NewTables, newTables);
        _derived = comparable && SummariseAlike(previous!.Summaries, _summaries) ? previous.Derived
            // Most other edits still create the same tables in the same statements: the map of them (and all that is
            // remembered beside it) stays.
            : comparable && CreateAlike(previous!.Summaries, _summaries) ? Rederive(_summaries, previous.Derived, previous.Summaries)
            : Derive(_summaries);
    }

    private static bool CreateAlike(StatementSummary[] a, StatementSummary[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
            if (!ReferenceEquals(a[i], b[i]) && !a[i].Created.AsSpan().SequenceEqual(b[i].Created)) return false;
        return true;
    }

    /// <summary>True when what the conclusions follow from is the same: a statement an edit changed has a new summary that most often says the same.</summary>
    private static bool SummariseAlike(StatementSummary[] a, StatementSummary[] b)
    {
        if (a.Length != b.Length) return false;
        for (var i = 0; i < a.Length; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (ReferenceEquals(x, y)) continue;
            if (x.Kind != y.Kind || x.Detail != y.Detail || x.SetsTimeout != y.SetsTimeout || x.Locked != y.Locked || !x.Created.AsSpan().SequenceEqual(y.Created)) return false;
        }
        return true;
    }

    /// <summary>What these facts concluded, for the next analysis of the same document; it holds no text or statement.</summary>
    public Concluded Conclusions => new(Script.Version, _summaries, _derived, _newTables);

    /// <summary>The statements' summaries and what followed from them (see <see cref="Conclusions"/>).</summary>
    public sealed class Concluded
    {
        internal Concluded(object version, StatementSummary[] summaries, Derived derived, IReadOnlySet<string>? newTables)
        {
            Version = version;
            Summaries = summaries;
            Derived = derived;
            NewTables = newTables;
        }

        /// <summary>The <see cref="SqlScript.Version"/> these conclusions are of (an identity only: no script is held).</summary>
        internal object Version { get; }
        internal StatementSummary[] Summaries { get; }
        internal Derived Derived { get; }
        internal IReadOnlySet<string>? NewTables { get; }
    }

    private static Derived Derive(StatementSummary[] summaries)
    {
        var creates = 0;
        foreach (var summary in summaries) creates += summary.Created.Length;
        // Sized once: a long migration creates thousands of tables, and growing the map rehashed them all.
        var created = new Dictionary<string, Places>(creates, NameComparer.Instance);
        for (var i = 0; i < summaries.Length; i++)
        {
            foreach (var table in summaries[i].Created)
            {
                var place = (i, table.Schema);
                ref var places = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(created, table.Name, out var exists);
                if (!exists) places = new Places(place);
                else (places.More ??= []).Add(place);
            }
        }
        return new Derived { Created = created, InTransaction = TransactionBlocks(summaries), LockedIsNew = new byte[summaries.Length] };
    }

    /// <summary>
    /// <see cref="Derive"/> after an edit that changed some statements' summaries (<paramref name="before"/>, with
    /// <paramref name="sameCreates"/> derived from them) but no table created: the map is taken over. A statement's
    /// new-table verdict follows from the table it locks (and the map, the same), the transaction blocks from the
    /// transaction statements, the first lock without a timeout from the locks and timeouts up to it. Only a change
    /// of those is worked out again (a keystroke that made a syntax error in a CREATE TABLE looked every lock of a
    /// long migration up again).
    /// </summary>
    private static Derived Rederive(StatementSummary[] summaries, Derived sameCreates, StatementSummary[] before)
    {
        var lockedIsNew = (byte[])sameCreates.LockedIsNew.Clone();
        var transactionsAlike = true;
        var firstLockInput = int.MaxValue;
        for (var i = 0; i < summaries.Length; i++)
        {
            var (x, y) = (before[i], summaries[i]);
            if (ReferenceEquals(x, y)) continue;
            if (x.Kind == StatementKind.Transaction || y.Kind == StatementKind.Transaction) transactionsAlike = false;
            if (x.Locked != y.Locked) lockedIsNew[i] = 0;
            if ((x.Locked != y.Locked || x.SetsTimeout != y.SetsTimeout) && firstLockInput == int.MaxValue) firstLockInput = i;
        }
        var first = Volatile.Read(ref sameCreates.FirstLockWithoutTimeout);
        // The walk for it stops at the first lock found: a change after that one leaves it where it was.
        if (firstLockInput != int.MaxValue && !(first >= 0 && firstLockInput > first)) first = -2;
        return new Derived
        {
            Created = sameCreates.Created,
            InTransaction = transactionsAlike ? sameCreates.InTransaction : TransactionBlocks(summaries),
            LockedIsNew = lockedIsNew,
            FirstLockWithoutTimeout = first,
        };
    }

    /// <summary>Per statement: whether it runs inside BEGIN ... COMMIT written in the script.</summary>
    private static bool[] TransactionBlocks(StatementSummary[] summaries)
    {
        var inTransaction = new bool[summaries.Length];
        var open = false;
        for (var i = 0; i < summaries.Length; i++)
        {
            var summary = summaries[i];
            if (summary.Kind == StatementKind.Transaction)
            {
                var word = summary.Detail ?? "";
                if (word is "BEGIN" or "START") open = true;
                else if (word is "COMMIT" or "ROLLBACK" or "END" or "ABORT") open = false;
                continue;
            }
            inTransaction[i] = open;
        }
        return inTransaction;
    }

    /// <summary>What the script walk needs of a statement, kept per statement tree: an edit elsewhere costs no model.</summary>
    internal sealed record StatementSummary(StatementKind Kind, string? Detail, QualifiedName[] Created, QualifiedName? Locked, bool SetsTimeout);

    private static readonly StatementMemo<StatementSummary> Summaries = new(100_000, TreeMemo.Reserve());

    private static StatementSummary Summarize(SqlScript script, ParsedStatement statement, bool remember)
    {
        if (remember && Summaries.TryGet(script, statement, out var known)) return known;
        var model = statement.Model;
        var setsTimeout = model.Kind is StatementKind.Set or StatementKind.Other or StatementKind.Unknown
            && statement.Span.End <= script.Text.Length
            && script.Text.ToString(statement.Span) is var text
            && (text.Contains("lock_timeout", StringComparison.OrdinalIgnoreCase) || text.Contains("statement_timeout", StringComparison.OrdinalIgnoreCase)
                || text.Contains("lock_wait_timeout", StringComparison.OrdinalIgnoreCase));
        var summary = new StatementSummary(model.Kind, model.Detail, model.Ddl.OfType<CreateTableAction>().Select(c => c.Table).ToArray(),
            Migrations.ScriptRule.LockedTable(model), setsTimeout);
        if (remember) Summaries.Set(script, statement, summary);
        return summary;
    }

    public SqlScript Script { get; }
    public SqlDialect Dialect => Script.Dialect;
    public IReadOnlyList<ParsedStatement> Statements => Script.Statements;

    /// <summary>True when the statement runs inside BEGIN ... COMMIT written in the script.</summary>
    public bool InTransactionBlock(int statementIndex) => _derived.InTransaction[statementIndex];

    public bool HasNewTables => _derived.Created.Count > 0 || _newTables is { Count: > 0 };

    /// <summary>True when the table was created earlier in this script (before offset <paramref name="before"/>), or by another migration of the same change.</summary>
    public bool IsNewTable(QualifiedName table, int before) => IsNewTableBefore(table, StatementsStartingBefore(before));

    /// <summary>
    /// The first statement that locks an existing table with no lock timeout set before it, or -1: worked out once
    /// for as long as the conclusions are taken over (a keystroke need not walk the whole migration for it).
    /// </summary>
    public int FirstLockWithoutTimeout()
    {
        var derived = _derived;
        var known = Volatile.Read(ref derived.FirstLockWithoutTimeout);
        if (known != -2) return known;
        var found = -1;
        for (var i = 0; i < _summaries.Length; i++)
        {
            if (SetsTimeout(i)) break;
            if (LockedTable(i) is null || LocksNewTable(i)) continue;
            found = i;
            break;
        }
        Volatile.Write(ref derived.FirstLockWithoutTimeout, found);
        return found;
    }

    /// <summary>True when the table the statement locks (<see cref="LockedTable"/>) was created before it; false when it locks none.</summary>
    public bool LocksNewTable(int statementIndex)
    {
        var known = _derived.LockedIsNew;
        if (known[statementIndex] == 0)
            known[statementIndex] = _summaries[statementIndex].Locked is { } table && IsNewTableBefore(table, statementIndex) ? (byte)1 : (byte)2;
        return known[statementIndex] == 1;
    }

    /// <summary>True when the table was created by one of the first <paramref name="statementCount"/> statements, or by another migration of the change.</summary>
    private bool IsNewTableBefore(QualifiedName table, int statementCount)
    {
        if (_derived.Created.TryGetValue(table.Name, out var places))
        {
            if (CreatedBefore(places.First, table, statementCount)) return true;
            if (places.More is { } more && places.First.Index < statementCount)
            {
                foreach (var place in more)
                {
                    if (place.Index >= statementCount) break;
                    if (CreatedBefore(place, table, statementCount)) return true;
                }
            }
        }
        return _newTables is not null && (_newTables.Contains(table.ToString()) || _newTables.Contains(table.Name));
    }

    /// <summary>How many statements start before the offset (they are in document order).</summary>
    private int StatementsStartingBefore(int offset)
    {
        var statements = Script.Statements;
        int lo = 0, hi = statements.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (statements[mid].Span.Start < offset) lo = mid + 1; else hi = mid - 1;
        }
        return lo;
    }

    private static bool CreatedBefore((int Index, string? Schema) place, QualifiedName table, int statementCount) =>
        place.Index < statementCount && (place.Schema is null || table.Schema is null || NameComparer.SameName(place.Schema, table.Schema));

    /// <summary>The map of created tables: the same object while a document's statements create the same tables at the same places.</summary>
    internal object CreatedTables => _derived.Created;

    /// <summary>
    /// True when the finding, of the statement at <paramref name="statementIndex"/> (which starts at <paramref name="statementStart"/>),
    /// is about a table created before it. For findings just made (the statements an edit changed); a cached statement's
    /// tables are parsed once, on its cache entry.
    /// </summary>
    internal bool IsAboutNewTable(Finding finding, int statementIndex, int statementStart) =>
        finding.Data.TryGetValue(ExistingTableKey, out var table) && IsNewTableFor(QualifiedName.Parse(table), finding, statementIndex, statementStart);

    /// <summary>True when <paramref name="table"/>, which a finding of the statement at <paramref name="statementIndex"/> is about, was created before the finding.</summary>
    internal bool IsNewTableFor(QualifiedName table, Finding finding, int statementIndex, int statementStart) =>
        // By an earlier statement, or by this one when the finding lies after its start.
        IsNewTableBefore(table, finding.Span.Start > statementStart ? statementIndex + 1 : statementIndex);

    /// <summary>The first word of a statement, upper-cased.</summary>
    public string FirstWord(ParsedStatement statement)
    {
        foreach (var (token, _) in new StatementTokens(Script, statement).Significant())
            return Script.Text.ToString(token.Span).ToUpperInvariant();
        return "";
    }

    public static TextSpan KeywordSpan(ParsedStatement statement) =>
        statement.Model.KeywordSpan.IsEmpty ? statement.Span : statement.Model.KeywordSpan;
}
