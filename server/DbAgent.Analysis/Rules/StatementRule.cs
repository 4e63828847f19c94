using DbAgent.Analysis.Findings;
using DbAgent.Sql;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>A lint rule with its descriptor declared once, that runs only on the engines it names.</summary>
public abstract class StatementRule : ILintRule
{
    protected StatementRule(RuleDescriptor descriptor) => Descriptor = descriptor;

    public RuleDescriptor Descriptor { get; }

    public IEnumerable<Finding> Analyze(LintContext context) =>
        Descriptor.AppliesTo(context.Script.Dialect) ? Check(context) : [];

    protected abstract IEnumerable<Finding> Check(LintContext context);

    /// <param name="existingTable">The table whose existing rows make this a problem: the finding is dropped when the script created it.</param>
    protected Finding Report(LintContext context, TextSpan span, string message, string? existingTable = null, params FindingFix[] fixes) =>
        context.Report(Descriptor, span, message) with
        {
            Data = existingTable is null ? new Dictionary<string, string>() : new Dictionary<string, string> { [ScriptFacts.ExistingTableKey] = existingTable },
            Fixes = fixes,
        };

    protected static RuleDescriptor Rule(string id, string title, string message, FindingSeverity severity, RuleCategory category, params SqlDialect[] engines) =>
        new(id, title, message, severity, category) { Engines = engines };

    protected static FindingFix Insert(string title, int at, string text) => new(title, [new FindingEdit(new TextSpan(at, 0), text)]);
}
