using System.Runtime.CompilerServices;
using DbAgent.Analysis.Findings;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>
/// The rules' findings of each statement of one document, kept across edits so that an edit re-runs the rules only
/// on the statements it touched. Keyed by <see cref="ParsedStatement.TreeIdentity"/>, with spans relative to the
/// statement's start. Other rules, settings or schema start a new generation. Safe for overlapping runs.
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
        private readonly ConditionalWeakTable<object, IReadOnlyList<Finding>> _byTree = new();

        public RuleSettings Settings => settings;
        public SchemaModel? Schema => schema;
        public IReadOnlyList<ILintRule> Rules => rules;

        public bool TryGet(ParsedStatement statement, out IEnumerable<Finding> findings)
        {
            findings = [];
            if (statement.TreeIdentity is not { } key || !_byTree.TryGetValue(key, out var relative)) return false;
            var start = statement.Span.Start;
            findings = relative.Select(f => Move(f, start));
            return true;
        }

        public void Set(ParsedStatement statement, IReadOnlyList<Finding> findings)
        {
            if (statement.TreeIdentity is not { } key) return;
            var start = statement.Span.Start;
            _byTree.AddOrUpdate(key, findings.Select(f => Move(f, -start)).ToList());
        }

        private static Finding Move(Finding finding, int by) => finding.MovedBy(by);
    }
}
