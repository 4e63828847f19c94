using DbAgent.Analysis.Findings;
using DbAgent.Sql.Schema;
using DbAgent.Sql.Semantics;
using DbAgent.Sql.Syntax;
using DbAgent.Sql.Text;

namespace DbAgent.Analysis.Rules;

/// <summary>A lint rule: reads one statement's model (with its script and, when known, the schema) and reports findings.</summary>
public interface ILintRule
{
    RuleDescriptor Descriptor { get; }

    /// <summary>
    /// The findings for one statement, at the rule's default severity; the linter applies settings and suppressions.
    /// They may depend only on the statement (its text, model and tokens), the script's dialect and the schema: the
    /// editor reuses them for as long as the statement is unchanged (see <see cref="LintCache"/>).
    /// </summary>
    IEnumerable<Finding> Analyze(LintContext context);
}

/// <summary>What a rule sees of one statement.</summary>
public sealed class LintContext
{
    public LintContext(SqlScript script, ParsedStatement statement, SchemaModel? schema)
    {
        Script = script;
        Statement = statement;
        Schema = schema;
    }

    public SqlScript Script { get; }
    public ParsedStatement Statement { get; }
    public StatementModel Model => Statement.Model;
    public SchemaModel? Schema { get; }

    /// <summary>The statement's tokens, for the few shape questions the model does not answer yet.</summary>
    /// <remarks>
    /// Listed once per statement and shared by every rule: about twenty rules ask, and listing them anew for each
    /// was a quarter of `dbagent check`'s time (mostly growing and collecting the lists).
    /// </remarks>
    public StatementTokens Tokens => new(Script, Statement, _significant ??= StatementTokens.List(Script, Statement));

    private IReadOnlyList<(DbAgent.Sql.Lexing.Token Token, int Depth)>? _significant;

    /// <summary>A finding of <paramref name="rule"/> at its default severity.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "rules report through their context")]
    public Finding Report(RuleDescriptor rule, TextSpan span, string? message = null) =>
        new(rule.Id, rule.DefaultSeverity, message ?? rule.Message, span);
}
