using DbAgent.Analysis.Findings;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>
/// The rules' findings of each statement of one document, kept across edits so that an edit re-runs the rules only
/// on the statements it touched. Keyed by <see cref="ParsedStatement.TreeIdentity"/> and, when the tree is new, by the
/// statement's text (an edit undone, a quote typed and deleted), with spans relative to the statement's start. Other
/// rules, settings or schema start a new generation. Safe for overlapping runs.
/// </summary>
public sealed class LintCache
{
    private readonly object _gate = new();
    private Generation? _current;

    /// <summary>Whether the last linted version had a suppression comment anywhere, with that version (see <see cref="Linter"/>).</summary>
    internal (object Version, bool Present)? SuppressionMarker { get; set; }

    /// <summary>The engine syntax check's results per statement of the last analysed version (any settings: the engine's grammar does not read them).</summary>
    internal System.Runtime.CompilerServices.StrongBox<Pipeline.ExactSyntaxErrors.Carried?> Exact { get; } = new();

    /// <summary>The findings of one set of inputs; a run keeps the generation it started with.</summary>
    internal Generation For(RuleSettings settings, SchemaModel? schema, IReadOnlyList<ILintRule> rules)
    {
        lock (_gate)
        {
            if (_current is not { } g || !ReferenceEquals(g.Settings, settings) || !ReferenceEquals(g.Schema, schema) || !g.Rules.SequenceEqual(rules))
                _current = new Generation(settings, schema, rules);
            return _current;
        }
    }

    internal sealed class Generation
    {
        private readonly RuleSettings _settings;
        private readonly SchemaModel? _schema;
        private readonly IReadOnlyList<ILintRule> _rules;

        public Generation(RuleSettings settings, SchemaModel? schema, IReadOnlyList<ILintRule> rules)
        {
            _settings = settings;
            _schema = schema;
            _rules = rules;
            _none = new Placed(Entry.Empty, 0, [], this);
        }

        /// <summary>What this generation places on a statement without findings (wherever it stands).</summary>
        private readonly Placed _none;

        /// <summary>
        /// The last run's placement of each statement by index (null where a rule failed or the run stopped), with the
        /// version it is of: the next run takes the statements an edit kept by index (<see cref="SqlScript.Edit"/>).
        /// </summary>
        public Run? LastRun
        {
            get => Volatile.Read(ref _lastRun);
            set => Volatile.Write(ref _lastRun, value);
        }

        private Run? _lastRun;

        /// <summary>A statement's placed findings, placed again where the statement now starts.</summary>
        public Placed MovedTo(Placed placed, int start) =>
            placed.Start == start || ReferenceEquals(placed, _none) ? placed
            // Back where they were found (an edit undone): the very findings found there.
            : placed.Entry.Placed.Start == start && ReferenceEquals(placed.Entry.Placed.Owner, this) ? placed.Entry.Placed
            : new Placed(placed.Entry, start, Moved(placed.Entry.Relative, start), this);

        /// <summary>Findings relative to the statement's start, by tree and by text (see <see cref="StatementMemo{T}"/>).</summary>
        private readonly StatementMemo<Entry> _known = new(GenerationSize, Slot);

        /// <summary>How many findings the last run had before the settings were applied (to size the next run's list).</summary>
        public int LastCount { get; set; }

        /// <summary>What the script facts of the last run concluded: the next run takes it over if its statements summarise alike.</summary>
        public ScriptFacts.Concluded? LastFacts
        {
            get => Volatile.Read(ref _lastFacts);
            set => Volatile.Write(ref _lastFacts, value);
        }

        private ScriptFacts.Concluded? _lastFacts;

        public RuleSettings Settings => _settings;
        public SchemaModel? Schema => _schema;
        public IReadOnlyList<ILintRule> Rules => _rules;

        /// <summary>Adds the statement's cached findings, moved to where the statement now starts, to <paramref name="into"/>; <paramref name="placement"/> is what was placed (this generation's empty placement for no findings).</summary>
        public bool TryAddTo(SqlScript script, ParsedStatement statement, List<Finding> into, out Placed? placement)
        {
            placement = null;
            var start = statement.Span.Start;
            // The statements before an edit are the same objects, where they were: what this generation placed on one
            // answers without looking its tree up (a statement's tree, and so its entry here, never changes).
            // A statement an edit moved is a new object that starts with the old one's placement: same tree, same entry.
            var placed = statement.Placement as Placed;
            Entry? entry;
            if (placed is not null && ReferenceEquals(placed.Owner, this))
            {
                if (ReferenceEquals(placed, _none))
                {
                    placement = _none;
                    return true;
                }
                if (placed.Start == start)
                {
                    into.AddRange(placed.Findings.AsSpan());
                    placement = placed;
                    return true;
                }
                entry = placed.Entry;
            }
            else
            {
                if (!_known.TryGet(script, statement, out entry)) return false;
                // Most statements have no finding: nothing to place, nothing to allocate when they move.
                if (entry.Relative.Length == 0)
                {
                    statement.Placement = _none;
                    placement = _none;
                    return true;
                }
            }
            // Placed anew where the statement now stands, and kept on it.
            placed = MovedTo(entry.Placed, start);
            statement.Placement = placed;
            // As a span: List.AddRange of an array goes through ICollection.CopyTo and the checked Array.Copy, per statement.
            into.AddRange(placed.Findings.AsSpan());
            placement = placed;
            return true;
        }

        private static Finding[] Moved(Finding[] relative, int start)
        {
            var moved = new Finding[relative.Length];
            for (var i = 0; i < moved.Length; i++) moved[i] = relative[i].MovedBy(start);
            return moved;
        }

        public void Set(SqlScript script, ParsedStatement statement, IReadOnlyList<Finding> findings)
        {
            var start = statement.Span.Start;
            if (findings.Count == 0)
            {
                _known.Set(script, statement, Entry.Empty);
                statement.Placement = _none;
                return;
            }
            var entry = new Entry(findings.Select(f => f.MovedBy(-start)).ToArray(), start, findings.ToArray(), this, _settings);
            _known.Set(script, statement, entry);
            statement.Placement = entry.Placed;
        }
    }

    /// <summary>A statement's findings relative to its start, and as they were found, at the start it had then.</summary>
    internal sealed class Entry
    {
        /// <summary>A statement without findings: one shared entry (placed only as each generation's own marker).</summary>
        public static readonly Entry Empty = new([], 0, [], null, null);

        public Entry(Finding[] relative, int start, Finding[] found, Generation? owner, RuleSettings? settings)
        {
            Relative = relative;
            Placed = new Placed(this, start, found, owner);
            // What a keystroke's passes would otherwise read from every finding again, worked out once.
            AsIs = settings is null || Array.TrueForAll(relative, f => settings.SeverityFor(f.RuleId, f.Severity) == f.Severity);
            var sorted = true;
            for (var i = 1; i < relative.Length && sorted; i++) sorted = Linter.DocumentOrder(relative[i - 1], relative[i]) <= 0;
            InOrder = sorted;
            FirstStart = relative.Length > 0 ? relative[0].Span.Start : 0;
            LastStart = relative.Length > 0 ? relative[^1].Span.Start : 0;
            NamesTables = Array.Exists(relative, f => f.Data.ContainsKey(ScriptFacts.ExistingTableKey));
        }

        /// <summary>Where the first and the last finding start, relative to the statement (for the order of a run's findings without reading them).</summary>
        public int FirstStart { get; }
        public int LastStart { get; }

        /// <summary>Some finding is about an existing table (<see cref="ExistingTables"/> has one).</summary>
        public bool NamesTables { get; }

        /// <summary>The generation's settings keep every finding here, at its own severity.</summary>
        public bool AsIs { get; }

        /// <summary>The findings are in <see cref="Linter.DocumentOrder"/>.</summary>
        public bool InOrder { get; }

        public Finding[] Relative { get; }

        /// <summary>Never replaced: placements elsewhere are kept on the statements (<see cref="ParsedStatement.Placement"/>).</summary>
        public Placed Placed { get; }

        /// <summary>
        /// The existing table each finding is about (<see cref="ScriptFacts.ExistingTableKey"/>), or null; empty when
        /// none is about one. Parsed when first asked for, once: where the statement stands does not change it.
        /// </summary>
        public QualifiedName?[] ExistingTables
        {
            get
            {
                if (Volatile.Read(ref _tables) is { } known) return known;
                var tables = new QualifiedName?[Relative.Length];
                var any = false;
                for (var i = 0; i < tables.Length; i++)
                {
                    if (!Relative[i].Data.TryGetValue(ScriptFacts.ExistingTableKey, out var table)) continue;
                    tables[i] = QualifiedName.Parse(table);
                    any = true;
                }
                Volatile.Write(ref _tables, any ? tables : []);
                return _tables!;
            }
        }

        private QualifiedName?[]? _tables;
    }

    /// <summary>An entry's findings placed at a start.</summary>
    internal sealed record Placed(Entry Entry, int Start, Finding[] Findings, Generation? Owner);

    /// <summary>One run's placements by statement index, and the <see cref="SqlScript.Version"/> they are of (an identity: no script is held).</summary>
    internal sealed record Run(object Version, Placed?[] ByStatement)
    {
        /// <summary>The map of created tables the new-table check of that run read (<see cref="ScriptFacts.CreatedTables"/>), and the change's new tables.</summary>
        public object? CreatedTables { get; init; }
        public IReadOnlySet<string>? NewTables { get; init; }
        /// <summary>That check's verdict per statement index: bit i set where finding i was about a new table; -1 where none was kept.</summary>
        public long[]? NewTableVerdicts { get; init; }
    }

    /// <summary>The statements' memo slot of every document's lint cache.</summary>
    private static readonly int Slot = TreeMemo.Reserve();

    /// <summary>Statement texts remembered per document: far more than a 20,000-line file holds, bounded all the same.</summary>
    private const int GenerationSize = 65_536;
}
