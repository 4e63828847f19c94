using DbAgent.Analysis.Findings;
using DbAgent.Sql.Schema;
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

    internal sealed class Generation(RuleSettings settings, SchemaModel? schema, IReadOnlyList<ILintRule> rules)
    {
        /// <summary>Findings relative to the statement's start, by tree and by text (see <see cref="StatementMemo{T}"/>).</summary>
        private readonly StatementMemo<Entry> _known = new(GenerationSize, Slot);

        /// <summary>How many findings the last run had before the settings were applied (to size the next run's list).</summary>
        public int LastCount { get; set; }

        public RuleSettings Settings => settings;
        public SchemaModel? Schema => schema;
        public IReadOnlyList<ILintRule> Rules => rules;

        /// <summary>Adds the statement's cached findings, moved to where the statement now starts, to <paramref name="into"/>.</summary>
        public bool TryAddTo(SqlScript script, ParsedStatement statement, List<Finding> into)
        {
            if (!_known.TryGet(script, statement, out var entry)) return false;
            // Most statements have no finding: nothing to place, nothing to allocate when they move.
            if (entry.Relative.Length == 0) return true;
            var start = statement.Span.Start;
            // The statements before an edit stay where they were: their findings are reused as they are, not copied.
            var placed = Volatile.Read(ref entry.Placed);
            if (placed.Start != start)
            {
                var relative = entry.Relative;
                var moved = new Finding[relative.Length];
                for (var i = 0; i < moved.Length; i++) moved[i] = relative[i].MovedBy(start);
                placed = new Placed(start, moved);
                Volatile.Write(ref entry.Placed, placed);
            }
            // As a span: List.AddRange of an array goes through ICollection.CopyTo and the checked Array.Copy, per statement.
            into.AddRange(placed.Findings.AsSpan());
            return true;
        }

        public void Set(SqlScript script, ParsedStatement statement, IReadOnlyList<Finding> findings)
        {
            var start = statement.Span.Start;
            if (findings.Count == 0)
            {
                _known.Set(script, statement, Entry.Empty);
                return;
            }
            var entry = new Entry(findings.Select(f => f.MovedBy(-start)).ToArray()) { Placed = new Placed(start, findings.ToArray()) };
            _known.Set(script, statement, entry);
        }
    }

    /// <summary>A statement's findings relative to its start, and the same placed at the start it last had (swapped whole, so racing runs each see one).</summary>
    internal sealed class Entry(Finding[] relative)
    {
        /// <summary>A statement without findings: one shared entry (it is never placed).</summary>
        public static readonly Entry Empty = new([]);

        public Finding[] Relative { get; } = relative;
        public Placed Placed = new(0, relative);
    }

    internal sealed record Placed(int Start, Finding[] Findings);

    /// <summary>The statements' memo slot of every document's lint cache.</summary>
    private static readonly int Slot = TreeMemo.Reserve();

    /// <summary>Statement texts remembered per document: far more than a 20,000-line file holds, bounded all the same.</summary>
    private const int GenerationSize = 65_536;
}
