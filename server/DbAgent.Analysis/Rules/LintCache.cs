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
        private readonly StatementMemo<IReadOnlyList<Finding>> _known = new(GenerationSize);

        public RuleSettings Settings => settings;
        public SchemaModel? Schema => schema;
        public IReadOnlyList<ILintRule> Rules => rules;

        /// <summary>Adds the statement's cached findings, moved to where the statement now starts, to <paramref name="into"/>.</summary>
        public bool TryAddTo(SqlScript script, ParsedStatement statement, List<Finding> into)
        {
            if (!_known.TryGet(script, statement, out var relative)) return false;
            var start = statement.Span.Start;
            // A plain loop: this runs for every statement of the document on every keystroke.
            for (var i = 0; i < relative.Count; i++) into.Add(relative[i].MovedBy(start));
            return true;
        }

        public void Set(SqlScript script, ParsedStatement statement, IReadOnlyList<Finding> findings)
        {
            var start = statement.Span.Start;
            _known.Set(script, statement, findings.Select(f => f.MovedBy(-start)).ToList());
        }
    }

    /// <summary>Statement texts remembered per document: far more than a 20,000-line file holds, bounded all the same.</summary>
    private const int GenerationSize = 65_536;
}
